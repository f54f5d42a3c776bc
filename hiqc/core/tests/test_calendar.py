"""Counting rules from regulations.md ("How days are counted", Civil Code arts. 200–204)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiqc.core.calendar import (
    BEIJING,
    Source,
    YearCalendar,
    compute_due,
    month_first,
    package_year,
    parse_holiday_file,
    years_after,
)
from hiqc.core.rules import ROLLOVER_NON_WORKING_DAY, ROLLOVER_PUBLIC_HOLIDAY_ONLY


def package_only(year: int) -> YearCalendar:
    return package_year(year) or YearCalendar(year, Source.FALLBACK)


def due(start: str, amount: int, unit: str, rollover: str = ROLLOVER_NON_WORKING_DAY):
    return compute_due(
        datetime.fromisoformat(start), amount, unit, rollover=rollover, loader=package_only
    )


def test_calendar_days_start_the_next_day_and_end_at_24_00_beijing_of_the_last_day():
    result = due("2026-03-02T23:59:00+08:00", 15, "calendar_days")  # Monday night
    assert result.last_day == date(2026, 3, 17)
    assert result.due_at == datetime(2026, 3, 18, 0, 0, tzinfo=BEIJING)
    assert result.rolled_over_from is None
    assert result.warnings == ()


def test_the_event_day_is_the_beijing_date_even_when_given_in_utc():
    result = due("2026-03-02T17:00:00+00:00", 1, "calendar_days")  # 01:00 on 3 March in Beijing
    assert result.last_day == date(2026, 3, 4)


def test_period_ending_inside_the_2026_national_day_holiday_rolls_to_the_first_working_day():
    result = due("2026-09-20T10:00:00+08:00", 15, "calendar_days")  # last day 5 October
    assert result.rolled_over_from == date(2026, 10, 5)
    assert result.last_day == date(2026, 10, 8)
    assert result.due_at == datetime(2026, 10, 9, tzinfo=BEIJING)


def test_period_ending_on_a_make_up_working_day_does_not_roll_over():
    result = due("2026-09-30T10:00:00+08:00", 10, "calendar_days")  # Saturday 10 October, 调休上班
    assert result.last_day == date(2026, 10, 10)
    assert result.rolled_over_from is None


def test_an_ordinary_saturday_rolls_over_only_under_the_broad_reading():
    broad = due("2026-03-06T10:00:00+08:00", 8, "calendar_days")  # Saturday 14 March
    narrow = due("2026-03-06T10:00:00+08:00", 8, "calendar_days", ROLLOVER_PUBLIC_HOLIDAY_ONLY)
    assert broad.last_day == date(2026, 3, 16)
    assert broad.rolled_over_from == date(2026, 3, 14)
    assert narrow.last_day == date(2026, 3, 14)
    assert narrow.rolled_over_from is None


def test_working_days_span_the_2026_spring_festival_and_count_the_make_up_saturday():
    # Fri 13 Feb = 1, Sat 14 Feb (调休上班) = 2, 15–23 Feb holiday and weekend, Tue 24 Feb = 3
    result = due("2026-02-12T16:00:00+08:00", 3, "working_days")
    assert result.last_day == date(2026, 2, 24)
    assert result.due_at == datetime(2026, 2, 25, tzinfo=BEIJING)
    result = due("2026-02-12T16:00:00+08:00", 5, "working_days")  # Wed 25, Thu 26
    assert result.last_day == date(2026, 2, 26)


def test_a_year_without_data_falls_back_to_monday_to_friday_with_a_warning():
    result = due("2027-01-04T09:00:00+08:00", 5, "working_days")
    assert result.last_day == date(2027, 1, 11)
    assert len(result.warnings) == 1
    assert "2027" in result.warnings[0]


def test_a_period_crossing_into_an_unknown_year_warns_about_that_year_only():
    result = due("2026-12-20T09:00:00+08:00", 30, "calendar_days")
    assert result.warnings and all("2027" in w for w in result.warnings)
    assert due("2026-11-01T09:00:00+08:00", 10, "calendar_days").warnings == ()


def test_hours_add_exactly_without_roll_over():
    result = due("2026-10-01T08:30:00+08:00", 24, "hours")
    assert result.due_at == datetime(2026, 10, 2, 8, 30, tzinfo=BEIJING)
    assert result.last_day is None


@pytest.mark.parametrize(
    ("amount", "unit"), [(0, "calendar_days"), (-1, "working_days"), (10_000, "hours")]
)
def test_impossible_amounts_are_refused(amount, unit):
    with pytest.raises(ValueError, match="amount"):
        due("2026-10-01T08:30:00+08:00", amount, unit)


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2005, 1, 1), max_value=datetime(2026, 6, 30), timezones=st.just(BEIJING)
    ),
    amount=st.integers(min_value=1, max_value=120),
)
def test_calendar_day_periods_never_end_early_and_never_on_a_rest_day(start, amount):
    result = compute_due(
        start, amount, "calendar_days", rollover=ROLLOVER_NON_WORKING_DAY, loader=package_only
    )
    assert result.last_day is not None
    assert result.last_day >= start.date() + timedelta(days=amount)
    assert package_only(result.last_day.year).is_working_day(result.last_day)
    assert result.due_at.time().hour == 0 and result.due_at.tzinfo == BEIJING


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2005, 1, 1), max_value=datetime(2026, 6, 30), timezones=st.just(BEIJING)
    ),
    amount=st.integers(min_value=1, max_value=60),
)
def test_working_day_periods_contain_exactly_n_working_days(start, amount):
    result = compute_due(start, amount, "working_days", loader=package_only)
    assert result.last_day is not None
    day, counted = start.date(), 0
    while day < result.last_day:
        day += timedelta(days=1)
        counted += package_only(day.year).is_working_day(day)
    assert counted == amount
    assert package_only(result.last_day.year).is_working_day(result.last_day)


def test_holiday_file_reports_bad_lines_with_their_numbers_and_keeps_the_good_ones():
    rows, errors = parse_holiday_file(
        "date,type,name\n2027-01-01,holiday,元旦\n2027-01-04,workday,错误\nnot-a-date,holiday,x\n"
        "2027-02-06,workday,春节调休\n2027-01-01,holiday,重复\n2027-03-01,party,x\n"
    )
    assert [(r.line, r.day, r.is_working) for r in rows] == [
        (2, date(2027, 1, 1), False),
        (5, date(2027, 2, 6), True),
    ]
    assert [line for line, _ in errors] == [3, 4, 6, 7]


# --- month and year arithmetic (issue 13 §2: the demo once counted December + 1 as month 13) ---


@pytest.mark.parametrize(
    ("day", "shift", "expected"),
    [
        (date(2026, 12, 6), 1, date(2027, 1, 1)),
        (date(2026, 12, 31), 0, date(2026, 12, 1)),
        (date(2027, 1, 1), -1, date(2026, 12, 1)),
        (date(2027, 1, 31), -13, date(2025, 12, 1)),
        (date(2028, 2, 29), 12, date(2029, 2, 1)),
        (date(2027, 3, 31), -1, date(2027, 2, 1)),
    ],
)
def test_month_first_counts_months_across_year_ends(day, shift, expected):
    assert month_first(day, shift) == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)), st.integers(-600, 600))
def test_month_first_is_always_the_first_of_a_month_that_many_months_away(day, shift):
    first = month_first(day, shift)
    assert first.day == 1
    assert (first.year - day.year) * 12 + first.month - day.month == shift


def test_years_after_keeps_the_day_and_turns_29_february_into_28():
    assert years_after(date(2026, 12, 31), 1) == date(2027, 12, 31)
    assert years_after(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert years_after(date(2028, 2, 29), 4) == date(2032, 2, 29)
    assert years_after(date(2028, 2, 29), -1) == date(2027, 2, 28)


def test_the_clock_skew_is_a_setting_with_a_five_minute_default(settings):
    from hiqc.core.calendar import DEFAULT_CLOCK_SKEW_SECONDS, clock_skew

    del settings.HIQC_CLOCK_SKEW_SECONDS
    assert clock_skew() == timedelta(seconds=DEFAULT_CLOCK_SKEW_SECONDS) == timedelta(minutes=5)
    settings.HIQC_CLOCK_SKEW_SECONDS = 60
    assert clock_skew() == timedelta(minutes=1)
    settings.HIQC_CLOCK_SKEW_SECONDS = -5  # never a negative allowance
    assert clock_skew() == timedelta(0)
