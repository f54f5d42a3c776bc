"""Periods and due times on the official Chinese calendar (see ../shared/domain/regulations.md,
"How days are counted", Civil Code arts. 200–204).

* Calendar days ("日"): the day of the triggering event is not counted; counting starts the next
  day; the period ends at 24:00 Beijing time of its last day, inclusive ("30日内" includes day 30).
  If the last day is a statutory rest day it moves to the next day that is not one: the rule
  ``calendar.rollover`` decides whether ordinary weekends count (default) or only public holidays.
* Working days ("工作日"): the official calendar, make-up working days (调休上班日) included;
  counting also starts the next day and the period ends at 24:00 of the n-th working day.
* Hours: ``start + n hours``, no roll-over.

Which days are holidays: a year an administrator loaded (``CalendarYear``) wins; otherwise the
``chinese-calendar`` package; a year known to neither falls back to Mon–Fri, and every due time
computed on such a year carries a warning until the year is loaded.

A due time is the *exclusive* end of the period: 24:00 of the last day is returned as 00:00 of the
next day, Beijing time; ``last_day`` is the day people see ("2026-10-08 24:00").
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from time import monotonic

import chinese_calendar
from chinese_calendar import constants as package_days
from django.utils.translation import gettext as _

from .rules import ROLLOVER_PUBLIC_HOLIDAY_ONLY, rule_value

# China Standard Time, a fixed UTC+8 (no daylight saving since 1991). A fixed offset rather than
# the zoneinfo rule: historic local mean time (+08:05:43) is not a legal deadline's time zone.
BEIJING = timezone(timedelta(hours=8), "CST")
MAX_AMOUNT = 24 * 366  # one bound for every unit (the API declares it); longer is an input error


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    HOURS = "hours"


class Source(StrEnum):
    ADMIN = "admin"  # loaded or corrected by an administrator
    PACKAGE = "package"  # the chinese-calendar package
    FALLBACK = "fallback"  # unknown year: Mon–Fri


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: Source
    holidays: dict[date, str] = field(default_factory=dict)  # statutory rest days, weekends inside
    workdays: dict[date, str] = field(default_factory=dict)  # make-up working days (调休)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_public_holiday(self, day: date) -> bool:
        return day in self.holidays


# The package names holidays in English; the calendar shows the official Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _zh(name: object) -> str:
    return HOLIDAY_NAMES_ZH.get(str(name), str(name))


@lru_cache(maxsize=64)
def package_year(year: int) -> YearCalendar | None:
    """The package's schedule for ``year``, or None when it has none."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return None
    holidays = {d: _zh(n) for d, n in package_days.holidays.items() if d.year == year}
    workdays = {d: _zh(n) for d, n in package_days.workdays.items() if d.year == year}
    return YearCalendar(year, Source.PACKAGE, holidays, workdays)


_YEAR_CACHE: dict[int, tuple[float, YearCalendar]] = {}
YEAR_CACHE_SECONDS = 60  # other processes see an administrator's load within a minute


def clear_year_cache() -> None:
    _YEAR_CACHE.clear()


def load_year(year: int) -> YearCalendar:
    """The calendar in force for ``year`` (cached per process for a minute; a load in this
    process clears the cache at once)."""
    hit = _YEAR_CACHE.get(year)
    if hit is not None and monotonic() - hit[0] < YEAR_CACHE_SECONDS:
        return hit[1]
    calendar = _load_year(year)
    _YEAR_CACHE[year] = (monotonic(), calendar)
    return calendar


def _load_year(year: int) -> YearCalendar:
    """The calendar in force for ``year``: administrator's table, else package, else fallback."""
    from .models import CalendarDay, CalendarYear  # local: calendar logic stays importable alone

    if CalendarYear.objects.filter(year=year).exists():
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        for day, working, name in CalendarDay.objects.filter(calendar_year__year=year).values_list(
            "date", "is_working", "name"
        ):
            (workdays if working else holidays)[day] = name
        return YearCalendar(year, Source.ADMIN, holidays, workdays)
    return package_year(year) or YearCalendar(year, Source.FALLBACK)


YearLoader = Callable[[int], YearCalendar]


