"""Every write of the people app (DESIGN rules 1, 3; standard 7.1, 4.1.2, 4.2.2, 8.2.6; issue 18
§1–§3). Keyword-only, ``actor`` first; each write is audited in its own transaction.

Training (7.1): ``plan_create``, ``course_create``, ``session_create``, ``enrol``,
``attendance_record``, ``material_upload`` (a file checked by its content, as the claim uploads).
Exams: ``question_create``, ``exam_create``, ``attempt_start`` (the paper drawn by
``paper_draw``, reproducible from its seed), ``attempt_submit`` (objective items marked at once),
``attempt_mark`` (short answers marked by a person). Qualifications: a passed exam that names one
issues a ``Certificate`` (``certificate_issue``); a trainer may record one earned elsewhere.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, get_in_scope, require, scope
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, months_after
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.filecheck import FileRefused, inspect_document
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.selectors import unit_in_scope

from .enums import (
    CERTIFICATES_MANAGE,
    CERTIFICATES_VIEW,
    EXAMS_MANAGE,
    EXAMS_TAKE,
    TRAINING_MANAGE,
    TRAINING_VIEW,
    CertificateSource,
    Content,
    Difficulty,
    Form,
    Qualification,
    QuestionKind,
    Topic,
)
from .models import (
    Attempt,
    Certificate,
    Course,
    Enrolment,
    Exam,
    Material,
    Question,
    Session,
    TrainingPlan,
)

MATERIAL_MAX_BYTES = 20 * 1024 * 1024
LATE_GRACE = timedelta(minutes=2)  # a paper sent this long after the time is up still counts
TRUE_FALSE_OPTIONS = ["正确", "错误"]

Errors = dict[str, list[str]]


def _fail(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)


def _text(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True,
          limit: int = 120) -> str:  # fmt: skip
    value = str(data.get(name) or "").strip()
    if not value and required:
        errors[name] = [_("此项必填。")]
    elif len(value) > limit:
        errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
    return value


def _int(data: Mapping[str, Any], name: str, errors: Errors, *, low: int, high: int) -> int:
    raw = str(data.get(name) if data.get(name) is not None else "").strip()
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        errors[name] = [_("请填写 {low} 至 {high} 的整数。").format(low=low, high=high)]
        return low
    return int(raw)


def _choice(data: Mapping[str, Any], name: str, errors: Errors, values: list[Any]) -> str:
    value = str(data.get(name) or "")
    if value not in [str(v) for v in values]:
        errors[name] = [_("请选择列出的选项之一。")]
    return value


def _unit(actor: Actor, unit_id: Any, errors: Errors, perm: str) -> OrgUnit | None:
    try:
        return unit_in_scope(actor, unit_id, perm, active=True)
    except NotFound:
        errors["org_unit"] = [_("请选择您管辖范围内的机构。")]
        return None


def _when(data: Mapping[str, Any], name: str, errors: Errors) -> datetime | None:
    raw = data.get(name)
    try:
        value = raw if isinstance(raw, datetime) else parse_datetime(str(raw or "").strip())
    except ValueError:
        value = None
    if value is None:
        errors[name] = [_("请填写时间（年-月-日 时:分）。")]
        return None
    return value if value.tzinfo else value.replace(tzinfo=BEIJING)


# --- doors ---------------------------------------------------------------------------------------


def access_plan(actor: Actor, plan_id: Any) -> TrainingPlan:
    """The one door: missing and out of scope are the same 404 (DESIGN rule 2)."""
    return get_in_scope(actor, TrainingPlan.objects.select_related("org_unit"), plan_id,
                        TRAINING_VIEW)  # fmt: skip


def access_course(actor: Actor, course_id: Any) -> Course:
    qs = Course.objects.select_related("plan", "plan__org_unit")
    return get_in_scope(actor, qs, course_id, TRAINING_VIEW)


def access_session(actor: Actor, session_id: Any) -> Session:
    qs = Session.objects.select_related("course", "course__plan", "course__plan__org_unit")
    return get_in_scope(actor, qs, session_id, TRAINING_VIEW)


def access_material(actor: Actor, material_id: Any) -> Material:
    qs = Material.objects.select_related("course__plan__org_unit")
    return get_in_scope(actor, qs, material_id, TRAINING_VIEW)


def exams_open_to(actor: Actor) -> QuerySet[Exam]:
    """The exams an actor may see: an exam is open to the takers (exams.take) of its unit and of
    every unit below it, and to the managers (exams.manage) of its unit."""
    roots = actor.paths_for(EXAMS_TAKE)
    above = sorted({r[:i] for r in roots for i in range(5, len(r) + 1, 5)})
    taking = Q(org_unit__path__in=above)
    for root in roots:
        taking |= Q(org_unit__path__startswith=root)
    managed = scope(actor, Exam.objects.all(), EXAMS_MANAGE).values("pk")
    return Exam.objects.select_related("org_unit").filter(taking | Q(pk__in=managed))


def access_exam(actor: Actor, exam_id: Any) -> Exam:
    """The door of one exam: the same predicate as the list; missing and closed are one 404."""
    exam = exams_open_to(actor).filter(pk=exam_id).first() if _is_uuid(exam_id) else None
    if exam is None:
        raise NotFound()
    return exam


def access_attempt(actor: Actor, attempt_id: Any) -> Attempt:
    """One's own attempt, or one in the scope of ``exams.manage`` (the markers)."""
    qs = Attempt.objects.select_related("exam", "user", "org_unit")
    if actor.user_id is not None:
        own = qs.filter(user_id=actor.user_id, pk=attempt_id) if _is_uuid(attempt_id) else None
        if own is not None and own.exists():
            return own.get()
    return get_in_scope(actor, qs, attempt_id, EXAMS_MANAGE)


