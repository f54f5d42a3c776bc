"""Every write of the facilities app for outlets and inspections (DESIGN rules 1, 3; standard 8.1,
8.3.4; issue 19 §1–§3). Equipment files: ``equipment/services.py``.

* ``outlet_facility_save`` — an outlet's facilities record (8.1.2–8.1.7).
* ``inspection_plan`` — a facility or environment inspection of an outlet, due by a date, on the
  current version of the outlet checklist (a kernel ``Checklist``, ADR 0023).
* ``inspection_perform`` — score per item (or not applicable), notes, photos checked by content
  (``hiqc.core.filecheck``) within the size limit; the score by ``checklist_score`` (a failed
  critical item fails the inspection); each failed item opens a ``Rectification`` case with its
  clock. The inspection keeps the checklist version it was performed on.
* ``rectification_act`` — the rectification's steps, through the engine.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.checklists import (
    checklist_current,
    checklist_items,
    checklist_score,
    checklist_seed,
)
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.filecheck import FileRefused, inspect_document
from hiqc.core.identifiers import create_numbered
from hiqc.core.models import Checklist

from .checklist import NAME, OUTLET_ITEMS, PASS_PERCENT
from .enums import (
    CHECKLIST_PURPOSE,
    INSPECT,
    MANAGE,
    OUTLET_CHECKLIST,
    VIEW,
    InspectionKind,
    RectificationStatus,
)
from .models import Inspection, InspectionMark, InspectionPhoto, OutletFacility, Rectification
from .selectors import access_inspection, access_outlet, access_rectification
from .workflow import PROCESS, RECTIFICATION, WORK_BY_STATE

MB = 1024 * 1024
DEFAULT_MAX_PHOTO_BYTES = 10 * MB  # per photo, as the online-claim documents
DEFAULT_MAX_PHOTOS = 6  # per submission of the inspection form
TEXT_MAX = 2000
PLAN_HORIZON = timedelta(days=366)

Errors = dict[str, list[str]]


def max_photo_bytes() -> int:
    return int(getattr(settings, "HIQC_FACILITIES_MAX_PHOTO_BYTES", DEFAULT_MAX_PHOTO_BYTES))


def max_photos() -> int:
    return int(getattr(settings, "HIQC_FACILITIES_MAX_PHOTOS", DEFAULT_MAX_PHOTOS))


def _url(case_id: str) -> str:
    return reverse("facilities:rectification", args=[case_id])


KIND = CaseKind(label=PROCESS, workflow=RECTIFICATION, access=access_rectification,
                name=gettext_lazy("设施整改任务"), view_perm=VIEW, work_by_state=WORK_BY_STATE,
                url_for=_url)  # fmt: skip


def _fail(errors: Errors, message: str = "") -> None:
    if errors:
        raise ValidationFailed(message or _("信息有误，请按提示修改。"), fields=errors)


def _today() -> date:
    return timezone.now().astimezone(BEIJING).date()


# --- the outlet register -------------------------------------------------------------------------

BOOL_FIELDS = ("has_reception", "has_business", "has_rest", "has_water", "has_consultation",
               "has_signage", "barrier_free")  # fmt: skip
_TRUE = {"1", "true", "on", "yes", "是"}


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


def _small_int(data: Mapping[str, Any], name: str, errors: Errors, limit: int = 999) -> int:
    raw = str(data.get(name) if data.get(name) is not None else "").strip() or "0"
    if not raw.isdigit() or int(raw) > limit:
        errors[name] = [_("请填写 0 到 {n} 的整数。").format(n=limit)]
        return 0
    return int(raw)


@transaction.atomic
def outlet_facility_save(*, actor: Actor, org_unit_id: Any, data: Mapping[str, Any]
                         ) -> OutletFacility:  # fmt: skip
    """Create or update an outlet's facilities record (facilities.manage over the outlet)."""
    unit = access_outlet(actor, org_unit_id)
    require(actor, MANAGE, unit)
    errors: Errors = {}
    values: dict[str, Any] = {f: _flag(data.get(f)) for f in BOOL_FIELDS}
    values["private_windows"] = _small_int(data, "private_windows", errors)
    values["reception_seats"] = _small_int(data, "reception_seats", errors)
    for name, limit in (("address", 200), ("opening_hours", 60), ("note", TEXT_MAX)):
        text = str(data.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
        values[name] = text
    raw_area = str(data.get("floor_area") or "").strip()
    values["floor_area"] = None
    if raw_area:
        try:
            area = round(float(raw_area), 1)
        except ValueError:
            area = -1.0
        if not 0 < area < 1_000_000:
            errors["floor_area"] = [_("请填写正数（平方米）。")]
        else:
            values["floor_area"] = area
    _fail(errors, _("网点设施信息有误，请按提示修改。"))
    record = OutletFacility.objects.select_for_update().filter(org_unit=unit).first()
    created = record is None
    if record is None:
        record = OutletFacility(org_unit=unit)
    changed = [k for k, v in values.items() if getattr(record, k) != v]
    for k, v in values.items():
        setattr(record, k, v)
    record.updated_by = actor.username
    if created:
        record.save(force_insert=True)
    else:
        record.save(update_fields=[*changed, "updated_by", "updated_at"])
    audit_record(actor=actor, action="facilities.outlet.save", subject=record,
                 fields=changed if not created else list(values))  # fmt: skip
    return record


# --- inspections ---------------------------------------------------------------------------------


def outlet_checklist() -> Checklist:
    """The current version of the outlet checklist; version 1 is seeded (by the migration, or
    here if a test database was flushed) from ``checklist.OUTLET_ITEMS``."""
    checklist = checklist_current(OUTLET_CHECKLIST)
    if checklist is None:
        checklist = checklist_seed(
            actor=Actor.system("facilities.seed"), code=OUTLET_CHECKLIST, name=NAME,
            purpose=CHECKLIST_PURPOSE, items=OUTLET_ITEMS, pass_percent=PASS_PERCENT,
        )  # fmt: skip
    return checklist


@transaction.atomic
def inspection_plan(*, actor: Actor, data: Mapping[str, Any]) -> Inspection:
    """Plan an inspection of an outlet by a due date (facilities.inspect over the outlet)."""
    require(actor, INSPECT)
    errors: Errors = {}
    kind = str(data.get("kind") or InspectionKind.FACILITY)
    if kind not in InspectionKind.values:
        errors["kind"] = [_("请选择检查类型。")]
    due: Any = data.get("due_date")
    if isinstance(due, str):
        try:
            due = date.fromisoformat(due.strip())
        except ValueError:
            due = None
    if not isinstance(due, date):
        errors["due_date"] = [_("请填写日期，例如 2026-03-01。")]
    elif abs(due - _today()) > PLAN_HORIZON:
        errors["due_date"] = [_("计划日期应在今天前后一年之内。")]
    if not data.get("org_unit"):
        errors["org_unit"] = [_("请选择营业网点。")]
    _fail(errors, _("检查计划有误，请按提示修改。"))
    assert isinstance(due, date)
    unit = access_outlet(actor, data["org_unit"])
    require(actor, INSPECT, unit)
    inspection = Inspection.objects.create(
        org_unit=unit, kind=kind, checklist=outlet_checklist(), due_date=due,
        planned_by=actor.username,
    )  # fmt: skip
    audit_record(actor=actor, action="facilities.inspection.plan", subject=inspection,
                 data={"kind": kind, "due_date": due.isoformat()})  # fmt: skip
    return inspection


def _check_photo(upload: IO[bytes], field: str) -> tuple[Any, int, str]:
    """(file kind, size, sha256) of one photo, or ValidationFailed naming ``field``."""
    limit = max_photo_bytes()
    sha, size = hashlib.sha256(), 0
    upload.seek(0)
    while chunk := upload.read(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(
                _("照片过大：每张不超过 {n} MB。").format(n=limit // MB), code="file_too_large",
                fields={field: [_("每张照片不超过 {n} MB。").format(n=limit // MB)]},
            )  # fmt: skip
        sha.update(chunk)
    upload.seek(0)
    try:
        kind = inspect_document(upload.read(limit + 1))
    except FileRefused as exc:
        message = (
            _("只接受 JPEG、PNG 图片或 PDF 文件。") if exc.code == "file_type" else exc.message
        )
        raise ValidationFailed(message, code=exc.code, fields={field: [exc.message]}) from exc
    upload.seek(0)
    return kind, size, sha.hexdigest()


def _mark(raw: Any) -> int | str | None:
    """A posted mark: an int, None (not applicable: "na" or ""), or the raw text if unreadable."""
    if raw is None:
        return "missing"
    if isinstance(raw, bool):
        return "bad"
    if isinstance(raw, int):
        return raw
    text = str(raw).strip().lower()
    if text in {"na", "n/a", "不适用"}:
        return None
    return int(text) if text.isdigit() else ("missing" if not text else "bad")


@transaction.atomic
def inspection_perform(
    *, actor: Actor, inspection_id: Any, marks: Mapping[str, Any],
    notes: Mapping[str, str] | None = None, summary: str = "",
    photos: Sequence[tuple[str | None, IO[bytes]]] = (), at: datetime | None = None,
) -> Inspection:  # fmt: skip
    """Record an inspection: ``marks`` item id → points (or "na"), ``notes`` item id → text,
    ``photos`` (item id or None, file). Refused (409) once performed. A planned inspection is
    performed on the checklist version current now, which it keeps."""
    inspection = access_inspection(actor, inspection_id, for_update=True)
    require(actor, INSPECT, inspection)
    if inspection.performed_at is not None:
        raise Conflict(_("该检查已经完成，不能再次评分。"), code="already_performed")
    at = at or timezone.now()
    checklist = outlet_checklist()  # the version current when it is performed, kept from now on
    items = checklist_items(checklist)
    by_id = {str(i.pk): i for i in items}
    errors: Errors = {}
    parsed: dict[Any, int | None] = {}
    for key in marks:
        if str(key) not in by_id:
            errors[f"item_{key}"] = [_("该检查项不属于本次检查使用的清单版本。")]
    for sid, item in by_id.items():
        value = _mark(marks.get(sid))
        if value == "missing":
            continue  # checklist_score names it
        if value == "bad":
            errors[f"item_{sid}"] = [_("请填写整数分值，或选择不适用。")]
            continue
        parsed[item.pk] = value  # type: ignore[assignment]
    notes = {str(k): str(v).strip() for k, v in (notes or {}).items() if str(v).strip()}
    for key, text in notes.items():
        if len(text) > 500:
            errors[f"note_{key}"] = [_("不能超过 500 个字。")]
    summary = summary.strip()
    if len(summary) > 4000:
        errors["notes"] = [_("不能超过 4000 个字。")]
    if len(photos) > max_photos():
        errors["photos"] = [_("每次最多上传 {n} 张照片。").format(n=max_photos())]
    _fail(errors, _("检查记录有误，请按提示修改。"))
    result = checklist_score(items, parsed, pass_percent=checklist.pass_percent)
    checked = []
    for n, (item_key, upload) in enumerate(photos, start=1):
        field = f"photo_{item_key}" if item_key else "photos"
        if item_key and str(item_key) not in by_id:
            raise ValidationFailed(
                _("照片对应的检查项不存在。"), fields={field: [_("检查项有误。")]}
            )
        kind, size, digest = _check_photo(upload, field)
        checked.append((by_id[str(item_key)] if item_key else None, upload, kind, size, digest, n))
    InspectionMark.objects.bulk_create(
        InspectionMark(inspection=inspection, item=item, mark=parsed.get(item.pk),
                       note=notes.get(str(item.pk), ""))
        for item in items
    )  # fmt: skip
    for photo_item, upload, kind, size, digest, _n in checked:
        photo = InspectionPhoto(inspection=inspection, item=photo_item, content_type=kind.content_type,
                                size=size, sha256=digest, uploaded_by=actor.username)  # fmt: skip
        photo.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
        photo.save(force_insert=True)
    inspection.checklist = checklist
    inspection.performed_at, inspection.performed_by = at, actor.username
    inspection.score, inspection.max_score = result.score, result.max_score
    inspection.percent, inspection.passed, inspection.notes = result.percent, result.passed, summary
    inspection.save(update_fields=["checklist", "performed_at", "performed_by", "score",
                                   "max_score", "percent", "passed", "notes", "updated_at"])  # fmt: skip
    audit_record(actor=actor, action="facilities.inspection.perform", subject=inspection,
                 data={"checklist": checklist.code, "version": checklist.version,
                       "score": result.score, "max": result.max_score, "passed": result.passed,
                       "failed": len(result.failed), "photos": len(checked)})  # fmt: skip
    for item_id in result.failed:
        item = next(i for i in items if i.pk == item_id)
        _rectification_open(actor=actor, inspection=inspection, item=item,
                            finding=notes.get(str(item.pk), ""), at=at)  # fmt: skip
    return inspection


def _rectification_open(*, actor: Actor, inspection: Inspection, item: Any, finding: str,
                        at: datetime) -> Rectification:  # fmt: skip
    case = create_numbered(
        Rectification, field="number", letters="ZG", at=at, digits=4,
        org_unit=inspection.org_unit, inspection=inspection, item=item,
        title=f"{item.category}：{item.text}"[:300], finding=finding[:500], opened_at=at,
        status=RectificationStatus.OPEN,
    )  # fmt: skip
    case_opened(kind=KIND, case=case, actor=actor, at=at,
                source=Source.SYSTEM if actor.is_system else Source.PAGE,
                data={"inspection": str(inspection.pk), "critical": item.critical})  # fmt: skip
    return case


def rectification_act(*, actor: Actor, case_id: Any, action: str, data: Mapping[str, Any],
                      version: int | None = None, at: datetime | None = None
                      ) -> Rectification:  # fmt: skip
    """rectify (correction), verify (verification), reject (reason), cancel (reason)."""
    data = {k: str(v).strip() for k, v in data.items()}
    for name in ("correction", "verification", "reason"):
        if len(data.get(name, "")) > TEXT_MAX:
            raise ValidationFailed(
                _("内容过长。"), fields={name: [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]}
            )
    at = at or timezone.now()
    with transaction.atomic():
        case = case_transition(kind=KIND, actor=actor, case_id=case_id, action=action, data=data,
                               version=version, at=at, source=Source.PAGE,
                               record={k: len(v) for k, v in data.items()})  # fmt: skip
        assert isinstance(case, Rectification)
        fields: list[str] = []
        if action == "rectify":
            case.correction, fields = data["correction"], ["correction"]
        elif action == "verify":
            case.verification, case.closed_at = data["verification"], at
            fields = ["verification", "closed_at"]
        elif action == "reject":
            case.verification, fields = data["reason"], ["verification"]
        elif action == "cancel":
            case.verification, case.closed_at = data["reason"], at
            fields = ["verification", "closed_at"]
        if fields:
            case.save(update_fields=[*fields, "updated_at"])
    return case
