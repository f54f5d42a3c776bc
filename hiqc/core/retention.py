"""Retention enforced, one mechanism for every domain (standard 6.1.3(3); PIPL arts. 19, 47;
PI-3; issue 21 §2).

A domain registers a ``RetentionPolicy`` at start-up (``AppConfig.ready``): which records are due
on a date (their retention has ended and their personal data is still there), how they are removed
(deleted, or anonymised: the personal fields emptied and the record kept for the statistics), the
case number that names them in a report, and the case type a legal hold names. The kernel imports
no domain.

The daily job (``core.retention_daily``) works in two steps, so nothing goes unannounced:

1. **the dry run** — a ``RetentionReport`` listing, per policy, what will be due on
   ``today + retention.notice_days`` (design default 7 days): the record ids, their case numbers
   and how many a legal hold spares;
2. **the removal** — on that day, the report is applied: only records it listed that are still due
   and not under a hold standing then are removed, in one transaction per policy, with one audit
   event per policy (counts only). An older report not yet applied is superseded by the newer one
   (what it listed and is still due, the newer one lists again).

A ``LegalHold`` on a case (placed and released with reasons by holders of ``privacy.hold``)
stops every policy whose hold type is that case's, until released.

**References** (ADR 0031): a record that other domains' records point at (a customer) is kept as
long as any of them is retained. Each of those domains registers a provider with
``register_reference(target, code, provider)``: ``provider(as_of)`` answers the ids of ``target``
still needed on that day (a queryset of primary keys); the owner of ``target`` asks
``still_referenced(target, as_of)`` and excludes them. The kernel names none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import Actor, get_in_scope, object_path, require, scope
from .audit import audit_record
from .calendar import BEIJING
from .errors import Conflict, NotFound, ValidationFailed
from .models import LegalHold, RetentionReport
from .rules import Rule, rule_value

VIEW = "privacy.view"
HOLD = "privacy.hold"

DELETE = "delete"
ANONYMISE = "anonymise"
METHODS = {
    DELETE: gettext_lazy("删除"),
    ANONYMISE: gettext_lazy("匿名化（清除个人信息，保留统计）"),
}

NOTICE = Rule(
    "retention.notice_days",
    7,
    "days",
    gettext_lazy("保存期届满删除前的公示天数"),
    "HIQC 设计默认值（P）；标准 6.1.3(3)、个人信息保护法第十九条、第四十七条：到期记录先列入"
    "待删除报告，公示期内可设置法律保全",
    "P",
)

REFS_SHOWN = 200  # case numbers kept per policy in a report (the ids are all kept)
CHUNK = 500


@dataclass(frozen=True)
class RetentionPolicy:
    """One kind of record with a retention period.

    ``due(as_of)`` — the records whose retention has ended before ``as_of`` and whose personal
    data is still held; ``remove(queryset, now)`` — delete or anonymise them, returning how many;
    ``ref_field`` — the field shown in a report (a case number, never personal data);
    ``hold_type`` / ``hold_field`` — a legal hold of that type on the value of that field spares
    the record; ``number_field`` — how a hold names the case (empty: no hold by number)."""

    code: str
    label: Any
    model: str  # "app_label.Model"
    method: str
    basis: Any  # where the period comes from, e.g. "CL-9，保险法第八十七条"
    due: Callable[[date], QuerySet[Any]]
    remove: Callable[[QuerySet[Any], datetime], int]
    ref_field: str = "pk"
    hold_type: str = ""
    hold_field: str = "pk"
    number_field: str = ""

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


REGISTRY: dict[str, RetentionPolicy] = {}


def register_retention(policy: RetentionPolicy) -> None:
    if policy.method not in METHODS:
        raise ValueError(f"unknown retention method {policy.method!r}")
    existing = REGISTRY.get(policy.code)
    if existing is not None and existing != policy:
        raise ValueError(f"retention policy {policy.code!r} registered twice")
    REGISTRY[policy.code] = policy


# target model label → {provider code → provider(as_of) → ids still needed on as_of}
REFERENCES: dict[str, dict[str, Callable[[date], QuerySet[Any]]]] = {}


def register_reference(target: str, code: str, provider: Callable[[date], QuerySet[Any]]) -> None:
    """Declare that records of domain ``code`` still need some ``target`` records on a date:
    ``provider(as_of)`` is a ``values_list(..., flat=True)`` queryset of their primary keys."""
    providers = REFERENCES.setdefault(target, {})
    existing = providers.get(code)
    if existing is not None and existing is not provider:
        raise ValueError(f"reference provider {code!r} for {target!r} registered twice")
    providers[code] = provider


def still_referenced(target: str, as_of: date) -> list[QuerySet[Any]]:
    """The querysets of ``target`` ids that some retained record still needs on ``as_of``."""
    return [provider(as_of) for _code, provider in sorted(REFERENCES.get(target, {}).items())]


def reference_codes(target: str) -> list[str]:
    return sorted(REFERENCES.get(target, {}))


def retention_kinds() -> list[RetentionPolicy]:
    return sorted(REGISTRY.values(), key=lambda p: p.code)


def hold_types() -> dict[str, RetentionPolicy]:
    """Hold type → the policy whose cases it names (policies that can be held by number)."""
    return {p.hold_type: p for p in retention_kinds() if p.hold_type and p.number_field}


def beijing_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(BEIJING).date()


# --- legal holds -------------------------------------------------------------------------------


def _held(policy: RetentionPolicy) -> list[str]:
    if not policy.hold_type:
        return []
    return list(
        LegalHold.objects.filter(case_type=policy.hold_type, released_at__isnull=True).values_list(
            "case_id", flat=True
        )
    )


def _unheld(policy: RetentionPolicy, qs: QuerySet[Any]) -> QuerySet[Any]:
    held = _held(policy)
    return qs.exclude(**{f"{policy.hold_field}__in": held}) if held else qs


def legal_holds(actor: Actor, *, standing: bool | None = None) -> QuerySet[LegalHold]:
    require(actor, VIEW)
    qs = scope(actor, LegalHold.objects.all(), VIEW)
    if standing is not None:
        qs = qs.filter(released_at__isnull=standing)
    return qs


def legal_hold_place(*, actor: Actor, case_type: str, number: str, reason: str) -> LegalHold:
    """Place a hold on the case of that type and number, in the actor's ``privacy.hold`` scope.
    A case out of scope answers as a missing one."""
    require(actor, HOLD)
    errors: dict[str, list[str]] = {}
    policy = hold_types().get(case_type)
    if policy is None:
        errors["case_type"] = [_("请选择可保全的案件类型。")]
    number, reason = (number or "").strip(), (reason or "").strip()
    if not number:
        errors["number"] = [_("请填写案件编号。")]
    if not reason:
        errors["reason"] = [_("请填写保全原因（如诉讼、监管调查）。")]
    elif len(reason) > 300:
        errors["reason"] = [_("保全原因不超过 300 字。")]
    if errors:
        raise ValidationFailed(_("法律保全信息有误。"), fields=errors)
    assert policy is not None
    model: Any = policy.model_class()
    case = (
        scope(actor, model._default_manager.all(), HOLD)
        .filter(**{policy.number_field: number[:60]})
        .first()
    )
    if case is None:
        raise NotFound()
    case_id = str(case.pk)  # the policy's records carry it in ``hold_field``
    try:
        with transaction.atomic():
            hold = LegalHold.objects.create(
                case_type=case_type,
                case_id=case_id,
                case_label=number[:60],
                reason=reason,
                org_path=object_path(case),
                placed_by=actor.username,
            )
    except IntegrityError:
        raise Conflict(_("该案件已在法律保全中。"), code="held") from None
    audit_record(
        actor=actor,
        action="privacy.hold.place",
        subject=hold,
        data={"case_type": case_type, "case": number[:60]},
    )
    return hold


def legal_hold_release(*, actor: Actor, hold_id: Any, reason: str) -> LegalHold:
    require(actor, HOLD)
    hold = get_in_scope(actor, LegalHold.objects.all(), hold_id, HOLD)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写解除原因。"), fields={"reason": [_("请填写解除原因。")]})
    if hold.released_at is not None:
        raise Conflict(_("该法律保全已解除。"), code="released")
    hold.released_at = timezone.now()
    hold.released_by = actor.username
    hold.release_reason = reason[:300]
    hold.save(update_fields=["released_at", "released_by", "release_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="privacy.hold.release",
        subject=hold,
        data={"case_type": hold.case_type, "case": hold.case_label},
    )
    return hold


# --- the dry run and the removal ---------------------------------------------------------------


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def report_make(*, as_of: date, made_by: str = "system") -> RetentionReport:
    """The dry run: what each policy will remove on ``as_of`` (records due then, minus held)."""
    items: dict[str, Any] = {}
    for policy in retention_kinds():
        due = policy.due(as_of)
        kept = _unheld(policy, due)
        rows = list(kept.order_by(policy.ref_field).values_list("pk", policy.ref_field))
        items[policy.code] = {
            "ids": [str(pk) for pk, _ref in rows],
            "refs": [str(ref) for _pk, ref in rows[:REFS_SHOWN]],
            "held": due.count() - len(rows),
        }
    return RetentionReport.objects.create(as_of=as_of, made_by=made_by, items=items)


def report_apply(report: RetentionReport, *, now: datetime | None = None) -> dict[str, int]:
    """Remove what ``report`` listed that is still due today and not held now; record it."""
    now = now or timezone.now()
    today = beijing_today(now)
    if report.applied_at is not None:
        raise Conflict(_("该报告已执行。"), code="applied")
    if report.as_of > today:
        raise Conflict(_("公示期未满，尚不能执行。"), code="too_early")
    removed: dict[str, int] = {}
    for policy in retention_kinds():
        ids = report.items.get(policy.code, {}).get("ids", [])
        count = 0
        with transaction.atomic():
            for chunk in _chunks(ids):
                qs = _unheld(policy, policy.due(today).filter(pk__in=chunk))
                count += policy.remove(qs, now)
        removed[policy.code] = count
        if ids:
            audit_record(
                actor=Actor.system("retention"),
                action="privacy.retention.apply",
                subject_type="retention_report",
                subject_id=str(report.pk),
                org_path="",
                data={"policy": policy.code, "listed": len(ids), "removed": count},
                at=now,
            )
    report.applied_at = now
    report.applied = removed
    report.save(update_fields=["applied_at", "applied"])
    return removed


def retention_daily(*, now: datetime | None = None) -> dict[str, Any]:
    """The daily job: apply the newest report whose day has come (superseding older unapplied
    ones), then make the dry run for ``today + notice`` unless it exists."""
    now = now or timezone.now()
    today = beijing_today(now)
    out: dict[str, Any] = {"applied": {}, "report": None}
    ready = RetentionReport.objects.filter(
        applied_at__isnull=True, superseded=False, as_of__lte=today
    ).order_by("-as_of", "-id")
    latest = ready.first()
    if latest is not None:
        ready.exclude(pk=latest.pk).update(superseded=True)
        out["applied"] = report_apply(latest, now=now)
    as_of = today + timedelta(days=int(rule_value(NOTICE.key)))
    if not RetentionReport.objects.filter(as_of=as_of).exists():
        report = report_make(as_of=as_of)
        out["report"] = {"as_of": as_of.isoformat(), "listed": report.total()}
    return out


def reports(actor: Actor) -> QuerySet[RetentionReport]:
    require(actor, VIEW)
    return RetentionReport.objects.all()


def pending_report() -> RetentionReport | None:
    """The next report to be applied (the dry run people should read)."""
    return (
        RetentionReport.objects.filter(applied_at__isnull=True, superseded=False)
        .order_by("as_of", "id")
        .first()
    )