def access_certificate(actor: Actor, certificate_id: Any) -> Certificate:
    """One's own certificate, or one in the scope of certificates.view."""
    qs = Certificate.objects.select_related("user", "org_unit")
    if actor.user_id is not None and _is_uuid(certificate_id):
        own = qs.filter(user_id=actor.user_id, pk=certificate_id).first()
        if own is not None:
            return own
    return get_in_scope(actor, qs, certificate_id, CERTIFICATES_VIEW)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- training (7.1) ------------------------------------------------------------------------------


def plan_create(*, actor: Actor, data: Mapping[str, Any]) -> TrainingPlan:
    """A unit's training plan for a year (training.manage over the unit)."""
    require(actor, TRAINING_MANAGE)
    errors: Errors = {}
    title = _text(data, "title", errors)
    year = _int(data, "year", errors, low=2000, high=2100)
    note = _text(data, "note", errors, required=False, limit=2000)
    unit = _unit(actor, data.get("org_unit"), errors, TRAINING_MANAGE)
    _fail(errors)
    assert unit is not None
    try:
        with transaction.atomic():
            plan = TrainingPlan.objects.create(year=year, org_unit=unit, title=title, note=note,
                                               created_by=actor.username)  # fmt: skip
            audit_record(actor=actor, action="people.plan.create", subject=plan,
                         data={"year": year})  # fmt: skip
    except IntegrityError as exc:
        raise ValidationFailed(_("该机构当年已有同名培训计划。"),
                               fields={"title": [_("名称重复。")]}) from exc  # fmt: skip
    return plan


def course_create(*, actor: Actor, plan_id: Any, data: Mapping[str, Any]) -> Course:
    """A course of a plan: one content of 7.1.2 in one form of 7.1.3, with planned hours."""
    plan = access_plan(actor, plan_id)
    require(actor, TRAINING_MANAGE, plan)
    errors: Errors = {}
    title = _text(data, "title", errors)
    content = _choice(data, "content", errors, Content.values)
    form = _choice(data, "form", errors, Form.values)
    hours = _hours(data, "hours", errors, required=True)
    description = _text(data, "description", errors, required=False, limit=2000)
    topics = _topics(data.get("topics"), errors)
    _fail(errors)
    assert hours is not None
    with transaction.atomic():
        course = Course.objects.create(plan=plan, title=title, content=content, form=form,
                                       hours=hours, description=description,
                                       topics=topics)  # fmt: skip
        audit_record(actor=actor, action="people.course.create", subject=course,
                     data={"plan": str(plan.pk), "content": content, "form": form})  # fmt: skip
    return course


