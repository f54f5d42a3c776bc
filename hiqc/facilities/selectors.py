"""Every read of the facilities app (DESIGN rules 1–2; standard chapter 8; issue 19 §1–§3).

Doors: ``access_outlet``, ``access_inspection``, ``access_rectification``, ``access_equipment`` —
missing and not yours are the same 404. Lists use the same scope predicate. Figures:
``results_by_outlet`` (the last inspection of each outlet, open rectifications) and
``inspection_trend`` (per month Σscore ÷ Σmax and the pass rate, never an average of ratios).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import NotFound
from hiqc.core.models import Deadline
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import unit_in_scope, units_in_scope

from .enums import VIEW, RectificationStatus
from .models import Equipment, EquipmentEvent, Inspection, OutletFacility, Rectification
from .workflow import PROCESS

OPEN_RECTIFICATION = (RectificationStatus.OPEN, RectificationStatus.DONE)


# --- outlets -------------------------------------------------------------------------------------


def outlets(actor: Actor, *, perm: str = VIEW) -> QuerySet[OrgUnit]:
    """The outlet-level org units (营业网点) in the actor's scope, by path."""
    return units_in_scope(actor, perm).filter(level=OrgLevel.OUTLET)


def access_outlet(actor: Actor, unit_id: Any, *, perm: str = VIEW) -> OrgUnit:
    unit = unit_in_scope(actor, unit_id, perm)
    if unit.level != OrgLevel.OUTLET:
        raise NotFound()
    return unit


def facilities_by_unit(unit_ids: list[Any]) -> dict[Any, OutletFacility]:
    """The facilities records of units already scoped by the caller."""
    return {f.org_unit_id: f for f in OutletFacility.objects.filter(org_unit_id__in=unit_ids)}


def facility_of(unit: OrgUnit) -> OutletFacility | None:
    return OutletFacility.objects.filter(org_unit=unit).first()


# --- inspections ---------------------------------------------------------------------------------


def inspection_list(actor: Actor, *, org_unit_id: Any = None, state: str = "",
                    today: date | None = None) -> QuerySet[Inspection]:  # fmt: skip
    """Inspections in scope, newest due first; ``state`` planned | overdue | done."""
    qs = scope(actor, Inspection.objects.select_related("org_unit", "checklist"), VIEW)
    if org_unit_id:
        qs = qs.filter(org_unit_id=org_unit_id)
    if state == "done":
        qs = qs.filter(performed_at__isnull=False)
    elif state == "planned":
        qs = qs.filter(performed_at__isnull=True)
    elif state == "overdue" and today is not None:
        qs = qs.filter(performed_at__isnull=True, due_date__lt=today)
    return qs


def access_inspection(actor: Actor, inspection_id: Any, *, for_update: bool = False
                      ) -> Inspection:  # fmt: skip
    qs = Inspection.objects.all() if for_update else Inspection.objects.select_related(
        "org_unit", "checklist")  # fmt: skip
    return get_in_scope(actor, qs, inspection_id, VIEW, for_update=for_update)


def inspection_marks(inspection: Inspection) -> list[Any]:
    return list(inspection.marks.select_related("item").order_by("item__position"))


def inspection_photos(inspection: Inspection) -> list[Any]:
    return list(inspection.photos.all())


def access_photo(actor: Actor, photo_id: Any) -> Any:
    from .models import InspectionPhoto

    return get_in_scope(actor, InspectionPhoto.objects.select_related("inspection"), photo_id,
                        VIEW)  # fmt: skip


