from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hiqc.core.collection import BASES
from hiqc.core.personaldata import Basis
from hiqc.organisations.forms import unit_choices

from .enums import CustomerKind, Gender, IdType, RevealableField


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名 / 证件号码 / 手机号码"), required=False, max_length=60)


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("字段"), choices=RevealableField.choices)
    purpose = forms.CharField(
        label=_("查看用途"),
        max_length=200,  # length rule lives in the service
        widget=forms.TextInput(attrs={"placeholder": _("例如：核对理赔申请人身份")}),
    )


class CustomerForm(forms.Form):
    """Registration of a customer. Field rules live in services.customer_clean; errors from the
    service are attached to these fields."""

    org_unit = forms.ChoiceField(label=_("归属机构"))
    name = forms.CharField(label=_("姓名"), max_length=100)
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(label=_("证件号码"), max_length=30, required=False)
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("居民身份证可不填，自动取自证件号码"),
    )
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices, initial=Gender.UNKNOWN)
    mobile = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)
    address = forms.CharField(label=_("联系地址"), max_length=300, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=40, required=False)
    kinds = forms.MultipleChoiceField(
        label=_("客户身份"),
        choices=CustomerKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    collection_basis = forms.ChoiceField(
        label=_("采集的合法性基础"),
        choices=BASES,
        initial=Basis.CONTRACT,
        required=False,  # empty: the contract (the usual ground for a customer)
        help_text=_("个人信息保护法第十三条（标准 6.1.2）"),
    )
    source_system = forms.CharField(
        label=_("信息来源"),
        max_length=100,
        required=False,
        help_text=_("例如：柜面、客户来电、核心业务系统"),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org_unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = unit_choices(units)
