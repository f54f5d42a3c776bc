from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel

REQUIREMENTS_MAX = 4000
DOCUMENTS_MAX = 2000


class StepGuidance(BaseModel):
    """The operating requirements of one step of a process (standard 2.1.2(2)(3)), as the process
    owner wrote them for the handbook: what to do and check, and the documents the step needs.
    ``step`` is a transition of the process's workflow, or "" for the process as a whole (its
    purpose, the customers it serves, its channels). An edit is a new row (``number`` + 1): the
    handbook shows the latest and keeps the others as its change history."""

    process = models.CharField(_("流程"), max_length=60)
    step = models.CharField(_("步骤"), max_length=60, blank=True)
    number = models.PositiveIntegerField(_("修订号"))
    requirements = models.TextField(_("操作要求"), max_length=REQUIREMENTS_MAX, blank=True)
    documents = models.TextField(_("所需单证"), max_length=DOCUMENTS_MAX, blank=True)
    note = models.CharField(_("修订说明"), max_length=255)
    edited_by = models.CharField(_("修订人"), max_length=150)

    unscoped: ClassVar[str | None] = "the process handbook is for everyone to follow"

    class Meta:
        ordering = ("process", "step", "-number")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "step", "number"], name="step_guidance_unique"
            )
        ]
        verbose_name = _("流程操作要求")
        verbose_name_plural = _("流程操作要求")


class MiningSnapshot(BaseModel):
    """A process's mining result (``results.mine``) over one subtree for the default period,
    computed by the nightly job so the process page answers at once (issue 16); the page says
    when it was computed and offers the live figures."""

    process = models.CharField(_("流程"), max_length=60)
    org_path = models.CharField(_("机构路径"), max_length=255, blank=True)
    period_from = models.DateField(_("期间开始"))
    period_to = models.DateField(_("期间结束"))
    computed_at = models.DateTimeField(_("计算时间"))
    result = models.JSONField(_("结果"))

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("process", "org_path")
        constraints = [
            models.UniqueConstraint(fields=["process", "org_path"], name="mining_snapshot_unique")
        ]
        verbose_name = _("流程分析快照")
        verbose_name_plural = _("流程分析快照")


class MiningEdge(models.Model):
    """One move of a case in the event log as the mining reads it (issue 16): the directly-follows
    pair that ends at the event (``START`` → the first event, the last → ``END``), with its
    calendar and working seconds, the occurrence of the target activity in the case (0: first
    time) and the conformance deviation of the move (replayed at maintenance). Maintained from
    the event log by ``eventlog`` so the graph is a plain GROUP BY; never edited by hand."""

    id = models.BigAutoField(primary_key=True)
    case_type = models.CharField(max_length=60)
    case_id = models.CharField(max_length=64)
    org_path = models.CharField(max_length=255)  # the case's (its latest event's) unit
    started_at = models.DateTimeField()  # the case's first event
    source = models.CharField(max_length=60)
    target = models.CharField(max_length=60)
    calendar = models.FloatField(null=True)  # seconds; null on START and END rows
    working = models.FloatField(null=True)
    occurrence = models.PositiveIntegerField(default=0)  # of the target activity in the case
    first_pair = models.BooleanField(default=True)  # the case's first move on this edge
    deviation = models.CharField(max_length=20, blank=True)
    replay_state = models.CharField(max_length=60, blank=True)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        db_table = "process_management_edge"
        indexes = [
            models.Index(fields=["case_type", "started_at"], name="pm_edge_type_start"),
            models.Index(fields=["case_type", "case_id"], name="pm_edge_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_type} {self.case_id}: {self.source} → {self.target}"


class MiningTrace(models.Model):
    """One case of the event log as the mining reads it: its unit, start and end, variant (the
    activities joined by ``>``), events, duration and conformance (moves, fitting moves);
    ``last_event`` is the highest event id read (the maintenance's high-water mark) and
    ``moved`` says the case's events are not all at one unit (a subtree query then mines live)."""

    id = models.BigAutoField(primary_key=True)
    case_type = models.CharField(max_length=60)
    case_id = models.CharField(max_length=64)
    org_path = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    variant = models.TextField()
    events = models.PositiveIntegerField()
    calendar = models.FloatField()
    working = models.FloatField()
    moves = models.PositiveIntegerField()
    fitting = models.PositiveIntegerField()
    repeats = models.PositiveIntegerField()  # moves repeating an activity done before
    moved = models.BooleanField(default=False)
    last_event = models.BigIntegerField()

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        db_table = "process_management_trace"
        indexes = [
            models.Index(fields=["case_type", "started_at"], name="pm_trace_type_start"),
            models.Index(fields=["case_type", "case_id"], name="pm_trace_case"),
            models.Index(fields=["last_event"], name="pm_trace_last_event"),
            models.Index(fields=["case_type", "moved"], name="pm_trace_moved"),
        ]

    def __str__(self) -> str:
        return f"{self.case_type} {self.case_id}"


FACT_MAX = 1000
NEEDS_MAX = 4000


class ProcessProfile(BaseModel):
    """A process's catalogue facts (standard 2.1.1): the role that owns it, the customers it
    serves and the channels it is reached by, as the process owner wrote them. An edit is a new
    row (``number`` + 1), as the handbook's requirements are: the latest is in force."""

    process = models.CharField(_("流程"), max_length=60)
    number = models.PositiveIntegerField(_("修订号"))
    owner_role = models.CharField(_("流程负责角色"), max_length=40, blank=True)
    customers = models.TextField(_("服务对象"), max_length=FACT_MAX, blank=True)
    channels = models.TextField(_("服务渠道"), max_length=FACT_MAX, blank=True)
    note = models.CharField(_("修订说明"), max_length=255)
    edited_by = models.CharField(_("修订人"), max_length=150)

    unscoped: ClassVar[str | None] = "the process catalogue is for everyone to follow"

    class Meta:
        ordering = ("process", "-number")
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="process_profile_unique")
        ]
        verbose_name = _("流程目录信息")
        verbose_name_plural = _("流程目录信息")


