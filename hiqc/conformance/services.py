"""Writes of the conformance app: self-assessment rounds (DESIGN rules 1, 3; issue 22 §3;
ADR 0035).

* ``round_create`` — a round for head office or a province and a quarter (one open or done round
  per unit and period: a second is a 409 ``round_exists``); every clause's automatic status for
  the unit's subtree and the quarter is computed (``selectors.clause_statuses``) and stored, each
  clause's judgement starting at it. A case on the engine (``conformance.assessmentround``).
* ``clause_judge`` — the assessor's judgement of one clause while the round is in progress; a
  judgement other than the automatic status needs a reason (422 naming ``reason``); audited with
  the old and new status and the reason's length, never its text.
* ``round_act`` — the round's steps: ``refresh`` (recompute the automatic statuses; a judgement
  given with a reason is kept, one without follows the new automatic status), ``submit``
  (summary), ``sign_off`` (never by the person who submitted: ``own_round``; opens a quality
  nonconformity for every leaf judged not conforming), ``return`` and ``cancel`` (reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.casekinds import CaseKind, Refusal
from hiqc.core.casework import Source, case_allowed_actions, case_opened, case_transition
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.evidence import EvidenceStatus
from hiqc.core.identifiers import create_numbered
from hiqc.core.retention import beijing_today
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.selectors import unit_in_scope

from . import selectors
from .enums import ASSESS, VIEW, RoundStatus
from .models import AssessmentRound, RoundClause
from .periods import QUARTER, Period, parse_period
from .workflow import PROCESS, ROUND, WORK_BY_STATE

TEXT_MAX = 4000
Errors = dict[str, list[str]]


def _url(case_id: str) -> str:
    return reverse("conformance:round", args=[case_id])


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> Refusal | None:
    """The quality lead signs off another person's assessment, never their own."""
    if action == "sign_off" and case.submitted_by and case.submitted_by == actor.username:
        return Refusal(_("不能签署本人提交的自评估，须由另一位有签署权限的人员签署。"),
                       "own_round")  # fmt: skip
    return None


KIND = CaseKind(label=PROCESS, workflow=ROUND, access=selectors.access_round,
                name=gettext_lazy("标准符合性自评估"), view_perm=VIEW,
                work_by_state=WORK_BY_STATE, url_for=_url, blocked=_blocked)  # fmt: skip


def period_of(case: AssessmentRound) -> Period:
    return Period(case.period, case.period_start, case.period_end)


def _evidence(found: selectors.ClauseStatus) -> list[dict[str, Any]]:
    return [{"rule": r.code, "kind": r.kind, "status": e.status, "records": e.records,
             "failing": e.failing, "note": e.note, "url": e.url} for r, e in found.own]  # fmt: skip


def round_create(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None,
                 source: str = Source.PAGE) -> AssessmentRound:  # fmt: skip
    """A round of ``org_unit`` (head office or a province, conformance.assess over it) for
    ``period`` (a quarter ``YYYY-Qn`` that has begun); every clause's automatic status stored."""
    require(actor, ASSESS)
    errors: Errors = {}
    unit = None
    try:
        unit = unit_in_scope(actor, str(data.get("org_unit") or "")[:64], ASSESS)
    except Exception:  # missing, not yours or malformed: named on the field
        errors["org_unit"] = [_("请选择您有权开展自评估的机构。")]
    if unit is not None and unit.level > OrgLevel.PROVINCE:
        errors["org_unit"] = [_("自评估按总公司或省级分公司开展。")]
    period = None
    raw = str(data.get("period") or "").strip()
    try:
        period = parse_period(raw)
        if not QUARTER.match(period.label):
            raise ValidationFailed("quarter")
        if period.start > beijing_today():
            errors["period"] = [_("该季度尚未开始。")]
    except ValidationFailed:
        errors["period"] = [_("期间应为季度，格式 YYYY-Qn，例如 2026-Q3。")]
    if errors:
        raise ValidationFailed(_("自评估信息有误，请按提示修改。"), fields=errors)
    assert unit is not None and period is not None
    existing = selectors.round_exists(unit, period.label)
    if existing is not None:
        raise Conflict(_("该机构该期间已有自评估（{n}）。").format(n=existing.number),
                       code="round_exists")  # fmt: skip
    at = at or timezone.now()
    statuses = selectors.clause_statuses(unit.path, period, fresh=True)  # the evidence as of now
    clauses = selectors.clauses_by_code()
    try:
        with transaction.atomic():
            case = create_numbered(
                AssessmentRound, field="number", letters="ZP", at=at, digits=4, org_unit=unit,
                status=RoundStatus.IN_PROGRESS, period=period.label, period_start=period.start,
                period_end=period.end, opened_at=at, opened_by=actor.username, computed_at=at,
            )  # fmt: skip
            RoundClause.objects.bulk_create([
                RoundClause(round=case, clause=clauses[code], auto_status=s.status,
                            records=s.records, failing=s.failing, evidence=_evidence(s),
                            judgement=s.status)
                for code, s in statuses.items() if code in clauses
            ])  # fmt: skip
            case_opened(kind=KIND, case=case, actor=actor, at=at,
                        source=Source.SYSTEM if actor.is_system else source,
                        data={"org_unit": str(unit.pk), "period": period.label})  # fmt: skip
    except IntegrityError as exc:  # another round for the unit and period raced in
        raise Conflict(_("该机构该期间已有自评估。"), code="round_exists") from exc
    return case


