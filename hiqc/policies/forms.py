from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import ClaimType, PolicyStatus, PremiumBasis, ProductLine, Renewal


class PolicySearchForm(forms.Form):
    number = forms.CharField(label=_("保单号"), max_length=40, required=False)
    status = forms.ChoiceField(
        label=_("保单状态"), required=False, choices=[("", "—"), *PolicyStatus.choices]
    )


class PolicyImportForm(forms.Form):
    file = forms.FileField(label=_("保单文件（CSV，含表头）"))


class ProductFilterForm(forms.Form):
    line = forms.ChoiceField(
        label=_("险种"), required=False, choices=[("", _("全部险种")), *ProductLine.choices]
    )


class ProductCreateForm(forms.Form):
    code = forms.CharField(label=_("产品代码"), max_length=40)
    name = forms.CharField(label=_("产品名称"), max_length=100)
    line = forms.ChoiceField(label=_("险种"), choices=ProductLine.choices)
    description = forms.CharField(
        label=_("产品说明"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )


class ProductEditForm(forms.Form):
    name = forms.CharField(label=_("产品名称"), max_length=100)
    line = forms.ChoiceField(label=_("险种"), choices=ProductLine.choices,
                             help_text=_("首个版本发布后不可更改"))  # fmt: skip
    description = forms.CharField(
        label=_("产品说明"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    active = forms.BooleanField(label=_("在售"), required=False)


class VersionTermsForm(forms.Form):
    """A draft's single-valued terms: their types here, their ranges in the catalogue (so every
    problem of a post is shown at once)."""

    term_years = forms.IntegerField(label=_("保险期间（年）"))
    premium_basis = forms.ChoiceField(label=_("费率基础"), choices=PremiumBasis.choices)
    net_premium_yuan = forms.DecimalField(
        label=_("参考年净保费（元）"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_("健康管理服务成本占比的分母（PR-1）"),
    )
    waiting_period_days = forms.IntegerField(label=_("等待期（天）"))
    renewal = forms.ChoiceField(label=_("续保条件"), choices=Renewal.choices)
    claim_types = forms.MultipleChoiceField(
        label=_("可理赔类型"),
        required=False,
        choices=ClaimType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    change_summary = forms.CharField(
        label=_("版本说明"), required=False, max_length=4000, widget=forms.Textarea({"rows": 2})
    )


class RowForm(forms.Form):
    """A row of a table of inputs: the column header is the visible label, so each input
    carries its label for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label or ""))


class CoverageRowForm(RowForm):
    code = forms.CharField(label=_("责任代码"), required=False, max_length=40)
    name = forms.CharField(label=_("责任名称"), required=False, max_length=100)
    description = forms.CharField(label=_("责任说明"), required=False, max_length=2000)


class SumInsuredRowForm(RowForm):
    amount = forms.IntegerField(
        label=_("保险金额（元）"), required=False, min_value=1, max_value=10**12
    )


class HealthServiceRowForm(RowForm):
    name = forms.CharField(label=_("服务名称"), required=False, max_length=100)
    cost_yuan = forms.DecimalField(
        label=_("年成本（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )


class DocumentRowForm(RowForm):
    claim_type = forms.ChoiceField(
        label=_("理赔类型"), required=False, choices=[("", "—"), *ClaimType.choices]
    )
    code = forms.CharField(label=_("材料代码"), required=False, max_length=40)
    name = forms.CharField(label=_("材料名称"), required=False, max_length=100)
    required = forms.BooleanField(label=_("必需"), required=False)


class RowFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = str(_("删除"))


def _rows(form_class: type[forms.Form]) -> type[forms.BaseFormSet]:
    """Repeatable rows without script: the rows there are plus two blank ones; a blank row or
    one marked 删除 is left out."""
    return forms.formset_factory(form_class, formset=RowFormSet, extra=2, can_delete=True)


CoverageRows = _rows(CoverageRowForm)
SumInsuredRows = _rows(SumInsuredRowForm)
HealthServiceRows = _rows(HealthServiceRowForm)
DocumentRows = _rows(DocumentRowForm)


class PublishForm(forms.Form):
    effective_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ProductImportForm(forms.Form):
    file = forms.FileField(label=_("产品文件（Excel .xlsx 或 CSV，含表头）"))
