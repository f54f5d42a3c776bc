"""Customer-data quality per unit (standard 6.1.1: accurate, minimal customer data; issue 21 §3;
ADR 0031).

For the customers in the actor's ``customers.view`` scope (anonymised ones left out), per owning
unit: how many lack an ID number, a mobile, a birth date or an address; how many resident ID
numbers fail GB 11643 (format, birth date or check digit); how many mobiles are not mainland
mobile numbers; and how many records have not been updated for ``customers.stale_years`` (design
default 3 years, P). Values are decrypted in memory to be checked and never leave this module:
the drill-down lists customers, and the page shows them masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hiqc.core.access import Actor, require, scope
from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.errors import ValidationFailed
from hiqc.core.retention import beijing_today
from hiqc.core.rules import rule_value
from hiqc.organisations.selectors import unit_in_scope

from .enums import IdType
from .models import Customer
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
ONLY = ("id", "name", "id_type", "id_number", "birth_date", "mobile", "address", "updated_at")


@dataclass
class UnitQuality:
    unit_id: Any
    unit_name: str
    unit_path: str
    total: int = 0
    with_problem: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROBLEMS, 0))

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


def data_quality(actor: Actor, *, today: date | None = None) -> list[UnitQuality]:
    """Per-unit figures, units in path order (only units that have customers)."""
    require(actor, VIEW)
    cut = stale_before(today or beijing_today())
    units: dict[Any, UnitQuality] = {}
    for c in _customers(actor).order_by().iterator(chunk_size=2000):
        u = units.get(c.org_unit_id)
        if u is None:
            unit = c.org_unit
            u = units[c.org_unit_id] = UnitQuality(unit.pk, unit.localized_name, unit.path)
        found = problems_of(c, cut)
        u.total += 1
        u.with_problem += bool(found)
        for p in found:
            u.counts[p] += 1
    return sorted(units.values(), key=lambda u: u.unit_path)


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
