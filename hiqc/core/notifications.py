"""Notifications and escalation (issue 3 §8).

In-app inbox rows plus an e-mail copy (Django's e-mail backend: console in the demo, SMTP in
production) unless the user switched e-mail off for that kind. A deadline warning goes to the
case's assignee (to the supervisors when nobody is assigned); a breach goes to the assignee, the
supervisor role over the case's org unit and the quality lead. Who holds those roles is answered by
the organisations app through ``set_recipient_resolver`` (the kernel imports no domain).

This module sits below the deadlines and the jobs and imports neither: warnings and breaches arrive
as ``hiqc.core.deadlines.deadline_warned`` (``on_deadline_warned``, connected in CoreConfig.ready),
and the e-mail copies go out through the queued job CoreConfig.ready hands to ``set_email_sender``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import BEIJING
from .casekinds import CASE_KINDS, case_url, clock_declared
from .models import BREACH_LEVEL, Deadline, Notification

Kind = Notification.Kind
SUPERVISOR = "supervisor"
QUALITY = "quality_department"  # the escalation purpose: the quality department, not an app

_resolver: Callable[[str, str], list[Any]] | None = None
_email_sender: Callable[[list[int]], Any] | None = None


def set_recipient_resolver(resolver: Callable[[str, str], list[Any]]) -> None:
    """``resolver(org_path, purpose)`` → ids of active users holding the role for ``purpose``
    (SUPERVISOR or QUALITY) over the org unit at ``org_path``."""
    global _resolver
    _resolver = resolver


def set_email_sender(sender: Callable[[list[int]], Any]) -> None:
    """``sender(notification_ids)`` sends the e-mail copies of new inbox rows; ``notify`` calls it
    after the commit. CoreConfig.ready sets the queued job (``hiqc.core.tasks``); unset, no
    e-mail is sent."""
    global _email_sender
    _email_sender = sender


_HOLDERS: dict[tuple[str, str], tuple[float, list[Any]]] = {}
HOLDERS_CACHE_SECONDS = 60  # a sweep raising thousands of levels asks once per unit and purpose


def clear_recipient_cache() -> None:
    _HOLDERS.clear()


def _holders(org_path: str, purpose: str) -> list[Any]:
    if _resolver is None:
        return []
    hit = _HOLDERS.get((org_path, purpose))
    if hit is not None and monotonic() - hit[0] < HOLDERS_CACHE_SECONDS:
        return hit[1]
    holders = list(_resolver(org_path, purpose))
    _HOLDERS[(org_path, purpose)] = (monotonic(), holders)
    return holders


_SUPPRESSED: ContextVar[bool] = ContextVar("hiqc_notifications_suppressed", default=False)


@contextmanager
def notifications_suppressed() -> Iterator[None]:
    """Record history without telling anyone: inside, ``notify`` creates nothing and sends nothing.

    For loading past data (the demo's history, a backfill): a warning or breach that fell due
    months ago is recorded on its deadline, but nobody's inbox fills with it as if it were news.
    """
    token = _SUPPRESSED.set(True)
    try:
        yield
    finally:
        _SUPPRESSED.reset(token)


def notifications_quiet() -> bool:
    """Inside ``notifications_suppressed``: what is recorded now tells nobody."""
    return _SUPPRESSED.get()


def notify(
    *,
    user_ids: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    case_type: str = "",
    case_id: str = "",
    dedupe_key: str,
) -> list[int]:
    """Create inbox rows (once per user and dedupe key) and send e-mail copies after commit."""
    created: list[int] = []
    if _SUPPRESSED.get():
        return created
    for user_id in dict.fromkeys(u for u in user_ids if u):
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user_id=user_id,
                        kind=kind,
                        title=title[:200],
                        body=body,
                        url=url,
                        case_type=case_type,
                        case_id=case_id,
                        dedupe_key=dedupe_key[:120],
                    ).pk
                )
        except IntegrityError:
            continue
    if created and _email_sender is not None:
        send = _email_sender
        transaction.on_commit(lambda: send(created))
    return created


def _assignee_id(deadline: Deadline) -> Any:
    try:
        model = apps.get_model(deadline.case_type)
    except (LookupError, ValueError):
        return None
    return (
        model._default_manager.filter(pk=deadline.case_id)
        .values_list("assignee_id", flat=True)
        .first()
    )


def _is_window(deadline: Deadline) -> bool:
    clock = clock_declared(deadline.case_type, deadline.clock)
    return clock is not None and clock.window


def on_deadline_warned(
    sender: Any, deadline: Deadline, level: int, quiet: bool = False, **kwargs: Any
) -> None:
    """Tell the people a warning or breach concerns — unless it was raised while recording history
    (``quiet``: raised inside ``notifications_suppressed``, whenever the commit happens)."""
    if quiet:
        return
    assignee = _assignee_id(deadline)
    due = timezone.localtime(deadline.due_at, BEIJING)
    due_text = (
        f"{deadline.last_day:%Y-%m-%d} 24:00" if deadline.last_day else f"{due:%Y-%m-%d %H:%M}"
    )
    common = {
        "url": case_url(deadline.case_type, deadline.case_id),
        "case_type": deadline.case_type,
        "case_id": deadline.case_id,
        "dedupe_key": f"deadline:{deadline.pk}:{deadline.restarts}:{level}",
    }
    if level == BREACH_LEVEL:
        if _is_window(deadline):  # a right that was not used: nobody missed anything
            return
        recipients = [
            assignee,
            *_holders(deadline.org_path, SUPERVISOR),
            *_holders(deadline.org_path, QUALITY),
        ]
        notify(
            user_ids=recipients,
            kind=Kind.DEADLINE_BREACH,
            title=_("已超时：{label}（截止 {due}）").format(label=deadline.label, due=due_text),
            body=_("依据：{source}。请立即处理并记录原因。").format(source=deadline.source),
            **common,
        )
    else:
        recipients = [assignee] if assignee else _holders(deadline.org_path, SUPERVISOR)
        notify(
            user_ids=recipients,
            kind=Kind.DEADLINE_WARNING,
            title=_("即将到期：{label}（截止 {due}）").format(label=deadline.label, due=due_text),
            body=_("依据：{source}。预警级别 {level}。").format(
                source=deadline.source, level=level
            ),
            **common,
        )


def daily_digest(now: datetime | None = None) -> int:
    """One inbox message per assignee with open cases: how many are breached and how many fall due
    within two days. Idempotent per day (dedupe key); returns the number of messages created."""
    now = now or timezone.now()
    today = timezone.localtime(now, BEIJING).date()
    soon = now + timedelta(days=2)
    per_user: dict[Any, dict[str, int]] = {}
    for kind in CASE_KINDS.values():
        open_cases = dict(
            kind.model._default_manager.exclude(status__in=kind.workflow.final)
            .exclude(assignee__isnull=True)
            .values_list("pk", "assignee_id")
        )
        if not open_cases:
            continue
        ids = {str(pk): user for pk, user in open_cases.items()}
        for case_id, state, due_at in Deadline.objects.filter(
            case_type=kind.label, case_id__in=list(ids), closed_at__isnull=True
        ).values_list("case_id", "state", "due_at"):
            counts = per_user.setdefault(ids[case_id], {"breached": 0, "soon": 0})
            if state == Deadline.State.BREACHED:
                counts["breached"] += 1
            elif state == Deadline.State.RUNNING and due_at <= soon:
                counts["soon"] += 1
    created = 0
    for user_id, counts in per_user.items():
        if not counts["breached"] and not counts["soon"]:
            continue
        created += len(
            notify(
                user_ids=[user_id],
                kind=Kind.DAILY_DIGEST,
                title=_("{day} 待办：{b} 件已超时，{s} 件两日内到期").format(
                    day=today, b=counts["breached"], s=counts["soon"]
                ),
                body=_("请在“我的待办”中按紧急程度处理。"),
                url="/my-work/",
                dedupe_key=f"digest:{today.isoformat()}",
            )
        )
    return created