def _topics(raw: Any, errors: Errors) -> list[str]:
    """A course's topics (ADR 0029): a list or comma-separated codes of ``Topic``."""
    if raw is None or raw == "":
        return []
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    topics = sorted({str(p).strip() for p in parts if str(p).strip()})
    if any(t not in Topic.values for t in topics):
        errors["topics"] = [_("请选择培训主题：合规、信息安全意识、个人信息保护或反保险欺诈。")]
        return []
    return topics


def _hours(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool) -> Decimal | None:
    raw = str(data.get(name) if data.get(name) is not None else "").strip()
    if not raw and not required:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(999) \
            or value != value.quantize(Decimal("0.1")):  # fmt: skip
        errors[name] = [_("请填写 0 至 999 之间的学时（最多一位小数）。")]
        return None
    return value


def session_create(*, actor: Actor, course_id: Any, data: Mapping[str, Any]) -> Session:
    """A session of a course: trainer, place, start and end, capacity."""
    course = access_course(actor, course_id)
    require(actor, TRAINING_MANAGE, course)
    errors: Errors = {}
    trainer = _text(data, "trainer", errors, limit=60)
    place = _text(data, "place", errors)
    starts, ends = _when(data, "starts_at", errors), _when(data, "ends_at", errors)
    if starts and ends and ends <= starts:
        errors["ends_at"] = [_("结束时间须晚于开始时间。")]
    capacity = _int(data, "capacity", errors, low=1, high=1000)
    _fail(errors)
    assert starts is not None and ends is not None
    with transaction.atomic():
        session = Session.objects.create(course=course, trainer=trainer, place=place,
                                         starts_at=starts, ends_at=ends, capacity=capacity)  # fmt: skip
        audit_record(actor=actor, action="people.session.create", subject=session,
                     data={"course": str(course.pk), "capacity": capacity})  # fmt: skip
    return session


def _user_in_scope(
    actor: Actor, user_id: Any, perm: str, errors: Errors, field: str
) -> User | None:
    user = (User.objects.select_related("org_unit").filter(pk=user_id, is_active=True).first()
            if _is_uuid(user_id) else None)  # fmt: skip
    if user is None or user.org_unit is None or not actor.can(perm, user.org_unit.path):
        errors[field] = [_("未找到该人员，或不在您的管辖范围内。")]
        return None
    return user


def enrol(*, actor: Actor, session_id: Any, data: Mapping[str, Any]) -> Enrolment:
    """Enrol a person of the session's unit (or below) while places remain."""
    with transaction.atomic():
        session = access_session(actor, session_id)
        require(actor, TRAINING_MANAGE, session)
        Session.objects.select_for_update().filter(pk=session.pk).first()  # one enrolment at a time
        errors: Errors = {}
        user = _user_in_scope(actor, data.get("user"), TRAINING_MANAGE, errors, "user")
        if user is not None and user.org_unit is not None and not (user.org_unit.path.startswith(
                session.course.plan.org_unit.path)):  # fmt: skip
            errors["user"] = [_("该人员不属于培训计划的机构。")]
        _fail(errors)
        assert user is not None
        if session.enrolments.filter(user=user).exists():
            raise ValidationFailed(_("该人员已报名此场次。"), code="duplicate",
                                   fields={"user": [_("已报名。")]})  # fmt: skip
        if session.enrolments.count() >= session.capacity:
            raise Conflict(_("该场次已满员（{n} 人）。").format(n=session.capacity), code="full")
        enrolment = Enrolment.objects.create(session=session, user=user)
        audit_record(actor=actor, action="people.enrol", subject=enrolment,
                     data={"session": str(session.pk), "user": user.username})  # fmt: skip
    return enrolment


def attendance_record(*, actor: Actor, session_id: Any, data: Mapping[str, Any]) -> Session:
    """Hours attended per enrolled person (``hours_<enrolment id>``), at most the session's
    length; a blank leaves the record as it was."""
    session = access_session(actor, session_id)
    require(actor, TRAINING_MANAGE, session)
    length = Decimal((session.ends_at - session.starts_at).total_seconds()) / Decimal(3600)
    errors: Errors = {}
    changes: list[tuple[Enrolment, Decimal]] = []
    for e in session.enrolments.all():
        value = _hours(data, f"hours_{e.pk}", errors, required=False)
        if value is None:
            continue
        if value > length.quantize(Decimal("0.1")) + Decimal("0.05"):
            errors[f"hours_{e.pk}"] = [_("不能超过场次时长。")]
            continue
        changes.append((e, value))
    _fail(errors)
    with transaction.atomic():
        for e, value in changes:
            e.attended_hours = value
            e.save(update_fields=["attended_hours", "updated_at"])
        audit_record(actor=actor, action="people.attendance", subject=session,
                     data={"records": len(changes)})  # fmt: skip
    return session


