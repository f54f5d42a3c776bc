from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
