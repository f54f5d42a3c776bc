from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """A duration as people read it: minutes under an hour, hours under two days, else days."""
    if seconds is None or seconds == "":
        return "—"
    seconds = float(seconds)
    if seconds < 3600:
        return _("{n} 分钟").format(n=round(seconds / 60))
    if seconds < 48 * 3600:
        return _("{n} 小时").format(n=f"{seconds / 3600:.1f}")
    return _("{n} 天").format(n=f"{seconds / 86400:.1f}")


@register.filter
def case_days(seconds: float | None) -> str:
    """Case-seconds as case-days (one decimal under ten, else whole)."""
    if seconds is None or seconds == "":
        return "—"
    days = float(seconds) / 86400
    return f"{days:.1f}" if days < 10 else f"{days:,.0f}"
