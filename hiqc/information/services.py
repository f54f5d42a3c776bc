"""Every write of access governance (DESIGN rules 1, 3; standard 6.2.1(4), 6.2.3(3)(4); issue 21
§4). Security roles, evaluations and remediation: ``security/services.py``.

* ``recertification_open`` — the quarterly round (Beijing quarters): one ``RecertificationRound``
  per quarter, and for each org unit with memberships of active people an
  ``AccessRecertification`` case listing them. Catch-up safe: a late or repeated run opens what is
  missing and nothing twice.
* ``recertification_act`` — ``decide`` (one line: confirm, or revoke with a reason — the
  membership is revoked at once through ``hiqc.organisations.services.membership_revoke``),
  ``confirm_rest``, ``submit`` (refused while a line is pending). Nobody decides their own line.
* ``dormant_disable`` — deactivate the accounts with no sign-in for ``information.dormant_days``
  through ``user_deactivate`` (sessions and tokens end with it), each with an audit record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind, Prepared, Refusal
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import ValidationFailed
from hiqc.core.rules import rule_value
from hiqc.organisations.selectors import membership_list
from hiqc.organisations.services import membership_revoke, user_deactivate

from .enums import VIEW, LineDecision
from .models import AccessRecertification, RecertificationLine, RecertificationRound
from .selectors import access_recertification, dormant_accounts
from .workflow import RECERT_PROCESS, RECERT_WORK, RECERTIFICATION

REASON_MAX = 500
REVOKER = "information.recertification"  # the system actor that carries out a revocation
DISABLER = "information.dormant_disable"


def quarter_of(day: date) -> tuple[str, date, date]:
    """("2026Q4", first day, last day) of the quarter of ``day`` (a Beijing date)."""
    q = (day.month - 1) // 3 + 1
    start = date(day.year, 3 * q - 2, 1)
    end = date(day.year + 1, 1, 1) if q == 4 else date(day.year, 3 * q + 1, 1)
    return f"{day.year}Q{q}", start, date.fromordinal(end.toordinal() - 1)


# --- the case kind -------------------------------------------------------------------------------


def _pending(case: Any) -> int:
    return RecertificationLine.objects.filter(
        case_id=case.pk, decision=LineDecision.PENDING
    ).count()


def _not_own(lines: Any, actor: Actor) -> Any:
    """The lines that are not the actor's own (nobody decides their own role)."""
    return lines.exclude(user_id=actor.user_id) if actor.user_id is not None else lines


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | Refusal | None:
    if action == "submit":
        n = _pending(case)
        if n:
            return Refusal(_("还有 {n} 项授权待确认，全部确认或撤销后才能提交。").format(n=n),
                           "lines_pending")  # fmt: skip
    if action == "confirm_rest":
        lines = RecertificationLine.objects.filter(case_id=case.pk, decision=LineDecision.PENDING)
        if not _not_own(lines, actor).exists():
            return _("没有可由您确认的待确认授权（本人的授权由其他复核人确认）。")
    return None


