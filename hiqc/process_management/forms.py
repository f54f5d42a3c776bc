from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hiqc.organisations.forms import unit_choices

from .mining import RANKINGS

RANK_CHOICES = [
    ("mean", _("平均等待")),
    ("median", _("中位等待")),
    ("p90", _("P90 等待")),
    ("total", _("累计等待")),
    ("working_mean", _("平均等待（工作时间）")),
]
assert {k for k, _label in RANK_CHOICES} == set(RANKINGS)


class MiningFilterForm(forms.Form):
    """The mining page's filters (GET): a bad one is shown at its field, the others still apply."""

    unit = forms.ChoiceField(label=_("机构"), required=False)
    start = forms.DateField(
        label=_("案件开始日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rank = forms.ChoiceField(label=_("瓶颈排序"), required=False, choices=RANK_CHOICES)

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = unit_choices(units)


class GuidanceForm(forms.Form):
    """One step's operating requirements ("" = the process as a whole)."""

    step = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    requirements = forms.CharField(
        label=_("操作要求"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    documents = forms.CharField(
        label=_("所需单证"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("修订说明"), max_length=255)


class ProfileForm(forms.Form):
    """A process's catalogue facts (2.1.1)."""

    owner_role = forms.ChoiceField(label=_("流程负责角色"), required=False)
    customers = forms.CharField(
        label=_("服务对象"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    channels = forms.CharField(
        label=_("服务渠道"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("修订说明"), max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from hiqc.core.access import role_codes, role_label

        super().__init__(*args, **kwargs)
        field = self.fields["owner_role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(r, role_label(r)) for r in sorted(role_codes())]


class AnalysisForm(forms.Form):
    """A needs analysis (2.1.2(1)) for one version of the process."""

    version = forms.ChoiceField(label=_("流程版本"))
    summary = forms.CharField(label=_("分析摘要"), widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.CharField(label=_("识别的客户需求"), widget=forms.Textarea(attrs={"rows": 3}))
    other_evidence = forms.CharField(
        label=_("其他依据（如满意度调查意见）"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, versions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (str(v.pk), _("第 {n} 版（{d} 起，{p}）").format(
                n=v.number, d=v.effective_from.isoformat(), p=v.org_path or _("全公司")))
            for v in versions
        ]  # fmt: skip


class EvidenceForm(forms.Form):
    """Link one case (any registered kind) to a needs analysis as its evidence."""

    analysis = forms.CharField(widget=forms.HiddenInput, max_length=64)
    case_type = forms.ChoiceField(label=_("案件类型"))
    case_id = forms.CharField(label=_("案件 ID"), max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from hiqc.core.casekinds import CASE_KINDS

        super().__init__(*args, **kwargs)
        field = self.fields["case_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k.label, str(k.name) or k.label) for k in CASE_KINDS.values()]
