"""Information API (issue 21 §4, §5, §9): access recertification cases on the case API contract,
dormant accounts, the reveal anomaly report, security roles with their holders and vacancies, the
yearly self-evaluations and their remediation cases. Scope before anything is said: another
unit's id is the same 404 as a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut, IsoDate
from hiqc.organisations.enums import Role

from . import selectors
from .enums import AUDIT_VIEW, VIEW
from .schemas import (
    DormantAccountOut,
    EvaluationDetailOut,
    EvaluationIn,
    EvaluationOut,
    HolderIn,
    HolderOut,
    RecertificationCaseOut,
    RecertificationOut,
    RemediationCaseOut,
    RemediationOut,
    ResponsibilityOut,
    RevealAnomalyOut,
)
from .security import selectors as security
from .security.services import KIND as REMEDIATION_KIND
from .security.services import evaluation_perform, holder_assign, remediation_act
from .services import KIND as RECERT_KIND
from .services import recertification_act

router = Router(tags=["information"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}
ROLE_LABELS = dict(Role.choices)


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _recert(c) -> dict:
    return {"id": c.pk, "status": c.status, "quarter": c.round.quarter, "org_unit_id": c.org_unit_id,
            "org_unit_name": c.org_unit.localized_name, "opened_at": c.opened_at,
            "closed_at": c.closed_at, "closed_by": c.closed_by,
            "lines_total": getattr(c, "lines_total", 0),
            "lines_pending": getattr(c, "lines_pending", 0),
            "lines_revoked": getattr(c, "lines_revoked", 0)}  # fmt: skip


def _line(x) -> dict:
    return {"id": x.pk, "membership_id": x.membership_id, "user_id": x.user_id,
            "username": x.user.username, "display_name": x.user.display_name, "role": x.role,
            "role_label": str(ROLE_LABELS.get(x.role, x.role)), "decision": x.decision,
            "reason": x.reason, "decided_by": x.decided_by, "decided_at": x.decided_at}  # fmt: skip


def _recert_case(request: HiqcRequest, case_id: UUID) -> dict:
    case = selectors.access_recertification(request.actor, case_id)
    listed = selectors.recertification_list(request.actor).get(pk=case.pk)
    return {**case_representation(RECERT_KIND, case, request.actor),
            "recertification": _recert(listed),
            "lines": [_line(x) for x in selectors.recertification_lines(case)]}  # fmt: skip


# --- access recertification ----------------------------------------------------------------------


@router.get("/access-recertifications", response={200: list[RecertificationOut], **ERRORS})
@paginate
def list_recertifications(request: HiqcRequest, status: Literal["", "open", "completed"] = "",
                          quarter: str = ""):  # fmt: skip
    """The recertification cases in scope (one per unit with members per Beijing quarter),
    newest first, with their counts of lines, pending lines and revocations."""
    require(request.actor, VIEW)
    qs = selectors.recertification_list(request.actor, status=status, quarter=quarter[:7])
    return [_recert(c) for c in qs]


@router.get("/access-recertifications/{case_id}", response={200: RecertificationCaseOut, **ERRORS})
def get_recertification(request: HiqcRequest, case_id: UUID):
    return _recert_case(request, case_id)


@router.post("/access-recertifications/{case_id}/actions/{action}",
             response={200: RecertificationCaseOut, **CASE_ERRORS})  # fmt: skip
def recertification_action(request: HiqcRequest, case_id: UUID, action: str,
                           payload: CaseActionIn):  # fmt: skip
    """decide (`line`, `decision` confirm | revoke, `reason` — required to revoke: the
    membership is revoked at once), confirm_rest, submit (409 while a line is pending) at
    ``version``: 409 when stale or not allowed now, 422 for missing or wrong inputs. Nobody
    decides their own line."""
    recertification_act(actor=request.actor, case_id=case_id, action=action[:60],
                        data=payload.data, version=payload.version)  # fmt: skip
    return _recert_case(request, case_id)


# --- dormant accounts and reveal anomalies -------------------------------------------------------


@router.get("/dormant-accounts", response={200: list[DormantAccountOut], **ERRORS})
@paginate
def list_dormant_accounts(request: HiqcRequest, warning: bool = False):
    """Active accounts in scope with no sign-in for `information.dormant_days` (the daily job
    disables them), or with `warning=true` those it will reach within the warning days."""
    require(request.actor, VIEW)
    rows = selectors.dormant_accounts(request.actor, warning=warning)
    return [{"user_id": r["user"].pk, "username": r["user"].username,
             "display_name": r["user"].display_name,
             "org_unit_name": r["user"].org_unit.localized_name if r["user"].org_unit else "",
             "last_seen": r["last_seen"], "idle_days": r["idle_days"],
             "disable_on": r["disable_on"], "never_signed_in": r["never_signed_in"]}
            for r in rows]  # fmt: skip


@router.get("/reveal-anomalies", response={200: list[RevealAnomalyOut], **ERRORS})
@paginate
def list_reveal_anomalies(request: HiqcRequest, since: IsoDate | None = None,
                          until: IsoDate | None = None):  # fmt: skip
    """Reveal anomalies per person and Beijing day (default: the last 7 days; at most 92 days):
    `rate` above the person's usual rate, `off_hours` outside working hours or on a rest day,
    `burst` many distinct customers in a short window. Needs `audit.view` (the report summarises
    the audit log, in the same scope)."""
    require(request.actor, AUDIT_VIEW)
    return selectors.reveal_anomalies(request.actor, since=since, until=until)


# --- security roles ------------------------------------------------------------------------------


def _holder(h) -> dict:
    return {"id": h.pk, "org_unit_id": h.org_unit_id, "role": h.role, "user_id": h.user_id,
            "username": h.user.username, "display_name": h.user.display_name,
            "starts_on": h.starts_on, "ends_on": h.ends_on, "note": h.note}  # fmt: skip


@router.get("/security-roles", response={200: list[ResponsibilityOut], **ERRORS})
@paginate
def list_security_roles(request: HiqcRequest):
    """Per unit that must name security holders: each required role with its current holders,
    and the roles left vacant (6.2.1(1), 6.2.3(1))."""
    require(request.actor, VIEW)
    return [{"org_unit_id": r["unit"].pk, "org_unit_name": r["unit"].localized_name,
             "roles": [{"role": s["role"], "label": str(s["label"]),
                        "holders": [_holder(h) for h in s["holders"]]} for s in r["roles"]],
             "vacant": [s["role"] for s in r["vacant"]]}
            for r in security.responsibilities(request.actor, today=_today())]  # fmt: skip


@router.post("/security-roles", response={201: HolderOut, **ERRORS})
def assign_security_role(request: HiqcRequest, payload: HolderIn):
    """Name a holder of a security role over a unit from `starts_on` (information.security)."""
    holder = holder_assign(actor=request.actor, data=payload.dict())
    return Status(201, _holder(security.access_holder(request.actor, holder.pk)))


# --- self-evaluations and remediation ------------------------------------------------------------


def _evaluation_detail(e) -> dict:
    marks = [{"item_id": m.item_id, "category": m.item.category, "text": m.item.text,
              "points": m.item.points, "critical": m.item.critical, "clause": m.item.clause,
              "mark": m.mark, "note": m.note} for m in security.evaluation_marks(e)]  # fmt: skip
    return {**EvaluationOut.from_orm(e).dict(), "marks": marks,
            "remediation_ids": [r.pk for r in e.remediations.all()]}  # fmt: skip


@router.get("/security-evaluations", response={200: list[EvaluationOut], **ERRORS})
@paginate
def list_evaluations(request: HiqcRequest, year: int | None = None):
    require(request.actor, VIEW)
    year = year if year is not None and 2000 <= year <= 2100 else None  # no year: every year
    return security.evaluation_list(request.actor, year=year)


@router.post("/security-evaluations", response={201: EvaluationDetailOut, **CASE_ERRORS})
def perform_evaluation(request: HiqcRequest, payload: EvaluationIn):
    """A unit's yearly self-evaluation: a mark for every item of the current checklist version
    (points or "na"), notes by item, a summary. Failed items open remediation cases; 409 when
    the unit already has that year's (information.security over the unit)."""
    e = evaluation_perform(actor=request.actor, org_unit_id=payload.org_unit, year=payload.year,
                           marks=payload.marks, notes=payload.notes, summary=payload.summary)  # fmt: skip
    return Status(201, _evaluation_detail(security.access_evaluation(request.actor, e.pk)))


