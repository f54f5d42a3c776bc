from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import CallQueue
from .erlang import MAX_AGENTS


class StaffingForm(forms.Form):
    calls = forms.FloatField(label=_("来话量（每时段）"), min_value=0.01, max_value=1_000_000)
    interval_s = forms.IntegerField(
        label=_("时段长度（秒）"), min_value=60, max_value=86_400, initial=900
    )
    aht_s = forms.FloatField(label=_("平均处理时长（秒）"), min_value=1, max_value=36_000)
    threshold_s = forms.FloatField(
        label=_("应答时限（秒）"), min_value=0, max_value=3_600, required=False
    )
    target = forms.FloatField(
        label=_("服务水平目标（%）"), min_value=1, max_value=99.9, required=False
    )
    agents = forms.IntegerField(
        label=_("在席坐席数（可选）"), min_value=1, max_value=MAX_AGENTS, required=False
    )
    shrinkage = forms.FloatField(label=_("缩减率（%）"), min_value=0, max_value=90, initial=30)


class CallImportForm(forms.Form):
    file = forms.FileField(label=_("话务数据文件"))
    file_format = forms.ChoiceField(
        label=_("格式"),
        choices=(("csv", _("CSV（含表头）")), ("jsonl", _("JSON lines（每行一个对象）"))),
        initial="csv",
    )


class DashboardForm(forms.Form):
    org_unit = forms.ChoiceField(label=_("机构"), required=False)
    queue = forms.ChoiceField(label=_("队列"), required=False)
    day = forms.DateField(
        label=_("日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, units: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_unit = self.fields["org_unit"]
        queue = self.fields["queue"]
        assert isinstance(org_unit, forms.ChoiceField) and isinstance(queue, forms.ChoiceField)
        org_unit.choices = [("", "—")] + [
            (str(u.pk), "　" * max(0, u.level - 1) + u.localized_name) for u in units
        ]
        queue.choices = [("", _("全部队列")), *CallQueue.choices]