class _Days:
    """Per-computation view over years, remembering which ones fell back to Mon–Fri."""

    def __init__(self, loader: YearLoader) -> None:
        self._loader = loader
        self._years: dict[int, YearCalendar] = {}
        self.fallback_years: set[int] = set()

    def year(self, day: date) -> YearCalendar:
        if day.year not in self._years:
            cal = self._loader(day.year)
            self._years[day.year] = cal
            if cal.source == Source.FALLBACK:
                self.fallback_years.add(day.year)
        return self._years[day.year]

    def is_working(self, day: date) -> bool:
        return self.year(day).is_working_day(day)

    def is_rest_day(self, day: date, rollover: str) -> bool:
        if rollover == ROLLOVER_PUBLIC_HOLIDAY_ONLY:
            return self.year(day).is_public_holiday(day)
        return not self.is_working(day)


@dataclass(frozen=True)
class Due:
    due_at: datetime  # exclusive end, Beijing time
    unit: Unit
    last_day: date | None  # the period's last day (days units), after any roll-over
    rolled_over_from: date | None  # the last day before roll-over, if it moved
    warnings: tuple[str, ...] = ()


# A time given as "now" by a browser, a phone or another system whose clock runs a little ahead of
# the server's is not "in the future": times up to this many seconds after the server's now are
# accepted. Servers keep time by NTP within milliseconds, but office PCs, phones and legacy systems
# drift by minutes when they are not synchronised; five minutes is the usual allowance for such
# clocks (Kerberos' default maximum skew, RFC 4120 §1.7 — "typically on the order of 5 minutes").
# A setting with this default (DESIGN: every number is a setting with a default); 0 accepts no time
# after now.
DEFAULT_CLOCK_SKEW_SECONDS = 300


def clock_skew() -> timedelta:
    """How far after the server's now a time given as "now" may lie (``HIQC_CLOCK_SKEW_SECONDS``)."""
    from django.conf import settings

    seconds = getattr(settings, "HIQC_CLOCK_SKEW_SECONDS", DEFAULT_CLOCK_SKEW_SECONDS)
    return timedelta(seconds=max(0, int(seconds)))


def month_first(day: date, shift: int = 0) -> date:
    """The first day of the month ``shift`` months after ``day``'s (negative: before).

    ``month_first(date(2026, 12, 6), 1)`` is 2027-01-01; ``month_first(date(2027, 1, 31), -1)``
    is 2026-12-01. The one place months are counted, so no caller wraps a year by hand.
    """
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), or that month's last day when it has no such
    day: 2027-01-31 + 1 → 2027-02-28, 2028-02-29 + 12 → 2029-02-28."""
    first = month_first(day, months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


def years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=BEIJING)


def compute_due(
    start: datetime,
    amount: int,
    unit: Unit | str,
    *,
    rollover: str | None = None,
    loader: YearLoader = load_year,
) -> Due:
    """When a period of ``amount`` ``unit`` that starts with an event at ``start`` ends."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    unit = Unit(unit)
    if not 1 <= amount <= MAX_AMOUNT:
        raise ValueError(f"amount must be between 1 and {MAX_AMOUNT}")
    if unit == Unit.HOURS:
        return Due(
            due_at=(start + timedelta(hours=amount)).astimezone(BEIJING),
            unit=unit,
            last_day=None,
            rolled_over_from=None,
        )
    days = _Days(loader)
    event_day = start.astimezone(BEIJING).date()
    rolled_from: date | None = None
    if unit == Unit.CALENDAR_DAYS:
        if rollover is None:
            rollover = str(rule_value("calendar.rollover"))
        last = event_day + timedelta(days=amount)
        if days.is_rest_day(last, rollover):
            rolled_from = last
            while days.is_rest_day(last, rollover):
                last += timedelta(days=1)
    else:
        last, counted = event_day, 0
        while counted < amount:
            last += timedelta(days=1)
            counted += days.is_working(last)
    warnings = tuple(
        _(
            "{year} 年的节假日安排尚未加载，本期限按周一至周五为工作日计算；请管理员加载该年日历。"
        ).format(year=y)
        for y in sorted(days.fallback_years)
    )
    return Due(
        due_at=_end_of(last),
        unit=unit,
        last_day=last,
        rolled_over_from=rolled_from,
        warnings=warnings,
    )


_BEIJING_OFFSET = 8 * 3600.0  # Beijing days begin at 16:00 UTC of the day before
_UNIX_ORDINAL = date(1970, 1, 1).toordinal()


