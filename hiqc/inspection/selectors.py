"""Reads for quality inspection, always through the actor's scope (DESIGN rule 2).

The interactions themselves live in other apps; they are read here through their models only
(``callcentre.CallRecord``, ``consultations.Consultation``, ``complaints.Complaint``), never
through their views or services.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hiqc.callcentre.models import CallRecord
from hiqc.complaints.models import Complaint
from hiqc.consultations.models import Consultation
from hiqc.core.access import Actor, get_in_scope, role_codes, role_permissions, scope
from hiqc.core.errors import NotFound
from hiqc.core.models import Checklist, Deadline
from hiqc.customers.masking import masked
from hiqc.organisations.models import Membership, OrgUnit, User
from hiqc.organisations.selectors import units_with_ids

from .enums import DisputeStatus, Kind, Reason, ScoreStatus, TaskStatus
from .models import SHEET_PURPOSE, AgentAlias, Dispute, InspectionTask, Sample, Score
from .sampling import Candidate, percentile
from .workflow import SCORE_PROCESS, WINDOW

VIEW, INSPECT, DISPUTE = "qa.view", "qa.inspect", "qa.dispute"


# --- doors ----------------------------------------------------------------------------------------


def access_task(
    actor: Actor, task_id: Any, *, perm: str = VIEW, for_update: bool = False
) -> InspectionTask:
    return get_in_scope(
        actor,
        InspectionTask.objects.select_related("agent", "org_unit"),
        task_id,
        perm,
        for_update=for_update,
    )


def access_score(actor: Actor, score_id: Any, *, perm: str = VIEW) -> Score:
    return get_in_scope(
        actor,
        Score.objects.select_related("task", "agent", "org_unit", "sheet", "scorer"),
        score_id,
        perm,
    )


def access_score_case(actor: Actor, score_id: Any, *, for_update: bool = False) -> Score:
    """The score as a case (its dispute window, ``workflow.SCORE``): in the actor's ``qa.view``
    scope, or the actor's own score (the scored agent). Anything else answers like a missing
    score."""
    qs = Score.objects.select_related("task", "agent", "org_unit", "sheet", "scorer")
    visible = scope(actor, qs, VIEW)
    if actor.user_id is not None:
        visible = visible | qs.filter(agent_id=actor.user_id)
    if for_update:  # the score row only, not the rows it is read with
        visible = visible.select_for_update(of=("self",))
    try:
        return visible.get(pk=score_id)
    except (Score.DoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc


def access_own_score(actor: Actor, score_id: Any, *, for_update: bool = False) -> Score:
    """The scored agent's door: only their own scores, and "not yours" looks like "missing"."""
    if actor.user_id is None:
        raise NotFound()
    qs = Score.objects.select_related("task", "org_unit", "sheet").filter(agent_id=actor.user_id)
    if for_update:  # the score row only, not the task, unit and sheet it is read with
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=score_id)
    except (Score.DoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc


def access_dispute(actor: Actor, dispute_id: Any, *, for_update: bool = False) -> Dispute:
    return get_in_scope(
        actor,
        Dispute.objects.select_related("score", "score__task", "score__agent", "score__sheet"),
        dispute_id,
        INSPECT,
        for_update=for_update,
    )


# --- lists ----------------------------------------------------------------------------------------


def task_list(
    actor: Actor, *, perm: str = VIEW, status: str = "", kind: str = "", agent: str = ""
) -> QuerySet[InspectionTask]:
    qs = scope(actor, InspectionTask.objects.select_related("agent", "org_unit"), perm)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if agent:
        qs = qs.filter(agent__username=agent)
    return qs.order_by("status", "-occurred_at")


def inspection_queue(actor: Actor) -> QuerySet[InspectionTask]:
    """Tasks waiting for a score that the actor may score (qa.inspect over their unit)."""
    return task_list(actor, perm=INSPECT, status=TaskStatus.PENDING).exclude(agent_id=actor.user_id)


def score_list(actor: Actor, *, agent: str = "") -> QuerySet[Score]:
    qs = scope(
        actor, Score.objects.select_related("task", "agent", "org_unit", "scorer", "sheet"), VIEW
    )
    if agent:
        qs = qs.filter(agent__username=agent)
    return qs.order_by("-scored_at")


def agent_averages(actor: Actor) -> list[dict[str, Any]]:
    """Average final score and fatal errors per agent over the scores in scope."""
    rows = (
        score_list(actor)
        .values("agent__username", "agent__display_name")
        .annotate(
            n=Count("id"), avg=Avg("final_total"), fatal=Count("id", filter=Q(final_fatal=True))
        )
        .order_by("agent__username")
    )
    return list(rows)


def my_scores(actor: Actor) -> QuerySet[Score]:
    if actor.user_id is None:
        return Score.objects.none()
    return (
        Score.objects.filter(agent_id=actor.user_id)
        .select_related("task", "sheet", "org_unit")
        .order_by("-scored_at")
    )


def disputes_of(scores: list[Score]) -> dict[Any, Dispute]:
    return {d.score_id: d for d in Dispute.objects.filter(score__in=scores)}


def dispute_list(actor: Actor, *, status: str = "") -> QuerySet[Dispute]:
    qs = scope(
        actor,
        Dispute.objects.select_related("score", "score__task", "score__agent", "raised_by"),
        INSPECT,
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "raised_at")


def open_dispute_count(actor: Actor) -> int:
    return dispute_list(actor, status=DisputeStatus.OPEN).count()


def sample_list(actor: Actor) -> QuerySet[Sample]:
    return scope(actor, Sample.objects.select_related("org_unit"), INSPECT).order_by("-created_at")


# --- sheets ---------------------------------------------------------------------------------------


def sheets() -> QuerySet[Checklist]:
    """Every scoring-sheet version: the kernel checklists of purpose ``inspection.interaction``
    (ADR 0023); ``applies_to`` lists the interaction kinds, ``critical`` items are fatal."""
    return Checklist.objects.filter(purpose=SHEET_PURPOSE)


def sheet_list(*, active_only: bool = False) -> QuerySet[Checklist]:
    qs = sheets().prefetch_related("items")
    return qs.filter(active=True) if active_only else qs.order_by("code", "-version")


def sheet_get(sheet_id: Any) -> Checklist:
    """One sheet version; NotFound for a missing id or a checklist of another purpose."""
    try:
        return sheets().prefetch_related("items").get(pk=sheet_id)
    except (Checklist.DoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc


def sheet_for_kind(kind: str) -> Checklist | None:
    """The newest active sheet that applies to ``kind``."""
    for sheet in sheets().filter(active=True).order_by("-created_at", "code"):
        if kind in (sheet.applies_to or []):
            return sheet
    return None


def sheet_latest_version(code: str) -> int:
    last = Checklist.objects.filter(code=code).order_by("-version").first()
    return last.version if last else 0


def sheet_code_taken(code: str) -> bool:
    """Whether ``code`` names a kernel checklist of another purpose (codes are unique across
    purposes: ``Checklist`` is unique on code + version)."""
    return Checklist.objects.filter(code=code).exclude(purpose=SHEET_PURPOSE).exists()


def sheet_has_scores(sheet: Checklist) -> bool:
    return Score.objects.filter(sheet=sheet).exists()


# --- people ---------------------------------------------------------------------------------------


def ancestor_paths(path: str) -> list[str]:
    """'0001/0002/' → ['0001/', '0001/0002/'] (the unit and every unit above it)."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def inspectors_over(path: str) -> set[Any]:
    """Ids of active users holding qa.inspect over the org unit at ``path``."""
    roles = [r for r in role_codes() if INSPECT in role_permissions(r)]
    return set(
        Membership.objects.filter(
            role__in=roles, org_unit__path__in=ancestor_paths(path), user__is_active=True
        ).values_list("user_id", flat=True)
    )


def task_not_for(actor: Actor) -> Q:
    """The tasks never ``actor``'s work (``CaseKind.not_for``): those scoring their own calls and
    consultations (``_task_blocked``: nobody scores their own service)."""
    return Q(agent_id=actor.user_id)


def dispute_not_for(actor: Actor) -> Q:
    """The disputes never ``actor``'s work (``CaseKind.not_for``), as ``_decider_refusal`` says
    (standard 7.2, fair assessment): their own, and those about their own scoring while another
    inspector over the unit could decide them — in SQL: an active member with a role holding
    qa.inspect over the score's unit or above, neither the actor nor the scored agent."""
    if actor.user_id is None:
        return Q(pk__in=[])
    roles = [r for r in role_codes() if INSPECT in role_permissions(r)]
    another = Membership.objects.filter(
        StartsWith(OuterRef("score__org_unit__path"), F("org_unit__path")),
        role__in=roles, user__is_active=True,
    ).exclude(user_id=actor.user_id).exclude(user_id=OuterRef("score__agent_id"))  # fmt: skip
    own = Q(score__agent_id=actor.user_id) | Q(raised_by_id=actor.user_id)
    return own | (Q(score__scorer_id=actor.user_id) & Q(Exists(another)))


def users_for_agent_ids(agent_ids: set[str]) -> dict[str, Any]:
    """Telephony agent id → user id: the alias table first, then ``username == agent id``."""
    mapping = dict(
        AgentAlias.objects.filter(agent_id__in=agent_ids).values_list("agent_id", "user_id")
    )
    rest = agent_ids - mapping.keys()
    if rest:
        mapping.update(
            User.objects.filter(username__in=rest, is_active=True).values_list("username", "id")
        )
    return mapping


# --- sampling pools -------------------------------------------------------------------------------


def existing_tasks(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, object_id in keys:
        by_kind[kind].append(object_id)
    out: set[tuple[str, str]] = set()
    for kind, ids in by_kind.items():
        for start in range(0, len(ids), 900):
            out.update(
                InspectionTask.objects.filter(
                    kind=kind, object_id__in=ids[start : start + 900]
                ).values_list("kind", "object_id")
            )
    return out


def sampled_per_agent(unit: OrgUnit, start: datetime, end: datetime) -> dict[str, int]:
    rows = (
        InspectionTask.objects.filter(
            org_unit__path__startswith=unit.path, occurred_at__gte=start, occurred_at__lt=end
        )
        .values("agent_id")
        .annotate(n=Count("id"))
    )
    return {str(r["agent_id"]): r["n"] for r in rows}


def _repeat_keys(
    rows: list[dict[str, Any]], start: datetime, end: datetime, window: timedelta
) -> set[Any]:
    """Ids of consultations whose customer (or contact number) contacted us in the ``window``
    before: any earlier consultation, in any unit (only the yes/no leaves this function)."""
    customers = {r["customer_id"] for r in rows if r["customer_id"]}
    hashes = {r["contact_mobile_hash"] for r in rows if r["contact_mobile_hash"]}
    if not customers and not hashes:
        return set()
    earlier = Consultation.objects.filter(
        Q(customer_id__in=customers) | Q(contact_mobile_hash__in=hashes),
        received_at__gte=start - window,
        received_at__lt=end,
    ).values_list("customer_id", "contact_mobile_hash", "received_at")
    seen: dict[Any, list[datetime]] = defaultdict(list)
    for customer_id, mobile_hash, at in earlier:
        if customer_id:
            seen[("c", customer_id)].append(at)
        if mobile_hash:
            seen[("m", mobile_hash)].append(at)
    repeat = set()
    for r in rows:
        keys = [("c", r["customer_id"]), ("m", r["contact_mobile_hash"])]
        for key in keys:
            if key[1] and any(r["received_at"] - window <= t < r["received_at"] for t in seen[key]):
                repeat.add(r["id"])
                break
    return repeat


def sampling_candidates(
    actor: Actor,
    *,
    unit: OrgUnit,
    start: datetime,
    end: datetime,
    kinds: list[str],
    repeat_window: timedelta,
    long_call_pct: int,
) -> tuple[list[Candidate], dict[str, Any]]:
    """Every interaction of the period in the unit's subtree with its handling user and the
    targeted rules it matches; plus facts for the sample record (P90 per queue, unmapped agent
    ids)."""
    candidates: list[Candidate] = []
    facts: dict[str, Any] = {"p90_handle_s": {}, "unmapped_agent_ids": 0}
    in_unit = Q(org_unit__path__startswith=unit.path)
    consultations: list[dict[str, Any]] = list(
        scope(  # type: ignore[arg-type]
            actor,
            Consultation.objects.filter(
                in_unit, received_at__gte=start, received_at__lt=end, assignee__isnull=False
            ),
            INSPECT,
        ).values(
            "id", "number", "org_unit_id", "received_at", "assignee_id", "customer_id",
            "contact_mobile_hash", "complaint_id", "call_id",
        )
    )  # fmt: skip
    repeats = _repeat_keys(consultations, start, end, repeat_window)
    repeat_calls = {r["call_id"] for r in consultations if r["id"] in repeats and r["call_id"]}
    if Kind.CONSULTATION in kinds:
        for r in consultations:
            reasons = set()
            if r["complaint_id"]:
                reasons.add(Reason.CONVERTED.value)
            if r["id"] in repeats:
                reasons.add(Reason.REPEAT_CALLER.value)
            candidates.append(
                Candidate(
                    Kind.CONSULTATION.value, str(r["id"]), r["number"], str(r["assignee_id"]),
                    str(r["org_unit_id"]), r["received_at"], reasons,
                )
            )  # fmt: skip
    if Kind.CALL in kinds:
        calls: list[dict[str, Any]] = list(
            scope(  # type: ignore[arg-type]
                actor,
                CallRecord.objects.filter(
                    in_unit,
                    offered_at__gte=start,
                    offered_at__lt=end,
                    abandoned=False,
                    ivr_only=False,
                    answered_at__isnull=False,
                ).exclude(agent=""),
                INSPECT,
            ).values("id", "call_id", "queue", "org_unit_id", "offered_at", "agent", "handle_s")
        )
        by_queue: dict[str, list[int]] = defaultdict(list)
        for call in calls:
            if call["handle_s"] is not None:
                by_queue[call["queue"]].append(call["handle_s"])
        p90 = {q: percentile(v, long_call_pct) for q, v in by_queue.items()}
        facts["p90_handle_s"] = {q: v for q, v in p90.items()}
        users = users_for_agent_ids({call["agent"] for call in calls})
        for call in calls:
            user_id = users.get(call["agent"])
            if user_id is None:
                facts["unmapped_agent_ids"] += 1
                continue
            reasons = set()
            if call["handle_s"] is not None and call["handle_s"] > p90[call["queue"]]:
                reasons.add(Reason.LONG_CALL.value)
            if call["call_id"] in repeat_calls:
                reasons.add(Reason.REPEAT_CALLER.value)
            candidates.append(
                Candidate(
                    Kind.CALL.value, str(call["id"]), call["call_id"], str(user_id),
                    str(call["org_unit_id"]), call["offered_at"], reasons,
                )
            )  # fmt: skip
    if Kind.COMPLAINT in kinds:
        complaints = scope(
            actor,
            Complaint.objects.filter(
                in_unit, received_at__gte=start, received_at__lt=end, assignee__isnull=False
            ),
            INSPECT,
        ).values("id", "reference", "org_unit_id", "received_at", "assignee_id")
        for row in complaints:
            candidates.append(
                Candidate(
                    Kind.COMPLAINT.value, str(row["id"]), row["reference"], str(row["assignee_id"]),
                    str(row["org_unit_id"]), row["received_at"], {Reason.COMPLAINT.value},
                )
            )  # fmt: skip
    return candidates, facts


# --- the interaction behind a task ----------------------------------------------------------------


def mask_name(name: str) -> str:
    """An inspector needs to know a person is there, not who: 张三丰 → 张**."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else "—"


def interaction_essentials(task: InspectionTask) -> dict[str, Any]:
    """What an inspector needs to score: a few facts and the recording reference, with personal
    data masked (standard 4.1.3(4), 6.1). Nothing here is logged."""
    rows: list[tuple[str, Any]] = []
    recording = ""
    if task.kind == Kind.CALL:
        call = CallRecord.objects.filter(pk=task.object_id).first()
        if call is not None:
            rows = [
                (gettext_noop("呼叫编号"), call.call_id),
                (gettext_noop("队列"), call.get_queue_display()),
                (gettext_noop("进线时间"), call.offered_at),
                (gettext_noop("接通时间"), call.answered_at),
                (gettext_noop("结束时间"), call.ended_at),
                (gettext_noop("等待时长（秒）"), call.wait_s),
                (gettext_noop("处理时长（秒）"), call.handle_s),
                (gettext_noop("坐席工号"), call.agent),
            ]
            linked = Consultation.objects.filter(call_id=call.call_id).first()
            recording = linked.recording_ref if linked else ""
            recording = recording or call.call_id
    elif task.kind == Kind.CONSULTATION:
        c = (
            Consultation.objects.select_related("topic", "customer")
            .filter(pk=task.object_id)
            .first()
        )
        if c is not None:
            rows = [
                (gettext_noop("咨询编号"), c.number),
                (gettext_noop("渠道"), c.get_channel_display()),
                (gettext_noop("咨询主题"), c.topic.name),
                (gettext_noop("受理时间"), c.received_at),
                (
                    gettext_noop("客户"),
                    mask_name(c.customer.name if c.customer else c.contact_name),
                ),
                (gettext_noop("联系电话"), masked("mobile", c.contact_mobile) or "—"),
                (gettext_noop("咨询内容"), c.question),
                (gettext_noop("答复内容"), c.answer or "—"),
                (gettext_noop("首次接触解决"), _("是") if c.first_contact_resolution else _("否")),
                (gettext_noop("已转投诉"), _("是") if c.complaint_id else _("否")),
            ]
            recording = c.recording_ref
    elif task.kind == Kind.COMPLAINT:
        p = Complaint.objects.select_related("complainant").filter(pk=task.object_id).first()
        if p is not None:
            rows = [
                (gettext_noop("投诉编号"), p.reference),
                (gettext_noop("投诉人"), mask_name(p.complainant.name)),
                (gettext_noop("手机号码"), masked("mobile", p.complainant.mobile) or "—"),
                (gettext_noop("接收时间"), p.received_at),
                (gettext_noop("争议类型"), p.get_dispute_type_display()),
                (gettext_noop("投诉性质"), p.get_nature_display()),
                (gettext_noop("状态"), p.get_status_display()),
                (gettext_noop("处理结果"), p.get_outcome_display() or "—"),
                (gettext_noop("决定时间"), p.decided_at or "—"),
            ]
            recording = p.recording_ref
    return {"rows": rows, "recording_ref": recording, "found": bool(rows)}


# --- the dispute window (a clock of the engine) ---------------------------------------------------


def dispute_window(score: Score) -> Deadline | None:
    """The score's dispute-window clock (None for a score given before the window was a clock)."""
    return Deadline.objects.filter(
        case_type=SCORE_PROCESS, case_id=str(score.pk), clock=WINDOW.code
    ).first()


def dispute_window_open(score: Score, at: datetime) -> bool:
    """Whether the window of ``score`` still runs at ``at``: its clock is running and has not run
    out (for a score from before the window was a clock: its stored end)."""
    return bool(open_windows([score], at))


def units_of(ids: set[Any]) -> QuerySet[OrgUnit]:
    """The org units of freshly written rows (their paths), read once for a batch."""
    return units_with_ids(ids)


def open_windows(scores: list[Score], at: datetime) -> set[Any]:
    """Ids of the ``scores`` whose dispute window still runs at ``at`` (one query for a list)."""
    clocks = {
        d.case_id: d
        for d in Deadline.objects.filter(
            case_type=SCORE_PROCESS, clock=WINDOW.code, case_id__in=[str(s.pk) for s in scores]
        )
    }
    out = set()
    for s in scores:
        clock = clocks.get(str(s.pk))
        running = (
            at < s.dispute_until
            if clock is None
            else clock.state == Deadline.State.RUNNING and at < clock.due_at
        )
        if running and s.status == ScoreStatus.SCORED:
            out.add(s.pk)
    return out