def material_upload(*, actor: Actor, course_id: Any, name: str, upload: IO[bytes]) -> Material:
    """A course's material: JPEG, PNG or PDF, checked by content (``inspect_document``); the
    stored type and extension come from the check, never from the client."""
    course = access_course(actor, course_id)
    require(actor, TRAINING_MANAGE, course)
    errors: Errors = {}
    title = _text({"name": name}, "name", errors)
    _fail(errors)
    sha, size = hashlib.sha256(), 0
    upload.seek(0)
    while chunk := upload.read(64 * 1024):
        size += len(chunk)
        if size > MATERIAL_MAX_BYTES:
            raise ValidationFailed(_("文件过大：每个文件不超过 20 MB。"), code="file_too_large",
                                   fields={"file": [_("文件不超过 20 MB。")]})  # fmt: skip
        sha.update(chunk)
    upload.seek(0)
    try:
        kind = inspect_document(upload.read(MATERIAL_MAX_BYTES + 1))
    except FileRefused as exc:
        message = (
            _("只接受 JPEG、PNG 图片或 PDF 文件。") if exc.code == "file_type" else exc.message
        )
        raise ValidationFailed(message, code=exc.code, fields={"file": [exc.message]}) from exc
    upload.seek(0)
    digest = sha.hexdigest()
    if course.materials.filter(sha256=digest).exists():
        raise ValidationFailed(_("该文件已经上传过。"), code="duplicate",
                               fields={"file": [_("重复的文件。")]})  # fmt: skip
    with transaction.atomic():
        material = Material(course=course, name=title, content_type=kind.content_type, size=size,
                            sha256=digest)  # fmt: skip
        material.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
        material.save(force_insert=True)
        audit_record(actor=actor, action="people.material.upload", subject=material,
                     data={"course": str(course.pk), "size": size,
                           "content_type": kind.content_type})  # fmt: skip
    return material


# --- exams ---------------------------------------------------------------------------------------


def question_create(*, actor: Actor, data: Mapping[str, Any]) -> Question:
    """An item of a unit's bank. Choice items: 2–8 options and the right ones by index (one for
    single choice, at least one for multiple); true/false: the answer 0 (正确) or 1 (错误); short
    answers are marked by a person."""
    require(actor, EXAMS_MANAGE)
    errors: Errors = {}
    unit = _unit(actor, data.get("org_unit"), errors, EXAMS_MANAGE)
    topic = _text(data, "topic", errors, limit=60)
    kind = _choice(data, "kind", errors, QuestionKind.values)
    difficulty = _choice(data, "difficulty", errors, Difficulty.values)
    text = _text(data, "text", errors, limit=2000)
    points = _int(data, "points", errors, low=1, high=100) if data.get("points") not in (None, "") \
        else 1  # fmt: skip
    raw_options = data.get("options") or []
    if isinstance(raw_options, str):
        raw_options = raw_options.splitlines()
    options = [str(o).strip() for o in raw_options if str(o).strip()]
    raw_answer = data.get("answer")
    if isinstance(raw_answer, str):
        raw_answer = [a for a in raw_answer.replace("，", ",").split(",") if a.strip()]
    answer: list[int] = []
    try:
        answer = sorted({int(str(a).strip()) for a in (raw_answer or [])})
    except ValueError:
        errors["answer"] = [_("答案填写选项序号（从 0 开始），多个用逗号分隔。")]
    if kind == QuestionKind.TRUE_FALSE:
        options = list(TRUE_FALSE_OPTIONS)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and not 2 <= len(options) <= 8:
        errors["options"] = [_("选择题须有 2 至 8 个选项（每行一个）。")]
    if kind == QuestionKind.SHORT:
        options, answer = [], []
    elif "answer" not in errors and kind in QuestionKind.values:
        if not answer or any(not 0 <= a < len(options) for a in answer):
            errors["answer"] = [_("请给出正确选项的序号（从 0 开始）。")]
        elif kind != QuestionKind.MULTIPLE and len(answer) != 1:
            errors["answer"] = [_("单选题和判断题只有一个正确答案。")]
    _fail(errors)
    assert unit is not None
    with transaction.atomic():
        question = Question.objects.create(
            org_unit=unit, topic=topic, kind=kind, difficulty=int(difficulty), text=text,
            options=options, answer=answer, points=points,
        )  # fmt: skip
        audit_record(actor=actor, action="people.question.create", subject=question,
                     data={"topic": topic, "kind": kind})  # fmt: skip
    return question


