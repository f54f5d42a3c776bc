"""Every write to consultations, suggestions and the topic taxonomy (DESIGN rules 1, 3).

A consultation's status changes only through ``consultation_act`` → ``case_transition`` (the case
engine), a suggestion's only through ``suggestion_decide`` → ``case_transition``: standard 4.1.1 (a defined process across channels), 4.1.3(2) (first-contact resolution),
4.1.3(3) (conversion into a complaint or a suggestion, linked both ways) and 4.1.3(4) (recording reference).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.complaints.services import complaint_register
from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, Unit
from hiqc.core.casekinds import CaseKind, Prepared
from hiqc.core.casework import CaseStore, Source, case_opened, case_transition
from hiqc.core.deadlines import apply_effects
from hiqc.core.errors import Forbidden, NotFound, ValidationFailed
from hiqc.core.heldcases import is_held
from hiqc.core.processes import VersionsInForce, process_version_in_force
from hiqc.core.workflow import Clock, Start
from hiqc.customers.enums import Channel
from hiqc.customers.selectors import access_customer, mobile_hash
from hiqc.customers.validation import is_mobile, normalise_mobile
from hiqc.organisations.selectors import unit_in_scope

from .enums import ConsultationStatus
from .models import Consultation, Suggestion, Topic, TopicCategory
from .selectors import access_consultation, access_suggestion, category_get, topic_get
from .workflow import (
    COMPLAINT_INPUTS,
    CONFIGURE_PERM,
    CONSULTATION,
    HANDLE,
    PROCESS,
    REPLY,
    SUGGESTION,
    SUGGESTION_ACTIONS,
    SUGGESTION_PROCESS,
    VIEW,
    WORK_BY_STATE,
)

CONFIGURE = CONFIGURE_PERM
CHANNELS = frozenset(Channel.values)
QUESTION_MAX = 4000
ANSWER_MAX = 4000
# 4.1.3(4): a telephony call id (letters, digits and . _ : -) and/or a recording locator: a URI
# (scheme://…) or a storage key (letters, digits and / . _ : -). The system stores references only.
CALL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{3,63}$")
RECORDING_REF = re.compile(
    r"^(?:[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s]{1,230}|[A-Za-z0-9][A-Za-z0-9/._:-]{3,254})$"
)


def _url(case_id: str) -> str:
    return reverse("consultations:detail", args=[case_id])


KIND = CaseKind(
    label=PROCESS,
    workflow=CONSULTATION,
    access=access_consultation,
    name=gettext_lazy("咨询"),
    view_perm=VIEW,
    work_by_state=WORK_BY_STATE,  # my work: an answered one is its handlers' (workflow.py)
    url_for=_url,
    prepare=lambda store, case, actor, action, data, at, source: _prepare(
        store, case, actor, action, data, at, source
    ),
)
SUGGESTION_KIND = CaseKind(
    label=SUGGESTION_PROCESS,
    workflow=SUGGESTION,
    access=access_suggestion,
    name=gettext_lazy("建议"),
    view_perm=VIEW,
    url_for=lambda case_id: reverse("consultations:suggestion", args=[case_id]),
    prepare=lambda store, case, actor, action, data, at, source: _suggestion_prepare(
        case, actor, action, data, at
    ),
)


def _number(prefix: str, at: datetime) -> str:
    return f"{prefix}{at.astimezone(BEIJING):%Y%m%d}{secrets.token_hex(3).upper()}"


def reply_clock(org_path: str, at: datetime, *, versions: VersionsInForce | None = None) -> Clock:
    """The reply target in force for a unit: the process configuration's ``steps.answer`` target,
    else the default (1 working day). An internal target, not a legal one (see workflow.py).
    ``versions``: the process's versions read once by a batch run."""
    on = at.astimezone(BEIJING).date()
    version = (
        versions.in_force(org_path, on)
        if versions
        else process_version_in_force(PROCESS, org_path, on)
    )
    step = ((version.parameters.get("steps") or {}).get("answer") or {}) if version else {}
    amount, unit = step.get("target_amount"), step.get("target_unit")
    if not isinstance(amount, int) or amount < 1 or unit not in {u.value for u in Unit}:
        return REPLY
    # the source stays the clock's own (a catalogue msgid, read in the reader's language): it
    # already says the allowance is configured in the process version
    return replace(REPLY, amount=amount, unit=Unit(unit))


# --- validation (shared by the capture form, the API and the demo's bulk path) -------------------


