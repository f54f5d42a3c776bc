"""Excel exports (openpyxl, write-only mode so memory stays flat)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import AuditEvent


def audit_workbook(events: Iterable[AuditEvent]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("审计日志"))
    sheet.append(
        [
            _("序号"),
            _("时间"),
            _("操作人"),
            _("动作"),
            _("对象类型"),
            _("对象 ID"),
            _("机构路径"),
            _("字段"),
            _("说明"),
            _("请求 ID"),
            "IP",
            _("哈希"),
        ]
    )
    for e in events:
        sheet.append(
            [
                e.seq,
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_name,
                e.action,
                e.subject_type,
                e.subject_id,
                e.org_path,
                ", ".join(e.fields),
                e.data.get("purpose", "") if isinstance(e.data, dict) else "",
                e.request_id,
                e.ip,
                e.hash,
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
