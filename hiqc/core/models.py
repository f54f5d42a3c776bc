"""Kernel models: the base every domain model extends, and the audit trail."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .personaldata import Basis, DataClass, Declared, not_personal


class BaseModel(models.Model):
    """UUID primary key, creation and update times, newest first.

    Every concrete model also declares how it is scoped (see hiqc.core.access):
    ``scope_path = "org_unit__path"`` (the lookup to the owning org unit's materialised path), or
    ``unscoped = "why this table is not owned by an org unit"``. A system check enforces it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_path: ClassVar[str | None] = None
    unscoped: ClassVar[str | None] = None

    class Meta:
        abstract = True
        ordering = ("-created_at",)


class CaseModel(BaseModel):
    """A case-shaped record run by a workflow (hiqc.core.workflow): its status is written only by
    the domain's transition service; ``version`` rises with every transition so a stale client
    gets a 409 instead of overwriting (issue 3 §5)."""

    status = models.CharField(_("状态"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ("-created_at",)


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted through the application (PI-8).")


class AuditEvent(models.Model):
    """One append-only, hash-chained record of a write or a reveal (6.2.3, PI-8).

    ``fields`` lists the names of changed fields, never their personal values.
    """

    seq = models.BigIntegerField(primary_key=True)  # assigned under the chain-head lock
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.UUIDField(_("操作人 ID"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("动作"), max_length=80, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=80, blank=True, db_index=True)
    subject_id = models.CharField(_("对象 ID"), max_length=64, blank=True, db_index=True)
    org_path = models.CharField(_("机构路径"), max_length=255, blank=True, db_index=True)
    fields = models.JSONField(_("变更字段"), default=list, blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    request_id = models.CharField(_("请求 ID"), max_length=64, blank=True)
    ip = models.CharField(_("IP 地址"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    scope_path: ClassVar[str | None] = "org_path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "ip": Declared(
            DataClass.PERSONAL,
            _("记录操作来源地址，用于安全审计"),
            Basis.LEGAL_DUTY,
            _("不少于 184 天（PI-8，网络安全法第二十一条）"),
            "audit.retention_days",
        ),
        "prev_hash": not_personal(_("审计链上一条记录的散列，不含个人信息")),
    }
    unscoped: ClassVar[str | None] = None

    class Meta:
        ordering = ("-seq",)
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted through the application (PI-8).")


class AuditHead(models.Model):
    """The chain's last link, so removing the newest rows is detected as well."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    unscoped: ClassVar[str | None] = "a single row holding the audit chain head"

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class JobRun(BaseModel):
    """The outcome of a periodic job, shown on /healthz and to administrators."""

    job = models.CharField(max_length=80, db_index=True)
    ok = models.BooleanField(default=True)
    summary = models.JSONField(default=dict)

    unscoped: ClassVar[str | None] = "system job results, visible to administrators only"

    def __str__(self) -> str:
        return f"{self.job} {'ok' if self.ok else 'FAILED'}"


class JobState(BaseModel):
    """Where each background job stands (issue 14 §3): its last success, its last failure and how
    many runs in a row have failed. One row per job, updated by every run (hiqc.core.jobs); a
    failure also leaves a JobRun. /healthz reports "degraded" while a job's last run failed."""

    job = models.CharField(_("作业"), max_length=80, unique=True)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("最近成功"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("最近失败"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=120, blank=True)
    failures_in_row = models.PositiveIntegerField(_("连续失败次数"), default=0)
    last_summary = models.JSONField(_("最近结果"), default=dict, blank=True)

    unscoped: ClassVar[str | None] = "system job states, visible to administrators only"

    class Meta:
        ordering = ("job",)
        verbose_name = _("后台作业状态")
        verbose_name_plural = _("后台作业状态")

    def __str__(self) -> str:
        return f"{self.job} ({self.failures_in_row} failures in a row)"


class RuleOverride(BaseModel):
    """A configured value for a rule in hiqc.core.rules (tightening only for legal bounds). Written
    only by ``services.rule_override_set``, which checks it against the rule's bounds."""

    key = models.CharField(_("规则"), max_length=80, unique=True)
    value = models.CharField(_("取值"), max_length=40)
    reason = models.CharField(_("调整理由"), max_length=255)

    unscoped: ClassVar[str | None] = "system-wide configuration, changed by administrators"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class CalendarYear(BaseModel):
    """A year of the official holiday schedule loaded or corrected by an administrator. It takes
    precedence over the chinese-calendar package for that year (hiqc.core.calendar)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    loaded_by = models.CharField(_("加载人"), max_length=150)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    unscoped: ClassVar[str | None] = "the national holiday calendar applies to every org unit"

    class Meta:
        ordering = ("-year",)
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to "Mon–Fri are working days": a statutory holiday (including weekend days
    inside a holiday period) or a make-up working day (调休上班日)."""

    id = models.BigAutoField(primary_key=True)
    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    is_working = models.BooleanField(_("是否上班"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    unscoped: ClassVar[str | None] = "the national holiday calendar applies to every org unit"

    class Meta:
        ordering = ("date",)
        verbose_name = _("节假日调整日")
        verbose_name_plural = _("节假日调整日")

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_working else 'holiday'}"


class CaseEvent(models.Model):
    """The one event log (issue 3 §4): every transition of every case type appends exactly one
    row, in the same transaction as the state change. Imported events keep their original time
    and external id; (source_system, external_id) makes re-sending idempotent."""

    class Source(models.TextChoices):
        PAGE = "page", _("页面")
        API = "api", _("接口")
        IMPORT = "import", _("导入")
        SYSTEM = "system", _("系统")

    id = models.BigAutoField(primary_key=True)
    case_type = models.CharField(_("案件类型"), max_length=60)
    case_id = models.CharField(_("案件 ID"), max_length=64)
    org_path = models.CharField(_("机构路径"), max_length=255)  # indexed for prefixes in Meta
    activity = models.CharField(_("活动"), max_length=60)
    from_state = models.CharField(_("原状态"), max_length=40, blank=True)
    to_state = models.CharField(_("新状态"), max_length=40)
    at = models.DateTimeField(_("发生时间"), db_index=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    actor_id = models.UUIDField(_("操作人 ID"), null=True, blank=True)
    actor_name = models.CharField(_("操作人"), max_length=150)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    source_system = models.CharField(_("来源系统"), max_length=60, blank=True)
    external_id = models.CharField(_("外部事件 ID"), max_length=100, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("at", "id")
        indexes = [
            models.Index(fields=["case_type", "case_id", "at"], name="caseevent_case_idx"),
            # scope filters are prefix matches (LIKE 'path%'); one pattern index serves them and
            # equality, where db_index would build a second, plain one (ADR 0012)
            models.Index(
                fields=["org_path"],
                name="caseevent_org_path_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~models.Q(external_id=""),
                name="caseevent_external_unique",
            )
        ]
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")

    def __str__(self) -> str:
        return f"{self.case_type}:{self.case_id} {self.activity}"


class Deadline(models.Model):
    """One row per (case, clock): the rule and its source beside the due time (DESIGN rule 4)."""

    class State(models.TextChoices):
        RUNNING = "running", _("计时中")
        PAUSED = "paused", _("已暂停")
        MET = "met", _("按时完成")
        BREACHED = "breached", _("已超时")
        CANCELLED = "cancelled", _("已取消")

    id = models.BigAutoField(primary_key=True)
    case_type = models.CharField(_("案件类型"), max_length=60)
    case_id = models.CharField(_("案件 ID"), max_length=64)
    org_path = models.CharField(_("机构路径"), max_length=255)  # indexed for prefixes in Meta
    clock = models.CharField(_("时限"), max_length=60)
    label = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("依据"), max_length=200)
    unit = models.CharField(_("单位"), max_length=20)
    amount = models.PositiveIntegerField(_("时限长度"))
    max_amount = models.PositiveIntegerField(_("法定上限"), null=True, blank=True)
    started_at = models.DateTimeField(_("起算时间"))
    due_at = models.DateTimeField(_("截止时间"), db_index=True)
    last_day = models.DateField(_("末日"), null=True, blank=True)
    rolled_over_from = models.DateField(_("顺延前末日"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices)
    paused_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    remaining = models.BigIntegerField(_("暂停时剩余"), null=True, blank=True)
    pauses = models.JSONField(_("暂停区间"), default=list, blank=True)
    extensions = models.JSONField(_("延期记录"), default=list, blank=True)
    restarts = models.PositiveSmallIntegerField(_("重新起算次数"), default=0)
    warning_level = models.PositiveSmallIntegerField(_("已达预警级别"), default=0)
    next_warning_at = models.DateTimeField(_("下次预警时间"), null=True, blank=True)
    warning_fractions = models.JSONField(_("预警比例"), default=list, blank=True)  # copied at start
    warning_times = models.JSONField(_("预警时间"), default=list, blank=True)
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    calendar_warnings = models.JSONField(_("日历提示"), default=list, blank=True)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("due_at",)
        # (case_type, case_id) look-ups use the unique index below; the warning and breach
        # sweeps and the near-limit lists read open clocks only (closed_at IS NULL in the query),
        # through partial indexes that closed clocks never enter (ADR 0012)
        indexes = [
            models.Index(
                fields=["org_path"], name="deadline_org_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["next_warning_at"],
                name="deadline_open_warning_idx",
                condition=models.Q(closed_at=None),
            ),
            models.Index(
                fields=["due_at"], name="deadline_open_due_idx", condition=models.Q(closed_at=None)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "case_id", "clock"], name="deadline_case_clock_unique"
            )
        ]
        verbose_name = _("时限")
        verbose_name_plural = _("时限")

    def __str__(self) -> str:
        return f"{self.case_type}:{self.case_id} {self.clock} {self.state}"


# The ``DeadlineWarning.level`` of a breach; warnings are levels 1, 2, 3 … (hiqc.core.deadlines
# raises them, hiqc.core.notifications tells people).
BREACH_LEVEL = 9


class DeadlineWarning(models.Model):
    """A warning level raised for a deadline — at most once (unique), whatever the scheduler did."""

    id = models.BigAutoField(primary_key=True)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="warnings")
    cycle = models.PositiveSmallIntegerField(_("计时轮次"), default=0)  # Deadline.restarts
    level = models.PositiveSmallIntegerField(_("级别"))  # 1.. warnings; BREACH_LEVEL = breach
    due_at = models.DateTimeField(_("当时的截止时间"))
    scheduled_at = models.DateTimeField(_("应预警时间"))
    raised_at = models.DateTimeField(_("实际预警时间"), auto_now_add=True)

    scope_path: ClassVar[str | None] = "deadline__org_path"

    class Meta:
        ordering = ("scheduled_at", "level")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "cycle", "level"], name="deadline_warning_once"
            )
        ]
        verbose_name = _("时限预警")
        verbose_name_plural = _("时限预警")

    def __str__(self) -> str:
        return f"{self.deadline_id} L{self.level}"


class Notification(models.Model):
    """An in-app message (the inbox); e-mail copies follow each user's preferences."""

    class Kind(models.TextChoices):
        DEADLINE_WARNING = "deadline_warning", _("时限预警")
        DEADLINE_BREACH = "deadline_breach", _("时限超时")
        DAILY_DIGEST = "daily_digest", _("每日待办摘要")
        CASE_ASSIGNED = "case_assigned", _("案件分派给我")
        DOCUMENTS_RECEIVED = "documents_received", _("经办案件收到新材料")
        APPROVAL_REQUESTED = "approval_requested", _("待我审批")

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    case_type = models.CharField(max_length=60, blank=True)
    case_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    unscoped: ClassVar[str | None] = "personal inbox rows, read only by their owner"

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="notification_once_per_user"
            )
        ]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Whether a user also gets an e-mail for a kind of notification (default: yes)."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Notification.Kind.choices)
    email = models.BooleanField(default=True)

    unscoped: ClassVar[str | None] = "personal settings, changed only by their owner"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} email={self.email}"


class ProcessVersion(BaseModel):
    """A published version of a process's parameters (DESIGN §6): per step the owner role and an
    internal time target, and the warning thresholds, for one org subtree ("" = the whole insurer)
    from an effective date. The structure (states, transitions, legal clocks) stays in code. A new
    version never changes clocks already running: thresholds are copied onto each deadline when its
    clock starts."""

    process = models.CharField(_("流程"), max_length=60, db_index=True)
    org_path = models.CharField(_("适用机构路径"), max_length=255, blank=True)
    number = models.PositiveIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    parameters = models.JSONField(_("参数"), default=dict)
    note = models.CharField(_("变更说明"), max_length=255)
    published_by = models.CharField(_("发布人"), max_length=150)
    # The improvement plan (a case of a kind registered ``improves_processes``) this version
    # implements (issue 16 §7): its case identity, checked through the kind's door when published.
    improvement_plan_id = models.UUIDField(_("关联改进计划"), null=True, blank=True, db_index=True)

    unscoped: ClassVar[str | None] = "published process definitions are for everyone to follow"

    class Meta:
        ordering = ("process", "org_path", "-number")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "org_path", "number"], name="process_version_unique"
            )
        ]
        verbose_name = _("流程版本")
        verbose_name_plural = _("流程版本")

    def __str__(self) -> str:
        return f"{self.process} v{self.number}"


