"""The cases behind a figure (issue 7 §2: "every figure links to the cases behind it"): for an
indicator, a unit and a period, the records its numerator and denominator counted, each linked to
its case page — for the on-time rates the clocks that closed (breached first), for the
satisfaction figures the submitted answers (lowest score first). Indicators that count something
else (calls, sums of durations) say that they have no case list here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hiqc.core.access import Actor
from hiqc.core.casework import CASE_KINDS
from hiqc.core.models import Deadline

# on-time rate → the clock whose closures it counts ("" = every clock)
CLOCKS = {
    "claims.decided_on_time_rate": "claims.decide",
    "claims.paid_on_time_rate": "claims.payment",
    "claims.refusal_notice_on_time_rate": "claims.refusal_notice",
    "complaints.decided_on_time_rate": "complaints.decide",
    "core.deadlines_met_rate": "",
}
# satisfaction figure → the case type surveyed ("" = every case type)
SURVEYS = {"surveys.csat": "", "surveys.nps": "", "claims.satisfaction": "claims.claim",
           "complaints.satisfaction": "complaints.complaint"}  # fmt: skip
LIMIT = 500


@dataclass
class CaseRow:
    case_type: str
    name: str
    label: str
    url: str
    when: datetime | None
    counted: str  # what the figure counted for this case: 按时 / 超时, or the score
    bad: bool


def supported(code: str) -> bool:
    return code in CLOCKS or code in SURVEYS


def _labels(actor: Actor, ids_by_type: dict[str, list[str]]) -> dict[tuple[str, str], str]:
    """Case numbers for the cases the actor may see (``str`` of the case is its number)."""
    out: dict[tuple[str, str], str] = {}
    for case_type, ids in ids_by_type.items():
        kind = CASE_KINDS.get(case_type)
        if kind is None:
            continue
        for obj in kind.model._default_manager.filter(pk__in=ids[:LIMIT]):
            out[(case_type, str(obj.pk))] = str(obj)
    return out


def cases_behind(actor: Actor, code: str, org_path: str, start: datetime, end: datetime
                 ) -> list[CaseRow] | None:  # fmt: skip
    if code in CLOCKS:
        qs = Deadline.objects.filter(closed_at__gte=start, closed_at__lt=end,
                                     org_path__startswith=org_path,
                                     state__in=[Deadline.State.MET, Deadline.State.BREACHED])  # fmt: skip
        if CLOCKS[code]:
            qs = qs.filter(clock=CLOCKS[code])
        rows = list(
            qs.order_by("-state", "closed_at")[:LIMIT]
        )  # "met" > "breached": breached first
        rows.sort(key=lambda d: (d.state != Deadline.State.BREACHED, d.closed_at))
        ids: dict[str, list[str]] = {}
        for d in rows:
            ids.setdefault(d.case_type, []).append(d.case_id)
        labels = _labels(actor, ids)
        return [_row(actor, d.case_type, d.case_id, labels, d.closed_at,
                     "超时" if d.state == Deadline.State.BREACHED else "按时",
                     d.state == Deadline.State.BREACHED, d.org_path) for d in rows]  # fmt: skip
    if code in SURVEYS:
        from hiqc.surveys.models import SurveyResponse  # the surveys declare these figures

        answered = SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end,
                                           org_path__startswith=org_path).select_related("invitation")  # fmt: skip
        if SURVEYS[code]:
            answered = answered.filter(invitation__case_type=SURVEYS[code])
        field = "recommend" if code == "surveys.nps" else "satisfaction"
        answers = [r for r in answered.order_by(field)[:LIMIT] if getattr(r, field) is not None]
        out = []
        for r in answers:
            score = getattr(r, field)
            inv = r.invitation
            bad = score <= 6 if field == "recommend" else score <= 3
            out.append(_row(actor, inv.case_type, inv.case_id, {(inv.case_type, inv.case_id): inv.case_number},
                            r.submitted_at, f"{score} 分", bad, inv.org_path))  # fmt: skip
        return out
    return None


def _row(actor: Actor, case_type: str, case_id: str, labels: dict[tuple[str, str], Any],
         when: datetime | None, counted: str, bad: bool, path: str) -> CaseRow:  # fmt: skip
    kind = CASE_KINDS.get(case_type)
    visible = kind is not None and actor.can(kind.view_perm, path)
    url = kind.url_for(case_id) if visible and kind is not None and kind.url_for else ""
    name = str(kind.name) if kind is not None else case_type
    label = labels.get((case_type, case_id), case_id[:8]) if visible else "—"
    return CaseRow(case_type, name, label, url, when, counted, bad)