def exam_create(*, actor: Actor, data: Mapping[str, Any]) -> Exam:
    """An exam: how many items of each difficulty are drawn from the topic's bank, the time, the
    pass mark, the retake limit and the qualification a pass earns (if any)."""
    require(actor, EXAMS_MANAGE)
    errors: Errors = {}
    unit = _unit(actor, data.get("org_unit"), errors, EXAMS_MANAGE)
    title = _text(data, "title", errors)
    topic = _text(data, "topic", errors, limit=60)
    counts = {d: _int(data, name, errors, low=0, high=200)
              for d, name in ((1, "easy"), (2, "medium"), (3, "hard"))}  # fmt: skip
    if not any(counts.values()) and not {"easy", "medium", "hard"} & errors.keys():
        errors["easy"] = [_("至少抽取一道题。")]
    duration = _int(data, "duration_minutes", errors, low=1, high=600)
    pass_percent = _int(data, "pass_percent", errors, low=1, high=100)
    attempts = _int(data, "max_attempts", errors, low=1, high=20)
    qualification = str(data.get("qualification") or "")
    if qualification and qualification not in Qualification.values:
        errors["qualification"] = [_("请选择列出的选项之一。")]
    validity = _int(data, "validity_months", errors, low=1, high=120) \
        if data.get("validity_months") not in (None, "") else 24  # fmt: skip
    if unit is not None and topic and not errors:
        available = _bank(unit, topic)
        for d, n in counts.items():
            have = len(available.get(d, []))
            if n > have:
                errors[("easy", "medium", "hard")[d - 1]] = [
                    _("题库中该难度只有 {n} 道可用题。").format(n=have)
                ]
    _fail(errors)
    assert unit is not None
    with transaction.atomic():
        exam = Exam.objects.create(
            org_unit=unit, title=title, topic=topic, easy=counts[1], medium=counts[2],
            hard=counts[3], duration_minutes=duration, pass_percent=pass_percent,
            max_attempts=attempts, qualification=qualification, validity_months=validity,
        )  # fmt: skip
        audit_record(actor=actor, action="people.exam.create", subject=exam,
                     data={"topic": topic, "qualification": qualification})  # fmt: skip
    return exam


def _bank(unit: OrgUnit, topic: str) -> dict[int, list[str]]:
    """The active items of ``topic`` in the banks of ``unit`` and the units above it, by
    difficulty, each list in a fixed order (by id) so a seed always draws the same paper."""
    ancestors = [unit.path[:i] for i in range(5, len(unit.path) + 1, 5)]
    out: dict[int, list[str]] = {}
    rows = Question.objects.filter(topic=topic, active=True, org_unit__path__in=ancestors)
    for pk, difficulty in rows.values_list("pk", "difficulty"):
        out.setdefault(difficulty, []).append(str(pk))
    return {d: sorted(ids) for d, ids in out.items()}


def paper_draw(exam: Exam, seed: int) -> list[str]:
    """The items of one paper: for each difficulty, the exam's count drawn at random from the
    bank with ``random.Random(seed)`` — the same seed and bank give the same paper."""
    rng = random.Random(seed)
    bank = _bank(exam.org_unit, exam.topic)
    paper: list[str] = []
    for difficulty, n in sorted(exam.counts().items()):
        pool = bank.get(difficulty, [])
        if n > len(pool):
            raise Conflict(_("题库题目不足，无法组卷，请联系培训管理员。"), code="bank_too_small")
        paper.extend(rng.sample(pool, n))
    return paper


