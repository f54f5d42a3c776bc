"""People API (issue 18 §1–§3, §7): training plans, courses and sessions; exams and attempts;
certificates. Scope before anything is said: another unit's id is the same 404 as a missing one.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, ErrorOut

from . import selectors
from .enrolments import enrol_cancel, enrol_self, sessions_open_to_me
from .enums import EXAMS_MANAGE, EXAMS_TAKE, TRAINING_MANAGE, TRAINING_VIEW
from .required import required_qualifications, required_training, required_training_set
from .services import (
    access_attempt,
    access_certificate,
    access_course,
    access_exam,
    access_plan,
    access_session,
    attempt_start,
    attempt_submit,
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

router = Router(tags=["people"])
CONFLICT_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


class TrainingPlanIn(Schema):
    year: int
    org_unit: UUID
    title: str
    note: str = ""


class TrainingPlanOut(Schema):
    id: UUID
    year: int
    org_unit_id: UUID
    title: str
    note: str
    created_by: str


class TrainingCourseIn(Schema):
    title: str
    content: str
    form: str
    hours: float  # a JSON number; checked (0–999, one decimal) by the service
    description: str = ""
    topics: list[str] = []  # training topics (compliance, security_awareness …; ADR 0029)


class TrainingCourseOut(Schema):
    id: UUID
    plan_id: UUID
    title: str
    content: str
    form: str
    hours: Decimal
    description: str
    topics: list[str]


class TrainingSessionIn(Schema):
    trainer: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int


class TrainingSessionOut(Schema):
    id: UUID
    course_id: UUID
    trainer: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int


class TrainingEnrolIn(Schema):
    user: UUID


class TrainingEnrolmentOut(Schema):
    id: UUID
    session_id: UUID
    user_id: UUID
    attended_hours: Decimal | None


class ExamIn(Schema):
    org_unit: UUID
    title: str
    topic: str
    easy: int = 0
    medium: int = 0
    hard: int = 0
    duration_minutes: int
    pass_percent: int
    max_attempts: int
    qualification: str = ""
    validity_months: int = 24


class ExamOut(Schema):
    id: UUID
    org_unit_id: UUID
    title: str
    topic: str
    easy: int
    medium: int
    hard: int
    duration_minutes: int
    pass_percent: int
    max_attempts: int
    qualification: str
    validity_months: int


class ExamQuestionIn(Schema):
    org_unit: UUID
    topic: str
    kind: str
    difficulty: int
    text: str
    options: list[str] = []
    answer: list[int] = []
    points: int = 1


class ExamQuestionOut(Schema):
    id: UUID
    org_unit_id: UUID
    topic: str
    kind: str
    difficulty: int
    text: str
    options: list[str]
    points: int


class ExamPaperItemOut(Schema):
    id: UUID
    kind: str
    text: str
    options: list[str]
    points: int


class ExamAttemptOut(Schema):
    id: UUID
    exam_id: UUID
    started_at: datetime
    due_at: datetime
    submitted_at: datetime | None
    late: bool
    max_score: int
    score: int | None
    passed: bool | None


class ExamAttemptPaperOut(ExamAttemptOut):
    paper: list[ExamPaperItemOut]


class ExamAnswersIn(Schema):
    answers: dict[str, Any]


class CertificateIn(Schema):
    user: UUID
    qualification: str
    issued_on: date
    expires_on: date


class CertificateOut(Schema):
    id: UUID
    user_id: UUID
    org_unit_id: UUID
    qualification: str
    issued_on: date
    expires_on: date
    source: str


# --- training ------------------------------------------------------------------------------------


@router.get("/training/plans", response={200: list[TrainingPlanOut], **ERRORS})
@paginate
def list_plans(request: HiqcRequest, year: int | None = None):
    """Training plans in the caller's scope (training.view)."""
    require(request.actor, TRAINING_VIEW)
    return selectors.plans(request.actor, year=year)


