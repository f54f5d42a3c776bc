"""Every write to complaints (DESIGN rules 1 and 3; standard 4.2; CP-1…CP-12).

``complaint_register`` validates and records a complaint and starts its clocks;
``complaint_act`` applies one workflow action after the domain's own checks (recusal, extension
bounds and approval, the review window, archive retention) and issues the letters the law requires
to be sent to the complainant. Status changes go through ``case_transition`` only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, Unit, clock_skew, compute_due, years_after
from hiqc.core.casekinds import CaseKind, Prepared, Refusal
from hiqc.core.casework import CaseStore, case_allowed_actions, case_opened, case_transition
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.heldcases import held_events, is_held
from hiqc.core.identifiers import create_numbered, is_uuid
from hiqc.core.models import CaseEvent, Deadline, Notification
from hiqc.core.notifications import notify
from hiqc.core.rules import rule_value
from hiqc.customers.enums import Channel, CustomerKind
from hiqc.customers.selectors import access_customer
from hiqc.customers.services import customer_create
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.selectors import (
    unit_by_id,
    unit_in_scope,
    users_with_permission_at_head_office,
)

from .enums import (
    DisputeType,
    LetterKind,
    Nature,
    Outcome,
    ProductLine,
    RespondentKind,
    Source,
    Status,
)
from .models import Complaint, Letter, RootCause
from .recusal import eligible_handlers, involved_user_ids, not_for
from .selectors import access_complaint
from .workflow import (
    APPROVE,
    DECIDE,
    FIRST_EXTENSION_DAYS,
    REVIEW_REQUEST_DAYS,
    SECOND_EXTENSION_DAYS,
    WORKFLOW,
)

REGISTER = "complaints.register"
OPEN_STATES = frozenset({Status.REGISTERED, Status.INVESTIGATING, Status.APPRAISAL})
TEXT_MAX = 5000
REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,39}$")


def _url(case_id: str) -> str:
    from django.urls import reverse

    return reverse("complaints:detail", args=[case_id])


def _after(case: Any, action: str) -> None:
    """Tell the new handler; ask head office's approvers for a further extension (CP-3)."""
    if action == "request_further_extension":
        notify(
            user_ids=users_with_permission_at_head_office(APPROVE),
            kind=Notification.Kind.APPROVAL_REQUESTED,
            title=_("投诉 {ref} 申请再延期30日，待您批准（CP-3）").format(ref=case.reference),
            url=_url(str(case.pk)),
            case_type="complaints.complaint",
            case_id=str(case.pk),
            dedupe_key=f"complaint:{case.pk}:{action}:{case.version}",
        )
        return
    if action not in ("assign", "reassign"):
        return
    case.refresh_from_db(fields=["assignee"])  # set by complaint_act after the transition
    if case.assignee_id:
        notify(
            user_ids=[case.assignee_id],
            kind=Notification.Kind.CASE_ASSIGNED,
            title=_("投诉 {ref} 已分派给您").format(ref=case.reference),
            url=_url(str(case.pk)),
            case_type="complaints.complaint",
            case_id=str(case.pk),
            dedupe_key=f"complaint:{case.pk}:{action}:{case.version}",
        )


KIND = CaseKind(
    label="complaints.complaint",
    workflow=WORKFLOW,
    access=access_complaint,
    on_commit=_after,
    name=gettext_lazy("投诉"),
    view_perm="complaints.view",
    not_for=not_for,  # my work: recusal (CP-6, CP-8) and approvals (CP-3), as _prepare refuses
    url_for=_url,
    blocked=lambda case, action, actor, at: _blocked(case, action, actor, at),
    prepare=lambda store, case, actor, action, data, at, source: _kind_prepare(
        store, case, actor, action, data, at
    ),
)


# --- registration (CP-5, CP-9, CP-10) ---------------------------------------------------------------


def _parse_datetime(value: Any) -> datetime | None:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    return parsed


def _parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return date.fromisoformat(str(value).strip())


