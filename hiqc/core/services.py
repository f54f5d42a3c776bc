"""Kernel writes used by jobs: audit-chain checks and session clean-up, each recorded as a JobRun."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import Actor, require, role_codes
from .audit import audit_record, verify_chain
from .calendar import clear_year_cache, parse_holiday_file
from .casekinds import CASE_KINDS
from .crypto import PREFIX, decrypt, encrypt, encrypted_fields, keyring
from .errors import Forbidden, NotFound, ValidationFailed
from .models import (
    CalendarDay,
    CalendarYear,
    JobRun,
    Notification,
    NotificationPreference,
    ProcessVersion,
    RuleOverride,
)
from .plan_links import plan_check
from .plan_links import refusal as plan_refusal
from .processes import validate_parameters
from .rules import RULES

log = logging.getLogger(__name__)


def audit_chain_check() -> JobRun:
    """Recompute the audit chain (PI-8); a broken chain is logged as an error and shown on /healthz."""
    report = verify_chain()
    if not report.ok:
        log.error("audit chain broken at seq=%s: %s", report.seq, report.problem)
    return JobRun.objects.create(job="core.audit_verify", ok=report.ok, summary=report.as_dict())


def sessions_clear() -> JobRun:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return JobRun.objects.create(job="core.sessions_clear", ok=True, summary={"deleted": deleted})


@transaction.atomic
def rule_override_set(*, actor: Actor, key: str, value: object, reason: str) -> int | str:
    """Configure a rule (DESIGN rule 9). Legal floors only rise and ceilings only fall; setting the
    default again removes the override. Needs rules.manage over the head office."""
    if not actor.can_globally("rules.manage"):
        raise Forbidden(_("调整规则参数需要总公司层级的“调整规则参数”权限。"))
    rule = RULES.get(key)
    if rule is None:
        raise ValidationFailed(_("规则参数有误。"), fields={"key": [_("未知的规则。")]})
    errors: dict[str, list[str]] = {}
    try:
        typed = rule.parse(value)
    except ValueError as exc:
        errors["value"] = [str(exc)]
    else:
        problem = rule.check(typed)
        if problem:
            errors["value"] = [problem]
    reason = (reason or "").strip()
    if len(reason) < 4:
        errors["reason"] = [_("请说明调整理由（至少 4 个字）。")]
    if errors:
        raise ValidationFailed(_("规则参数有误。"), fields=errors)
    stored = RuleOverride.objects.filter(key=key).values_list("value", flat=True).first()
    previous = rule.default if stored is None else rule.parse(stored)
    if typed == rule.default:
        RuleOverride.objects.filter(key=key).delete()
    else:
        RuleOverride.objects.update_or_create(
            key=key, defaults={"value": str(typed), "reason": reason}
        )
    audit_record(
        actor=actor,
        action="rule.set",
        subject_type="core.rule",
        subject_id=key,
        fields=["value"],
        data={"from": previous, "to": typed, "reason": reason},
    )
    return typed


@dataclass(frozen=True)
class HolidayLoadReport:
    years: dict[int, int]  # year → days loaded
    rejected: list[tuple[int, str]]  # (line, problem)


@transaction.atomic
def calendar_years_load(*, actor: Actor, text: str, note: str = "") -> HolidayLoadReport:
    """Load or correct whole years of the holiday calendar from a ``date,type,name`` file.

    Each year present in the file replaces that year's table (re-loading the same file changes
    nothing); bad lines are reported with their line number and the good ones still load. The
    loaded year then takes precedence over the chinese-calendar package."""
    if not actor.can_globally("calendar.manage"):
        raise Forbidden(_("维护节假日日历需要总公司层级的“维护节假日日历”权限。"))
    rows, rejected = parse_holiday_file(text)
    clear_year_cache()
    transaction.on_commit(clear_year_cache)
    by_year: dict[int, list] = {}
    for row in rows:
        by_year.setdefault(row.day.year, []).append(row)
    for year, year_rows in by_year.items():
        calendar_year, _created = CalendarYear.objects.update_or_create(
            year=year, defaults={"loaded_by": actor.username, "note": note[:255]}
        )
        CalendarDay.objects.filter(calendar_year=calendar_year).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(
                calendar_year=calendar_year, date=r.day, is_working=r.is_working, name=r.name
            )
            for r in year_rows
        )
        audit_record(
            actor=actor,
            action="calendar.load",
            subject=calendar_year,
            data={"year": year, "days": len(year_rows), "rejected_lines": len(rejected)},
        )
    return HolidayLoadReport(
        years={y: len(r) for y, r in sorted(by_year.items())}, rejected=rejected
    )


@transaction.atomic
def calendar_year_reset(*, actor: Actor, year: int) -> None:
    """Drop an administrator's table for ``year``: the package (or the Mon–Fri fallback) applies."""
    if not actor.can_globally("calendar.manage"):
        raise Forbidden(_("维护节假日日历需要总公司层级的“维护节假日日历”权限。"))
    deleted, _rows = CalendarYear.objects.filter(year=year).delete()
    clear_year_cache()
    transaction.on_commit(clear_year_cache)
    if deleted:
        audit_record(
            actor=actor,
            action="calendar.reset",
            subject_type="core.calendaryear",
            subject_id=str(year),
            data={"year": year},
        )