@router.post("/training/plans", response={201: TrainingPlanOut, **ERRORS})
def create_plan(request: HiqcRequest, payload: TrainingPlanIn):
    """A unit's plan for a year (training.manage over the unit)."""
    return Status(201, plan_create(actor=request.actor, data=payload.dict()))


class RequiredTrainingOut(Schema):
    role: str
    content: str
    content_label: str
    topic: str
    hours: Decimal
    note: str

    @staticmethod
    def resolve_content_label(obj) -> str:
        return str(obj.get_content_display())


class RequiredTrainingIn(Schema):
    role: str = Field(..., max_length=40)
    content: str = Field(..., max_length=20)
    topic: str = Field("", max_length=30, description="a training topic, or empty (any course)")
    hours: float = Field(..., description="hours a year (0–999, one decimal); 0 removes it")
    note: str = Field("", max_length=200)


@router.get("/training/required", response={200: list[RequiredTrainingOut], **ERRORS})
@paginate
def list_required_training(request: HiqcRequest):
    """What each role must attend each year, by content of 7.1.2 (training.view); the
    required-training coverage indicator reads it (issue 18 §8)."""
    return required_training(request.actor).order_by("role", "content")


class RequiredQualificationOut(Schema):
    user_id: UUID
    name: str
    qualification: str
    qualification_label: str
    reasons: list[str]
    state: str  # missing / lapsed / expiring / current
    expires_on: date | None


@router.get("/training/required/qualifications",
            response={200: list[RequiredQualificationOut], **ERRORS})  # fmt: skip
@paginate
def list_required_qualifications(request: HiqcRequest):
    """Who needs which qualification because of the work other chapters give them — today the
    equipment they operate (8.2.6, issue 19 §7) — with the state of their certificate today;
    missing and lapsed first (training.view, by the unit of the work)."""
    today = timezone.now().astimezone(BEIJING).date()
    return required_qualifications(request.actor, today=today)


@router.put("/training/required", response={200: RequiredTrainingOut, 204: None, **ERRORS})
def set_required_training(request: HiqcRequest, payload: RequiredTrainingIn):
    """Set the hours a role must attend of a content each year; `hours` 0 removes the
    requirement (204). training.manage at head office; audited."""
    data = payload.dict()
    data["hours"] = format(data["hours"], "g")
    row = required_training_set(actor=request.actor, data=data)
    if row is None:
        return Status(204, None)
    return row


@router.get("/training/plans/{plan_id}", response={200: TrainingPlanOut, **ERRORS})
def get_plan(request: HiqcRequest, plan_id: UUID):
    return access_plan(request.actor, plan_id)


@router.get("/training/plans/{plan_id}/courses", response={200: list[TrainingCourseOut], **ERRORS})
def list_plan_courses(request: HiqcRequest, plan_id: UUID):
    plan = access_plan(request.actor, plan_id)
    return list(selectors.courses(request.actor, plan=plan))


@router.post("/training/plans/{plan_id}/courses", response={201: TrainingCourseOut, **ERRORS})
def create_course(request: HiqcRequest, plan_id: UUID, payload: TrainingCourseIn):
    """A course: one content of 7.1.2 (`culture`, `business`, `service`, `teamwork`) in one form
    of 7.1.3 (`classroom`, `online`, `drill`, `sharing`)."""
    data = payload.dict()
    data["hours"] = format(data["hours"], "g")
    return Status(201, course_create(actor=request.actor, plan_id=plan_id, data=data))


@router.get("/training/courses", response={200: list[TrainingCourseOut], **ERRORS})
@paginate
def list_courses(request: HiqcRequest):
    require(request.actor, TRAINING_VIEW)
    return selectors.courses(request.actor)


@router.get("/training/courses/{course_id}", response={200: TrainingCourseOut, **ERRORS})
def get_course(request: HiqcRequest, course_id: UUID):
    return access_course(request.actor, course_id)


