"""Training, exams and qualifications (standard 7.1; 4.1.2, 4.2.2, 8.2.6; issue 18 §1–§3).

* ``TrainingPlan`` — one unit's plan for one year; its ``Course``s each cover one content of
  7.1.2 in one form of 7.1.3; a course's ``Session``s have a trainer, a place, a time and a
  capacity; ``Enrolment`` is one person in one session with the hours attended; ``Material`` is
  a course's file, checked by content as the claim uploads are (``hiqc.core.filecheck``).
* ``Question`` — an item of a unit's bank, by topic and difficulty; ``Exam`` — how a paper is
  drawn from the bank (topic, how many items of each difficulty), the time allowed, the pass mark,
  the retake limit and the qualification a pass earns; ``Attempt`` — one person's paper (its seed
  and items), answers and marks.
* ``Certificate`` — a person holds a qualification from one day to another; the engine refuses to
  assign a case to someone without a current one when the kind's rule names it (ADR 0020).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel

from .enums import CertificateSource, Content, Difficulty, Form, Qualification, QuestionKind, Topic


class TrainingPlan(BaseModel):
    year = models.PositiveIntegerField(_("年度"))
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    title = models.CharField(_("名称"), max_length=120)
    note = models.TextField(_("说明"), blank=True, max_length=2000)
    created_by = models.CharField(_("制定人"), max_length=150)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-year", "title")
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")
        constraints = [models.UniqueConstraint(fields=["year", "org_unit", "title"],
                                               name="people_plan_unique")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Course(BaseModel):
    plan = models.ForeignKey(TrainingPlan, verbose_name=_("培训计划"), on_delete=models.CASCADE,
                             related_name="courses")  # fmt: skip
    title = models.CharField(_("课程"), max_length=120)
    content = models.CharField(_("培训内容"), max_length=20, choices=Content.choices)
    form = models.CharField(_("培训形式"), max_length=20, choices=Form.choices)
    hours = models.DecimalField(_("计划学时"), max_digits=5, decimal_places=1)
    description = models.TextField(_("简介"), blank=True, max_length=2000)
    # the subjects it covers (``enums.Topic`` values): what topic requirements count (ADR 0029)
    topics = models.JSONField(_("培训主题"), default=list, blank=True)

    scope_path: ClassVar[str] = "plan__org_unit__path"

    class Meta:
        ordering = ("title",)
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")

    def __str__(self) -> str:
        return self.title


class Session(BaseModel):
    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.CASCADE,
                               related_name="sessions")  # fmt: skip
    trainer = models.CharField(_("讲师"), max_length=60)
    place = models.CharField(_("地点"), max_length=120)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("容量（人）"))

    scope_path: ClassVar[str] = "course__plan__org_unit__path"

    class Meta:
        ordering = ("starts_at",)
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d %H:%M}"


class Enrolment(BaseModel):
    session = models.ForeignKey(Session, verbose_name=_("场次"), on_delete=models.CASCADE,
                                related_name="enrolments")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("学员"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    attended_hours = models.DecimalField(_("出勤学时"), max_digits=5, decimal_places=1,
                                         null=True, blank=True)  # fmt: skip

    scope_path: ClassVar[str] = "session__course__plan__org_unit__path"

    class Meta:
        ordering = ("created_at",)
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        constraints = [models.UniqueConstraint(fields=["session", "user"],
                                               name="people_enrolment_unique")]  # fmt: skip


class Material(BaseModel):
    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.CASCADE,
                               related_name="materials")  # fmt: skip
    name = models.CharField(_("名称"), max_length=120)
    file = models.FileField(_("文件"), upload_to="training/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    scope_path: ClassVar[str] = "course__plan__org_unit__path"

    class Meta:
        ordering = ("name",)
        verbose_name = _("培训资料")
        verbose_name_plural = _("培训资料")
        constraints = [models.UniqueConstraint(fields=["course", "sha256"],
                                               name="people_material_unique")]  # fmt: skip


class Question(BaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("题库所属机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    topic = models.CharField(_("题库（主题）"), max_length=60, db_index=True)
    kind = models.CharField(_("题型"), max_length=20, choices=QuestionKind.choices)
    difficulty = models.PositiveSmallIntegerField(_("难度"), choices=Difficulty.choices)
    text = models.TextField(_("题干"), max_length=2000)
    options = models.JSONField(_("选项"), default=list, blank=True)  # ["A 的文字", …]
    answer = models.JSONField(_("答案"), default=list, blank=True)  # option indices; [] for short
    points = models.PositiveSmallIntegerField(_("分值"), default=1)
    active = models.BooleanField(_("启用"), default=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("topic", "difficulty", "created_at")
        verbose_name = _("试题")
        verbose_name_plural = _("试题")

    def __str__(self) -> str:
        return self.text[:40]


class Exam(BaseModel):
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("组织机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    title = models.CharField(_("考试名称"), max_length=120)
    topic = models.CharField(_("题库（主题）"), max_length=60)
    easy = models.PositiveSmallIntegerField(_("容易题数"), default=0)
    medium = models.PositiveSmallIntegerField(_("中等题数"), default=0)
    hard = models.PositiveSmallIntegerField(_("困难题数"), default=0)
    duration_minutes = models.PositiveSmallIntegerField(_("考试时长（分钟）"))
    pass_percent = models.PositiveSmallIntegerField(_("合格线（%）"))
    max_attempts = models.PositiveSmallIntegerField(_("最多参加次数"))
    qualification = models.CharField(_("合格后取得的资格"), max_length=30, blank=True,
                                     choices=Qualification.choices)  # fmt: skip
    validity_months = models.PositiveSmallIntegerField(_("资格有效期（月）"), default=24)
    active = models.BooleanField(_("开放"), default=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("title",)
        verbose_name = _("考试")
        verbose_name_plural = _("考试")

    def __str__(self) -> str:
        return self.title

    def counts(self) -> dict[int, int]:
        return {Difficulty.EASY: self.easy, Difficulty.MEDIUM: self.medium,
                Difficulty.HARD: self.hard}  # fmt: skip


class Attempt(BaseModel):
    """One person's paper: drawn once (``seed``, ``questions``), answered within the time allowed;
    objective items are marked on submission, short answers by a person afterwards."""

    exam = models.ForeignKey(Exam, verbose_name=_("考试"), on_delete=models.PROTECT,
                             related_name="attempts")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("考生"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("考生所属机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    seed = models.BigIntegerField(_("抽题种子"))
    questions = models.JSONField(_("试卷题目"), default=list)  # [question id, …]
    started_at = models.DateTimeField(_("开始时间"))
    due_at = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    late = models.BooleanField(_("超时交卷"), default=False)
    answers = models.JSONField(_("作答"), default=dict, blank=True)  # question id → answer
    marks = models.JSONField(_("各题得分"), default=dict, blank=True)  # question id → points
    max_score = models.PositiveIntegerField(_("满分"), default=0)
    score = models.PositiveIntegerField(_("得分"), null=True, blank=True)
    marked_at = models.DateTimeField(_("评分完成时间"), null=True, blank=True)
    marked_by = models.CharField(_("评分人"), max_length=150, blank=True)
    passed = models.BooleanField(_("是否合格"), null=True, blank=True)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("考试记录")
        verbose_name_plural = _("考试记录")


class Certificate(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("持证人"),
                             on_delete=models.PROTECT, related_name="+")  # fmt: skip
    org_unit = models.ForeignKey("organisations.OrgUnit", verbose_name=_("持证人所属机构"),
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    qualification = models.CharField(_("资格"), max_length=30, choices=Qualification.choices)
    issued_on = models.DateField(_("取得日期"))
    expires_on = models.DateField(_("有效期至"))
    source = models.CharField(_("取得方式"), max_length=20, choices=CertificateSource.choices)
    attempt = models.ForeignKey(Attempt, verbose_name=_("考试记录"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")  # fmt: skip
    issued_by = models.CharField(_("发证人"), max_length=150)

    scope_path: ClassVar[str] = "org_unit__path"

    class Meta:
        ordering = ("expires_on",)
        verbose_name = _("资格证书")
        verbose_name_plural = _("资格证书")
        indexes = [models.Index(fields=["user", "qualification", "expires_on"])]

    def __str__(self) -> str:
        return self.get_qualification_display()


class RequiredTraining(BaseModel):
    """What a role must complete in a calendar year (issue 18 §8 "coverage of required training";
    standard 7.1.1, 7.1.2, 9.1.2(3)): at least ``hours`` attended of courses of one content of
    7.1.2. Data, not code: head office keeps the list; the coverage indicator reads it.
    ``role`` is an ``organisations.Role`` value (checked when written; no ``choices`` here so a new
    role elsewhere does not migrate this table)."""

    role = models.CharField(_("岗位角色"), max_length=40)
    content = models.CharField(_("培训内容"), max_length=20, choices=Content.choices)
    # "" = any course of the content; a topic = courses carrying that topic (ADR 0029)
    topic = models.CharField(_("培训主题"), max_length=30, choices=Topic.choices, blank=True,
                             default="")  # fmt: skip
    hours = models.DecimalField(_("年度最少学时"), max_digits=5, decimal_places=1)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    unscoped: ClassVar[str] = "head-office configuration shared by every branch"

    class Meta:
        ordering = ("role", "content", "topic")
        verbose_name = _("岗位必修培训")
        verbose_name_plural = _("岗位必修培训")
        constraints = [models.UniqueConstraint(fields=["role", "content", "topic"],
                                               name="people_required_training_topic_unique")]  # fmt: skip

    def __str__(self) -> str:
        topic = f" · {self.get_topic_display()}" if self.topic else ""
        return f"{self.role} {self.get_content_display()}{topic} ≥ {self.hours}"


from .assessment.models import (  # noqa: E402, F401  (the assessment sub-package, issue 18 §4–§5)
    Appeal,
    AssessmentCycle,
    AssessmentResult,
    Incentive,
    Rating,
)

# Promotion with public notice (7.3.2–7.3.3; issue 18 §6): a sub-package, its models found here
from .promotion.models import Objection, Promotion  # noqa: E402, F401