def results_by_outlet(actor: Actor) -> list[dict[str, Any]]:
    """Per outlet in scope: its facilities record's gaps, the last performed inspection (date,
    percent, pass), how many were performed, the open rectifications."""
    units = list(outlets(actor))
    ids = [u.pk for u in units]
    records = facilities_by_unit(ids)
    done = (
        Inspection.objects.filter(org_unit_id__in=ids, performed_at__isnull=False)
        .order_by("org_unit_id", "-performed_at")
        .values("org_unit_id", "performed_at", "percent", "passed")
    )
    last: dict[Any, dict[str, Any]] = {}
    counts: dict[Any, int] = defaultdict(int)
    for row in done:
        counts[row["org_unit_id"]] += 1
        last.setdefault(row["org_unit_id"], dict(row))
    open_counts = dict(
        Rectification.objects.filter(org_unit_id__in=ids, status__in=OPEN_RECTIFICATION)
        .order_by()
        .values_list("org_unit_id")
        .annotate(n=Count("id"))
        .values_list("org_unit_id", "n")
    )
    return [
        {
            "unit": u,
            "facility": records.get(u.pk),
            "gaps": records[u.pk].gaps() if u.pk in records else None,
            "last": last.get(u.pk),
            "inspections": counts.get(u.pk, 0),
            "open_rectifications": open_counts.get(u.pk, 0),
        }
        for u in units
    ]


def inspection_trend(actor: Actor, *, org_unit_id: Any = None) -> list[dict[str, Any]]:
    """Per month (Beijing time) of performed inspections in scope: Σscore ÷ Σmax as a percent,
    the pass rate, the count — oldest first."""
    qs = inspection_list(actor, org_unit_id=org_unit_id, state="done")
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for score, max_score, passed, at in qs.values_list("score", "max_score", "passed",
                                                       "performed_at"):  # fmt: skip
        if at is None:  # not performed: excluded by the filter
            continue
        row = months[at.astimezone(BEIJING).strftime("%Y-%m")]
        row[0] += score or 0
        row[1] += max_score or 0
        row[2] += 1 if passed else 0
        row[3] += 1

    def pct(n: int, d: int) -> Decimal | None:
        return (Decimal(100 * n) / d).quantize(Decimal("0.1"), ROUND_HALF_UP) if d else None

    return [
        {"month": m, "percent": pct(s, mx), "pass_rate": pct(p, n), "inspections": n}
        for m, (s, mx, p, n) in sorted(months.items())
    ]


# --- rectifications ------------------------------------------------------------------------------


def rectification_list(actor: Actor, *, status: str = "", org_unit_id: Any = None,
                       open_only: bool = False) -> QuerySet[Rectification]:  # fmt: skip
    qs = scope(actor, Rectification.objects.select_related("org_unit", "item"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_RECTIFICATION)
    if org_unit_id:
        qs = qs.filter(org_unit_id=org_unit_id)
    return qs


def access_rectification(actor: Actor, case_id: Any, *, for_update: bool = False
                         ) -> Rectification:  # fmt: skip
    qs = Rectification.objects.all() if for_update else Rectification.objects.select_related(
        "org_unit", "item", "inspection")  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)


def open_clocks(ids: list[Any]) -> dict[str, list[Deadline]]:
    """The running clocks of these rectifications, by case id."""
    out: dict[str, list[Deadline]] = {}
    for d in Deadline.objects.filter(case_type=PROCESS, case_id__in=[str(i) for i in ids],
                                     closed_at=None):  # fmt: skip
        out.setdefault(d.case_id, []).append(d)
    return out


# --- equipment -----------------------------------------------------------------------------------


def equipment_list(actor: Actor, *, category: str = "", state: str = "", org_unit_id: Any = None,
                   q: str = "") -> QuerySet[Equipment]:  # fmt: skip
    qs = scope(actor, Equipment.objects.select_related("org_unit"), VIEW)
    if category:
        qs = qs.filter(category=category)
    if state:
        qs = qs.filter(state=state)
    if org_unit_id:
        qs = qs.filter(org_unit_id=org_unit_id)
    if q:
        qs = qs.filter(Q(asset_number__icontains=q) | Q(name__icontains=q))
    return qs


def access_equipment(actor: Actor, equipment_id: Any, *, for_update: bool = False) -> Equipment:
    qs = Equipment.objects.all() if for_update else Equipment.objects.select_related("org_unit")
    return get_in_scope(actor, qs, equipment_id, VIEW, for_update=for_update)


def equipment_history(equipment: Equipment) -> QuerySet[EquipmentEvent]:
    return equipment.events.order_by("happened_on", "created_at")
