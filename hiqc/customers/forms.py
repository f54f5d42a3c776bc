from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import RevealableField


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名 / 证件号码 / 手机号码"), required=False, max_length=60)


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("字段"), choices=RevealableField.choices)
    purpose = forms.CharField(
        label=_("查看用途"),
        max_length=200,  # length rule lives in the service
        widget=forms.TextInput(attrs={"placeholder": _("例如：核对理赔申请人身份")}),
    )
