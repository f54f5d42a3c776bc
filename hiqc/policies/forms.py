from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import PolicyStatus


class PolicySearchForm(forms.Form):
    number = forms.CharField(label=_("保单号"), max_length=40, required=False)
    status = forms.ChoiceField(
        label=_("保单状态"), required=False, choices=[("", "—"), *PolicyStatus.choices]
    )


class PolicyImportForm(forms.Form):
    file = forms.FileField(label=_("保单文件（CSV，含表头）"))
