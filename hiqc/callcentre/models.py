"""Call records from the telephony system and the runs that imported them (ADR 0009).

A call is a measurement, not a case: rows arrive in bulk (``services.calls_import``) and feed the
service-level, abandon-rate, ASA and AHT indicators (CC-2, CC-3) and the staffing forecast (CC-4).
No customer data: ``agent`` is the telephony system's agent id, never a name or a number — it
identifies a member of staff, so it is declared and emptied after its retention
(``retention.py``, ADR 0031).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel
from hiqc.core.personaldata import Basis, DataClass, Declared

from .enums import CallQueue, ImportFormat, ImportSource


class CallRecord(BaseModel):
    """One call offered to the call centre. ``wait_s``, ``handle_s`` and ``offered_slot`` are
    derived at import so that every aggregation is plain grouped SQL:

    * ``wait_s`` — answered: answered_at − offered_at; abandoned: ended_at − offered_at (time in
      queue before hanging up); rounded **up** to whole seconds, so 20.2 s is not "within 20 s";
    * ``handle_s`` — answered: ended_at − answered_at (talk and hold), rounded;
    * ``offered_slot`` — quarter-hours since 1970-01-01 UTC of offered_at. Beijing time is UTC+8
      (32 quarter-hours), so a slot is also a Beijing 15-minute interval and
      ``(offered_slot + 32) // 96`` its Beijing day.
    """

    # No index of its own (BaseModel's has one): nothing reads calls by creation time, and every
    # index costs the bulk import (the PostgreSQL INSERT maintains each one per row).
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    call_id = models.CharField(_("呼叫编号"), max_length=64, unique=True)
    queue = models.CharField(_("队列"), max_length=20, choices=CallQueue.choices)
    org_unit = models.ForeignKey(
        "organisations.OrgUnit",
        verbose_name=_("机构"),
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,  # served by call_unit_offered_idx (org_unit, offered_at)
    )
    offered_at = models.DateTimeField(_("进线时间"))
    answered_at = models.DateTimeField(_("接通时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    agent = models.CharField(_("坐席工号"), max_length=64, blank=True)
    abandoned = models.BooleanField(_("放弃"), default=False)
    ivr_only = models.BooleanField(_("仅自助语音"), default=False)
    wait_s = models.PositiveIntegerField(_("等待时长（秒）"), null=True, blank=True)
    handle_s = models.PositiveIntegerField(_("处理时长（秒）"), null=True, blank=True)
    offered_slot = models.IntegerField(_("进线时段"), editable=False)

    scope_path: ClassVar[str | None] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "agent": Declared(
            DataClass.PERSONAL,
            _("坐席辅导与考核（按坐席统计接听与处理时长）"),
            Basis.HR,
            _("来话后 2 年（设计默认值 P），之后清除，话务统计保留"),
            "callcentre.agent_retention_years",
        ),
    }

    class Meta:
        ordering = ("-offered_at",)
        indexes = [
            models.Index(fields=["org_unit", "offered_at"], name="call_unit_offered_idx"),
            models.Index(fields=["queue", "offered_at"], name="call_queue_offered_idx"),
            models.Index(fields=["offered_at"], name="call_offered_idx"),
        ]
        verbose_name = _("话务记录")
        verbose_name_plural = _("话务记录")

    def __str__(self) -> str:
        return self.call_id


class CallImport(BaseModel):
    """One import run: who, when, from where, and what it counted (no call content)."""

    source = models.CharField(_("来源"), max_length=10, choices=ImportSource.choices)
    file_format = models.CharField(_("格式"), max_length=10, choices=ImportFormat.choices)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    actor_id = models.UUIDField(_("导入人 ID"), null=True, blank=True)
    actor_name = models.CharField(_("导入人"), max_length=150)
    org_path = models.CharField(_("导入人机构路径"), max_length=255, blank=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    inserted = models.PositiveIntegerField(_("新增"), default=0)
    duplicates = models.PositiveIntegerField(_("重复"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    first_offered_at = models.DateTimeField(_("最早进线"), null=True, blank=True)
    last_offered_at = models.DateTimeField(_("最晚进线"), null=True, blank=True)
    # the file's SHA-256 and the legal basis (6.1.2, PIPL art. 13; ADR 0031)
    collection = models.ForeignKey(
        "core.CollectionRecord",
        verbose_name=_("采集记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_path: ClassVar[str | None] = "org_path"

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("话务导入")
        verbose_name_plural = _("话务导入")