def clause_judge(*, actor: Actor, round_id: Any, code: str, data: Mapping[str, Any],
                 at: datetime | None = None) -> RoundClause:  # fmt: skip
    """The assessor's judgement of clause ``code`` (``judgement``: an evidence status, default
    the automatic one; ``reason``: required when it differs; ``note``). Door, then permission,
    then state (409 ``round_not_in_progress``), then the inputs (422 naming the field)."""
    case = selectors.access_round(actor, round_id)
    require(actor, ASSESS, case)
    values = {k: str(data.get(k) or "").strip() for k in ("judgement", "reason", "note")}
    at = at or timezone.now()
    with transaction.atomic():
        case = selectors.access_round(actor, round_id, for_update=True)
        if case.status != RoundStatus.IN_PROGRESS:
            raise Conflict(_("只有自评中的自评估可以评定条款。"), code="round_not_in_progress",
                           state=case.status, version=case.version,
                           allowed_actions=case_allowed_actions(KIND, case, actor, now=at))  # fmt: skip
        row = selectors.round_clause(case, code[:20], for_update=True)
        if row is None:
            raise NotFound()
        judgement = values["judgement"] or row.auto_status
        errors: Errors = {}
        if judgement not in EvidenceStatus.values:
            errors["judgement"] = [_("请选择符合、部分符合、不符合、不适用或尚不能评估。")]
        for name in ("reason", "note"):
            if len(values[name]) > TEXT_MAX:
                errors[name] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
        if judgement != row.auto_status and not values["reason"] and "judgement" not in errors:
            errors["reason"] = [_("评定与自动状态不同，请说明理由。")]
        if errors:
            raise ValidationFailed(_("条款评定有误，请按提示修改。"), fields=errors)
        old = row.judgement
        row.judgement, row.reason, row.note = judgement, values["reason"], values["note"]
        row.judged_by, row.judged_at = actor.username, at
        row.save(update_fields=["judgement", "reason", "note", "judged_by", "judged_at",
                                "updated_at"])  # fmt: skip
        audit_record(actor=actor, action="conformance.round.judge", subject=case, at=at,
                     fields=["judgement", "reason", "note"],
                     data={"clause": row.clause.code, "auto": row.auto_status, "old": old,
                           "new": judgement, "reason_length": len(values["reason"])})  # fmt: skip
    return row


def round_act(*, actor: Actor, round_id: Any, action: str, data: Mapping[str, Any],
              version: int | None = None, at: datetime | None = None,
              source: str = Source.API) -> AssessmentRound:  # fmt: skip
    """refresh; submit (summary); sign_off; return (reason); cancel (reason) at ``version``."""
    selectors.access_round(actor, round_id)  # the door first: a reader is told 404, never 422
    data = {str(k): str(v).strip() for k, v in data.items()}
    for name in ("summary", "reason"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = at or timezone.now()
    updates: dict[str, Any] = {}
    if action == "submit":
        updates = {"summary": data.get("summary", ""), "submitted_at": at,
                   "submitted_by": actor.username}  # fmt: skip
    elif action == "sign_off":
        updates = {"signed_off_at": at, "signed_off_by": actor.username}
    elif action == "return":
        updates = {"submitted_at": None, "submitted_by": ""}
    elif action == "refresh":
        updates = {"computed_at": at}
    record = {k: len(v) for k, v in data.items() if k in ("summary", "reason")}
    with transaction.atomic():
        case = case_transition(kind=KIND, actor=actor, case_id=round_id, action=action,
                               data=data, version=version, at=at, source=source, record=record,
                               updates=updates)  # fmt: skip
        assert isinstance(case, AssessmentRound)
        if action == "refresh":
            _refresh(case)
        elif action == "sign_off":
            round_nonconformities_open(actor=actor, case=case)
    return case


def _refresh(case: AssessmentRound) -> None:
    """Recompute the automatic statuses; a judgement given with a reason stands, one without
    follows the new automatic status."""
    statuses = selectors.clause_statuses(case.org_unit.path, period_of(case), fresh=True)
    rows = selectors.round_clauses(case)
    for row in rows:
        found = statuses.get(row.clause.code)
        if found is None:
            continue
        row.auto_status, row.records, row.failing = found.status, found.records, found.failing
        row.evidence = _evidence(found)
        if not row.reason:
            row.judgement = found.status
    RoundClause.objects.bulk_update(
        rows, ["auto_status", "records", "failing", "evidence", "judgement"], batch_size=500
    )


def round_nonconformities_open(*, actor: Actor, case: AssessmentRound) -> int:
    """A quality nonconformity (source 审计发现, through quality's own service and its own
    permission check) for every leaf clause of a signed-off round judged not conforming that has
    none yet; idempotent: never two for one clause of a round. Returns how many were opened."""
    from hiqc.quality.nonconformities.services import nonconformity_open

    if case.status != RoundStatus.SIGNED_OFF:
        return 0
    opened = 0
    for row in selectors.leaves_to_open(case):
        clause = row.clause
        description = _(
            "标准符合性自评估 {n}（{p}）评定条款 {c} 不符合。自动状态：{a}。{r}"
        ).format(n=case.number, p=case.period, c=clause.code,
                 a=EvidenceStatus(row.auto_status).label,
                 r=_("评定理由：{r}").format(r=row.reason) if row.reason else "")  # fmt: skip
        nc = nonconformity_open(actor=actor, org_unit_id=case.org_unit_id, data={
            "source": "audit", "reference": f"{case.number} {clause.code}"[:60],
            "title": f"{clause.code} {clause.title}"[:200], "description": description[:TEXT_MAX],
        })  # fmt: skip
        row.nonconformity = nc
        row.save(update_fields=["nonconformity", "updated_at"])
        opened += 1
    return opened
