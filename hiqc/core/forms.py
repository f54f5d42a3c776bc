from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .calendar import MAX_AMOUNT, Unit

UNIT_CHOICES = [
    (Unit.CALENDAR_DAYS.value, _("自然日")),
    (Unit.WORKING_DAYS.value, _("工作日")),
    (Unit.HOURS.value, _("小时")),
]


class DueForm(forms.Form):
    start = forms.DateTimeField(
        label=_("起算事件时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    amount = forms.IntegerField(label=_("期限"), min_value=1, max_value=MAX_AMOUNT)
    unit = forms.ChoiceField(label=_("单位"), choices=UNIT_CHOICES)


class HolidayUploadForm(forms.Form):
    file = forms.FileField(label=_("节假日文件（CSV：日期,类型,名称）"))
    note = forms.CharField(
        label=_("来源说明"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：国务院办公厅 2026 年 11 月通知")}),
    )
