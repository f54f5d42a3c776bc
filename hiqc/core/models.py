"""Kernel models: the base every domain model extends, and the audit trail."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class RuleOverride(BaseModel):
    """A configured value for a rule in hiqc.core.rules (tightening only for legal bounds)."""

    key = models.CharField(_("规则"), max_length=80, unique=True)
    value = models.CharField(_("取值"), max_length=40)
    reason = models.CharField(_("调整理由"), max_length=255)

    unscoped: ClassVar[str | None] = "system-wide configuration, changed by administrators"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .rules import RULES

        rule = RULES.get(self.key)
        if rule is None:
            raise ValidationError({"key": _("未知的规则。")})
        try:
            problem = rule.check(rule.parse(self.value))
        except ValueError as exc:
            problem = str(exc)
        if problem:
            raise ValidationError({"value": problem})


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
