"""People pages (standard 7.1; 4.1.2, 4.2.2, 8.2.6; issue 18 §1–§3): training plans, courses,
sessions and attendance; the exam page (phone-sized); the bank and marking; certificates and the
qualification gates. Thin: every read is a selector or a door, every write a service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.case_pages import post_form
from hiqc.core.errors import Conflict, Forbidden, HiqcError
from hiqc.core.http import HiqcRequest
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .enums import (
    CERTIFICATES_MANAGE,
    CERTIFICATES_VIEW,
    EXAMS_MANAGE,
    EXAMS_TAKE,
    TRAINING_MANAGE,
    TRAINING_VIEW,
    Content,
    Difficulty,
    Form,
    Qualification,
    QuestionKind,
    Topic,
)
from .services import (
    access_attempt,
    access_course,
    access_exam,
    access_material,
    access_plan,
    access_session,
    attempt_mark,
    attempt_start,
    attempt_submit,
    attendance_record,
    certificate_issue,
    course_create,
    enrol,
    exam_create,
    exams_open_to,
    material_upload,
    plan_create,
    question_create,
    session_create,
)

T = "people/"


def _today_year() -> int:
    return timezone.now().astimezone(BEIJING).year


@login_required
def plans_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, TRAINING_VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"year": str(_today_year())}
    status = 200
    if request.method == "POST":
        plan, errors, values, status = post_form(
            request, lambda d: plan_create(actor=actor, data=d), _("已制定培训计划。")
        )
        if plan is not None:
            return redirect("people:plan", plan.pk)
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() else None
    page = Paginator(selectors.plans(actor, year=year), 25).get_page(request.GET.get("page"))
    return render(request, T + "plans.html", {
        "page": page, "can_manage": actor.can(TRAINING_MANAGE), "errors": errors,
        "values": values, "units": units_in_scope(actor, TRAINING_MANAGE),
        "hours": selectors.training_hours(actor, year or _today_year())[:20],
        "year": year or _today_year(),
    }, status=status)  # fmt: skip


@login_required
def plan_page(request: HiqcRequest, plan_id: str) -> HttpResponse:
    actor = request.actor
    plan = access_plan(actor, plan_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        course, errors, values, status = post_form(
            request, lambda d: course_create(actor=actor, plan_id=plan.pk, data={
                **d, "topics": request.POST.getlist("topics")}),
            _("已添加课程。"))  # fmt: skip
        if course is not None:
            return redirect("people:course", course.pk)
    return render(request, T + "plan.html", {
        "plan": plan, "courses": selectors.courses(actor, plan=plan),
        "coverage": selectors.coverage(plan), "errors": errors, "values": values,
        "can_manage": actor.can(TRAINING_MANAGE, plan.org_unit.path),
        "contents": Content.choices, "forms": Form.choices, "topics": Topic.choices,
    }, status=status)  # fmt: skip


@login_required
def course_page(request: HiqcRequest, course_id: str) -> HttpResponse:
    actor = request.actor
    course = access_course(actor, course_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST" and "file" in request.FILES:
        material, errors, values, status = post_form(
            request, lambda d: material_upload(actor=actor, course_id=course.pk,
                                               name=d.get("name", ""),
                                               upload=request.FILES["file"]),  # type: ignore[arg-type]
            _("已上传资料。"))  # fmt: skip
        if material is not None:
            return redirect("people:course", course.pk)
    elif request.method == "POST":
        session, errors, values, status = post_form(
            request, lambda d: session_create(actor=actor, course_id=course.pk, data=d),
            _("已安排场次。"))  # fmt: skip
        if session is not None:
            return redirect("people:session", session.pk)
    return render(request, T + "course.html", {
        "course": course, "sessions": selectors.sessions(actor, course=course),
        "materials": course.materials.all(), "errors": errors, "values": values,
        "can_manage": actor.can(TRAINING_MANAGE, course.plan.org_unit.path),
    }, status=status)  # fmt: skip


@login_required
def material_file(request: HiqcRequest, material_id: str) -> FileResponse:
    material = access_material(request.actor, material_id)
    ext = material.file.name.rsplit(".", 1)[-1] if "." in material.file.name else "bin"
    return FileResponse(material.file.open("rb"), as_attachment=True,
                        filename=f"{material.name}.{ext}",
                        content_type=material.content_type)  # fmt: skip


@login_required
def session_page(request: HiqcRequest, session_id: str) -> HttpResponse:
    actor = request.actor
    session = access_session(actor, session_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "attendance":
            done, errors, values, status = post_form(
                request, lambda d: attendance_record(actor=actor, session_id=session.pk, data=d),
                _("已登记出勤。"))  # fmt: skip
        else:
            done, errors, values, status = post_form(
                request, lambda d: enrol(actor=actor, session_id=session.pk, data=d),
                _("已报名。"))  # fmt: skip
        if done is not None:
            return redirect("people:session", session.pk)
    return render(request, T + "session.html", {
        "session": session, "enrolments": selectors.enrolments(session), "errors": errors,
        "values": values, "can_manage": actor.can(TRAINING_MANAGE, session.course.plan.org_unit.path),
        "people": selectors.people_under(session.course.plan.org_unit.path),
    }, status=status)  # fmt: skip


# --- exams ---------------------------------------------------------------------------------------


@login_required
def exams_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    if not actor.can(EXAMS_MANAGE):
        require(actor, EXAMS_TAKE)
    return render(request, T + "exams.html", {
        "exams": exams_open_to(actor).filter(active=True),
        "attempts": selectors.my_attempts(actor)[:50],
        "certificates": selectors.certificates(actor).filter(user_id=str(actor.user_id)),
    })  # fmt: skip


@login_required
@require_POST
def exam_start(request: HiqcRequest, exam_id: str) -> HttpResponse:
    actor = request.actor
    access_exam(actor, exam_id)
    try:
        attempt = attempt_start(actor=actor, exam_id=exam_id)
    except (Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
        return redirect("people:exams")
    return redirect("people:attempt", attempt.pk)


@login_required
def attempt_page(request: HiqcRequest, attempt_id: str) -> HttpResponse:
    """The paper (phone-sized): one question after another, the time left, one submit button;
    for a marker, the short answers to mark."""
    actor = request.actor
    attempt = access_attempt(actor, attempt_id)
    errors: dict[str, list[str]] = {}
    status = 200
    mine = attempt.user_id == actor.user_id
    if request.method == "POST":
        try:
            if mine:
                answers = {q: (request.POST.getlist(f"q_{q}") if request.POST.get(f"kind_{q}")
                               == QuestionKind.MULTIPLE else request.POST.get(f"q_{q}", ""))
                           for q in attempt.questions}  # fmt: skip
                attempt_submit(actor=actor, attempt_id=attempt.pk, answers=answers)
                messages.success(request, _("试卷已提交。"))
            else:
                attempt_mark(actor=actor, attempt_id=attempt.pk, data=request.POST.dict())
                messages.success(request, _("评分已完成。"))
            return redirect("people:attempt", attempt.pk)
        except HiqcError as exc:
            messages.error(request, exc.message)
            errors, status = exc.fields, exc.status
        attempt = access_attempt(actor, attempt_id)
    now = timezone.now()
    items = [{"q": q, "given": attempt.answers.get(str(q.pk)), "mark": attempt.marks.get(str(q.pk)),
              "multiple": q.kind == QuestionKind.MULTIPLE, "short": q.kind == QuestionKind.SHORT}
             for q in selectors.paper(attempt)]  # fmt: skip
    return render(request, T + "attempt.html", {
        "attempt": attempt, "items": items, "mine": mine, "errors": errors,
        "open": mine and attempt.submitted_at is None,
        "seconds_left": max(0, int((attempt.due_at - now).total_seconds())),
        "can_mark": not mine and attempt.submitted_at is not None and attempt.marked_at is None,
    }, status=status)  # fmt: skip


@login_required
def bank_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, EXAMS_MANAGE)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":

        def write(d: dict[str, Any]) -> Any:
            if request.POST.get("form") == "exam":
                return exam_create(actor=actor, data=d)
            return question_create(actor=actor, data=d)

        done, errors, values, status = post_form(request, write, _("已保存。"))
        if done is not None:
            return redirect("people:bank")
        values["form"] = request.POST.get("form", "")
    topic = request.GET.get("topic", "")[:60]
    page = Paginator(selectors.questions(actor, topic=topic), 50).get_page(request.GET.get("page"))
    return render(request, T + "bank.html", {
        "page": page, "topic": topic, "errors": errors, "values": values,
        "units": units_in_scope(actor, EXAMS_MANAGE), "kinds": QuestionKind.choices,
        "difficulties": Difficulty.choices, "qualifications": Qualification.choices,
        "exams": exams_open_to(actor), "to_mark": selectors.attempts_to_mark(actor)[:50],
        "statistics": selectors.item_statistics(actor)[:100],
    }, status=status)  # fmt: skip


# --- certificates --------------------------------------------------------------------------------


@login_required
def certificates_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, CERTIFICATES_VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done, errors, values, status = post_form(
            request, lambda d: certificate_issue(actor=actor, data=d), _("已登记证书。")
        )
        if done is not None:
            return redirect("people:certificates")
    qualification = request.GET.get("qualification", "")
    if qualification not in Qualification.values:
        qualification = ""
    today = timezone.now().astimezone(BEIJING).date()
    page = Paginator(selectors.certificates(actor, qualification=qualification), 50).get_page(
        request.GET.get("page"))  # fmt: skip
    return render(request, T + "certificates.html", {
        "page": page, "today": today, "qualification": qualification,
        "qualifications": Qualification.choices, "gates": selectors.gates(),
        "expiring": selectors.expiring(actor, today)[:50], "errors": errors, "values": values,
        "can_manage": actor.can(CERTIFICATES_MANAGE),
    }, status=status)  # fmt: skip


# --- self-enrolment and the reassignment list (issue 18 §1, §3 follow-ups) -----------------------


@login_required
def my_training_page(request: HiqcRequest) -> HttpResponse:
    """The sessions of one's own unit and those above it: enrol before they begin, or cancel."""
    from .enrolments import TRAINING_ATTEND, enrol_cancel, enrol_self, sessions_open_to_me

    actor = request.actor
    require(actor, TRAINING_ATTEND)
    status = 200
    if request.method == "POST":
        session_id = request.POST.get("session", "")
        cancel = request.POST.get("form") == "cancel"
        try:
            if cancel:
                enrol_cancel(actor=actor, session_id=session_id)
            else:
                enrol_self(actor=actor, session_id=session_id)
        except HiqcError as exc:
            messages.error(request, exc.message)
            status = exc.status
        else:
            messages.success(request, _("已取消报名。") if cancel else _("已报名。"))
            return redirect("people:my_training")
    now = timezone.now()
    sessions = list(sessions_open_to_me(actor).filter(ends_at__gte=now - timedelta(days=365)))
    return render(request, T + "my_training.html", {
        "upcoming": [s for s in sessions if s.starts_at > now],
        "past": [s for s in sessions if s.starts_at <= now and getattr(s, "enrolled", False)][::-1],
    }, status=status)  # fmt: skip


