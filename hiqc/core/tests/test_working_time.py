"""Working time between two instants on the official calendar (process mining durations)."""

from datetime import date, datetime

import pytest

from hiqc.core.calendar import BEIJING, Source, WorkingTime, YearCalendar, package_year

H = 3600.0


def _package(year: int) -> YearCalendar:
    return package_year(year) or YearCalendar(year, Source.FALLBACK)


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def test_national_day_counts_nothing_and_the_make_up_saturday_counts_whole():
    # Given 2026's schedule: 1–7 October off, Saturday 10 October a make-up working day
    wt = WorkingTime(_package)
    # When a step waits from Wednesday 30 September 18:00 to Saturday 10 October 12:00
    seconds = wt.seconds(bj(2026, 9, 30, 18), bj(2026, 10, 10, 12))
    # Then 6 h of 30 September, 8 and 9 October whole, 12 h of the make-up Saturday
    assert seconds == 6 * H + 48 * H + 12 * H


def test_a_wait_inside_one_holiday_is_zero_working_time():
    wt = WorkingTime(_package)
    assert wt.seconds(bj(2026, 10, 2, 9), bj(2026, 10, 5, 17)) == 0.0


def test_a_wait_within_one_working_day_is_its_calendar_time():
    wt = WorkingTime(_package)
    assert wt.seconds(bj(2026, 12, 7, 9), bj(2026, 12, 7, 17, 30)) == 8.5 * H


def test_working_time_across_the_new_year_counts_each_years_calendar():
    # Given a custom calendar: 2026 Mon–Fri, 2027 with 1 January off and Saturday 2 January worked
    def loader(year: int) -> YearCalendar:
        if year == 2027:
            return YearCalendar(
                2027, Source.ADMIN, {date(2027, 1, 1): "元旦"}, {date(2027, 1, 2): "元旦"}
            )
        return YearCalendar(year, Source.ADMIN)

    wt = WorkingTime(loader)
    # When Thursday 31 December 2026 12:00 → Monday 4 January 2027 06:00
    seconds = wt.seconds(bj(2026, 12, 31, 12), bj(2027, 1, 4, 6))
    # Then 12 h of 31 Dec, 0 for 1 Jan, 24 h of the worked Saturday, 0 Sunday, 6 h Monday
    assert seconds == 12 * H + 24 * H + 6 * H


def test_a_leap_day_is_a_working_day_like_any_other():
    wt = WorkingTime(lambda y: YearCalendar(y, Source.ADMIN))
    # Thursday 29 February 2024, whole
    assert wt.seconds(bj(2024, 2, 29), bj(2024, 3, 1)) == 24 * H
    assert wt.working_days(date(2024, 2, 1), date(2024, 3, 1)) == 21


@pytest.mark.parametrize(
    ("first", "stop"),
    [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2025, 12, 31), date(2026, 1, 2)),
        (date(2024, 12, 30), date(2027, 1, 3)),
        (date(2026, 5, 9), date(2026, 5, 9)),
    ],
)
def test_working_days_agrees_with_counting_day_by_day(first, stop):
    wt = WorkingTime(_package)
    expected, day = 0, first
    while day < stop:
        expected += _package(day.year).is_working_day(day)
        day = date.fromordinal(day.toordinal() + 1)
    assert wt.working_days(first, stop) == expected


def test_an_end_before_the_start_is_zero():
    wt = WorkingTime(_package)
    assert wt.seconds(bj(2026, 12, 7, 10), bj(2026, 12, 7, 9)) == 0.0
