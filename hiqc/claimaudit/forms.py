"""Page inputs for claims audits. Forms parse; the services decide (no rules here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from hiqc.claims.enums import Outcome, ReasonCode

from .enums import ErrorType, Method
from .sampling import DEFAULT_BANDS


class RoundForm(forms.Form):
    name = forms.CharField(label=_lazy("名称"), max_length=100)
    org_unit_id = forms.ChoiceField(label=_lazy("审计范围（含下级机构）"))
    period_start = forms.DateField(
        label=_lazy("核定期间开始"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=_lazy("核定期间结束"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    method = forms.ChoiceField(
        label=_lazy("抽样方法"), choices=Method.choices, initial=Method.SIMPLE
    )
    confidence = forms.TypedChoiceField(
        label=_lazy("置信水平"),
        choices=[(90, "90%"), (95, "95%"), (99, "99%")],
        coerce=int,
        initial=95,
    )
    margin = forms.DecimalField(
        label=_lazy("允许误差（0.05 表示 ±5 个百分点）"),
        initial="0.05",
        min_value=0,
        decimal_places=4,
    )
    expected_rate = forms.DecimalField(
        label=_lazy("预期差错率（留空按 0.5 估计，最保守）"),
        required=False,
        min_value=0,
        decimal_places=4,
    )
    bands = forms.CharField(
        label=_lazy("金额分层界限（元，逗号分隔；仅分层抽样）"),
        required=False,
        initial=", ".join(f"{b:.0f}" for b in DEFAULT_BANDS),
    )
    seed = forms.IntegerField(label=_lazy("随机种子（留空自动生成）"), required=False, min_value=0)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["org_unit_id"]
        field.choices = [(str(u.pk), "　" * max(u.depth - 1, 0) + u.localized_name) for u in units]

    def band_list(self) -> list[str]:
        raw = str(self.cleaned_data.get("bands") or "").replace("，", ",")
        return [b.strip() for b in raw.split(",") if b.strip()]


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_lazy("复核结论"), choices=Outcome.choices)
    amount = forms.CharField(label=_lazy("复核认定赔付金额（元；拒赔不填）"), required=False)
    reason_code = forms.ChoiceField(
        label=_lazy("理由（部分赔付或拒赔时必选）"),
        choices=[("", "—"), *ReasonCode.choices],
        required=False,
    )
    note = forms.CharField(
        label=_lazy("复核说明"), required=False, max_length=500, widget=forms.Textarea({"rows": 3})
    )


class ErrorsForm(forms.Form):
    error_types = forms.MultipleChoiceField(
        label=_lazy("差错类型（无差错则不勾选）"),
        choices=ErrorType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