@login_required
def reassign_page(request: HiqcRequest) -> HttpResponse:
    """Open cases whose assignee holds no current certificate the kind's gate names, with a
    reassign action through the engine (issue 18 §3)."""
    from .reassign import REASSIGN, lapsed_cases, lapsed_reassign, qualified_people

    actor = request.actor
    require(actor, REASSIGN)
    failed: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        data = request.POST.dict()
        try:
            lapsed_reassign(actor=actor, case_type=data.get("case_type", ""),
                            case_id=data.get("case_id", ""), data=data)  # fmt: skip
        except HiqcError as exc:
            messages.error(request, exc.message)
            failed = {"case_id": data.get("case_id", ""), "values": data,
                      "errors": getattr(exc, "fields", None) or {}}  # fmt: skip
            status = exc.status
        else:
            messages.success(request, _("已改派。"))
            return redirect("people:reassign")
    today = timezone.now().astimezone(BEIJING).date()
    rows = lapsed_cases(actor, today=today)
    people = {q: qualified_people(actor, q, today=today) for q in {r.qualification for r in rows}}
    return render(request, T + "reassign.html", {
        "rows": [(r, people[r.qualification]) for r in rows], "failed": failed,
        "gates": selectors.gates(),
    }, status=status)  # fmt: skip


@login_required
def required_page(request: HiqcRequest) -> HttpResponse:
    """Required training per role (the coverage indicator's definition; issue 18 §8)."""
    from hiqc.organisations.enums import Role

    from .enums import Content
    from .required import required_qualifications, required_training, required_training_set

    actor = request.actor
    rows = required_training(actor)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done, errors, values, status = post_form(
            request, lambda d: required_training_set(actor=actor, data=d) or True, _("已保存。")
        )
        if done is not None:
            return redirect("people:required")
    roles = dict(Role.choices)
    return render(request, T + "required.html", {
        "rows": [(roles.get(r.role, r.role), r) for r in rows], "roles": Role.choices,
        "contents": Content.choices, "topics": Topic.choices, "errors": errors,
        "values": values, "can_manage": actor.can_globally(TRAINING_MANAGE),
        "qualification_needs": required_qualifications(
            actor, today=timezone.now().astimezone(BEIJING).date()),
    }, status=status)  # fmt: skip