def _line_for(case: Any, raw: Any) -> RecertificationLine:
    try:
        return RecertificationLine.objects.select_for_update().get(case_id=case.pk, pk=raw)
    except (RecertificationLine.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationFailed(_("该明细不属于本次复核。"),
                               fields={"line": [_("请选择本次复核中的一项授权。")]}) from exc  # fmt: skip


def _prepare(store: Any, case: Any, actor: Actor, action: str, data: Mapping[str, Any],
             at: datetime, source: str) -> Prepared:  # fmt: skip
    """The domain's checks and changes, after the permission check (so a reader without the
    permission is refused before any input is judged)."""
    if action == "decide":
        errors: dict[str, list[str]] = {}
        decision = str(data.get("decision") or "")
        reason = str(data.get("reason") or "").strip()
        if decision not in ("confirm", "revoke"):
            errors["decision"] = [_("请选择确认保留或撤销。")]
        if decision == "revoke" and len(reason) < 2:
            errors["reason"] = [_("撤销授权须说明理由。")]
        if len(reason) > REASON_MAX:
            errors["reason"] = [_("不能超过 {n} 个字。").format(n=REASON_MAX)]
        if errors:
            raise ValidationFailed(_("复核信息有误，请按提示修改。"), fields=errors)
        line = _line_for(case, data.get("line"))
        if line.user_id == actor.user_id:
            raise ValidationFailed(_("不能复核本人的授权。"),
                                   fields={"line": [_("本人的授权须由其他复核人确认。")]})  # fmt: skip
        if line.decision != LineDecision.PENDING:
            raise ValidationFailed(_("该项授权已经复核。"), fields={"line": [_("该项已复核。")]})

        def after(_case: Any) -> None:
            _decide(actor, line, decision, reason, at)

        return Prepared(at=at, record={"line": str(line.pk), "decision": decision}, after=after)
    if action == "confirm_rest":
        lines = list(_not_own(RecertificationLine.objects.select_for_update().filter(
            case_id=case.pk, decision=LineDecision.PENDING), actor))  # fmt: skip

        def confirm(_case: Any) -> None:
            for line in lines:
                _decide(actor, line, "confirm", "", at)

        return Prepared(at=at, record={"confirmed": len(lines)}, after=confirm)
    if action == "submit":
        return Prepared(at=at, updates={"closed_at": at, "closed_by": actor.username})
    return Prepared(at=at)


def _decide(actor: Actor, line: RecertificationLine, decision: str, reason: str,
            at: datetime) -> None:  # fmt: skip
    line.decision = LineDecision.CONFIRMED if decision == "confirm" else LineDecision.REVOKED
    line.reason, line.decided_by, line.decided_at = reason, actor.username, at
    line.save(update_fields=["decision", "reason", "decided_by", "decided_at", "updated_at"])
    if line.decision == LineDecision.REVOKED and line.membership_id is not None:
        # the manager decided (the step's audit record names them); the system carries it out
        # through the organisations app's one service, which audits the revocation itself
        membership_revoke(actor=Actor.system(REVOKER), membership_id=line.membership_id)


def _url(case_id: str) -> str:
    return reverse("information:recertification", args=[case_id])


KIND = CaseKind(label=RECERT_PROCESS, workflow=RECERTIFICATION, access=access_recertification,
                name=gettext_lazy("权限复核"), view_perm=VIEW, work_by_state=RECERT_WORK,
                url_for=_url, blocked=_blocked, prepare=_prepare)  # fmt: skip


# --- the quarterly round -------------------------------------------------------------------------


@transaction.atomic
def recertification_open(*, at: datetime | None = None) -> dict[str, int]:
    """Open the current quarter's round and a case for every unit with members that has none in
    it yet (the job ``information.recertification_open``; catch-up safe, idempotent)."""
    at = at or timezone.now()
    actor = Actor.system("information.recertification_open")
    quarter, start, end = quarter_of(at.astimezone(BEIJING).date())
    rnd, created = RecertificationRound.objects.get_or_create(
        quarter=quarter, defaults={"starts_on": start, "ends_on": end, "opened_at": at})  # fmt: skip
    done = set(
        AccessRecertification.objects.filter(round=rnd).values_list("org_unit_id", flat=True)
    )
    by_unit: dict[Any, list[Any]] = defaultdict(list)
    for m in membership_list(actor).filter(user__is_active=True, org_unit__is_active=True):
        if m.org_unit_id not in done:
            by_unit[m.org_unit_id].append(m)
    cases = lines = 0
    for unit_id, members in sorted(by_unit.items(), key=lambda kv: kv[1][0].org_unit.path):
        case = AccessRecertification.objects.create(
            round=rnd, org_unit_id=unit_id, opened_at=at, status=RECERTIFICATION.initial
        )
        RecertificationLine.objects.bulk_create(
            RecertificationLine(case=case, membership=m, user_id=m.user_id, role=m.role)
            for m in members
        )  # fmt: skip
        case_opened(kind=KIND, case=case, actor=actor, at=at, source=Source.SYSTEM,
                    data={"quarter": quarter, "lines": len(members)})  # fmt: skip
        cases += 1
        lines += len(members)
    return {"round": int(created), "cases": cases, "lines": lines}


def recertification_act(*, actor: Actor, case_id: Any, action: str, data: Mapping[str, Any],
                        version: int | None = None, at: datetime | None = None
                        ) -> AccessRecertification:  # fmt: skip
    """decide (line, decision confirm | revoke, reason — required to revoke), confirm_rest,
    submit."""
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    audit = {k: str(clean[k]) for k in ("line", "decision") if clean.get(k)}
    with transaction.atomic():
        case = case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, data=clean,
                               version=version, at=at or timezone.now(), source=Source.API,
                               audit=audit)  # fmt: skip
    assert isinstance(case, AccessRecertification)
    return case


# --- dormant accounts ----------------------------------------------------------------------------


def dormant_disable(*, now: datetime | None = None) -> dict[str, int]:
    """Deactivate every account dormant past ``information.dormant_days`` (the daily job
    ``information.dormant_disable``); the accounts within the warning window are counted."""
    now = now or timezone.now()
    system = Actor.system(DISABLER)
    days = int(rule_value("information.dormant_days"))
    disabled = 0
    for row in dormant_accounts(system, now=now):
        with transaction.atomic():
            user = user_deactivate(actor=system, user_id=row["user"].pk)
            audit_record(actor=system, action="information.dormant.disable", subject=user,
                         data={"idle_days": row["idle_days"], "rule_days": days})  # fmt: skip
        disabled += 1
    warned = len(dormant_accounts(system, now=now, warning=True))
    return {"disabled": disabled, "warned": warned}