def attempt_start(*, actor: Actor, exam_id: Any, seed: int | None = None) -> Attempt:
    """Start (or resume) one's attempt: a paper drawn for this person, due after the exam's
    time; refused once the retake limit is used up or after a pass."""
    exam = access_exam(actor, exam_id)
    if actor.user_id is None:
        raise Forbidden(_("系统账户不能参加考试。"))
    require(actor, EXAMS_TAKE)
    now = timezone.now()
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("org_unit")
            .get(pk=actor.user_id)
        )
        mine = Attempt.objects.filter(exam=exam, user=user)
        current = mine.filter(submitted_at__isnull=True, due_at__gt=now).first()
        if current is not None:
            return current
        if mine.filter(passed=True).exists():
            raise Conflict(_("您已通过该考试。"), code="already_passed")
        if mine.count() >= exam.max_attempts:
            raise Conflict(_("已达到该考试的最多参加次数（{n} 次）。").format(n=exam.max_attempts),
                           code="attempts_used")  # fmt: skip
        seed = secrets.randbits(48) if seed is None else seed
        questions = paper_draw(exam, seed)
        if user.org_unit is None:
            raise Forbidden(_("您的账户未归属任何机构，不能参加考试。"))
        points = dict(Question.objects.filter(pk__in=questions).values_list("pk", "points"))
        attempt = Attempt.objects.create(
            exam=exam, user=user, org_unit=user.org_unit, seed=seed, questions=questions,
            started_at=now, due_at=now + timedelta(minutes=exam.duration_minutes),
            max_score=sum(points.values()),
        )  # fmt: skip
        audit_record(actor=actor, action="people.attempt.start", subject=attempt,
                     data={"exam": str(exam.pk), "seed": seed})  # fmt: skip
    return attempt


def _objective_mark(question: Question, given: Any) -> int:
    if question.kind == QuestionKind.SHORT:
        return 0
    try:
        chosen = sorted({int(x) for x in (given if isinstance(given, list) else [given])
                         if str(x).strip() != ""})  # fmt: skip
    except (TypeError, ValueError):
        return 0
    return question.points if chosen == sorted(question.answer) else 0


def attempt_submit(*, actor: Actor, attempt_id: Any, answers: Mapping[str, Any]) -> Attempt:
    """Hand in one's paper: objective items are marked now; if no short answer waits for a
    marker the result is final. After the time (and a short grace) the answers are not taken:
    the paper counts as handed in blank."""
    now = timezone.now()
    with transaction.atomic():
        attempt = access_attempt(actor, attempt_id)
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("exam")
            .get(pk=attempt.pk)
        )
        if attempt.user_id != actor.user_id:
            raise Forbidden(_("只能提交本人的试卷。"))
        if attempt.submitted_at is not None:
            raise Conflict(_("试卷已提交。"), code="already_submitted")
        late = now > attempt.due_at + LATE_GRACE
        kept = {} if late else {q: answers.get(q) for q in attempt.questions if q in answers}
        questions = Question.objects.in_bulk(attempt.questions, field_name="pk")
        by_id = {str(k): v for k, v in questions.items()}
        attempt.marks = {q: _objective_mark(by_id[q], kept.get(q)) for q in attempt.questions
                         if q in by_id and by_id[q].kind != QuestionKind.SHORT}  # fmt: skip
        attempt.answers = {q: v for q, v in kept.items() if v not in (None, "", [])}
        attempt.submitted_at, attempt.late = now, late
        waiting = [q for q in attempt.questions if q in by_id
                   and by_id[q].kind == QuestionKind.SHORT and q in attempt.answers]  # fmt: skip
        if not waiting:  # blank short answers score nothing: no marker needed
            for q in attempt.questions:
                attempt.marks.setdefault(q, 0)
            _finish(attempt, now, marker="")
        attempt.save()
        audit_record(actor=actor, action="people.attempt.submit", subject=attempt,
                     data={"late": late, "score": attempt.score, "passed": attempt.passed})  # fmt: skip
        if attempt.passed:
            _earn(actor, attempt)
    return attempt


