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