class IndicatorValue(models.Model):
    """One indicator's numerator and denominator for one period and one org unit's *own* records
    (DESIGN rule 5). Roll-ups along the tree are Σnumerator ÷ Σdenominator over the subtree."""

    id = models.BigAutoField(primary_key=True)
    code = models.CharField(_("指标"), max_length=60)
    granularity = models.CharField(_("周期粒度"), max_length=10)  # 15min | day | month
    period_start = models.DateTimeField(_("周期开始"))
    org_path = models.CharField(_("机构路径"), max_length=255)
    numerator = models.FloatField(_("分子"))
    denominator = models.FloatField(_("分母"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("code", "granularity", "period_start", "org_path")
        indexes = [
            models.Index(
                fields=["code", "granularity", "period_start"], name="indicator_period_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "granularity", "period_start", "org_path"],
                name="indicator_value_unique",
            )
        ]
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")

    def __str__(self) -> str:
        return f"{self.code} {self.granularity} {self.period_start:%Y-%m-%d %H:%M} {self.org_path}"


class Finding(models.Model):
    """A compliance finding (合规事项): a rule breached or an exception taken, recorded where it
    happened (a late claim decision — CL-8, a supplement request beyond the one-time notice —
    CL-1, an audit error). Minimal and append-only here; the risk chapter works them."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        CLOSED = "closed", _("已关闭")

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("发现时间"), default=timezone.now, db_index=True)
    rule = models.CharField(_("规则"), max_length=20)  # e.g. CL-8
    kind = models.CharField(_("类型"), max_length=40)  # e.g. claims.decide.breach
    title = models.CharField(_("摘要"), max_length=200)
    case_type = models.CharField(_("案件类型"), max_length=60, blank=True)
    case_id = models.CharField(_("案件 ID"), max_length=64, blank=True)
    org_path = models.CharField(_("机构路径"), max_length=255, db_index=True)
    data = models.JSONField(_("说明"), default=dict, blank=True)  # never personal data
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    dedupe_key = models.CharField(max_length=150, unique=True)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("合规事项")
        verbose_name_plural = _("合规事项")

    def __str__(self) -> str:
        return f"{self.rule} {self.title}"


class IndicatorTarget(BaseModel):
    """A target and warning level for one indicator, set at an org unit and inherited by its whole
    subtree unless a unit below sets its own (issue 7 §1; DESIGN rule 5). ``org_path`` "" is the
    default for every unit. Dated: the target in force on a day is the latest one valid from on or
    before it, at the nearest unit up the tree."""

    class SourceKind(models.TextChoices):
        REGULATION = "regulation", _("法规")
        STANDARD = "standard", _("标准")
        INTERNAL = "internal", _("内部目标")

    code = models.CharField(_("指标"), max_length=60)
    org_path = models.CharField(_("适用机构路径"), max_length=255, blank=True)
    target = models.FloatField(_("目标值"))
    warning = models.FloatField(_("预警值"), null=True, blank=True)  # amber between the two
    source_kind = models.CharField(_("来源类别"), max_length=12, choices=SourceKind.choices)
    source = models.CharField(_("依据"), max_length=200)
    valid_from = models.DateField(_("生效日期"))
    set_by = models.CharField(_("设定人"), max_length=150, blank=True)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("code", "org_path", "-valid_from")
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "org_path", "valid_from"], name="indicator_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.org_path or '*'} {self.target}"


class BackupRecord(BaseModel):
    """One backup or one restore test (standard 6.2.2(4); hiqc.core.backup, ADR 0014).
    ``details`` holds counts, check results and file names — never personal data."""

    class Kind(models.TextChoices):
        BACKUP = "backup", _("备份")
        RESTORE_TEST = "restore_test", _("恢复测试")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    size = models.BigIntegerField(_("文件大小"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    ok = models.BooleanField(_("结果"), default=False)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    details = models.JSONField(_("说明"), default=dict, blank=True)

    unscoped: ClassVar[str | None] = "system operations records, shown to holders of rules.view"

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("备份与恢复测试记录")
        verbose_name_plural = _("备份与恢复测试记录")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} {'ok' if self.ok else 'FAILED'}"


class Checklist(BaseModel):
    """One version of a scored checklist (issue 19 §1; ADR 0023): the kernel's one model for
    "score these items, some of them critical", used by facility and environment inspections
    (standard 8.1, 8.3.4), quality inspection's scoring sheets (4.1.3(2), 7.2) and mystery
    shopping's scenario items (4.3.1); each domain keeps its own scoring rule. A version is a
    draft until published; publishing freezes it (``hiqc.core.checklists``), editing a published
    checklist makes the next version, and whatever was scored keeps the version it used."""

    code = models.SlugField(_("编码"), max_length=60)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=120)
    # who uses it, e.g. "facilities.outlet": the using app asks for its own checklists by purpose
    purpose = models.CharField(_("用途"), max_length=60, db_index=True)
    pass_percent = models.PositiveSmallIntegerField(_("合格线（得分率 %）"), default=80)
    note = models.CharField(_("版本说明"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.CharField(_("发布人"), max_length=150, blank=True)
    # the published version new work uses; one per code at most (publishing a version retires the
    # others, an older one can be reactivated: ``checklist_set_active``). A draft is not active.
    active = models.BooleanField(_("启用"), default=True)
    # what it applies to, a list of strings the using app interprets (e.g. interaction kinds)
    applies_to = models.JSONField(_("适用范围"), default=list, blank=True)

    unscoped: ClassVar[str | None] = "head-office configuration shared by every branch"

    class Meta:
        ordering = ("code", "-version")
        verbose_name = _("评分清单")
        verbose_name_plural = _("评分清单")
        constraints = [
            models.UniqueConstraint(fields=("code", "version"), name="core_checklist_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ChecklistItem(BaseModel):
    """One item of a checklist version: its area (category), text, points and whether failing it
    fails the whole checklist whatever the score (``critical``), with the clause it proves."""

    checklist = models.ForeignKey(
        Checklist, verbose_name=_("评分清单"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    category = models.CharField(_("区域/类别"), max_length=60)
    text = models.CharField(_("检查项"), max_length=300)
    points = models.PositiveSmallIntegerField(_("分值"), default=1)
    critical = models.BooleanField(_("关键项"), default=False)
    clause = models.CharField(_("标准条款"), max_length=20, blank=True)

    unscoped: ClassVar[str | None] = "part of a head-office checklist"

    class Meta:
        ordering = ("checklist", "position")
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")

    def __str__(self) -> str:
        return self.text


class LegalHold(BaseModel):
    """A legal hold (法律保全, standard 6.1.3(3); issue 21 §2): while it stands, the named case
    keeps every piece of its data whatever its retention says — a lawsuit, a regulator's
    inquiry or an internal investigation may need it. Placed and released by name, with reasons;
    ``case_type`` is the retention policy's hold type (e.g. ``claims.claim``)."""

    case_type = models.CharField(_("案件类型"), max_length=60)
    case_id = models.CharField(_("案件 ID"), max_length=64)
    case_label = models.CharField(_("案件编号"), max_length=60)
    reason = models.CharField(_("保全原因"), max_length=300)
    org_path = models.CharField(_("机构路径"), max_length=255, db_index=True)
    placed_by = models.CharField(_("设置人"), max_length=150)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    released_by = models.CharField(_("解除人"), max_length=150, blank=True)
    release_reason = models.CharField(_("解除原因"), max_length=300, blank=True)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("法律保全")
        verbose_name_plural = _("法律保全")
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "case_id"],
                condition=models.Q(released_at__isnull=True),
                name="core_legal_hold_one_standing",
            )
        ]

    def __str__(self) -> str:
        return self.case_label


