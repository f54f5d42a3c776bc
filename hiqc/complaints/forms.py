"""Complaint forms. The rules live in services (complaint_clean, _prepare); these forms render
fields and carry the service's errors back to them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hiqc.customers.enums import Channel
from hiqc.organisations.forms import unit_choices

from .enums import DisputeType, Nature, Outcome, ProductLine, RespondentKind, Source, Status

BLANK: list[tuple[str, Any]] = [("", "—")]


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("编号 / 投诉人姓名"), required=False, max_length=60)
    org = forms.ChoiceField(label=_("机构"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=BLANK + Status.choices)
    dispute_type = forms.ChoiceField(
        label=_("争议类型"), required=False, choices=BLANK + DisputeType.choices
    )
    source = forms.ChoiceField(label=_("来源"), required=False, choices=BLANK + Source.choices)
    received_from = forms.DateField(
        label=_("接收日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("全部"))] + [
            (u.path, label) for u, (_pk, label) in zip(units, unit_choices(units), strict=True)
        ]


class ComplaintForm(forms.Form):
    """Registration (CP-5: identity, contact, respondent, request and facts — nothing the
    insurer already holds). The complainant comes from the lookup above the form."""

    org_unit_id = forms.ChoiceField(label=_("承办机构"))
    channel = forms.ChoiceField(label=_("投诉渠道"), choices=BLANK + Channel.choices)
    source = forms.ChoiceField(label=_("投诉来源"), choices=Source.choices, initial=Source.DIRECT)
    forwarded_on = forms.CharField(
        label=_("转送日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("监管或行业协会转送的投诉必填（CP-9）"),
    )
    forwarding_ref = forms.CharField(label=_("转送编号"), required=False, max_length=60)
    received_at = forms.CharField(
        label=_("接收时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("不填则为现在；处理期限自接收之日起计算（CP-1）"),
    )
    respondent_kind = forms.ChoiceField(
        label=_("被投诉方类型"), choices=BLANK + RespondentKind.choices
    )
    respondent_user_id = forms.ChoiceField(label=_("被投诉员工"), required=False)
    respondent_name = forms.CharField(label=_("被投诉方名称或姓名"), required=False, max_length=100)
    involved_user_ids = forms.MultipleChoiceField(
        label=_("涉及人员（须回避）"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=_("投诉中点名或经办过投诉事项的人员，不能承办本投诉（CP-6）"),
    )
    request = forms.CharField(label=_("投诉请求"), widget=forms.Textarea(attrs={"rows": 3}))
    facts = forms.CharField(label=_("事实与理由"), widget=forms.Textarea(attrs={"rows": 4}))
    policy_ref = forms.CharField(label=_("保单号"), required=False, max_length=40)
    claim_ref = forms.CharField(label=_("理赔案号"), required=False, max_length=40)
    recording_ref = forms.CharField(
        label=_("录音录像编号"), required=False, max_length=100, help_text=_("CP-7")
    )
    dispute_type = forms.ChoiceField(label=_("争议类型"), choices=BLANK + DisputeType.choices)
    product_line = forms.ChoiceField(label=_("险种"), choices=BLANK + ProductLine.choices)
    nature = forms.ChoiceField(label=_("投诉性质"), choices=BLANK + Nature.choices)

    def __init__(self, *args, units=(), staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The service checks every field and names each problem (one set of messages for the
        # page and the API); the form only marks which fields are required.
        self.required_names = {n for n, f in self.fields.items() if f.required}
        for f in self.fields.values():
            f.required = False
        field = self.fields["org_unit_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = unit_choices(units)
        people = [(str(u.pk), f"{u.display_name or u.username}（{u.username}）") for u in staff]
        for name, blank in (("respondent_user_id", BLANK), ("involved_user_ids", [])):
            choice = self.fields[name]
            assert isinstance(choice, forms.ChoiceField)
            choice.choices = blank + people


OUTCOME_CHOICES = BLANK + Outcome.choices
