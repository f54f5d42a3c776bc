"""Survey plans, invitations and answers (standard 4.3.1–4.3.2; issue 6 §1, §3).

* ``plan_create`` validates a plan and computes its design (``plan_design``): the completes needed
  for the wanted margin of error (``hiqc.core.stats.sample_size``, finite-population corrected), the
  invitations that takes at the expected response rate, and quotas per stratum in proportion to the
  frame (largest remainder, ``allocate``). The frame size is estimated from the latest 90 days,
  scaled to the plan's period; quotas
  apply per period (the month, the quarter, or the whole of a one-off plan).
* ``invitations_issue`` (a periodic job) walks the frame of every active plan for cases whose event
  is at least ``delay_days`` old and selects ``sampling_percent`` of them by a hash of (plan, case) —
  reproducible, so a re-run selects the same cases, and the (plan, case) unique constraint means it
  never invites twice. A selected case is skipped, with the reason counted, when the customer opted
  out, was invited by any plan within ``fatigue_days``, has no contact on file, or the stratum's
  quota is full. Online invitations go through the notification backend (e-mail, or SMS via the
  gateway); phone invitations wait in the interviewers' list.
* The link token is 32 random bytes (URL-safe), shown only in the message; the database keeps its
  keyed hash for look-up and the token itself encrypted, so a reminder can repeat the same link.
* Answers: a partial save keeps what is there; submitting validates the shown questions (required,
  types) and closes the invitation — a used, expired or opted-out link gets a clear page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import secrets
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from hiqc.core.access import Actor, get_in_scope, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_opened, case_transition
from hiqc.core.crypto import encrypt, keyed_hash
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.stats import allocate, sample_size
from hiqc.customers.masking import mask_mobile
from hiqc.customers.messaging import deliver, route_for
from hiqc.customers.models import Customer
from hiqc.organisations.selectors import unit_in_scope

from .enums import (
    Delivery,
    Frame,
    Frequency,
    InvitationStatus,
    Method,
    PlanStatus,
    QuestionKind,
    QuestionnaireStatus,
    ResponseMode,
    Stratify,
)
from .frames import Candidate, frame_candidates
from .models import Invitation, OptOut, Questionnaire, SurveyPlan, SurveyResponse
from .questionnaires import clean_answers, questions_of
from .staff_selectors import access_plan
from .workflow import PLAN_WORK_BY_STATE, PLAN_WORKFLOW

MANAGE, VIEW, INTERVIEW = "surveys.manage", "surveys.view", "surveys.interview"
TOKEN_CONTEXT = "surveys.invitation"
REFERENCE_DAYS = 90
LOOKBACK_DAYS = 30  # a job that was down catches up on events this far back
# the period a design's sample size and quotas are for (quotas restart each period)
PERIOD_DAYS = {Frequency.ONCE: None, Frequency.MONTHLY: 30, Frequency.QUARTERLY: 91,
               Frequency.CONTINUOUS: 30}  # fmt: skip


# --- plans ----------------------------------------------------------------------------------------


def _plan_url(case_id: str) -> str:
    from django.urls import reverse

    return reverse("surveys:plan", args=[case_id])


PLAN_KIND = CaseKind(
    label="surveys.surveyplan",
    workflow=PLAN_WORKFLOW,
    access=access_plan,
    name=gettext_lazy("满意度调查方案"),
    view_perm=VIEW,
    work_by_state=PLAN_WORK_BY_STATE,  # a draft's author alone; an active plan nobody's
    url_for=_plan_url,
)


@dataclass
class Design:
    population: int
    completes: int  # valid responses wanted
    invitations: int  # to send at the expected response rate
    quotas: dict[str, int] = field(default_factory=dict)
    strata: dict[str, int] = field(default_factory=dict)  # frame size per stratum


def stratum_of(c: Candidate, by: str) -> str:
    if by == Stratify.ORG_UNIT:
        return c.org_path
    if by == Stratify.CHANNEL:
        return c.channel
    if by == Stratify.PRODUCT:
        return c.product_code
    return ""


def plan_design(plan: SurveyPlan, *, now: datetime | None = None) -> Design:
    """Sample size and quotas from the frame of the latest ``REFERENCE_DAYS`` (the most recent
    complete picture of the volume, whether the plan starts later or already runs)."""
    ref_end = now or timezone.now()
    ref_start = ref_end - timedelta(days=REFERENCE_DAYS)
    frame = frame_candidates(plan.frame, org_path=plan.org_unit.path, start=ref_start, end=ref_end,
                             products=plan.products, channels=plan.channels)  # fmt: skip
    if plan.end_date is not None:
        days = max(1, (plan.end_date - plan.start_date).days + 1)
    else:
        days = PERIOD_DAYS.get(Frequency(plan.frequency)) or REFERENCE_DAYS
    scale = 1.0 if plan.frame == Frame.SEGMENT else days / REFERENCE_DAYS
    by_stratum = Counter(stratum_of(c, plan.stratify_by) for c in frame)
    strata = {k: math.ceil(v * scale) for k, v in sorted(by_stratum.items())}
    population = sum(strata.values())
    completes = sample_size(population or None, margin=float(plan.margin),
                            confidence=plan.confidence) if population else 0  # fmt: skip
    rate = max(1, plan.expected_response_percent) / 100
    invitations = min(population, math.ceil(completes / rate)) if population else 0
    keys = list(strata)
    quotas = dict(zip(keys, allocate([strata[k] for k in keys], invitations), strict=True))
    return Design(population, completes, invitations, quotas, strata)


PLAN_FIELDS = ("name", "goal", "frame", "method", "frequency", "start_date", "end_date", "place",
               "margin", "confidence", "expected_response_percent", "stratify_by", "fatigue_days",
               "delay_days", "sampling_percent", "valid_days", "reminder_days", "retention_days",
               "products", "channels")  # fmt: skip


def _plan_errors(data: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not str(data.get("name") or "").strip():
        err("name", _("请填写方案名称。"))
    if not str(data.get("goal") or "").strip():
        err("goal", _("请写明调查目标（4.3.1）。"))
    if data.get("frame") not in Frame.values:
        err("frame", _("请选择调查对象来源。"))
    if data.get("method") not in Method.values:
        err("method", _("请选择调查方式。"))
    if "frequency" in data and data["frequency"] not in Frequency.values:
        err("frequency", _("请选择频次。"))
    if data.get("stratify_by", "") not in Stratify.values:
        err("stratify_by", _("请选择分层方式。"))
    margin = data.get("margin")
    try:
        if margin is not None and not 0 < float(margin) < 0.5:
            err("margin", _("允许误差应在 0 与 0.5 之间，例如 0.05 表示 ±5 个百分点。"))
    except (TypeError, ValueError):
        err("margin", _("请输入数字，例如 0.05。"))
    if data.get("confidence") is not None and int(data["confidence"]) not in (90, 95, 99):
        err("confidence", _("置信水平请选择 90、95 或 99。"))
    for name, low, high in (("sampling_percent", 1, 100), ("expected_response_percent", 1, 100),
                            ("valid_days", 1, 90), ("fatigue_days", 0, 730)):  # fmt: skip
        value = data.get(name)
        if value is not None and not low <= int(value) <= high:
            err(name, _("应在 {low} 到 {high} 之间。").format(low=low, high=high))
    start, end = data.get("start_date"), data.get("end_date")
    if start is None:
        err("start_date", _("请填写开始日期。"))
    elif end is not None and end < start:
        err("end_date", _("结束日期不能早于开始日期。"))
    return errors


def plan_create(actor: Actor, *, org_unit_id: Any, questionnaire_id: Any, data: Mapping[str, Any]
                ) -> SurveyPlan:  # fmt: skip
    require(actor, MANAGE)
    unit = unit_in_scope(actor, org_unit_id, MANAGE)
    errors = _plan_errors(data)
    questionnaire = Questionnaire.objects.filter(
        pk=questionnaire_id, status=QuestionnaireStatus.PUBLISHED
    ).first()
    if questionnaire is None and data.get("method") != Method.MYSTERY:
        errors.setdefault("questionnaire", []).append(_("请选择已发布的问卷。"))
    if errors:
        raise ValidationFailed(_("调查方案有误，请按提示修改。"), fields=errors)
    plan = SurveyPlan(org_unit=unit, questionnaire=questionnaire, created_by=actor.username,
                      assignee_id=actor.user_id,
                      **{k: data[k] for k in PLAN_FIELDS if k in data})  # fmt: skip
    design = plan_design(plan)
    plan.sample_size, plan.quotas = design.completes, design.quotas
    with transaction.atomic():
        plan.save()
        case_opened(kind=PLAN_KIND, case=plan, actor=actor,
                    data={"frame": plan.frame, "method": plan.method})  # fmt: skip
        audit_record(actor=actor, action="surveys.plan.create", subject=plan,
                     data={"frame": plan.frame, "method": plan.method})  # fmt: skip
    return plan


# the target state a page or client asks for → the workflow action that reaches it
PLAN_ACTIONS = {PlanStatus.ACTIVE: "activate", PlanStatus.CLOSED: "close"}


def plan_act(
    actor: Actor,
    plan_id: Any,
    action: str,
    *,
    version: int | None = None,
    at: datetime | None = None,
    source: str = "page",
) -> SurveyPlan:
    """Activate or close a plan through the engine (scope, state, permission, 409 on a stale
    version, event, audit). Once active, the plan waits for nobody: its assignee is cleared."""
    with transaction.atomic():
        plan = case_transition(kind=PLAN_KIND, actor=actor, case_id=plan_id, action=action,
                               version=version, at=at, source=source)  # fmt: skip
        assert isinstance(plan, SurveyPlan)
        if plan.assignee_id is not None:
            plan.assignee = None
            plan.save(update_fields=["assignee", "updated_at"])
    return plan


def plan_set_status(
    actor: Actor, plan: SurveyPlan, status: str, *, version: int | None = None
) -> SurveyPlan:
    """The status a page asks for (active / closed), as the workflow action that reaches it."""
    action = {str(k): v for k, v in PLAN_ACTIONS.items()}.get(status)
    if action is None:
        raise Conflict(_("方案当前状态下不能执行该操作。"), code="action_not_allowed",
                       state=plan.status)  # fmt: skip
    return plan_act(actor, plan.pk, action, version=version)


# --- invitations ----------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return keyed_hash(token, context=TOKEN_CONTEXT)


def selected(plan_id: Any, c: Candidate, percent: int) -> bool:
    """Reproducible Bernoulli sampling: the same (plan, case) is always in or always out."""
    digest = hashlib.sha256(f"{plan_id}:{c.case_type}:{c.case_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < percent * 100


@dataclass
class IssueReport:
    invited: int = 0
    skipped: Counter = field(default_factory=Counter)
    tokens: list[tuple[Any, str]] = field(default_factory=list)  # (invitation id, token): tests


Sender = Callable[[Invitation, str, bool], None]


def _link_text(invitation: Invitation, token: str, reminder: bool) -> tuple[str, str]:
    from django.conf import settings

    base = getattr(settings, "HIQC_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    link = f"{base}/s/{token}/"
    days = max(1, (invitation.expires_at - timezone.now()).days)
    subject = _("服务满意度调查") if not reminder else _("提醒：服务满意度调查")
    text = _(
        "您好！您近期办理的业务（{number}）已完成，邀请您用 2 分钟评价我们的服务：{link} "
        "（{days} 天内有效）。不希望再收到调查，可在页面中退订。"
    ).format(number=invitation.case_number, link=link, days=days)
    return subject, text


@sensitive_variables("token", "text")
def send_invitation(invitation: Invitation, token: str, reminder: bool = False) -> None:
    """Deliver the link (after commit; a failed delivery marks the invitation failed)."""
    if invitation.delivery == Delivery.PHONE:
        return
    customer = Customer.objects.get(pk=invitation.customer_id)
    route = route_for(customer)
    subject, text = _link_text(invitation, token, reminder)
    if route is None or not deliver(route, subject, text):
        Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.FAILED)


def _recently_invited(customer_ids: set[Any], since: datetime) -> set[Any]:
    return set(
        Invitation.objects.filter(customer_id__in=customer_ids, sent_at__gte=since)
        .values_list("customer_id", flat=True)
    )  # fmt: skip


def invitations_issue(
    *, now: datetime | None = None, plan: SurveyPlan | None = None, send: Sender | None = None
) -> IssueReport:
    """Invite for every active plan (or one) the selected cases whose event is due."""
    now = now or timezone.now()
    send = send or send_invitation
    report = IssueReport()
    plans = [plan] if plan is not None else list(
        SurveyPlan.objects.filter(status=PlanStatus.ACTIVE).exclude(method=Method.MYSTERY)
        .select_related("org_unit")
    )  # fmt: skip
    for p in plans:
        _issue_plan(p, now, send, report)
    return report


def quota_period_start(plan: SurveyPlan, now: datetime) -> datetime:
    """Quotas are per period: the calendar month (continuous and monthly plans), the quarter, or
    the whole plan for a one-off survey."""
    local = now.astimezone(BEIJING)
    if plan.frequency == Frequency.ONCE:
        return datetime.combine(plan.start_date, datetime.min.time(), BEIJING)
    month = (
        local.month
        if plan.frequency != Frequency.QUARTERLY
        else local.month - (local.month - 1) % 3
    )
    return datetime(local.year, month, 1, tzinfo=BEIJING)


def _issue_plan(plan: SurveyPlan, now: datetime, send: Sender, report: IssueReport) -> None:
    start_of_plan = datetime.combine(plan.start_date, datetime.min.time(), BEIJING)
    end = now - timedelta(days=plan.delay_days)
    if plan.end_date is not None:
        end = min(
            end, datetime.combine(plan.end_date, datetime.min.time(), BEIJING) + timedelta(days=1)
        )
    start = max(start_of_plan, end - timedelta(days=LOOKBACK_DAYS))
    if plan.frame == Frame.SEGMENT:
        start = start_of_plan
    if end <= start:
        return
    frame = frame_candidates(plan.frame, org_path=plan.org_unit.path, start=start, end=end,
                             products=plan.products, channels=plan.channels)  # fmt: skip
    picked = [c for c in frame if selected(plan.pk, c, plan.sampling_percent)]
    if not picked:
        return
    done = set(
        Invitation.objects.filter(plan=plan, case_id__in=[c.case_id for c in picked])
        .values_list("case_type", "case_id")
    )  # fmt: skip
    picked = [c for c in picked if (c.case_type, c.case_id) not in done]
    customers = {c.customer_id for c in picked}
    opted = set(
        OptOut.objects.filter(customer_id__in=customers).values_list("customer_id", flat=True)
    )
    tired = _recently_invited(customers, now - timedelta(days=plan.fatigue_days))
    used = Counter(
        Invitation.objects.filter(plan=plan, sent_at__gte=quota_period_start(plan, now))
        .values_list("stratum", flat=True)
    )  # fmt: skip
    people = {c.pk: c for c in Customer.objects.filter(pk__in=customers)}
    for c in sorted(picked, key=lambda c: (c.event_at or now, c.case_id)):
        stratum = stratum_of(c, plan.stratify_by)
        quota = plan.quotas.get(stratum) if plan.quotas else None
        reason = None
        if c.customer_id in opted:
            reason = "opted_out"
        elif c.customer_id in tired:
            reason = "fatigue"
        elif quota is not None and used[stratum] >= quota:
            reason = "quota_full"
        person = people.get(c.customer_id)
        route = route_for(person) if person is not None and plan.method == Method.ONLINE else None
        if reason is None and plan.method == Method.ONLINE and route is None:
            reason = "no_contact"
        if reason is None and plan.method == Method.PHONE and not (person and person.mobile):
            reason = "no_contact"
        if reason is not None:
            report.skipped[reason] += 1
            continue
        token = secrets.token_urlsafe(32)
        invitation = Invitation(
            plan=plan, token_hash=token_hash(token), customer_id=c.customer_id,
            case_type=c.case_type, case_id=c.case_id, case_number=c.case_number,
            event_at=c.event_at, org_unit_id=c.org_unit_id, org_path=c.org_path,
            channel=c.channel, product_code=c.product_code, handler_id=c.handler_id,
            stratum=stratum,
            delivery=Delivery.PHONE if plan.method == Method.PHONE else Delivery(route.channel),  # type: ignore[union-attr]
            destination=route.masked if route else mask_mobile(str(person.mobile or "")) if person else "",
            sent_at=now,
            expires_at=now + timedelta(days=plan.valid_days),
        )  # fmt: skip
        invitation.token_encrypted = encrypt(token, context=TOKEN_CONTEXT)
        try:
            with transaction.atomic():
                invitation.save(force_insert=True)
        except IntegrityError:  # invited by a concurrent run
            continue
        used[stratum] += 1
        tired.add(c.customer_id)  # one invitation per customer per run as well
        report.invited += 1
        report.tokens.append((invitation.pk, token))
        transaction.on_commit(functools.partial(send, invitation, token, False))


def invitations_remind_and_expire(*, now: datetime | None = None, send: Sender | None = None
                                  ) -> dict[str, int]:  # fmt: skip
    """Expire what ran out; remind once those not answered after ``reminder_days``."""
    from hiqc.core.crypto import decrypt

    now = now or timezone.now()
    send = send or send_invitation
    open_states = [InvitationStatus.SENT, InvitationStatus.STARTED]
    expired = Invitation.objects.filter(status__in=open_states, expires_at__lte=now).update(
        status=InvitationStatus.EXPIRED
    )
    reminded = 0
    due = Invitation.objects.filter(
        status__in=open_states, reminded_at=None, expires_at__gt=now,
    ).exclude(delivery=Delivery.PHONE).select_related("plan")  # fmt: skip
    for inv in due.iterator():
        if inv.sent_at + timedelta(days=inv.plan.reminder_days) > now:
            continue
        inv.reminded_at = now
        inv.save(update_fields=["reminded_at", "updated_at"])
        send(inv, decrypt(inv.token_encrypted, context=TOKEN_CONTEXT), True)
        reminded += 1
    return {"expired": expired, "reminded": reminded}


# --- answering ------------------------------------------------------------------------------------


class LinkState:
    OPEN, ANSWERED, EXPIRED, OPTED_OUT, INVALID = (
        "open",
        "answered",
        "expired",
        "opted_out",
        "invalid",
    )


@sensitive_variables("token")
def invitation_for_token(token: str) -> Invitation | None:
    token = str(token or "").strip()
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("plan", "plan__questionnaire")
        .filter(token_hash=token_hash(token))
        .first()
    )


def link_state(invitation: Invitation | None, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if invitation is None or invitation.status == InvitationStatus.FAILED:
        return LinkState.INVALID
    if invitation.status == InvitationStatus.ANSWERED:
        return LinkState.ANSWERED
    if invitation.status == InvitationStatus.OPTED_OUT:
        return LinkState.OPTED_OUT
    if invitation.status == InvitationStatus.EXPIRED or invitation.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.OPEN


def _questionnaire_for(invitation: Invitation) -> Questionnaire:
    existing = SurveyResponse.objects.filter(invitation=invitation).first()
    if existing is not None:  # answers keep the version they started on
        return existing.questionnaire
    q = invitation.plan.questionnaire
    if q is None:
        raise NotFound()
    return q


def response_save(
    invitation: Invitation, answers: Mapping[str, Any], *, submit: bool,
    mode: str = ResponseMode.ONLINE, interviewer: Actor | None = None,
) -> SurveyResponse:  # fmt: skip
    """Save a partial or final answer; a final one is validated and closes the invitation."""
    with transaction.atomic():
        inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = link_state(inv)
        if state != LinkState.OPEN:
            raise Conflict(_("该调查链接已不能作答。"), code=f"link_{state}", state=state)
        questionnaire = _questionnaire_for(inv)
        questions = questions_of(questionnaire)
        clean, errors = clean_answers(questions, answers, final=submit)
        if errors:
            raise ValidationFailed(_("请按提示完成问卷。"), fields=errors)
        response = SurveyResponse.objects.filter(invitation=inv).first() or SurveyResponse(
            invitation=inv, questionnaire=questionnaire, org_path=inv.org_path, mode=mode
        )
        texts = {q.code for q in questions if q.kind == QuestionKind.TEXT}
        response.answers = {k: v for k, v in clean.items() if k not in texts}
        typed = {k: v for k, v in clean.items() if k in texts}
        response.text_answers = json.dumps(typed, ensure_ascii=False) if typed else ""
        response.mode = mode
        if interviewer is not None:
            response.interviewer_id = interviewer.user_id
        overall = next((q for q in questionnaire.questions.all() if q.overall), None)
        nps = next((q for q in questions if q.kind == QuestionKind.NPS), None)
        response.satisfaction = clean.get(overall.code) if overall else None
        response.recommend = clean.get(nps.code) if nps else None
        now = timezone.now()
        if submit:
            response.submitted_at = now
            inv.status, inv.answered_at = InvitationStatus.ANSWERED, now
        else:
            inv.status = InvitationStatus.STARTED
        inv.opened_at = inv.opened_at or now
        response.save()
        inv.save(update_fields=["status", "answered_at", "opened_at", "updated_at"])
    return response


def invitation_opened(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at=None).update(opened_at=timezone.now())


def invitation_opt_out(invitation: Invitation, *, source: str = "link") -> None:
    """The customer asks not to be surveyed again: this invitation closes, no plan invites them."""
    with transaction.atomic():
        OptOut.objects.get_or_create(customer_id=invitation.customer_id,
                                     defaults={"at": timezone.now(), "source": source})  # fmt: skip
        Invitation.objects.filter(
            Q(customer_id=invitation.customer_id),
            status__in=[InvitationStatus.SENT, InvitationStatus.STARTED],
        ).update(status=InvitationStatus.OPTED_OUT, opted_out_at=timezone.now())


def phone_response_record(actor: Actor, invitation_id: Any, answers: Mapping[str, Any], *,
                          submit: bool) -> SurveyResponse:  # fmt: skip
    """An interviewer enters the answers given on the phone."""
    require(actor, INTERVIEW)
    inv = get_in_scope(actor, Invitation.objects.all(), invitation_id, INTERVIEW)
    response = response_save(inv, answers, submit=submit, mode=ResponseMode.PHONE,
                             interviewer=actor)  # fmt: skip
    audit_record(actor=actor, action="surveys.response.phone", subject=inv,
                 data={"submitted": submit})  # fmt: skip
    return response


def answers_due(as_of: date) -> QuerySet[Invitation]:
    """Retention per plan (issue 6 §7): the invitations sent more than the plan's
    ``retention_days`` before ``as_of`` (Beijing midnight), due for deletion with their answers.
    The indicator rows already computed keep the aggregate figures; nothing that identifies the
    respondent outlives the plan's retention. Removed by the kernel's retention job
    (``hiqc.core.retention``, issue 21 §2) through ``answers_remove``."""
    start = datetime.combine(as_of, time.min, tzinfo=BEIJING)
    plans = list(SurveyPlan.objects.values_list("pk", "retention_days"))
    if not plans:
        return Invitation.objects.none()
    due = reduce(
        or_, (Q(plan_id=pk, sent_at__lt=start - timedelta(days=days)) for pk, days in plans)
    )
    return Invitation.objects.filter(due)


def answers_remove(qs: QuerySet[Invitation], now: datetime) -> int:
    """Delete the invitations of ``qs`` with their answers; how many invitations."""
    ids = list(qs.values_list("pk", flat=True))
    SurveyResponse.objects.filter(invitation_id__in=ids).delete()
    return Invitation.objects.filter(pk__in=ids).delete()[1].get(Invitation._meta.label, 0)