def recording_problems(channel: str, call_id: str, recording_ref: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if call_id and not CALL_ID.match(call_id):
        errors["call_id"] = [_("通话流水号应为 4–64 位字母、数字或 . _ : - 。")]
    if recording_ref and not RECORDING_REF.match(recording_ref):
        errors["recording_ref"] = [
            _("录音编号应为存储路径（字母、数字、/ . _ : -）或 scheme:// 形式的地址，不含空格。")
        ]
    if channel == Channel.PHONE and not (call_id or recording_ref):
        errors["recording_ref"] = [_("电话咨询须填写通话流水号或录音编号（标准 4.1.3(4)）。")]
    return errors


def consultation_clean(
    data: Mapping[str, Any], *, topics: Mapping[str, Topic] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate and normalise capture fields (not the customer, which needs the actor's door).
    ``topics`` (id → active Topic) lets a bulk caller avoid a query per row."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    channel = str(data.get("channel") or "")
    if channel not in CHANNELS:
        err("channel", _("请选择受理渠道。"))
    out["channel"] = channel

    topic_id = str(data.get("topic_id") or "")
    topic = None
    if not topic_id:
        err("topic_id", _("请选择咨询主题。"))
    elif topics is not None:
        topic = topics.get(topic_id)
    else:
        topic = topic_get(topic_id)
        if topic is None and category_get(topic_id) is not None:
            err("topic_id", _("请选择具体主题（第二级），而不是类别。"))
    if topic_id and topic is None and "topic_id" not in errors:
        err("topic_id", _("咨询主题不存在。"))
    elif topic is not None and not (topic.is_active and topic.category.is_active):
        err("topic_id", _("该主题已停用，请选择其他主题。"))
    category_id = str(data.get("category_id") or "")
    if topic is not None and category_id and category_id != str(topic.category_id):
        err("topic_id", _("所选主题不属于所选类别。"))
    out["topic"] = topic

    question = str(data.get("question") or "").strip()
    if not question:
        err("question", _("请填写咨询内容。"))
    elif len(question) > QUESTION_MAX:
        err("question", _("咨询内容不能超过 4000 个字。"))
    out["question"] = question

    answer = str(data.get("answer") or "").strip()
    if len(answer) > ANSWER_MAX:
        err("answer", _("答复内容不能超过 4000 个字。"))
    out["answer"] = answer
    resolved_now = bool(data.get("resolved_now"))
    if resolved_now and not answer:
        err("answer", _("当场解决（首次接触解决）须填写答复内容。"))
    out["resolved_now"] = resolved_now

    call_id = str(data.get("call_id") or "").strip()
    recording_ref = str(data.get("recording_ref") or "").strip()
    for k, v in recording_problems(channel, call_id, recording_ref).items():
        errors.setdefault(k, []).extend(v)
    out["call_id"], out["recording_ref"] = call_id, recording_ref

    if not data.get("customer_id"):
        name = str(data.get("contact_name") or "").strip()
        if not name:
            err("contact_name", _("未关联客户时，请填写来电人称呼。"))
        elif len(name) > 60:
            err("contact_name", _("称呼不能超过 60 个字。"))
        mobile = normalise_mobile(str(data.get("contact_mobile") or ""))
        if mobile and not is_mobile(mobile):
            err("contact_mobile", _("手机号码应为 11 位中国大陆号码，以 13–19 开头。"))
        out["contact_name"], out["contact_mobile"] = name, mobile
    return out, errors


# --- capture and actions ---------------------------------------------------------------------------


@transaction.atomic
def consultation_capture(
    *,
    actor: Actor,
    org_unit_id: Any,
    data: Mapping[str, Any],
    at: datetime | None = None,
    source: str = Source.PAGE,
) -> Consultation:
    """Record a consultation as it is taken (4.1.1). With an answer it is answered in the same
    contact; with ``resolved_now`` also resolved — that is first-contact resolution (4.1.3(2))."""
    unit = unit_in_scope(actor, org_unit_id, HANDLE, active=True)
    require(actor, HANDLE, unit)
    at = at or timezone.now()
    values, errors = consultation_clean(data)
    customer = None
    if data.get("customer_id"):
        try:
            customer = access_customer(actor, data["customer_id"])
        except NotFound:
            errors["customer_id"] = [_("客户不存在或不在您的权限范围内。")]
    if errors:
        raise ValidationFailed(_("咨询信息有误。"), fields=errors)
    case = Consultation(
        number=_number("ZX", at),
        org_unit=unit,
        channel=values["channel"],
        customer=customer,
        contact_name=values.get("contact_name", ""),
        contact_mobile=values.get("contact_mobile", ""),
        contact_mobile_hash=mobile_hash(values.get("contact_mobile", "")),
        topic=values["topic"],
        question=values["question"],
        received_at=at,
        call_id=values["call_id"],
        recording_ref=values["recording_ref"],
        status=CONSULTATION.initial,
        assignee_id=actor.user_id,
    )
    case.save(force_insert=True)
    apply_effects(
        case_type=KIND.label,
        case_id=str(case.pk),
        org_path=unit.path,
        clocks={REPLY.code: reply_clock(unit.path, at)},
        effects=[Start(REPLY)],
        at=at,
    )
    case_opened(kind=KIND, case=case, actor=actor, at=at, source=source)
    audit_record(
        actor=actor,
        action="consultation.create",
        subject=case,
        fields=[k for k, v in values.items() if v not in ("", None, False)],
    )
    if values["answer"]:
        case = consultation_act(
            actor=actor,
            consultation_id=case.pk,
            action="answer",
            data={"answer": values["answer"]},
            at=at,
            source=source,
        )
        if values["resolved_now"]:
            case = _act(
                actor=actor,
                consultation_id=case.pk,
                action="resolve",
                at=at,
                source=source,
                first_contact=True,
            )
    return case


# What a consultation's events keep of an action's inputs (ADR 0010; DESIGN rule on personal data):
# codes only. Free text (the question, the answer, the complaint request, the suggestion content)
# may carry health details and lives on the case, never in the event log.
EVENT_CODES = ("dispute_type", "product_line", "nature", "respondent_kind")


def _event_record(data: Mapping[str, Any], **facts: Any) -> dict[str, Any]:
    """The non-personal facts an event keeps: the whitelisted codes present in ``data`` plus
    ``facts`` (ids, numbers, flags). Anything else, i.e. any free text, is dropped."""
    kept = {k: data[k] for k in EVENT_CODES if isinstance(data.get(k), str) and data[k]}
    return {**kept, **facts}


@transaction.atomic
def consultation_act(
    *,
    actor: Actor,
    consultation_id: Any,
    action: str,
    data: Mapping[str, Any] | None = None,
    version: int | None = None,
    at: datetime | None = None,
    source: str = Source.API,
) -> Consultation:
    """Apply one workflow action through the case engine, then record what the action carries:
    the answer (answer), the resolution time (resolve), the linked complaint (convert_complaint) or
    suggestion (convert_suggestion).
    A later resolution is never a first-contact resolution."""
    return _act(
        actor=actor,
        consultation_id=consultation_id,
        action=action,
        data=data,
        version=version,
        at=at,
        source=source,
        first_contact=False,
    )


# Whether the case was resolved in the contact that brought it (4.1.3(2)): ``_act`` sets the input
# on every action, to a token no client's inputs can carry (a JSON value never is this object).
FIRST_CONTACT = "first_contact_resolution"
IN_FIRST_CONTACT = object()


def _act(
    *,
    actor: Actor,
    consultation_id: Any,
    action: str,
    data: Mapping[str, Any] | None = None,
    version: int | None = None,
    at: datetime | None = None,
    source: str = Source.API,
    first_contact: bool = False,
) -> Consultation:
    data = {**(data or {}), FIRST_CONTACT: IN_FIRST_CONTACT if first_contact else None}
    case = case_transition(kind=KIND, actor=actor, case_id=consultation_id, action=action,
                           data=data, version=version, at=at or timezone.now(),
                           source=source)  # fmt: skip
    assert isinstance(case, Consultation)
    return case


def _prepare(
    store: CaseStore,
    case: Any,
    actor: Actor,
    action: str,
    data: Mapping[str, Any],
    at: datetime,
    source: str,
) -> Prepared:
    """``KIND.prepare``: what an action carries onto the consultation — the answer (answer), the
    resolution time (resolve), the linked complaint (convert_complaint) or suggestion
    (convert_suggestion) — run by the engine inside the step, for the database as for held
    cases. The event keeps codes and numbers only (``_event_record``)."""
    record: dict[str, Any] = {}
    updates: dict[str, Any] = {}
    after = None
    if action == "answer":
        text = str(data.get("answer") or "").strip()
        if len(text) > ANSWER_MAX:
            raise ValidationFailed(
                _("答复内容有误。"), fields={"answer": [_("答复内容不能超过 4000 个字。")]}
            )
        if not text:
            raise ValidationFailed(_("缺少必填信息。"), fields={"answer": [_("此项必填。")]})
        updates = {"answer": text, "answered_at": at}
    elif action == "resolve":
        first_contact = data.get(FIRST_CONTACT) is IN_FIRST_CONTACT
        record = {"first_contact_resolution": first_contact}
        updates = {"resolved_at": at, "first_contact_resolution": first_contact}
    elif action == "convert_suggestion":
        content = str(data.get("content") or "").strip()
        if len(content) > ANSWER_MAX:
            raise ValidationFailed(
                _("建议内容有误。"), fields={"content": [_("建议内容不能超过 4000 个字。")]}
            )
        if not content:
            raise ValidationFailed(_("缺少必填信息。"), fields={"content": [_("此项必填。")]})
        # a batch names the suggestion it registers itself (a held case of its own)
        number = str(data.get("suggestion_number") or "") if is_held(case) else ""
        number = number or _number("JY", at)
        record = {"suggestion_number": number}
        if not is_held(case):

            def after(case: Any) -> None:
                _suggestion_create(actor, case, number, content, at, source)

    elif action == "convert_complaint":
        # The complaint is registered first so that the event can name it; a refusal by the engine
        # afterwards rolls the registration back with everything else (one transaction).
        if is_held(case):
            raise ValidationFailed(_("批量处理不能转投诉。"))
        if all(data.get(r) not in (None, "", []) for r in COMPLAINT_INPUTS):
            complaint = _register_complaint(actor=actor, case=case, data=data, at=at, source=source)
            record = _event_record(
                data, complaint_id=str(complaint.pk), complaint_reference=complaint.reference
            )
            updates = {"complaint": complaint}
    return Prepared(at=at, updates=updates, record=record, after=after)


def _suggestion_create(
    actor: Actor, case: Consultation, number: str, content: str, at: datetime, source: str
) -> None:
    suggestion = Suggestion.objects.create(
        number=number,
        org_unit=case.org_unit,
        consultation=case,
        customer_id=case.customer_id,
        content=content,
        status=SUGGESTION.initial,
        assignee_id=actor.user_id,  # who converted it follows it up (4.1.3(3) 跟踪)
    )
    # the suggestion is a case of its own; its event keeps the link, never the content
    case_opened(kind=SUGGESTION_KIND, case=suggestion, actor=actor, at=at, source=source,
                data={"consultation_id": str(case.pk)})  # fmt: skip
    audit_record(actor=actor, action="suggestion.create", subject=suggestion, fields=["content"])


def _register_complaint(
    *, actor: Actor, case: Consultation, data: Mapping[str, Any], at: datetime, source: str
) -> Any:
    """Register the complaint the consultation turned into (4.1.3(3)), through the complaints
    domain's own service. Only the classification and the request come from the agent; the
    complainant, channel, facts (question and answer) and recording are what the consultation
    already holds (CP-5). The complaint was received when the consultation was: the caller
    complained in that contact, so the CP-1 clock runs from the consultation's receipt.
    Errors come back with the complaint's field names."""
    facts = case.question + (f"\n{_('答复')}：{case.answer}" if case.answer else "")
    payload: dict[str, Any] = {
        "customer_id": str(case.customer_id) if case.customer_id else "",
        "channel": case.channel,
        "source": "direct",
        "received_at": case.received_at,
        "request": data.get("request"),
        "facts": facts[:5000],
        "dispute_type": data.get("dispute_type"),
        "product_line": data.get("product_line"),
        "nature": data.get("nature"),
        "respondent_kind": data.get("respondent_kind"),
        "recording_ref": case.recording_ref or case.call_id,
    }
    if not case.customer_id:  # an anonymous caller becomes a complainant record (not asked again)
        payload["new_complainant"] = {"name": case.contact_name, "mobile": case.contact_mobile}
    return complaint_register(
        actor=actor, org_unit_id=case.org_unit_id, data=payload, at=at, source=source
    )


@transaction.atomic
def suggestion_decide(
    *,
    actor: Actor,
    suggestion_id: Any,
    status: str,
    response: str,
    version: int | None = None,
    at: datetime | None = None,
    source: str = Source.API,
) -> Suggestion:
    """Adopt (``adopt``) or decline (``decline``) a suggestion with a response (4.1.3(3): feed
    back and track), through the case engine: a decided suggestion answers 409, as does a stale
    ``version``. The response is free text and stays on the suggestion, not in the event."""
    action = SUGGESTION_ACTIONS.get(status)
    case = case_transition(
        kind=SUGGESTION_KIND, actor=actor, case_id=suggestion_id, action=action or "adopt",
        data={"response": (response or "").strip(), "status": status}, version=version,
        at=at or timezone.now(), source=source, record={},
    )  # fmt: skip
    assert isinstance(case, Suggestion)
    return case


def _suggestion_prepare(
    case: Any, actor: Actor, action: str, data: Mapping[str, Any], at: datetime
) -> Prepared:
    """``SUGGESTION_KIND.prepare``: the inputs are judged once the engine would take a decision
    at all (state, version, permission); the response and who decided when stay on the
    suggestion, not in the event."""
    response = str(data.get("response") or "").strip()
    errors: dict[str, list[str]] = {}
    if "status" in data and SUGGESTION_ACTIONS.get(data["status"]) != action:
        errors["status"] = [_("请选择采纳或不采纳。")]
    if not response:
        errors["response"] = [_("请填写处理意见。")]
    if len(response) > ANSWER_MAX:
        errors["response"] = [_("处理意见不能超过 4000 个字。")]
    if errors:
        raise ValidationFailed(_("建议处理信息有误。"), fields=errors)
    # the executor's one audit record names the fields the step wrote (no second record here)
    updates = {"response": response, "decided_at": at, "decided_by_id": actor.user_id}
    return Prepared(at=at, updates=updates, record={})


# --- topic taxonomy (head-office configuration) -----------------------------------------------------


def _require_configure(actor: Actor) -> None:
    if not actor.can_globally(CONFIGURE):
        raise Forbidden(_("只有总公司的咨询主题管理人员可以维护主题分类。"))


def _clean_name_code(data: Mapping[str, Any]) -> tuple[str, str, int, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    code = str(data.get("code") or "").strip().lower()
    if not name:
        errors["name"] = [_("请填写名称。")]
    elif len(name) > 60:
        errors["name"] = [_("名称不能超过 60 个字。")]
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,59}", code):
        errors["code"] = [_("编码应为 2–60 位小写字母、数字、点、下划线或连字符。")]
    try:
        position = int(data.get("position") or 0)
        if not 0 <= position <= 999:
            raise ValueError
    except (TypeError, ValueError):
        errors["position"] = [_("排序应为 0–999 的整数。")]
        position = 0
    return name, code, position, errors


@transaction.atomic
def category_create(*, actor: Actor, data: Mapping[str, Any]) -> TopicCategory:
    _require_configure(actor)
    name, code, position, errors = _clean_name_code(data)
    if not errors and TopicCategory.objects.filter(code=code).exists():
        errors["code"] = [_("编码已存在。")]
    if errors:
        raise ValidationFailed(_("类别信息有误。"), fields=errors)
    category = TopicCategory.objects.create(code=code, name=name, position=position)
    audit_record(
        actor=actor,
        action="consultation_category.create",
        subject=category,
        fields=["code", "name"],
    )
    return category


@transaction.atomic
def topic_create(*, actor: Actor, category_id: Any, data: Mapping[str, Any]) -> Topic:
    _require_configure(actor)
    category = category_get(category_id) if category_id else None
    name, code, position, errors = _clean_name_code(data)
    if category is None:
        errors["category_id"] = [_("请选择类别。")]
    if "code" not in errors and Topic.objects.filter(code=code).exists():
        errors["code"] = [_("编码已存在。")]
    if errors:
        raise ValidationFailed(_("主题信息有误。"), fields=errors)
    assert category is not None
    topic = Topic.objects.create(category=category, code=code, name=name, position=position)
    audit_record(
        actor=actor, action="consultation_topic.create", subject=topic, fields=["code", "name"]
    )
    return topic


@transaction.atomic
def taxonomy_set_active(
    *, actor: Actor, kind: str, item_id: Any, active: bool
) -> TopicCategory | Topic:
    """Deactivate or reactivate a category or topic. Nothing is ever deleted: consultations keep
    pointing at the topic they were recorded against."""
    _require_configure(actor)
    model = Topic if kind == "topic" else TopicCategory
    try:
        item = model.objects.select_for_update().get(pk=item_id)
    except (ObjectDoesNotExist, DjangoValidationError, ValueError, TypeError) as exc:
        raise NotFound() from exc
    item.is_active = active
    item.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action=f"consultation_{'topic' if kind == 'topic' else 'category'}.{'activate' if active else 'deactivate'}",
        subject=item,
        fields=["is_active"],
    )
    return item


__all__ = [
    "KIND",
    "ConsultationStatus",
    "category_create",
    "consultation_act",
    "consultation_capture",
    "consultation_clean",
    "suggestion_decide",
    "taxonomy_set_active",
    "topic_create",
]