@router.post("/training/courses/{course_id}/sessions", response={201: TrainingSessionOut, **ERRORS})
def create_session(request: HiqcRequest, course_id: UUID, payload: TrainingSessionIn):
    data = payload.dict()
    data["capacity"] = str(data["capacity"])
    return Status(201, session_create(actor=request.actor, course_id=course_id, data=data))


@router.get("/training/sessions", response={200: list[TrainingSessionOut], **ERRORS})
@paginate
def list_sessions(request: HiqcRequest):
    require(request.actor, TRAINING_VIEW)
    return selectors.sessions(request.actor)


@router.get("/training/sessions/{session_id}", response={200: TrainingSessionOut, **ERRORS})
def get_session(request: HiqcRequest, session_id: UUID):
    return access_session(request.actor, session_id)


@router.post("/training/sessions/{session_id}/enrolments",
             response={201: TrainingEnrolmentOut, **CONFLICT_ERRORS})  # fmt: skip
def create_enrolment(request: HiqcRequest, session_id: UUID, payload: TrainingEnrolIn):
    """Enrol a person of the plan's unit; 409 `full` when no place is left."""
    return Status(201, enrol(actor=request.actor, session_id=session_id,
                             data={"user": str(payload.user)}))  # fmt: skip


class TrainingMaterialOut(Schema):
    id: UUID
    course_id: UUID
    name: str
    content_type: str
    size: int
    sha256: str


@router.post(
    "/training/courses/{course_id}/materials",
    response={201: TrainingMaterialOut, **ERRORS, 413: ErrorOut},
    url_name="people_material_upload",  # its body limit is registered under this name
)
def upload_material(
    request: HiqcRequest,
    course_id: UUID,
    file: File[UploadedFile] = None,  # type: ignore[assignment]  # missing: 422 at `file`
    name: Form[str] = "",
):
    """A course's material (`name`, `file`): PDF, JPEG or PNG judged by content, at most 20 MB,
    a duplicate refused — the checks of the course page (training.manage)."""
    if file is None:  # the door first: another unit's course or a missing one is a 404
        require(request.actor, TRAINING_MANAGE, access_course(request.actor, course_id))
        raise ValidationFailed(_("请选择文件。"), fields={"file": [_("此项必填。")]})
    return Status(201, material_upload(actor=request.actor, course_id=course_id, name=name,
                                       upload=file))  # fmt: skip


class MySessionOut(TrainingSessionOut):
    course_title: str
    enrolled: bool


@router.get("/training/my-sessions", response={200: list[MySessionOut], **ERRORS})
@paginate
def list_my_sessions(request: HiqcRequest):
    """The sessions of the plans of one's own unit and the units above it (training.attend, or
    training.view to read), with whether one is enrolled."""
    if not request.actor.can(TRAINING_VIEW):
        require(request.actor, "training.attend")
    return [
        {**{f: getattr(s, f) for f in ("id", "course_id", "trainer", "place", "starts_at",
                                       "ends_at", "capacity")},
         "course_title": s.course.title, "enrolled": getattr(s, "enrolled", False)}
        for s in sessions_open_to_me(request.actor, reading=True)
    ]  # fmt: skip


@router.post("/training/sessions/{session_id}/my-enrolment",
             response={201: TrainingEnrolmentOut, **CONFLICT_ERRORS})  # fmt: skip
def create_my_enrolment(request: HiqcRequest, session_id: UUID):
    """Enrol oneself before the session begins; 409 `full` or `started`."""
    return Status(201, enrol_self(actor=request.actor, session_id=session_id))


@router.delete("/training/sessions/{session_id}/my-enrolment",
               response={204: None, **CONFLICT_ERRORS})  # fmt: skip
def delete_my_enrolment(request: HiqcRequest, session_id: UUID):
    """Cancel one's own enrolment before the session begins; 409 `started`."""
    enrol_cancel(actor=request.actor, session_id=session_id)
    return Status(204, None)


# --- exams ---------------------------------------------------------------------------------------


