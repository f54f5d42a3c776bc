"""The privacy pages (standard 6.1.1, 6.1.3; issue 21 §1–§2): the personal-data inventory
generated from the code (/privacy/inventory/, with its Excel export) and retention
(/privacy/retention/): what the next run removes, what past runs removed, and the legal holds."""

from __future__ import annotations

from collections import Counter
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .access import require
from .case_pages import post_form
from .errors import NotFound, ValidationFailed
from .http import HiqcRequest
from .personaldata import DataClass, inventory
from .retention import (
    HOLD,
    METHODS,
    NOTICE,
    VIEW,
    hold_types,
    legal_hold_place,
    legal_hold_release,
    legal_holds,
    pending_report,
    reports,
    retention_kinds,
)
from .rules import rule_value

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _class_filter(request: HiqcRequest) -> str:
    value = request.GET.get("class", "")
    return value if value in DataClass.values else ""


@login_required
def inventory_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    chosen = _class_filter(request)
    rows = inventory(chosen)
    counts = Counter(r.data_class for r in inventory())
    return render(
        request,
        "core/privacy_inventory.html",
        {
            "rows": rows,
            "chosen": chosen,
            "classes": [(c, label, counts.get(c, 0)) for c, label in DataClass.choices],
            "models": len({r.model for r in rows}),
        },
    )


def inventory_workbook(data_class: str = "") -> bytes:
    """The record of processing activities as a workbook, one row per declared field."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("个人信息清单"))
    sheet.append(
        [
            _("模块"),
            _("数据对象"),
            _("字段"),
            _("字段名"),
            _("分类"),
            _("处理目的"),
            _("合法性基础（个人信息保护法第十三条）"),
            _("保存期限"),
            _("保存期限规则"),
            _("加密存储"),
            _("声明方式"),
        ]
    )
    for r in inventory(data_class):
        sheet.append(
            [
                r.app_name,
                r.model_name,
                r.field,
                r.field_name,
                r.data_class_label(),
                r.purpose,
                r.basis_label(),
                r.retention,
                r.retention_rule,
                _("是") if r.encrypted else _("否"),
                _("字段声明") if r.source == "model" else _("通用约定"),
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def inventory_export(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    response = HttpResponse(inventory_workbook(_class_filter(request)), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="hiqc-data-inventory-{stamp}.xlsx"'
    return response


def _retention_context(request: HiqcRequest) -> dict:
    actor = request.actor
    labels = {p.code: p for p in retention_kinds()}
    pending = pending_report()
    return {
        "kinds": [{"p": p, "method": METHODS[p.method]} for p in retention_kinds()],
        "labels": labels,
        "pending": pending,
        "pending_items": [
            {"policy": labels.get(code), "code": code, **item}
            for code, item in (pending.items.items() if pending else [])
        ],
        "history": reports(actor).filter(applied_at__isnull=False)[:20],
        "holds": legal_holds(actor).order_by("released_at", "-created_at")[:200],
        "hold_types": hold_types(),
        "can_hold": actor.can(HOLD),
        "notice_days": rule_value(NOTICE.key),
    }


@login_required
def retention_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    return render(request, "core/privacy_retention.html", _retention_context(request))


@login_required
def hold_place(request: HiqcRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("privacy_retention")
    require(request.actor, HOLD)
    missing = _("未找到该编号的案件。")

    def write(values: dict) -> object:
        try:
            return legal_hold_place(
                actor=request.actor,
                case_type=values.get("case_type", ""),
                number=values.get("number", ""),
                reason=values.get("reason", ""),
            )
        except NotFound:  # missing and out of scope read the same
            raise ValidationFailed(missing, fields={"number": [missing]}) from None

    done, errors, values, status = post_form(request, write, _("已设置法律保全。"))
    if done is not None:
        return redirect("privacy_retention")
    context = _retention_context(request) | {"errors": errors, "values": values}
    return render(request, "core/privacy_retention.html", context, status=status)


@login_required
def hold_release(request: HiqcRequest, hold_id: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("privacy_retention")
    require(request.actor, HOLD)

    def write(values: dict) -> object:
        return legal_hold_release(
            actor=request.actor, hold_id=hold_id, reason=values.get("release_reason", "")
        )

    done, errors, values, status = post_form(request, write, _("已解除法律保全。"))
    if done is not None:
        return redirect("privacy_retention")
    context = _retention_context(request) | {"errors": errors, "values": values}
    return render(request, "core/privacy_retention.html", context, status=status)
