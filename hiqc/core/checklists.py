"""Scored checklists, versioned (issue 19 §1; ADR 0023): the kernel's one "score these items"
model and its scoring rule, used by facility and environment inspections (8.1, 8.3.4); quality
inspection's sheets (4.1.3(2), 7.2) and mystery shopping's scenario items (4.3.1) are stored here
too, each with its own 0–100 scoring rule (a fatal = ``critical`` item zeroes the score).

* ``checklist_current(code)`` — the active published version of a checklist (the newest, unless
  an older one was reactivated); ``checklists_for(purpose)`` — the active version of each
  checklist of a purpose. ``Checklist.applies_to`` is a list of strings the using app interprets.
* ``checklist_seed`` — create version 1 of a checklist, published, from data (migrations and
  demos); a rerun with the same code changes nothing.
* ``checklist_draft`` — editing: the draft that follows the newest version (items copied), or the
  existing draft; ``checklist_items_set`` replaces a draft's items; a published version is never
  changed (``Conflict``). ``checklist_publish`` freezes the draft and makes it the active
  version; ``checklist_set_active`` reactivates an older published version (or retires one).
* ``checklist_score`` — the score of a set of marks: each item 0…points or not applicable (left
  out of the maximum); an item fails when it gets less than its points; any failed ``critical``
  item fails the whole checklist whatever the percentage; otherwise it passes at
  ``pass_percent`` of the applicable points.

The kernel knows no app: the caller passes the permission that lets its actor edit checklists of
its purpose, and the services check it over the whole tree (checklists are head-office data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import Actor
from .audit import audit_record
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .models import Checklist, ChecklistItem

ITEMS_MAX = 200
POINTS_MAX = 100


@dataclass(frozen=True)
class ItemSpec:
    """One item as data (seeds, the edit form and the API)."""

    category: str
    text: str
    points: int = 1
    critical: bool = False
    clause: str = ""


@dataclass
class Score:
    """The result of scoring one checklist: points over the applicable maximum, the percentage
    (one decimal), whether it passes, and the items that failed (critical ones among them)."""

    score: int = 0
    max_score: int = 0
    percent: Decimal = Decimal("0.0")
    passed: bool = False
    failed: list[Any] = field(default_factory=list)  # item ids, in checklist order
    critical_failed: list[Any] = field(default_factory=list)


def checklist_score(
    items: Sequence[ChecklistItem], marks: Mapping[Any, int | None], *, pass_percent: int
) -> Score:
    """Score ``marks`` (item id → points given, None = not applicable) against ``items``. Every
    item must be marked (a missing key is a ``ValidationFailed`` naming it); a mark outside
    0…points is refused the same way."""
    errors: dict[str, list[str]] = {}
    result = Score()
    for item in items:
        if item.pk not in marks:
            errors[f"item_{item.pk}"] = [_("请为此项评分（或标记为不适用）。")]
            continue
        mark = marks[item.pk]
        if mark is None:
            continue
        if not 0 <= mark <= item.points:
            errors[f"item_{item.pk}"] = [_("得分应在 0 到 {n} 之间。").format(n=item.points)]
            continue
        result.score += mark
        result.max_score += item.points
        if mark < item.points:
            result.failed.append(item.pk)
            if item.critical:
                result.critical_failed.append(item.pk)
    if errors:
        raise ValidationFailed(_("评分有误，请按提示修改。"), fields=errors)
    if result.max_score:
        result.percent = (Decimal(100 * result.score) / result.max_score).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    result.passed = (
        not result.critical_failed
        and result.max_score > 0
        and result.percent >= Decimal(pass_percent)
    )
    return result


# --- reads ---------------------------------------------------------------------------------------


def checklist_current(code: str) -> Checklist | None:
    """The active published version of the checklist ``code`` (the newest published one unless
    an older version was reactivated)."""
    return (
        Checklist.objects.filter(code=code, published_at__isnull=False, active=True)
        .order_by("-version")
        .first()
    )


def checklists_for(purpose: str) -> list[Checklist]:
    """The active published version of each checklist of ``purpose``, by code."""
    newest: dict[str, Checklist] = {}
    for c in Checklist.objects.filter(
        purpose=purpose, published_at__isnull=False, active=True
    ).order_by("code", "-version"):
        newest.setdefault(c.code, c)
    return list(newest.values())


def checklist_versions(code: str) -> QuerySet[Checklist]:
    return Checklist.objects.filter(code=code).order_by("-version")


def checklist_get(checklist_id: Any) -> Checklist:
    """One checklist version (checklists are head-office data everybody reads); NotFound for a
    missing or malformed id."""
    try:
        return Checklist.objects.get(pk=checklist_id)
    except (Checklist.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def checklist_items(checklist: Checklist) -> list[ChecklistItem]:
    return list(checklist.items.order_by("position"))


# --- writes --------------------------------------------------------------------------------------


def _require_global(actor: Actor, perm: str) -> None:
    if not actor.can_globally(perm):
        raise Forbidden(_("只有总公司的授权人员可以维护评分清单。"))


def _clean_items(specs: Iterable[ItemSpec | Mapping[str, Any]]) -> list[ItemSpec]:
    errors: dict[str, list[str]] = {}
    out: list[ItemSpec] = []
    for n, raw in enumerate(specs, start=1):
        spec = raw if isinstance(raw, ItemSpec) else None
        if spec is None:
            data = dict(raw)  # type: ignore[arg-type]
            try:
                points = int(str(data.get("points", 1)).strip() or 1)
            except ValueError:
                points = -1
            spec = ItemSpec(
                category=str(data.get("category") or "").strip(),
                text=str(data.get("text") or "").strip(),
                points=points,
                critical=str(data.get("critical") or "").lower() in {"1", "true", "on", "yes"},
                clause=str(data.get("clause") or "").strip(),
            )
        if not spec.text or len(spec.text) > 300:
            errors[f"items.{n}.text"] = [_("请填写检查项（不超过 300 字）。")]
        if not spec.category or len(spec.category) > 60:
            errors[f"items.{n}.category"] = [_("请填写区域或类别（不超过 60 字）。")]
        if not 1 <= spec.points <= POINTS_MAX:
            errors[f"items.{n}.points"] = [_("分值应为 1 到 {n} 的整数。").format(n=POINTS_MAX)]
        if len(spec.clause) > 20:
            errors[f"items.{n}.clause"] = [_("条款编号不超过 20 个字符。")]
        out.append(spec)
    if not out:
        errors["items"] = [_("评分清单至少要有一个检查项。")]
    elif len(out) > ITEMS_MAX:
        errors["items"] = [_("评分清单最多 {n} 个检查项。").format(n=ITEMS_MAX)]
    if errors:
        raise ValidationFailed(_("评分清单有误，请按提示修改。"), fields=errors)
    return out


def _write_items(checklist: Checklist, specs: Sequence[ItemSpec]) -> None:
    checklist.items.all().delete()
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, position=i, category=s.category, text=s.text,
                      points=s.points, critical=s.critical, clause=s.clause)
        for i, s in enumerate(specs, start=1)
    )  # fmt: skip


@transaction.atomic
def checklist_seed(
    *, actor: Actor, code: str, name: str, purpose: str, items: Sequence[ItemSpec],
    pass_percent: int = 80, note: str = "",
) -> Checklist:  # fmt: skip
    """Version 1 of a checklist, published (seeds: migrations, demos); the existing newest
    version when the code is already known."""
    existing = Checklist.objects.filter(code=code).order_by("-version").first()
    if existing is not None:
        return existing
    checklist = Checklist.objects.create(
        code=code, version=1, name=name, purpose=purpose, pass_percent=pass_percent, note=note,
        published_at=timezone.now(), published_by=actor.username,
    )  # fmt: skip
    _write_items(checklist, _clean_items(items))
    audit_record(actor=actor, action="checklist.publish", subject=checklist,
                 data={"code": code, "version": 1})  # fmt: skip
    return checklist


@transaction.atomic
def checklist_draft(*, actor: Actor, perm: str, code: str) -> Checklist:
    """The draft that follows the newest version of ``code`` (its items copied), or the draft
    that already exists: editing a published checklist makes a new version."""
    _require_global(actor, perm)
    versions = list(Checklist.objects.select_for_update().filter(code=code).order_by("-version"))
    if not versions:
        raise NotFound()
    newest = versions[0]
    if not newest.is_published:
        return newest
    draft = Checklist.objects.create(
        code=code, version=newest.version + 1, name=newest.name, purpose=newest.purpose,
        pass_percent=newest.pass_percent, active=False, applies_to=newest.applies_to,
    )  # fmt: skip
    _write_items(
        draft,
        [ItemSpec(i.category, i.text, i.points, i.critical, i.clause)
         for i in checklist_items(newest)],
    )  # fmt: skip
    audit_record(actor=actor, action="checklist.draft", subject=draft,
                 data={"code": code, "version": draft.version})  # fmt: skip
    return draft


@transaction.atomic
def checklist_items_set(
    *, actor: Actor, perm: str, checklist_id: Any, items: Sequence[ItemSpec | Mapping[str, Any]],
    name: str | None = None, pass_percent: int | None = None, note: str | None = None,
) -> Checklist:  # fmt: skip
    """Replace a draft's items (and its name, pass mark, note). A published version is frozen:
    409 ``checklist_published``."""
    _require_global(actor, perm)
    checklist = Checklist.objects.select_for_update().filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound()
    if checklist.is_published:
        raise Conflict(_("已发布的评分清单版本不可修改，请编辑新版本。"),
                       code="checklist_published")  # fmt: skip
    specs = _clean_items(items)
    fields = ["updated_at"]
    if name is not None and name.strip():
        checklist.name, fields = name.strip()[:120], [*fields, "name"]
    if pass_percent is not None:
        if not 1 <= pass_percent <= 100:
            raise ValidationFailed(_("合格线应为 1 到 100。"),
                                   fields={"pass_percent": [_("合格线应为 1 到 100。")]})  # fmt: skip
        checklist.pass_percent, fields = pass_percent, [*fields, "pass_percent"]
    if note is not None:
        checklist.note, fields = note.strip()[:200], [*fields, "note"]
    checklist.save(update_fields=fields)
    _write_items(checklist, specs)
    audit_record(actor=actor, action="checklist.draft", subject=checklist,
                 data={"code": checklist.code, "version": checklist.version,
                       "items": len(specs)})  # fmt: skip
    return checklist


@transaction.atomic
def checklist_publish(*, actor: Actor, perm: str, checklist_id: Any) -> Checklist:
    """Freeze a draft: from now on it is the version new work uses; what was scored on an older
    version keeps it."""
    _require_global(actor, perm)
    checklist = Checklist.objects.select_for_update().filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound()
    if checklist.is_published:
        raise Conflict(_("该版本已经发布。"), code="checklist_published")
    if not checklist.items.exists():
        raise ValidationFailed(_("评分清单至少要有一个检查项。"),
                               fields={"items": [_("请添加检查项。")]})  # fmt: skip
    newest = Checklist.objects.filter(code=checklist.code).aggregate(v=Max("version"))["v"]
    if newest != checklist.version:
        raise Conflict(_("已有更新的版本。"), code="stale_version")
    checklist.published_at, checklist.published_by = timezone.now(), actor.username
    checklist.active = True
    Checklist.objects.filter(code=checklist.code, active=True).exclude(pk=checklist.pk).update(
        active=False
    )
    checklist.save(update_fields=["published_at", "published_by", "active", "updated_at"])
    audit_record(actor=actor, action="checklist.publish", subject=checklist,
                 data={"code": checklist.code, "version": checklist.version})  # fmt: skip
    return checklist


@transaction.atomic
def checklist_set_active(*, actor: Actor, perm: str, checklist_id: Any, active: bool) -> Checklist:
    """Make a published version the one new work uses (the code's other versions are retired),
    or retire it (then the code has no active version until one is activated or published). A
    draft cannot be activated: 409 ``checklist_draft``."""
    _require_global(actor, perm)
    checklist = Checklist.objects.select_for_update().filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound()
    if active and not checklist.is_published:
        raise Conflict(_("草稿版本不能启用，请先发布。"), code="checklist_draft")
    # every version of the code locked: two activations at once leave one active, not two
    list(Checklist.objects.select_for_update().filter(code=checklist.code).values_list("pk"))
    if active:
        Checklist.objects.filter(code=checklist.code, active=True).exclude(pk=checklist.pk).update(
            active=False
        )
    checklist.active = active
    checklist.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, action="checklist.active", subject=checklist,
                 data={"code": checklist.code, "version": checklist.version,
                       "active": active})  # fmt: skip
    return checklist
