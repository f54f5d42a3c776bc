from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Role
from .models import OrgUnit


def unit_choices(units: Iterable[OrgUnit]) -> list[tuple[str, str]]:
    """Org units as select options, indented by depth."""
    return [(str(u.pk), "　" * (u.depth - 1) + u.localized_name) for u in units]


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    org_unit = forms.ChoiceField(label=_("授权范围"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org_unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = unit_choices(units)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, initial=90)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=100)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    org_unit = forms.ChoiceField(label=_("所属机构"))
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, max_length=128)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org_unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = unit_choices(units)


class OrgUnitCreateForm(forms.Form):
    parent = forms.ChoiceField(label=_("上级机构"))
    code = forms.CharField(label=_("机构代码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=150, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = unit_choices([u for u in units if u.level < 4])


class FirstRunForm(forms.Form):
    """The first-run page (an install with no org unit yet): the same as ``manage.py bootstrap``."""

    token = forms.CharField(label=_("安装口令"), max_length=100)
    head_office_code = forms.CharField(label=_("总公司机构代码"), max_length=32)
    head_office_name = forms.CharField(label=_("总公司名称"), max_length=100)
    head_office_name_en = forms.CharField(label=_("英文名称"), max_length=150, required=False)
    admin = forms.CharField(label=_("管理员用户名"), max_length=150)
    admin_name = forms.CharField(label=_("管理员姓名"), max_length=100, required=False)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, max_length=128)
    password_again = forms.CharField(
        label=_("再次输入密码"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return data
