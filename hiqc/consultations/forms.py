"""Page forms. Field rules live in services.consultation_clean; the service's errors are attached
to these fields, in Chinese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hiqc.complaints.enums import DisputeType, Nature, ProductLine, RespondentKind
from hiqc.customers.enums import Channel
from hiqc.organisations.forms import unit_choices

from .enums import ConsultationStatus, SuggestionStatus


def topic_choices(categories) -> list:
    """Grouped choices: category → its topics (an optgroup per category)."""
    return [
        ("", "——"),
        *((c.name, [(str(t.pk), t.name) for t in c.topics.all()]) for c in categories),
    ]


class CaptureForm(forms.Form):
    org_unit = forms.ChoiceField(label=_("受理机构"))
    customer_id = forms.CharField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("来电人称呼"), max_length=60, required=False)
    contact_mobile = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[("", "——"), *Channel.choices], required=False
    )
    category_id = forms.ChoiceField(label=_("咨询类别"), required=False)
    topic_id = forms.ChoiceField(label=_("咨询主题"), required=False)
    question = forms.CharField(
        label=_("咨询内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.CharField(
        label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved_now = forms.BooleanField(label=_("当场解决（首次接触解决）"), required=False)
    call_id = forms.CharField(label=_("通话流水号"), max_length=64, required=False)
    recording_ref = forms.CharField(label=_("录音/录像编号"), max_length=255, required=False)

    def __init__(self, *args, units=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].choices = unit_choices(units)  # type: ignore[attr-defined]
        self.fields["category_id"].choices = [  # type: ignore[attr-defined]
            ("", _("全部类别")),
            *((str(c.pk), c.name) for c in categories),
        ]
        self.fields["topic_id"].choices = topic_choices(categories)  # type: ignore[attr-defined]
        keys = {
            "channel": "c",
            "topic_id": "t",
            "question": "w",
            "answer": "a",
            "resolved_now": "r",
            "recording_ref": "l",
        }
        for name, key in keys.items():
            self.fields[name].widget.attrs["accesskey"] = key
        self.fields["recording_ref"].widget.attrs["placeholder"] = _(
            "例：rec://ivr/2026/11/26/8812.wav"
        )
        self.fields["call_id"].widget.attrs["placeholder"] = _(
            "电话渠道填写，例：CALL-20261126-0001"
        )


class ConsultationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *ConsultationStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部")), *Channel.choices]
    )
    category = forms.ChoiceField(label=_("类别"), required=False)
    topic = forms.ChoiceField(label=_("主题"), required=False)
    org_unit = forms.ChoiceField(label=_("机构"), required=False)
    date_from = forms.DateField(
        label=_("受理日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("全部")),
            *((str(c.pk), c.name) for c in categories),
        ]
        self.fields["topic"].choices = [("", _("全部")), *topic_choices(categories)[1:]]  # type: ignore[attr-defined]
        self.fields["org_unit"].choices = [  # type: ignore[attr-defined]
            ("", _("全部")),
            *((u.path, u.localized_name) for u in units),
        ]


class SuggestionDecideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (SuggestionStatus.ADOPTED, SuggestionStatus.ADOPTED.label),
            (SuggestionStatus.NOT_ADOPTED, SuggestionStatus.NOT_ADOPTED.label),
        ],
    )
    response = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, offered=None, **kwargs):
        """``offered``: the decisions the workflow allows the user now (all when None)."""
        super().__init__(*args, **kwargs)
        if offered is not None:
            field = self.fields["status"]
            field.choices = [c for c in field.choices if c[0] in offered]  # type: ignore[attr-defined]


# A default dispute type from the topic category the consultation already holds (CP-5).
DISPUTE_FOR_CATEGORY = {
    "claims": DisputeType.CLAIMS,
    "policy": DisputeType.POLICY_SERVICE,
    "product": DisputeType.SALES,
    "payment": DisputeType.SERVICE,
    "health": DisputeType.SERVICE,
    "other": DisputeType.OTHER,
}


class ComplaintConversionForm(forms.Form):
    """转投诉: only what the consultation does not hold — the request and the CP-10
    classification. Complainant, channel, facts and recording are taken from the consultation."""

    request = forms.CharField(
        label=_("投诉请求"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    dispute_type = forms.ChoiceField(label=_("争议类型"), choices=DisputeType.choices)
    product_line = forms.ChoiceField(label=_("险种"), choices=ProductLine.choices)
    nature = forms.ChoiceField(label=_("投诉性质"), choices=Nature.choices)
    respondent_kind = forms.ChoiceField(label=_("被投诉方类型"), choices=RespondentKind.choices)

    def __init__(self, *args, category_code: str = "", **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "dispute_type": DISPUTE_FOR_CATEGORY.get(category_code, DisputeType.OTHER),
                "product_line": ProductLine.MEDICAL,
                "nature": Nature.CONTRACT_DISPUTE,
                "respondent_kind": RespondentKind.BRANCH,
            },
        )
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].widget.attrs["id"] = f"cc_{name}"
