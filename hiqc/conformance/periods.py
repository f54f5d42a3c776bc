"""The periods a status is asked for (issue 22 §6; ADR 0034): a quarter ``YYYY-Qn`` or a month
``YYYY-MM``, as Beijing dates [start, end). The default is the last complete quarter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.calendar import BEIJING, month_first, months_after
from hiqc.core.errors import ValidationFailed

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Period:
    label: str  # 2026-Q3 | 2026-07
    start: date
    end: date  # exclusive


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(f"{first.year}-Q{(first.month - 1) // 3 + 1}", first, months_after(first, 3))


def last_complete_quarter(now: datetime | None = None) -> Period:
    today = (now or timezone.now()).astimezone(BEIJING).date()
    return quarter_of(months_after(quarter_of(today).start, -3))


def parse_period(text: str, *, field: str = "period") -> Period:
    """``YYYY-Qn`` or ``YYYY-MM`` (years 2000–2100); anything else is refused naming ``field``."""
    text = (text or "").strip()
    if m := QUARTER.match(text):
        year, q = int(m.group(1)), int(m.group(2))
        if 2000 <= year <= 2100:
            return quarter_of(date(year, 3 * q - 2, 1))
    elif m := MONTH.match(text):
        year = int(m.group(1))
        if 2000 <= year <= 2100:
            first = month_first(date(year, int(m.group(2)), 1))
            return Period(text, first, months_after(first, 1))
    message = _("期间格式应为 YYYY-Qn（季度）或 YYYY-MM（月份），例如 2026-Q3、2026-07。")
    raise ValidationFailed(message, fields={field: [message]})


def recent_quarters(now: datetime | None = None, count: int = 8) -> list[Period]:
    """The last ``count`` complete quarters, newest first (the page's choices)."""
    last = last_complete_quarter(now)
    return [quarter_of(months_after(last.start, -3 * i)) for i in range(count)]
