from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Role


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    org_unit = forms.ChoiceField(label=_("授权范围"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org_unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(u.pk), "　" * (u.depth - 1) + u.localized_name) for u in units]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, initial=90)