class NeedsAnalysis(BaseModel):
    """The customer-needs analysis behind one process version (standard 2.1.2(1)): what was
    found and the evidence it rests on — cases of any kind linked (``NeedsEvidence``), never
    copied, and references to sources that are not cases (survey comments) as text."""

    process = models.CharField(_("流程"), max_length=60)
    version = models.ForeignKey(
        "core.ProcessVersion", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("流程版本"),
    )  # fmt: skip
    summary = models.TextField(_("分析摘要"), max_length=NEEDS_MAX)
    needs = models.TextField(_("识别的客户需求"), max_length=NEEDS_MAX)
    other_evidence = models.TextField(_("其他依据"), max_length=NEEDS_MAX, blank=True)
    created_by = models.CharField(_("分析人"), max_length=150)

    unscoped: ClassVar[str | None] = "the needs behind a published process are for everyone"

    class Meta:
        ordering = ("process", "-created_at")
        verbose_name = _("需求分析")
        verbose_name_plural = _("需求分析")


class NeedsEvidence(BaseModel):
    """One case cited by a needs analysis: a link (case type + id), checked through the case
    kind's door when added and when shown."""

    analysis = models.ForeignKey(
        NeedsAnalysis, on_delete=models.CASCADE, related_name="evidence",
        verbose_name=_("需求分析"),
    )  # fmt: skip
    case_type = models.CharField(_("案件类型"), max_length=60)
    case_id = models.CharField(_("案件编号"), max_length=64)
    added_by = models.CharField(_("添加人"), max_length=150)

    unscoped: ClassVar[str | None] = "a link only; the case is shown through its kind's door"

    class Meta:
        ordering = ("analysis", "case_type", "created_at")
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "case_type", "case_id"], name="needs_evidence_unique"
            )
        ]
        verbose_name = _("需求分析依据")
        verbose_name_plural = _("需求分析依据")


from .supervision.models import (  # noqa: E402  Django finds the supervision models here
    SupervisionFinding,
    SupervisionPlan,
    SupervisionVisit,
)

__all__ = ["MiningSnapshot", "StepGuidance", "SupervisionFinding", "SupervisionPlan",
           "SupervisionVisit"]  # fmt: skip