class WorkingTime:
    """Elapsed working time between two instants: the part of ``[start, end)`` that falls on
    working days of the official calendar (Beijing dates, whole days — make-up working days count,
    public holidays and ordinary weekends do not). Process mining (2.2.2(1)) shows a step's
    duration in calendar time and in this working time, so a claim decided over National Day is not
    read as slow. One instance memoises per-year prefix counts: each duration is O(years spanned).
    """

    DAY = 86400.0

    def __init__(self, loader: YearLoader = load_year) -> None:
        self._days = _Days(loader)
        self._prefix: dict[int, list[int]] = {}  # year → working days before each day of year
        self._anchor: date | None = None  # the first day placed (``position``)
        self._positions: dict[int, tuple[float, bool]] = {}  # Unix day → (base, working)

    @property
    def fallback_years(self) -> set[int]:
        return self._days.fallback_years

    def _before(self, day: date) -> int:
        """Working days of ``day``'s year strictly before ``day``."""
        prefix = self._prefix.get(day.year)
        if prefix is None:
            first = date(day.year, 1, 1)
            n = (date(day.year + 1, 1, 1) - first).days
            prefix, total = [0] * (n + 1), 0
            for i in range(n):
                prefix[i] = total
                total += self._days.is_working(first + timedelta(days=i))
            prefix[n] = total
            self._prefix[day.year] = prefix
        return prefix[day.timetuple().tm_yday - 1]

    def working_days(self, first: date, stop: date) -> int:
        """Working days in ``[first, stop)``."""
        if stop <= first:
            return 0
        total = 0
        for year in range(first.year, stop.year + 1):
            lo = max(first, date(year, 1, 1))
            hi = min(stop, date(year + 1, 1, 1))
            if lo < hi:
                end = self._before(hi) if hi.year == year else self._before(date(year, 12, 31))
                if hi.year != year:
                    end += self._days.is_working(date(year, 12, 31))
                total += end - self._before(lo)
        return total

    def position(self, at: datetime) -> float:
        """Working seconds from this instance's anchor day to ``at`` (negative before it): the
        working time between two instants is the difference of their positions, so a trace's
        events are placed once each and every duration is one subtraction."""
        ts = at.timestamp() + _BEIJING_OFFSET
        day = int(ts // self.DAY)
        hit = self._positions.get(day)
        if hit is None:
            d = date.fromordinal(_UNIX_ORDINAL + day)
            if self._anchor is None:
                self._anchor = d
            before = (
                self.working_days(self._anchor, d)
                if d >= self._anchor
                else -self.working_days(d, self._anchor)
            )
            hit = self._positions[day] = (self.DAY * before, self._days.is_working(d))
        base, working = hit
        return base + (ts - day * self.DAY if working else 0.0)

    def seconds(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        return self.position(end) - self.position(start)


# --- holiday files ----------------------------------------------------------------------------

HOLIDAY = "holiday"
WORKDAY = "workday"


@dataclass(frozen=True)
class HolidayRow:
    line: int
    day: date
    is_working: bool
    name: str


def parse_holiday_file(text: str) -> tuple[list[HolidayRow], list[tuple[int, str]]]:
    """Parse ``date,type,name`` lines (type: holiday = statutory rest day, including weekend days
    inside a holiday period; workday = make-up working day on a weekend). A header line, blank
    lines and ``#`` comments are skipped. Returns the good rows and (line, problem) for the rest."""
    rows: list[HolidayRow] = []
    errors: list[tuple[int, str]] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#") or line.lower().startswith("date,"):
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 2:
            errors.append((number, _("应为“日期,类型,名称”三列，例如 2027-01-01,holiday,元旦。")))
            continue
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            errors.append(
                (number, _("日期“{value}”无效，格式应为 YYYY-MM-DD。").format(value=parts[0]))
            )
            continue
        kind = parts[1].lower()
        if kind not in (HOLIDAY, WORKDAY):
            errors.append(
                (
                    number,
                    _("类型“{value}”无效，应为 holiday（放假）或 workday（调休上班）。").format(
                        value=parts[1]
                    ),
                )
            )
            continue
        if kind == WORKDAY and day.weekday() < 5:
            errors.append(
                (
                    number,
                    _("{day} 是周一至周五，本就是工作日，不能标为调休上班日。").format(day=day),
                )
            )
            continue
        if day in seen:
            errors.append((number, _("{day} 与第 {line} 行重复。").format(day=day, line=seen[day])))
            continue
        seen[day] = number
        name = parts[2] if len(parts) > 2 else ""
        rows.append(HolidayRow(number, day, kind == WORKDAY, name[:50]))
    return rows, errors
