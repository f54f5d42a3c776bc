"""Every read of access governance (DESIGN rules 1–2; standard 6.2.1(4), 6.2.3(3)(4); issue 21
§4). Security roles and evaluations: ``security/selectors.py``.

* ``access_recertification`` — the door of a recertification case: missing and not yours are
  the same 404; ``recertification_list`` uses the same scope predicate.
* ``dormant_accounts`` — active people with no sign-in (last login, a session, an API token's
  last use; never signed in: since the account was created) for ``information.dormant_days``,
  or (``warning``) within ``information.dormant_warning_days`` of it. Service accounts (no usable
  password: they authenticate by API token only; or named in ``HIQC_SERVICE_ACCOUNTS``) are
  never listed.
* ``reveal_anomalies`` — the security officer's report on the audit log's reveal events,
  aggregated in SQL per person and Beijing day over a bounded date range (the audit table is the
  largest table of the system): a day above the person's usual rate, reveals outside working
  hours, many distinct customers within a short window. ``reveal_events`` is the drill-down.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DateTimeField, Max, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractHour, Greatest, TruncDate
from django.utils import timezone

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.audit_labels import audit_labels
from hiqc.core.calendar import BEIJING, load_year
from hiqc.core.models import AuditEvent, Deadline
from hiqc.core.rules import rule_value
from hiqc.organisations.models import User

from .enums import AUDIT_VIEW, VIEW, AnomalyKind, LineDecision
from .models import AccessRecertification, RecertificationLine, RecertificationRound
from .workflow import RECERT_PROCESS

# the database functions take a named zone (SQLite resolves it by name); China keeps no DST
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_RANGE_DAYS = 92  # one report covers at most a quarter
EARLIEST = date(2000, 1, 1)  # no audit log before it; keeps date arithmetic in range


# --- recertification -----------------------------------------------------------------------------


def recertification_list(actor: Actor, *, status: str = "", quarter: str = ""
                         ) -> QuerySet[AccessRecertification]:  # fmt: skip
    qs = scope(actor, AccessRecertification.objects.select_related("org_unit", "round"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if quarter:
        qs = qs.filter(round__quarter=quarter)
    return qs.annotate(
        lines_total=Count("lines"),
        lines_pending=Count("lines", filter=Q(lines__decision=LineDecision.PENDING)),
        lines_revoked=Count("lines", filter=Q(lines__decision=LineDecision.REVOKED)),
    ).order_by("-opened_at", "org_unit__path")


def access_recertification(actor: Actor, case_id: Any, *, for_update: bool = False
                           ) -> AccessRecertification:  # fmt: skip
    qs = (AccessRecertification.objects.all() if for_update
          else AccessRecertification.objects.select_related("org_unit", "round"))  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)


def recertification_lines(case: AccessRecertification) -> list[RecertificationLine]:
    return list(case.lines.select_related("user").order_by("user__username", "role"))


def rounds() -> QuerySet[RecertificationRound]:
    return RecertificationRound.objects.all()


def open_clocks(case_type: str, ids: list[Any]) -> dict[str, list[Deadline]]:
    """The running clocks of these cases, by case id."""
    out: dict[str, list[Deadline]] = {}
    for d in Deadline.objects.filter(case_type=case_type, case_id__in=[str(i) for i in ids],
                                     closed_at=None):  # fmt: skip
        out.setdefault(d.case_id, []).append(d)
    return out


RECERT_CASE_TYPE = RECERT_PROCESS


# --- dormant accounts ----------------------------------------------------------------------------


def _last_seen(qs: QuerySet[User]) -> Any:
    joined = "date_joined"
    return qs.annotate(last_seen=Greatest(
        Coalesce("last_login", joined),
        Coalesce(Max("sessions__created_at"), joined),
        Coalesce(Max("api_tokens__last_used_at"), joined),
        output_field=DateTimeField(),
    ))  # fmt: skip


def dormant_accounts(actor: Actor, *, now: datetime | None = None, warning: bool = False
                     ) -> list[dict[str, Any]]:  # fmt: skip
    """Active, non-service accounts in scope not seen for the rule's days (or, ``warning``, to be
    reached within the warning days), longest idle first: user, last seen, idle days, the day the
    account is (or was due to be) disabled."""
    now = now or timezone.now()
    days = int(rule_value("information.dormant_days"))
    warn = min(int(rule_value("information.dormant_warning_days")), days)
    cutoff = now - timedelta(days=days)
    qs: Any = scope(actor, User.objects.filter(is_active=True).select_related("org_unit"), VIEW)
    qs = qs.exclude(password__startswith="!")  # unusable password: a token-only service account
    service = list(getattr(settings, "HIQC_SERVICE_ACCOUNTS", ()))
    if service:
        qs = qs.exclude(username__in=service)
    qs = _last_seen(qs)
    if warning:
        qs = qs.filter(last_seen__gte=cutoff, last_seen__lt=cutoff + timedelta(days=warn))
    else:
        qs = qs.filter(last_seen__lt=cutoff)
    rows = []
    for user in qs.order_by("last_seen", "username"):
        seen: datetime = user.last_seen
        rows.append({
            "user": user, "last_seen": seen, "idle_days": (now - seen).days,
            "disable_on": (seen + timedelta(days=days)).astimezone(BEIJING).date(),
            "never_signed_in": user.last_login is None,
        })  # fmt: skip
    return rows


# --- reveal anomalies ----------------------------------------------------------------------------


def reveal_actions() -> list[str]:
    """The audit actions that reveal personal data in clear: every registered ``*.reveal``."""
    return sorted(a for a in audit_labels() if a.endswith(".reveal"))


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BEIJING)


def report_range(since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The report's first and last day: by default the last 7 days up to today; at most
    ``MAX_RANGE_DAYS`` (the start moves up)."""
    until = max(min(until or today, today), EARLIEST)
    since = max(since or until - timedelta(days=6), EARLIEST)
    if since > until:
        since = until
    if (until - since).days >= MAX_RANGE_DAYS:
        since = until - timedelta(days=MAX_RANGE_DAYS - 1)
    return since, until