def complaint_clean(
    actor: Actor, data: Mapping[str, Any], *, now: datetime
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a registration. Only what the complainant must tell us is asked (CP-5): the
    complainant is found among existing customers, and the policy/claim are references."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def text(field: str, *, required: bool, limit: int = TEXT_MAX) -> str:
        value = str(data.get(field) or "").strip()
        if required and not value:
            err(field, _("此项必填。"))
        elif len(value) > limit:
            err(field, _("不能超过 {n} 个字。").format(n=limit))
        return value

    def choice(field: str, choices: Any, *, default: str | None = None) -> str:
        value = str(data.get(field) or default or "").strip()
        if not value:
            err(field, _("此项必填。"))
        elif value not in choices.values:
            err(field, _("请选择列出的选项之一。"))
        return value

    out["channel"] = choice("channel", Channel)
    out["source"] = choice("source", Source, default=Source.DIRECT)
    out["dispute_type"] = choice("dispute_type", DisputeType)
    out["product_line"] = choice("product_line", ProductLine)
    out["nature"] = choice("nature", Nature)
    out["respondent_kind"] = choice("respondent_kind", RespondentKind)
    out["request"] = text("request", required=True)
    out["facts"] = text("facts", required=True)
    out["respondent_name"] = text("respondent_name", required=False, limit=100)
    out["forwarding_ref"] = text("forwarding_ref", required=False, limit=60)
    for field in ("policy_ref", "claim_ref", "recording_ref"):
        value = text(field, required=False, limit=100)
        if value and field != "recording_ref" and not REF_PATTERN.match(value):
            err(field, _("编号只能包含字母、数字和 - _ / .，最长 40 位。"))
        out[field] = value

    received_raw = data.get("received_at")
    try:
        received = _parse_datetime(received_raw) if received_raw not in (None, "") else now
        assert received is not None
        if received > now + clock_skew():
            err("received_at", _("接收时间不能晚于现在。"))
        out["received_at"] = received
    except ValueError:
        err("received_at", _("请输入有效的日期时间，例如 2026-11-26 09:30。"))
        received = now

    forwarded = data.get("forwarded_on")
    if out["source"] in (Source.REGULATOR, Source.ASSOCIATION):
        if forwarded in (None, ""):
            err("forwarded_on", _("转送投诉须填写转送日期（CP-9）。"))
        else:
            try:
                day = _parse_date(forwarded)
                if day > received.astimezone(BEIJING).date():
                    err("forwarded_on", _("转送日期不能晚于接收时间。"))
                out["forwarded_on"] = day
            except ValueError:
                err("forwarded_on", _("请输入有效日期，例如 2026-11-20。"))
    elif forwarded not in (None, ""):
        err("forwarded_on", _("直接投诉不填写转送日期。"))

    unit_id = data.get("respondent_unit_id")
    if unit_id not in (None, ""):
        unit = unit_by_id(unit_id) if is_uuid(unit_id) else None
        if unit is None:
            err("respondent_unit_id", _("未找到该机构。"))
        out["respondent_unit"] = unit
    user_id = data.get("respondent_user_id")
    if user_id not in (None, ""):
        user = User.objects.filter(pk=str(user_id)).first() if is_uuid(user_id) else None
        if user is None:
            err("respondent_user_id", _("未找到该员工。"))
        out["respondent_user"] = user
    if out.get("respondent_kind") == RespondentKind.EMPLOYEE and not (
        out.get("respondent_user") or out["respondent_name"]
    ):
        err("respondent_user_id", _("被投诉方为员工时，请选择员工或填写姓名。"))
    involved = data.get("involved_user_ids") or []
    if not isinstance(involved, list | tuple):
        involved = [involved]
    bad = [str(i) for i in involved if not is_uuid(i)]
    found = list(User.objects.filter(pk__in=[i for i in involved if is_uuid(i)]))
    if bad or len(found) != len(set(map(str, involved))):
        err("involved_user_ids", _("涉及人员中有无法识别的用户。"))
    out["involved"] = found
    return out, errors


def _complainant(actor: Actor, org_unit: OrgUnit, data: Mapping[str, Any]) -> Any:
    """An existing customer (by id) or, when the person is new to us, a new customer record."""
    customer_id = data.get("customer_id")
    if customer_id not in (None, ""):
        try:
            return access_customer(actor, customer_id)
        except Exception as exc:  # NotFound: same answer for missing and not in scope
            raise ValidationFailed(
                _("投诉人信息有误。"), fields={"customer_id": [_("未找到该客户。")]}
            ) from exc
    new = data.get("new_complainant")
    if not isinstance(new, Mapping) or not new:
        raise ValidationFailed(
            _("请选择投诉人。"),
            fields={"customer_id": [_("请按手机号或证件号查找客户，或登记新投诉人。")]},
        )
    try:
        return customer_create(
            actor=actor,
            org_unit_id=org_unit.pk,
            data={**new, "kinds": [CustomerKind.COMPLAINANT]},
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            exc.message, fields={f"new_complainant.{k}": v for k, v in exc.fields.items()}
        ) from exc


@transaction.atomic
def complaint_register(
    *,
    actor: Actor,
    org_unit_id: Any,
    data: Mapping[str, Any],
    at: datetime | None = None,
    source: str = CaseEvent.Source.PAGE,
) -> Complaint:
    """Register a complaint (standard 4.2.2(2)); the 15-day clock runs from receipt (CP-1)."""
    require(actor, REGISTER)
    now = at or timezone.now()
    unit = unit_in_scope(actor, org_unit_id, REGISTER)
    clean, errors = complaint_clean(actor, data, now=now)
    if errors:
        raise ValidationFailed(_("投诉信息有误，请按提示修改。"), fields=errors)
    complainant = _complainant(actor, unit, data)
    involved = clean.pop("involved")
    received = clean["received_at"]
    window = int(rule_value("complaints.repeat_window_days"))
    previous = (
        Complaint.objects.filter(
            complainant=complainant,
            received_at__gte=received - timedelta(days=window),
            received_at__lt=received,
        )
        .order_by("-received_at")
        .first()
    )
    complaint = create_numbered(
        Complaint, field="reference", letters="TS", at=received, digits=5,
        org_unit=unit, complainant=complainant, status=WORKFLOW.initial, repeat_of=previous,
        **clean,
    )  # fmt: skip
    complaint.involved_users.set(involved)
    case_opened(  # registered now; its clocks run from the receipt (Start(at_field="received_at"))
        kind=KIND,
        case=complaint,
        actor=actor,
        at=now,
        source=source,
        data={"channel": complaint.channel, "source": complaint.source},
    )
    audit_record(actor=actor, action="complaints.register", subject=complaint)
    return complaint


# --- actions ----------------------------------------------------------------------------------------


def _decide_clock(complaint: Complaint) -> Deadline:
    if is_held(complaint):
        return complaint.clocks[DECIDE.code]  # type: ignore[attr-defined]
    return Deadline.objects.get(case_type=KIND.label, case_id=str(complaint.pk), clock=DECIDE.code)


def _further_extension_requested(complaint: Complaint) -> bool:
    """A CP-3 request is pending: asked for after the last further extension (if any)."""
    asked = ("request_further_extension", "extend_further")
    if is_held(complaint):
        held = held_events(complaint, asked)
        return bool(held) and held[-1].activity == "request_further_extension"
    last = (
        CaseEvent.objects.filter(
            case_type=KIND.label,
            case_id=str(complaint.pk),
            activity__in=("request_further_extension", "extend_further"),
        )
        .order_by("-at", "-id")
        .values_list("activity", flat=True)
        .first()
    )
    return last == "request_further_extension"


def _blocked(complaint: Any, action: str, actor: Actor, at: datetime) -> Refusal | None:
    """Why the complaint's own data stop ``action`` now (the clocks of CP-1 to CP-3), with the
    error code: the complaints kind's domain guard, run once by the executor. The page offers and
    the API allows only actions for which this is None."""
    if action not in ("extend", "request_further_extension", "extend_further", "start_appraisal",
                      "new_facts"):  # fmt: skip
        return None
    clock = _decide_clock(complaint)
    over = clock.state == Deadline.State.BREACHED or at >= clock.due_at
    if action == "new_facts" and over:
        return Refusal(
            _("处理期限已届满（超时已记录），不能以新事实重新计时；请尽快作出决定。"),
            "deadline_passed",
        )
    if action == "start_appraisal" and (clock.state != Deadline.State.RUNNING or over):
        return Refusal(_("处理期限已届满，不能再中止计时。"), "deadline_passed")
    if action in ("extend", "request_further_extension", "extend_further") and over:
        return Refusal(_("法定处理期限已届满，不能再延期。"), "deadline_passed")
    if action == "extend" and clock.amount != DECIDE.amount:
        return Refusal(
            _("已延期过一次；再次延期须经总公司高级管理人员批准（CP-3），请用“申请再延期”。"),
            "action_refused",
        )
    if action in ("request_further_extension", "extend_further"):
        if clock.amount == SECOND_EXTENSION_DAYS:
            return Refusal(_("已再延期至60日，不能再延期（CP-3）。"), "action_refused")
        if clock.amount != FIRST_EXTENSION_DAYS:
            return Refusal(_("须先延期至30日（CP-2），才能申请再延期（CP-3）。"), "action_refused")
    if action == "request_further_extension" and _further_extension_requested(complaint):
        return Refusal(_("已申请再延期，等待总公司批准。"), "action_refused")
    if action == "extend_further" and not actor.can_globally(APPROVE):
        return Refusal(_("再次延期须由总公司高级管理人员批准（CP-3）。"), "action_refused")
    return None


def _refuse(message: str, complaint: Complaint, code: str, actor: Actor) -> Conflict:
    """409 with the actions ``actor`` may take on the complaint now (permission, scope, state and
    the domain guard: never an action the caller could not perform)."""
    allowed = case_allowed_actions(KIND, complaint, actor)
    return Conflict(
        message,
        code=code,
        state=complaint.status,
        version=complaint.version,
        allowed_actions=allowed,
    )


def _require_text(data: Mapping[str, Any], *fields: str) -> dict[str, str]:
    out, errors = {}, {}
    for field in fields:
        value = str(data.get(field) or "").strip()
        if not value:
            errors[field] = [_("此项必填。")]
        elif len(value) > TEXT_MAX:
            errors[field] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
        out[field] = value
    if errors:
        raise ValidationFailed(_("缺少必填信息。"), fields=errors)
    return out


def review_last_day(complaint: Complaint) -> date | None:
    """The last day (24:00) on which the complainant may ask for a review (CP-8)."""
    ends = review_window_ends(complaint)
    return None if ends is None else (ends.astimezone(BEIJING) - timedelta(seconds=1)).date()


def review_window_ends(complaint: Complaint) -> datetime | None:
    """The end of the complainant's 30 days to ask for a review (CP-8)."""
    if complaint.decided_at is None:
        return None
    return compute_due(complaint.decided_at, REVIEW_REQUEST_DAYS, Unit.CALENDAR_DAYS).due_at


def _memo(store: CaseStore, key: Any, compute: Any) -> Any:
    """What a batch store remembers for its run (``HeldCases.memo``); the database store looks up
    every time."""
    memo = getattr(store, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _target(store: CaseStore, reference: str, complaint: Complaint) -> Any:
    """The complaint to merge into: one the batch holds (``memo[("reference", ref)]``), else the
    stored one."""
    memo = getattr(store, "memo", None)
    held = memo.get(("reference", reference)) if memo is not None else None
    if held is not None:
        return held if held.pk != complaint.pk else None
    return Complaint.objects.filter(reference=reference).exclude(pk=complaint.pk).first()


def _kind_prepare(
    store: CaseStore,
    complaint: Complaint,
    actor: Actor,
    action: str,
    data: Mapping[str, Any],
    at: datetime,
) -> Prepared:
    """``KIND.prepare``: the domain's checks and field updates, run by the executor for either
    store; the letter the action requires is issued once the step is written (a held case's
    letters are its loader's to write)."""
    updates, record, letter = _prepare(store, actor, complaint, action, data, at)
    after = None
    if letter and not is_held(complaint):
        kind = letter

        def after(case: Any) -> None:
            letter_issue(actor=actor, complaint=case, kind=kind, data=record, at=at)

    return Prepared(at=at, updates=updates, record=record, after=after)


def _prepare(
    store: CaseStore,
    actor: Actor,
    complaint: Complaint,
    action: str,
    data: Mapping[str, Any],
    at: datetime,
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """Domain checks before the transition: (field updates, event record, letter kind)."""
    updates: dict[str, Any] = {}
    record: dict[str, Any] = {}
    letter: str | None = None
    if actor.user_id is not None and actor.user_id in involved_user_ids(complaint):
        raise Forbidden(_("您与投诉事项有直接利害关系，依规须回避，不能办理此投诉（CP-6）。"))
    if action in ("assign", "reassign"):
        assignee_id = data.get("assignee")
        user = (
            _memo(store, ("user", str(assignee_id)),
                  lambda: User.objects.filter(pk=str(assignee_id)).first())
            if is_uuid(assignee_id)
            else None
        )  # fmt: skip
        if user is None:
            raise ValidationFailed(_("请选择承办人。"), fields={"assignee": [_("未找到该人员。")]})
        involved = involved_user_ids(complaint)
        if user.pk in involved:
            raise ValidationFailed(
                _("{name} 与投诉事项有直接利害关系，依规须回避，不能承办此投诉（CP-6）。").format(
                    name=user.display_name or user.username
                ),
                fields={"assignee": [_("须回避（CP-6）。")]},
            )
        handlers = _memo(store, ("handlers", complaint.org_unit.path, *sorted(involved)),
                         lambda: eligible_handlers(complaint))  # fmt: skip
        if user not in handlers:
            raise ValidationFailed(
                _("{name} 无权承办该机构的投诉。").format(name=user.display_name or user.username),
                fields={"assignee": [_("无承办权限。")]},
            )
        updates["assignee"] = user
        record = {"assignee": user.username}
        if action == "reassign":
            record["reason"] = _require_text(data, "reason")["reason"]
    elif action in ("extend", "extend_further"):
        reason = _require_text(data, "reason")["reason"]
        if action == "extend_further" and not actor.can_globally(APPROVE):
            raise Forbidden(_("再次延期须由总公司高级管理人员批准（CP-3）。"))
        record = {"reason": reason}
        letter = LetterKind.EXTENSION if action == "extend" else LetterKind.FURTHER_EXTENSION
    elif action == "request_further_extension":
        record = {"reason": _require_text(data, "reason")["reason"]}
    elif action == "start_appraisal":
        record = {"reason": _require_text(data, "reason")["reason"]}
        letter = LetterKind.APPRAISAL
    elif action == "new_facts":
        summary = _require_text(data, "summary")["summary"]
        record = {"summary_chars": len(summary)}  # the text may describe health: not logged
    elif action == "withdraw":
        record = {"reason": _require_text(data, "reason")["reason"]}
    elif action == "merge":
        into_ref = str(data.get("into") or "").strip()
        target = _target(store, into_ref, complaint) if into_ref else None
        if target is None or not actor.can("complaints.view", target.org_unit.path):
            raise ValidationFailed(
                _("请填写要合并至的在办投诉编号。"), fields={"into": [_("未找到该投诉。")]}
            )
        if target.complainant_id != complaint.complainant_id:
            raise ValidationFailed(
                _("只能合并同一投诉人的重复投诉（CP-4）。"), fields={"into": [_("投诉人不同。")]}
            )
        if target.status not in OPEN_STATES:
            raise ValidationFailed(
                _("只能合并至仍在处理期内的投诉（CP-4）。"), fields={"into": [_("该投诉已办结。")]}
            )
        updates["merged_into"] = target
        record = {"into": target.reference}
    elif action == "decide":
        texts = _require_text(data, "facts_found", "basis", "decision_text")
        errors: dict[str, list[str]] = {}
        outcome = str(data.get("outcome") or "")
        if outcome not in Outcome.values:
            errors["outcome"] = [_("请选择处理结果。")]
        code = str(data.get("root_cause") or "")
        cause = _memo(
            store,
            ("root_cause", code),
            lambda: RootCause.objects.filter(code=code, active=True).exclude(parent=None).first(),
        )
        if cause is None:
            errors["root_cause"] = [_("请选择具体的根因（二级分类，CP-7）。")]
        if errors:
            raise ValidationFailed(_("处理决定信息不完整。"), fields=errors)
        updates.update(texts, outcome=outcome, root_cause=cause, decided_at=at)
        record = {"outcome": outcome, "root_cause": cause.code if cause else ""}
        letter = LetterKind.DECISION
    elif action == "request_review":
        reason = _require_text(data, "reason")["reason"]
        ends = review_window_ends(complaint)
        if ends is not None and at >= ends:
            raise _refuse(
                _("已超过自处理决定之日起30日的核查申请期限（CP-8）。"),
                complaint,
                "window_closed",
                actor,
            )
        updates["review_requested_at"] = at
        record = {"reason": reason}
    elif action == "conclude_review":
        opinion = _require_text(data, "opinion")["opinion"]
        if is_held(complaint):
            decided = held_events(complaint, ["decide"])
            who = decided[-1].actor if decided else None
            decider = who.user_id if who is not None else None
        else:
            decider = (
                CaseEvent.objects.filter(
                    case_type=KIND.label, case_id=str(complaint.pk), activity="decide"
                )
                .values_list("actor_id", flat=True)
                .last()
            )
        if decider is not None and decider == actor.user_id:
            raise Forbidden(_("作出原处理决定的人员不能核查本人的决定（CP-6、CP-8）。"))
        updates["review_opinion"] = opinion
        letter = LetterKind.REVIEW
    elif action == "archive":
        ends = review_window_ends(complaint)
        if complaint.status == Status.DECIDED and ends is not None and at < ends:
            raise _refuse(
                _("核查申请期（处理决定后30日）尚未届满，届满后方可归档。"),
                complaint,
                "too_early",
                actor,
            )
        years = int(rule_value("complaints.retention_years"))
        updates.update(
            archived_at=at, retain_until=years_after(at.astimezone(BEIJING).date(), years)
        )
        record = {"retain_until": updates["retain_until"].isoformat()}
    return updates, record, letter


def complaint_act(
    *,
    actor: Actor,
    complaint_id: Any,
    action: str,
    data: Mapping[str, Any] | None = None,
    version: int | None = None,
    at: datetime | None = None,
    source: str = CaseEvent.Source.PAGE,
) -> Complaint:
    """Apply one action with its domain checks; returns the updated complaint.

    The domain's checks, field updates and letters are ``KIND.prepare`` (``_kind_prepare``):
    the engine runs them inside the step, for the database as for a batch of held cases."""
    return case_transition(kind=KIND, actor=actor, case_id=complaint_id, action=action,
                           data=dict(data or {}), version=version, at=at or timezone.now(),
                           source=source)  # type: ignore[return-value]  # fmt: skip


# --- letters (CP-2, CP-3, CP-4, CP-8) ----------------------------------------------------------------


def chinese_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(BEIJING).date()
    return f"{value.year}年{value.month}月{value.day}日"


def letter_issue(
    *,
    actor: Actor,
    complaint: Complaint,
    kind: str,
    data: Mapping[str, Any],
    at: datetime | None = None,
) -> Letter:
    """Render the notice from the case as it stands and keep it as issued (encrypted); dated the
    day of the action (``at``)."""
    at = at or timezone.now()
    clock = _decide_clock(complaint)
    superior = complaint.org_unit.parent
    context = {
        "complaint": complaint,
        "complainant_name": complaint.complainant.name,
        "unit_name": complaint.org_unit.name,
        "superior_name": superior.name if superior else complaint.org_unit.name,
        "received": chinese_date(complaint.received_at),
        "today": chinese_date(at),
        "due": chinese_date(clock.last_day),
        "days": clock.amount,
        "reason": data.get("reason", ""),
        "decided": chinese_date(complaint.decided_at),
        "outcome": complaint.get_outcome_display() if complaint.outcome else "",
        "review_days": REVIEW_REQUEST_DAYS,
        "review_last_day": chinese_date(review_last_day(complaint)),
    }
    body = render_to_string(f"complaints/letters/{kind}.txt", context).strip() + "\n"
    letter = Letter.objects.create(
        complaint=complaint,
        kind=kind,
        title=str(LetterKind(kind).label),
        body=body,
        issued_by=actor.username,
    )
    audit_record(
        actor=actor,
        action="complaints.letter.issue",
        subject=letter,
        data={"kind": kind, "complaint": complaint.reference},
    )
    return letter


def letter_read(*, actor: Actor, letter: Letter) -> str:
    """The letter's text; every reading is audited (it names the complainant)."""
    audit_record(
        actor=actor,
        action="complaints.letter.read",
        subject=letter,
        data={"kind": letter.kind, "complaint": letter.complaint.reference},
    )
    return str(letter.body)