EMAIL_RETRY_AFTER = timedelta(minutes=5)  # the queued send has had its chance by then
EMAIL_RETRY_WINDOW = timedelta(hours=24)  # older copies are stale: the inbox row stays


def notification_emails_send(notification_ids: list[int]) -> int:
    """Send the e-mail copy of each notification whose user has e-mail on for its kind, over one
    connection. A relay that cannot be reached leaves every copy unsent (``emailed_at`` empty) for
    ``notification_emails_retry`` and logs one warning with counts only; a recipient the relay
    refuses is skipped (not retried) and the others still go. ``emailed_at`` is the claim: set
    before the send, so two senders never mail one copy twice."""
    rows = list(
        Notification.objects.select_related("user").filter(
            pk__in=notification_ids, emailed_at__isnull=True
        )
    )
    off = set(
        NotificationPreference.objects.filter(
            email=False, user_id__in=[r.user_id for r in rows]
        ).values_list("user_id", "kind")
    )
    due = [r for r in rows if (r.user_id, r.kind) not in off and r.user.email and r.user.is_active]
    if not due:
        return 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        log.warning(
            "e-mail relay unavailable (%s); %d copies left for the retry sweep",
            type(exc).__name__,
            len(due),
        )
        return 0
    sent = 0
    try:
        for row in due:
            # claimed first (one conditional update): the queued send and the retry sweep never
            # both mail a copy; a failed send gives the claim back
            claimed = Notification.objects.filter(pk=row.pk, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
            if not claimed:
                continue
            message = EmailMessage(
                subject=f"[HIQC] {row.title}",
                body=f"{row.body}\n{row.url}".strip(),
                to=[row.user.email],
                connection=connection,
            )
            try:
                message.send(fail_silently=False)
            except smtplib.SMTPRecipientsRefused:
                # refused for good: the claim stays, so the sweep does not retry it all day
                log.warning("e-mail copy of notification %s refused by the relay", row.pk)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                Notification.objects.filter(pk=row.pk).update(emailed_at=None)
                log.warning(
                    "e-mail relay failed (%s); %d copies left for the retry sweep",
                    type(exc).__name__,
                    len(due) - sent,
                )
                break
            sent += 1
    finally:
        connection.close()
    return sent


def notification_emails_retry() -> dict[str, int]:
    """E-mail copies still unsent a few minutes after their inbox row (the relay was down when
    the queued send ran), for a day; then the inbox row alone stands."""
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lt=now - EMAIL_RETRY_AFTER,
            created_at__gte=now - EMAIL_RETRY_WINDOW,
            user__is_active=True,
        )
        .exclude(user__email="")
        .exclude(
            Exists(
                NotificationPreference.objects.filter(
                    user_id=OuterRef("user_id"), kind=OuterRef("kind"), email=False
                )
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    return {"pending": len(ids), "sent": notification_emails_send(ids) if ids else 0}


def notification_mark_read(*, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one (or all) of the actor's own notifications read."""
    if actor.user_id is None:
        return 0
    qs = Notification.objects.filter(user_id=actor.user_id, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def notification_preferences_set(*, actor: Actor, email_kinds: set[str]) -> None:
    """E-mail on for ``email_kinds``, off for the other kinds."""
    for kind in Notification.Kind.values:
        NotificationPreference.objects.update_or_create(
            user_id=actor.user_id, kind=kind, defaults={"email": kind in email_kinds}
        )


@transaction.atomic
def process_version_publish(
    *,
    actor: Actor,
    process: str,
    org_path: str,
    effective_from: date,
    parameters: dict,
    note: str,
    improvement_plan_id: str | None = None,
) -> ProcessVersion:
    """Publish the next version of a process's parameters for an org subtree ("" = everywhere).
    Running clocks keep the thresholds they started with. ``improvement_plan_id`` links the
    version to the improvement plan it implements (issue 16 §7; 2.2.2(3)): a plan the publisher
    may see, else a field error — the same for a plan of another unit as for none at all."""
    allowed = (
        actor.can_globally("process.manage")
        if not org_path
        else actor.can("process.manage", org_path)
    )
    if not allowed:
        raise Forbidden(_("发布流程版本需要该机构的“发布流程版本”权限。"))
    kind = CASE_KINDS.get(process)
    if kind is None:
        raise ValidationFailed(_("流程版本有误。"), fields={"process": [_("未知的流程。")]})
    errors = validate_parameters(
        parameters,
        transitions={t.name for t in kind.workflow.transitions},
        roles=role_codes(),
        clocks={c.code for c in kind.workflow.clocks},
    )
    if len((note or "").strip()) < 4:
        errors["note"] = [_("请说明本次变更（至少 4 个字）。")]
    plan_id = None
    if improvement_plan_id and str(improvement_plan_id).strip():
        try:
            plan_id = plan_check(actor, improvement_plan_id)
        except NotFound:
            errors["improvement_plan"] = [plan_refusal()]
    if errors:
        raise ValidationFailed(_("流程版本有误。"), fields=errors)
    last = (
        ProcessVersion.objects.select_for_update()
        .filter(process=process, org_path=org_path)
        .order_by("-number")
        .first()
    )
    version = ProcessVersion.objects.create(
        process=process,
        org_path=org_path,
        number=(last.number + 1) if last else 1,
        effective_from=effective_from,
        parameters=parameters,
        note=note.strip(),
        published_by=actor.username,
        improvement_plan_id=plan_id,
    )
    audit_record(
        actor=actor,
        action="process.publish",
        subject_type="core.processversion",
        subject_id=str(version.pk),
        org_path=org_path,
        data={
            "process": process,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
            **({"improvement_plan": str(plan_id)} if plan_id else {}),
        },
    )
    return version


AUDIT_EXPORT_MAX_ROWS = 50_000  # HIQC design default: one workbook stays openable in Excel


def audit_log_export(*, actor: Actor, filters: dict[str, Any]) -> bytes:
    """The filtered audit log as an Excel workbook; the export itself is audited."""
    from .exports import audit_workbook
    from .selectors import audit_event_list

    require(actor, "audit.view")
    body = audit_workbook(audit_event_list(actor, **filters)[:AUDIT_EXPORT_MAX_ROWS])
    audit_record(
        actor=actor,
        action="audit.export",
        subject_type="core.auditevent",
        data={k: str(v) for k, v in filters.items() if v},
    )
    return body


def encrypted_values_rotate(
    *,
    actor: Actor,
    batch: int = 500,
    on_total: Callable[[str, int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[str, int]:
    """Re-encrypt every encrypted value not yet under the current key (ADR 0006), one committed
    batch at a time, so an interruption loses nothing and a re-run resumes. ``on_total(key id,
    values to do)`` is called once before the work, ``on_batch(values)`` after each batch (a
    progress bar). Audited once; returns (current key id, values re-encrypted)."""
    current = keyring().current
    current_prefix = f"{PREFIX}:{current}:"
    work = []
    for model in apps.get_models():  # a system-wide maintenance pass: every row, no scope
        for field in encrypted_fields(model):
            raw = f"_raw_{field.attname}"
            qs = (
                model._default_manager.annotate(**{raw: Cast(field.attname, TextField())})
                .exclude(**{f"{raw}__startswith": current_prefix})
                .exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{raw: ""})
            )
            work.append((model, field, raw, qs))
    if on_total is not None:
        on_total(current, sum(qs.count() for *_, qs in work))
    done = 0
    for model, field, raw, qs in work:
        while True:
            with transaction.atomic():
                rows = list(qs.select_for_update().values_list("pk", raw)[:batch])
                if not rows:
                    break
                for pk, token in rows:
                    plain = decrypt(token, context=field.context)
                    model._default_manager.filter(pk=pk).update(
                        **{
                            field.attname: Value(
                                encrypt(plain, context=field.context), output_field=TextField()
                            )
                        }
                    )
            done += len(rows)
            if on_batch is not None:
                on_batch(len(rows))
    audit_record(actor=actor, action="crypto.rotate_keys", data={"key_id": current, "values": done})
    return current, done