def _reveals(actor: Actor, first: date, last: date) -> QuerySet[AuditEvent]:
    qs = scope(actor, AuditEvent.objects.all(), AUDIT_VIEW)
    return qs.filter(action__in=reveal_actions(), at__gte=_start(first),
                     at__lt=_start(last + timedelta(days=1))).order_by()  # fmt: skip


def _person(row: dict[str, Any]) -> tuple[str, str]:
    return (str(row["actor_id"] or ""), row["actor_name"])


def reveal_anomalies(actor: Actor, *, since: date | None = None, until: date | None = None,
                     today: date | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The anomalies of the days ``since``…``until`` (Beijing), newest day first. Each: kind,
    actor_id, actor_name, day, count, and what the rule compared (baseline mean and sd, the
    off-hours count, the distinct customers and the window's start)."""
    today = today or timezone.now().astimezone(BEIJING).date()
    first, last = report_range(since, until, today)
    baseline = int(rule_value("information.reveal_baseline_days"))
    k = int(rule_value("information.reveal_sd_multiple"))
    floor = int(rule_value("information.reveal_daily_floor"))
    start_h, end_h = int(rule_value("information.work_start_hour")), int(
        rule_value("information.work_end_hour"))  # fmt: skip
    burst_n = int(rule_value("information.reveal_burst_customers"))
    burst_m = int(rule_value("information.reveal_burst_minutes"))
    out: list[dict[str, Any]] = []

    # 1. per person and day, over the range and the baseline before it (one grouped query)
    daily = (_reveals(actor, first - timedelta(days=baseline), last)
             .annotate(day=TruncDate("at", tzinfo=SHANGHAI))
             .values("actor_id", "actor_name", "day")
             .annotate(n=Count("seq"), subjects=Count("subject_id", distinct=True)))  # fmt: skip
    counts: dict[tuple[tuple[str, str], date], int] = {}
    subjects: dict[tuple[tuple[str, str], date], int] = {}
    for row in daily:
        key = (_person(row), row["day"])
        counts[key] = counts.get(key, 0) + row["n"]
        subjects[key] = subjects.get(key, 0) + row["subjects"]
    for (person, day), n in counts.items():
        if not first <= day <= last or n < floor:
            continue
        history = [counts.get((person, day - timedelta(days=i)), 0) for i in range(1, baseline + 1)]
        mean = sum(history) / baseline
        sd = math.sqrt(sum((h - mean) ** 2 for h in history) / baseline)
        if n > mean + k * sd:
            out.append(_anomaly(AnomalyKind.RATE, person, day, n,
                                mean=round(mean, 1), sd=round(sd, 1)))  # fmt: skip

    # 2. outside working hours: per person, day and Beijing hour
    hourly = (_reveals(actor, first, last)
              .annotate(day=TruncDate("at", tzinfo=SHANGHAI), hour=ExtractHour("at", tzinfo=SHANGHAI))
              .values("actor_id", "actor_name", "day", "hour").annotate(n=Count("seq")))  # fmt: skip
    off: dict[tuple[tuple[str, str], date], int] = defaultdict(int)
    for row in hourly:
        day = row["day"]
        working = load_year(day.year).is_working_day(day)
        if not working or not start_h <= row["hour"] < end_h:
            off[(_person(row), day)] += row["n"]
    for (person, day), n in off.items():
        out.append(_anomaly(AnomalyKind.OFF_HOURS, person, day, n,
                            working_day=load_year(day.year).is_working_day(day)))  # fmt: skip

    # 3. many customers in a short window: only the person-days that reach the count at all
    for (person, day), distinct in subjects.items():
        if not first <= day <= last or distinct < burst_n:
            continue
        events = (_reveals(actor, day, day).filter(actor_name=person[1])
                  .filter(actor_id=person[0] or None).order_by("at")
                  .values_list("at", "subject_id"))  # fmt: skip
        best, best_start = _burst(list(events), timedelta(minutes=burst_m))
        if best >= burst_n:
            out.append(_anomaly(AnomalyKind.BURST, person, day, counts[(person, day)],
                                customers=best, window_start=best_start, minutes=burst_m))  # fmt: skip
    kinds = list(AnomalyKind.values)
    out.sort(key=lambda a: (-a["day"].toordinal(), a["actor_name"], kinds.index(a["kind"])))
    return out


def _burst(events: list[tuple[datetime, str]], window: timedelta) -> tuple[int, datetime | None]:
    """The most distinct subjects within any ``window`` (sliding), and when that window began."""
    seen: Counter[str] = Counter()
    queue: deque[tuple[datetime, str]] = deque()
    best, best_start = 0, None
    for at, subject in events:
        queue.append((at, subject))
        seen[subject] += 1
        while queue and at - queue[0][0] >= window:
            old = queue.popleft()[1]
            seen[old] -= 1
            if not seen[old]:
                del seen[old]
        if len(seen) > best:
            best, best_start = len(seen), queue[0][0]
    return best, best_start


def _anomaly(kind: str, person: tuple[str, str], day: date, count: int, **detail: Any
             ) -> dict[str, Any]:  # fmt: skip
    return {"kind": kind, "kind_label": str(AnomalyKind(kind).label), "actor_id": person[0] or None,
            "actor_name": person[1], "day": day, "count": count, **detail}  # fmt: skip


def reveal_events(actor: Actor, *, actor_id: str, day: date) -> QuerySet[AuditEvent]:
    """The drill-down: one person's reveal events of one Beijing day in scope, in time order
    (what the audit log shows of them: time, action, subject type and id — never a value)."""
    qs = _reveals(actor, day, day)
    qs = qs.filter(actor_id=actor_id) if actor_id else qs.filter(actor_id__isnull=True)
    return qs.order_by("at", "seq")
