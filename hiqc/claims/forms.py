"""Forms of the claims pages (parsing only; the rules live in services and selectors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hiqc.policies.enums import ClaimType

from .enums import Status

BLANK: list[tuple[str, Any]] = [("", "—")]


class ClaimFilterForm(forms.Form):
    """The claim list's filters (read through core.forms.list_filters)."""

    q = forms.CharField(label=_("案号 / 保单号"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=BLANK + Status.choices)
    claim_type = forms.ChoiceField(
        label=_("理赔类型"), required=False, choices=BLANK + ClaimType.choices
    )
