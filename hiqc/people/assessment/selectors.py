"""Assessment reads (standard 7.2; issue 18 §4; ADR 0021): cycles, results with their evidence,
the 360° coverage a manager may see (counts per group, never a rater's scores)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.personmeasures import PERSON_MEASURES, person_measures
from hiqc.core.rules import rule_value
from hiqc.organisations.models import User

from .models import AssessmentCycle, AssessmentResult, RaterGroup, Rating
from .rules import GRADES, MIN_RATERS, pay_band
from .services import cycles_visible, results_visible


def cycle_list(actor: Actor, *, status: str = "") -> QuerySet[AssessmentCycle]:
    qs = cycles_visible(actor)
    return qs.filter(status=status) if status else qs


def result_list(actor: Actor, *, cycle_id: Any = None, mine: bool = False
                ) -> QuerySet[AssessmentResult]:  # fmt: skip
    qs = results_visible(actor).order_by("cycle", "-total", "user__username")
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if mine:
        qs = qs.filter(user_id=actor.user_id) if actor.user_id else qs.none()
    return qs


def measure_options() -> list[dict[str, Any]]:
    """Every registered measure with the roles it applies to (the scheme form's rows)."""
    return [{"code": m.code, "label": _(str(m.label)), "kind": m.kind, "roles": m.roles,
             "unit": _(str(m.unit)) if m.unit else ""} for m in person_measures()]  # fmt: skip


def measure_label(code: str) -> str:
    m = PERSON_MEASURES.get(code)
    return _(str(m.label)) if m else code


def evidence_rows(result: AssessmentResult) -> list[dict[str, Any]]:
    """The result's measures as display rows, each evidence id with its page when the domain
    gives one."""
    out = []
    for row in result.measures:
        m = PERSON_MEASURES.get(row["code"])
        links = [(e, m.link(e) if (m and m.link) else "") for e in row.get("evidence", [])]
        value = row.get("value")
        shown = "" if value is None else (
            f"{value:.0f}" if (m and m.kind == "count") else f"{value:.2f}")  # fmt: skip
        out.append({**row, "label": measure_label(row["code"]), "shown": shown,
                    "unit": _(str(m.unit)) if (m and m.unit) else "", "links": links})  # fmt: skip
    return out


def rater_coverage(cycle: AssessmentCycle) -> dict[str, dict[str, tuple[int, int]]]:
    """{subject id: {group: (submitted, named)}} — how many raters, never what they gave."""
    rows = (
        Rating.objects.filter(cycle=cycle).values("subject_id", "group").order_by()
        .annotate(named=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False)))
    )  # fmt: skip
    out: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for r in rows:
        out[str(r["subject_id"])][r["group"]] = (r["submitted"], r["named"])
    return out


def users_by_id(ids: Any) -> dict[str, User]:
    return {str(u.pk): u for u in User.objects.filter(pk__in=list(ids))}


def min_raters() -> int:
    return int(rule_value(MIN_RATERS.key))


def pay_bands() -> list[tuple[str, int | None]]:
    return [(g, pay_band(g)) for g in GRADES]


GROUP_LABELS = dict(RaterGroup.choices)
