"""The monitoring's twelve months (issue 17 §5) derived from today: the current month and the
eleven before it, Beijing days, at the year's turn, on a leap day and at a month end."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.products.monitoring.figures import month_windows
from hiqc.products.monitoring.selectors import window


def _day(at: datetime) -> date:
    return at.astimezone(BEIJING).date()


@pytest.mark.parametrize(("today", "first", "last_label", "first_label"), [
    (date(2026, 12, 31), date(2026, 1, 1), "2026-12", "2026-01"),
    (date(2027, 1, 1), date(2026, 2, 1), "2027-01", "2026-02"),
    (date(2028, 2, 29), date(2027, 3, 1), "2028-02", "2027-03"),
    (date(2026, 3, 31), date(2025, 4, 1), "2026-03", "2025-04"),
])  # fmt: skip
def test_the_window_is_the_current_month_and_the_eleven_before_it(today, first, last_label,
                                                                  first_label):  # fmt: skip
    for hour in (0, 23):  # 00:30 Beijing is still the day before in UTC
        at = datetime(today.year, today.month, today.day, hour, 30, tzinfo=BEIJING)
        with time_machine.travel(at, tick=False):
            start, end = window()
        # then it runs from the first day of the month eleven months back to the end of today
        assert _day(start) == first and start.astimezone(BEIJING).hour == 0
        assert _day(end) == date.fromordinal(today.toordinal() + 1)
    # and the months of the trend are those twelve, each a whole calendar month
    months = month_windows(today)
    assert len(months) == 12
    assert (months[0][0], months[-1][0]) == (first_label, last_label)
    assert all(_day(m1) == _day(months[i + 1][1]) for i, (_l, _s, m1) in enumerate(months[:-1]))
    assert _day(months[0][1]) == first