@router.get("/exams", response={200: list[ExamOut], **ERRORS})
@paginate
def list_exams(request: HiqcRequest):
    """The exams open to the caller (exams.take in the exam's unit or below; exams.manage)."""
    if not (request.actor.can(EXAMS_TAKE) or request.actor.can(EXAMS_MANAGE)):
        require(request.actor, EXAMS_TAKE)
    return exams_open_to(request.actor)


@router.post("/exams", response={201: ExamOut, **ERRORS})
def create_exam(request: HiqcRequest, payload: ExamIn):
    data = {k: (str(v) if isinstance(v, (int, UUID)) else v) for k, v in payload.dict().items()}
    return Status(201, exam_create(actor=request.actor, data=data))


@router.post("/exams/questions", response={201: ExamQuestionOut, **ERRORS})
def create_question(request: HiqcRequest, payload: ExamQuestionIn):
    """A bank item: `single`, `multiple`, `true_false` (answer [0] 正确 or [1] 错误) or `short`
    (marked by a person); `answer` holds the right options' indices."""
    data = payload.dict()
    data["difficulty"], data["points"] = str(data["difficulty"]), str(data["points"])
    return Status(201, question_create(actor=request.actor, data=data))


@router.get("/exams/attempts", response={200: list[ExamAttemptOut], **ERRORS})
@paginate
def list_attempts(request: HiqcRequest):
    """The caller's own exam attempts and, for a marker (exams.manage), those in scope."""
    if not (request.actor.can(EXAMS_TAKE) or request.actor.can(EXAMS_MANAGE)):
        require(request.actor, EXAMS_TAKE)
    return selectors.attempts(request.actor)


@router.get("/exams/{exam_id}", response={200: ExamOut, **ERRORS})
def get_exam(request: HiqcRequest, exam_id: UUID):
    return access_exam(request.actor, exam_id)


def _attempt(attempt) -> dict:
    items = selectors.paper(attempt)
    return {**{f: getattr(attempt, f) for f in ExamAttemptOut.model_fields if f != "exam_id"},
            "exam_id": attempt.exam_id, "paper": items}  # fmt: skip


@router.post("/exams/{exam_id}/attempts", response={201: ExamAttemptPaperOut, **CONFLICT_ERRORS})
def start_attempt(request: HiqcRequest, exam_id: UUID):
    """Start (or resume) the caller's attempt: the paper drawn for them, without the answers."""
    return Status(201, _attempt(attempt_start(actor=request.actor, exam_id=exam_id)))


@router.get("/exams/attempts/{attempt_id}", response={200: ExamAttemptPaperOut, **ERRORS})
def get_attempt(request: HiqcRequest, attempt_id: UUID):
    return _attempt(access_attempt(request.actor, attempt_id))


@router.post("/exams/attempts/{attempt_id}/submit",
             response={200: ExamAttemptOut, **CONFLICT_ERRORS})  # fmt: skip
def submit_attempt(request: HiqcRequest, attempt_id: UUID, payload: ExamAnswersIn):
    """`answers`: question id → chosen option indices (a list), or the text of a short answer."""
    return attempt_submit(actor=request.actor, attempt_id=attempt_id, answers=payload.answers)


# --- certificates --------------------------------------------------------------------------------


@router.get("/certificates", response={200: list[CertificateOut], **ERRORS})
@paginate
def list_certificates(request: HiqcRequest, qualification: str = ""):
    """The caller's own certificates and those in the scope of certificates.view."""
    return selectors.certificates(request.actor, qualification=qualification)


@router.post("/certificates", response={201: CertificateOut, **ERRORS})
def create_certificate(request: HiqcRequest, payload: CertificateIn):
    data = {**payload.dict(), "user": str(payload.user)}
    return Status(201, certificate_issue(actor=request.actor, data=data))


@router.get("/certificates/{certificate_id}", response={200: CertificateOut, **ERRORS})
def get_certificate(request: HiqcRequest, certificate_id: UUID):
    return access_certificate(request.actor, certificate_id)