def _finish(attempt: Attempt, at: datetime, *, marker: str) -> None:
    attempt.score = sum(int(v) for v in attempt.marks.values())
    attempt.marked_at, attempt.marked_by = at, marker
    attempt.passed = attempt.max_score > 0 and (
        attempt.score * 100 >= attempt.exam.pass_percent * attempt.max_score
    )


def attempt_mark(*, actor: Actor, attempt_id: Any, data: Mapping[str, Any]) -> Attempt:
    """A marker (exams.manage over the taker's unit, not the taker) gives each short answer its
    points (``mark_<question id>``, 0 to the item's points); the result is then final."""
    now = timezone.now()
    with transaction.atomic():
        attempt = access_attempt(actor, attempt_id)
        require(actor, EXAMS_MANAGE, attempt)
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("exam")
            .get(pk=attempt.pk)
        )
        if attempt.user_id == actor.user_id:
            raise Forbidden(_("不能为本人的试卷评分。"))
        if attempt.submitted_at is None or attempt.marked_at is not None:
            raise Conflict(_("该试卷不在待评分状态。"), code="not_waiting")
        questions = {str(k): v for k, v in
                     Question.objects.in_bulk(attempt.questions, field_name="pk").items()}  # fmt: skip
        errors: Errors = {}
        for q in attempt.questions:
            item = questions.get(q)
            if item is None or item.kind != QuestionKind.SHORT:
                continue
            if q not in attempt.answers:
                attempt.marks[q] = 0
                continue
            attempt.marks[q] = _int(data, f"mark_{q}", errors, low=0, high=item.points)
        _fail(errors)
        _finish(attempt, now, marker=actor.username)
        attempt.save()
        audit_record(actor=actor, action="people.attempt.mark", subject=attempt,
                     data={"score": attempt.score, "passed": attempt.passed})  # fmt: skip
        if attempt.passed:
            _earn(actor, attempt)
    return attempt


# --- certificates --------------------------------------------------------------------------------


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


def _earn(actor: Actor, attempt: Attempt) -> Certificate | None:
    """A passed exam that names a qualification issues its certificate, valid from today for the
    exam's validity, less one day."""
    exam = attempt.exam
    if not exam.qualification:
        return None
    today = _today()
    cert = Certificate.objects.create(
        user_id=attempt.user_id, org_unit_id=attempt.org_unit_id, qualification=exam.qualification,
        issued_on=today, expires_on=months_after(today, exam.validity_months) - timedelta(days=1),
        source=CertificateSource.EXAM, attempt=attempt, issued_by=actor.username,
    )  # fmt: skip
    audit_record(actor=actor, action="people.certificate.issue", subject=cert,
                 data={"qualification": cert.qualification, "expires_on": str(cert.expires_on),
                       "source": cert.source})  # fmt: skip
    return cert


def certificate_issue(*, actor: Actor, data: Mapping[str, Any]) -> Certificate:
    """Record a certificate earned elsewhere (certificates.manage over the holder's unit): the
    holder, the qualification and the days it runs from and to."""
    require(actor, CERTIFICATES_MANAGE)
    errors: Errors = {}
    user = _user_in_scope(actor, data.get("user"), CERTIFICATES_MANAGE, errors, "user")
    qualification = _choice(data, "qualification", errors, Qualification.values)
    days: dict[str, date | None] = {}
    for name in ("issued_on", "expires_on"):
        raw = data.get(name)
        try:
            days[name] = raw if isinstance(raw, date) else date.fromisoformat(str(raw or ""))
        except ValueError:
            days[name] = None
            errors[name] = [_("请填写日期（年-月-日）。")]
    issued, expires = days["issued_on"], days["expires_on"]
    if issued and expires and expires < issued:
        errors["expires_on"] = [_("有效期至不能早于取得日期。")]
    _fail(errors)
    assert user is not None and user.org_unit is not None
    assert issued is not None and expires is not None
    with transaction.atomic():
        cert = Certificate.objects.create(
            user=user, org_unit=user.org_unit, qualification=qualification, issued_on=issued,
            expires_on=expires, source=CertificateSource.GRANTED, issued_by=actor.username,
        )  # fmt: skip
        audit_record(actor=actor, action="people.certificate.issue", subject=cert,
                     data={"qualification": qualification, "expires_on": str(expires),
                           "source": cert.source})  # fmt: skip
    return cert