class RetentionReport(models.Model):
    """What the retention job will remove on ``as_of`` (the dry run, made ahead by the notice
    period), and once applied what it removed (standard 6.1.3(3); PIPL art. 19, 47; issue 21
    §2). ``items`` per policy: the record ids, their case numbers (never personal data) and how
    many were spared by a legal hold."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now, db_index=True)
    as_of = models.DateField(_("计划删除日期"), db_index=True)
    made_by = models.CharField(_("生成人"), max_length=150)
    items = models.JSONField(_("待处理记录"), default=dict)
    applied_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
    applied = models.JSONField(_("已处理数量"), default=dict, blank=True)
    superseded = models.BooleanField(_("已被后续报告取代"), default=False)

    unscoped: ClassVar[str | None] = (
        "system-wide retention reports (counts and case numbers), shown to holders of privacy.view"
    )

    class Meta:
        ordering = ("-as_of", "-id")
        verbose_name = _("保存期限处理报告")
        verbose_name_plural = _("保存期限处理报告")

    def __str__(self) -> str:
        return f"{self.as_of}"

    def total(self) -> int:
        return sum(len(v.get("ids", [])) for v in self.items.values())


class CollectionRecord(BaseModel):
    """Where a piece of personal data came from and on which ground (standard 6.1.1, 6.1.2;
    PIPL art. 13; issue 21 §3): one row per import run or form submission that brings personal
    data in — the channel, the source system or file (name and SHA-256 of the bytes read), who
    and when, and the PIPL art. 13 ground. Domain records point at the row that last wrote
    them (``hiqc.core.collection``); ``kind`` names the import or form (e.g.
    ``policies.import``) without the kernel naming the domain."""

    kind = models.CharField(_("采集方式"), max_length=60, db_index=True)
    channel = models.CharField(_("渠道"), max_length=20)
    source_system = models.CharField(_("来源系统"), max_length=100, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("文件 SHA-256"), max_length=64, blank=True)
    basis = models.CharField(_("合法性基础"), max_length=20)
    actor_id = models.UUIDField(_("采集人 ID"), null=True, blank=True)
    actor_name = models.CharField(_("采集人"), max_length=150)
    org_path = models.CharField(_("采集人机构路径"), max_length=255, db_index=True, blank=True)
    rows = models.PositiveIntegerField(_("记录数"), default=0)

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("个人信息采集记录")
        verbose_name_plural = _("个人信息采集记录")

    def __str__(self) -> str:
        return f"{self.kind} · {self.created_at:%Y-%m-%d %H:%M}"
