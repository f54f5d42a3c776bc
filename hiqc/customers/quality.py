"""Customer-data quality per unit (standard 6.1.1: accurate, minimal customer data; issue 21 §3;
ADR 0031).

For the customers in the actor's ``customers.view`` scope (anonymised ones left out), per owning
unit: how many lack an ID number, a mobile, a birth date or an address; how many resident ID
numbers fail GB 11643 (format, birth date or check digit); how many mobiles are not mainland
mobile numbers; and how many records have not been updated for ``customers.stale_years`` (design
default 3 years, P). Values are decrypted in memory to be checked and never leave this module:
the drill-down lists customers, and the page shows them masked.

The figures are counted once a night, not on each request (ADR 0031, amended): the job
``customers.quality_tally`` runs ``quality_tally_run``, which decrypts every customer once and
stores one ``CustomerQualityTally`` per owning unit and day (counts only; a rerun the same day
replaces that day's rows). The page, the API and the evidence rule ``customers.data_accurate``
read the tallies; only the drill-down (one unit's customers with one problem) decrypts on request.
What is wrong with a customer is decided in one place, ``problems_of``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from hiqc.core.access import Actor, require, scope
from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.errors import ValidationFailed
from hiqc.core.retention import beijing_today
from hiqc.core.rules import rule_value
from hiqc.organisations.selectors import unit_in_scope, units_by_id

from .enums import IdType
from .models import Customer, CustomerQualityTally
from .retention import STALE_YEARS
from .validation import is_mobile, normalise_id_number, normalise_mobile, resident_id_problem

VIEW = "customers.view"

PROBLEMS: dict[str, Any] = {
    "missing_id_number": _("缺证件号码"),
    "missing_mobile": _("缺手机号码"),
    "missing_birth_date": _("缺出生日期"),
    "missing_address": _("缺联系地址"),
    "invalid_id_number": _("身份证号码无效（GB 11643）"),
    "invalid_mobile": _("手机号码无效"),
    "stale": _("长期未更新"),
}
ACCURACY = frozenset(PROBLEMS) - {"stale"}  # what 6.1.1(1) judges: missing or invalid data
ONLY = ("id", "name", "id_type", "id_number", "birth_date", "mobile", "address", "updated_at")
KEEP_DAYS = 31  # every daily tally is kept this long; older, a month's first and last only


@dataclass
class UnitQuality:
    unit_id: Any
    unit_name: str
    unit_path: str
    total: int = 0
    with_problem: int = 0
    inaccurate: int = 0  # with a problem of ACCURACY (anything but staleness)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROBLEMS, 0))
    day: date | None = None  # the tally's day

    def add(self, found: set[str]) -> None:
        """Count one customer with the problems ``found`` (``problems_of``)."""
        self.total += 1
        self.with_problem += bool(found)
        self.inaccurate += bool(found & ACCURACY)
        for p in found:
            self.counts[p] += 1

    def rate(self, problem: str) -> float:
        return round(100.0 * self.counts[problem] / self.total, 1) if self.total else 0.0

    @property
    def clean_rate(self) -> float:
        """Share of customers with no problem at all (the unit's data-quality rate)."""
        return (
            round(100.0 * (self.total - self.with_problem) / self.total, 1) if self.total else 0.0
        )

    def cells(self) -> list[dict[str, Any]]:
        return [
            {"problem": p, "label": label, "count": self.counts[p], "rate": self.rate(p)}
            for p, label in PROBLEMS.items()
        ]


def stale_before(today: date) -> datetime:
    years = int(rule_value(STALE_YEARS.key))
    return datetime.combine(years_after(today, -years), time.min, tzinfo=BEIJING)


def problems_of(customer: Customer, stale_cut: datetime) -> set[str]:
    """What is wrong with one customer's data (decrypted values stay here)."""
    out: set[str] = set()
    number = normalise_id_number(customer.id_number or "")
    if not number:
        out.add("missing_id_number")
    elif customer.id_type == IdType.RESIDENT_ID and resident_id_problem(number) is not None:
        out.add("invalid_id_number")
    mobile = normalise_mobile(customer.mobile or "")
    if not mobile:
        out.add("missing_mobile")
    elif not is_mobile(mobile):
        out.add("invalid_mobile")
    if customer.birth_date is None:
        out.add("missing_birth_date")
    if not (customer.address or "").strip():
        out.add("missing_address")
    if customer.updated_at < stale_cut:
        out.add("stale")
    return out


def _customers(actor: Actor) -> QuerySet[Customer]:
    qs = scope(actor, Customer.objects.filter(anonymised_at__isnull=True), VIEW)
    return qs.select_related("org_unit").only(
        *ONLY, "org_unit__id", "org_unit__name", "org_unit__name_en", "org_unit__path"
    )


def tally(customers: Iterable[Customer], stale_cut: datetime) -> dict[Any, UnitQuality]:
    """Per owning unit id, the figures of ``customers`` (their ``org_unit_id`` must be loaded);
    unit names and paths are left for the caller."""
    units: dict[Any, UnitQuality] = {}
    for c in customers:
        u = units.get(c.org_unit_id)
        if u is None:
            u = units[c.org_unit_id] = UnitQuality(c.org_unit_id, "", "")
        u.add(problems_of(c, stale_cut))
    return units


def quality_tally_run() -> dict[str, int]:
    """The nightly tally (job ``customers.quality_tally``): every customer not anonymised,
    decrypted once in memory, counted per owning unit for today (Beijing), staleness judged on
    today; one ``CustomerQualityTally`` per unit that has customers. Idempotent: a rerun the same
    day replaces that day's rows. Tallies older than ``KEEP_DAYS`` are thinned to each month's
    first and last (what a period's end looks up)."""
    day = beijing_today()
    customers = (Customer.objects.filter(anonymised_at__isnull=True)
                 .only(*ONLY, "org_unit").order_by())  # fmt: skip
    units = tally(customers.iterator(chunk_size=2000), stale_before(day))
    tree = units_by_id(units)
    rows = [
        CustomerQualityTally(org_unit_id=unit_id, org_path=tree[unit_id].path, day=day,
                             total=u.total, with_problem=u.with_problem, inaccurate=u.inaccurate,
                             counts=u.counts)
        for unit_id, u in units.items()
    ]  # fmt: skip
    with transaction.atomic():
        CustomerQualityTally.objects.filter(day=day).delete()
        CustomerQualityTally.objects.bulk_create(rows, batch_size=1000)
        pruned = _prune(day)
    return {"units": len(rows), "customers": sum(u.total for u in units.values()),
            "pruned": pruned}  # fmt: skip


def _prune(day: date) -> int:
    """Delete the tallies older than ``KEEP_DAYS`` before ``day`` except each month's first and
    last day tallied."""
    old = sorted(set(CustomerQualityTally.objects.filter(day__lt=day - timedelta(days=KEEP_DAYS))
                     .values_list("day", flat=True)))  # fmt: skip
    months: dict[tuple[int, int], list[date]] = {}
    for d in old:
        months.setdefault((d.year, d.month), []).append(d)
    keep = {ds[0] for ds in months.values()} | {ds[-1] for ds in months.values()}
    drop = [d for d in old if d not in keep]
    return CustomerQualityTally.objects.filter(day__in=drop).delete()[0] if drop else 0


def latest_tally(on: date | None = None) -> CustomerQualityTally | None:
    """A row of the latest tally (at or before ``on``): its ``day`` and when it was computed."""
    qs = CustomerQualityTally.objects.all()
    if on is not None:
        qs = qs.filter(day__lte=on)
    day = qs.aggregate(last=Max("day"))["last"]
    return None if day is None else qs.filter(day=day).order_by("created_at").first()


def tally_on(org_path: str, on: date) -> tuple[date, int, int] | None:
    """The latest tally at or before ``on`` for the subtree at ``org_path``: (its day, customers,
    customers with missing or invalid data); None when no tally was taken by then."""
    latest = latest_tally(on)
    if latest is None:
        return None
    sums = CustomerQualityTally.objects.filter(
        day=latest.day, org_path__startswith=org_path
    ).aggregate(total=Sum("total"), inaccurate=Sum("inaccurate"))
    return latest.day, sums["total"] or 0, sums["inaccurate"] or 0


def data_quality(actor: Actor) -> list[UnitQuality]:
    """Per-unit figures of the latest tally, units in path order (only units in scope that had
    customers); none before the first tally."""
    require(actor, VIEW)
    latest = latest_tally()
    if latest is None:
        return []
    rows = scope(actor, CustomerQualityTally.objects.filter(day=latest.day), VIEW)
    out = []
    for row in rows.select_related("org_unit").order_by("org_path"):
        counts = {p: row.counts.get(p, 0) for p in PROBLEMS}  # a problem added later: 0
        out.append(UnitQuality(row.org_unit_id, row.org_unit.localized_name, row.org_path,
                               row.total, row.with_problem, row.inaccurate, counts, row.day))  # fmt: skip
    return out


def problem_customers(
    actor: Actor, *, unit_id: Any, problem: str, today: date | None = None
) -> tuple[Any, list[Customer]]:
    """The unit (in scope, else NotFound) and its customers with ``problem``, by name."""
    require(actor, VIEW)
    unit = unit_in_scope(actor, unit_id, VIEW)
    if problem not in PROBLEMS:
        msg = str(_("未知的数据问题类型。"))
        raise ValidationFailed(msg, fields={"problem": [msg]})
    cut = stale_before(today or beijing_today())
    rows = [
        c
        for c in _customers(actor).filter(org_unit=unit).order_by("name", "id")
        if problem in problems_of(c, cut)
    ]
    return unit, rows