@router.get("/security-evaluations/{evaluation_id}",
            response={200: EvaluationDetailOut, **ERRORS})  # fmt: skip
def get_evaluation(request: HiqcRequest, evaluation_id: UUID):
    return _evaluation_detail(security.access_evaluation(request.actor, evaluation_id))


def _remediation_case(request: HiqcRequest, case) -> dict:
    return {**case_representation(REMEDIATION_KIND, case, request.actor), "remediation": case}


@router.get("/security-remediations", response={200: list[RemediationOut], **ERRORS})
@paginate
def list_remediations(request: HiqcRequest, status: str = ""):
    require(request.actor, VIEW)
    return security.remediation_list(request.actor, status=status[:20])


@router.get("/security-remediations/{case_id}", response={200: RemediationCaseOut, **ERRORS})
def get_remediation(request: HiqcRequest, case_id: UUID):
    return _remediation_case(request, security.access_remediation(request.actor, case_id))


@router.post("/security-remediations/{case_id}/actions/{action}",
             response={200: RemediationCaseOut, **CASE_ERRORS})  # fmt: skip
def remediation_action(request: HiqcRequest, case_id: UUID, action: str, payload: CaseActionIn):
    """rectify (correction), verify (verification), reject (reason), cancel (reason) at
    ``version``: 409 when stale or not allowed now, 422 for missing inputs."""
    remediation_act(actor=request.actor, case_id=case_id, action=action[:60], data=payload.data,
                    version=payload.version)  # fmt: skip
    return _remediation_case(request, security.access_remediation(request.actor, case_id))
