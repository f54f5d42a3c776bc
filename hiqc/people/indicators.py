"""The chapter's indicators (issue 18 §8; standard 7.1, 4.1.2, 4.2.2, 5.3.3, 8.2.6), declared with
the kernel's indicator engine: rows per org unit and period, rolled up as Σnumerator ÷ Σdenominator.

* ``people.training_hours_per_person`` 人均培训学时 — hours attended in sessions that ended in the
  period ÷ active staff of the unit (people whose unit it is). Counted at the person's unit.
* ``people.required_training_coverage`` 岗位必修培训覆盖率 — people whose roles have required
  training (``RequiredTraining``) and who, from 1 January to the end of the period, attended at
  least the required hours of every required content ÷ people with required training. A
  requirement naming a topic counts the hours of courses carrying it (``topics``, ADR 0029).
* ``people.exam_pass_rate`` 考试合格率 — papers passed ÷ papers marked, by the month of marking,
  at the taker's unit.
* ``people.certificates_expiring_share`` 30 日内到期证书占比 — of the certificates current on the
  period's last day (today for the running period), those running out within 30 days; the
  numerator is the count the issue asks for, the share makes it roll up across units.
* ``people.qualified_work_share`` 持证上岗率 — of the assignments in the period of cases whose
  kind's gate is on (``people.gate.<kind>``, as set now), those whose assignee held a current
  certificate of the gate's qualification on the day of the assignment. An assignment is an event
  of the case that names an ``assignee`` (e.g. a complaint's assign / reassign) or, for a case that
  has no such event, its creation with the assignee it carries (a consultation answered by the
  agent who took it). Counted at the case's unit. Target 100 % (a migration seeds it as data).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import (
    Indicator,
    Period,
    RangeRow,
    counted_by_period,
    register_indicator,
)
from hiqc.core.models import CaseEvent
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles
from hiqc.organisations.models import Membership, User

from .gate import GATED, required_qualification
from .models import Attempt, Certificate, Enrolment, RequiredTraining
from .topics import TOPIC_KEY, attended_by_topic

HOURS = "people.training_hours_per_person"
COVERAGE = "people.required_training_coverage"
PASS_RATE = "people.exam_pass_rate"
EXPIRING = "people.certificates_expiring_share"
QUALIFIED = "people.qualified_work_share"
EXPIRING_DAYS = 30


def _headcount() -> dict[str, int]:
    """Active staff per org unit path (the people whose unit it is)."""
    rows = (User.objects.filter(is_active=True, org_unit__isnull=False)
            .values_list("org_unit__path", flat=True))  # fmt: skip
    out: dict[str, int] = defaultdict(int)
    for path in rows:
        out[path] += 1
    return out


def _hours(period: Period) -> list[tuple[str, float, float]]:
    heads = _headcount()
    attended = (
        Enrolment.objects.filter(session__ends_at__gte=period.start, session__ends_at__lt=period.end,
                                 attended_hours__isnull=False, user__org_unit__isnull=False)
        .values("user__org_unit__path").annotate(hours=Sum("attended_hours"))
    )  # fmt: skip
    hours = {r["user__org_unit__path"]: float(r["hours"] or 0) for r in attended}
    return [(path, hours.get(path, 0.0), float(n)) for path, n in heads.items()]


def _attended_by_content(since: datetime, until: datetime) -> dict[tuple[Any, str], Decimal]:
    rows = (
        Enrolment.objects.filter(session__ends_at__gte=since, session__ends_at__lt=until,
                                 attended_hours__isnull=False)
        .values("user_id", "session__course__content").annotate(hours=Sum("attended_hours"))
    )  # fmt: skip
    return {(r["user_id"], r["session__course__content"]): r["hours"] or Decimal(0) for r in rows}


def required_by_person() -> dict[Any, tuple[str, dict[str, Decimal]]]:
    """user id → (their unit's path, content → hours required in a year), for the active people
    whose roles have required training (the most any of their roles asks, per content)."""
    needs: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for r in RequiredTraining.objects.all():
        key = f"{TOPIC_KEY}{r.topic}" if r.topic else r.content
        needs[r.role][key] = max(needs[r.role].get(key, Decimal(0)), r.hours)
    if not needs:
        return {}
    out: dict[Any, tuple[str, dict[str, Decimal]]] = {}
    memberships = Membership.objects.filter(
        role__in=list(needs), user__is_active=True, user__org_unit__isnull=False
    ).values_list("user_id", "user__org_unit__path", "role")
    for user_id, path, role in memberships:
        _path, wanted = out.setdefault(user_id, (path, {}))
        for content, hours in needs[role].items():
            wanted[content] = max(wanted.get(content, Decimal(0)), hours)
    return out


def _coverage(period: Period) -> list[tuple[str, float, float]]:
    people = required_by_person()
    if not people:
        return []
    year_start = period.start.astimezone(BEIJING).replace(month=1, day=1)
    until = min(period.end, timezone.now())
    done = _attended_by_content(year_start, until)
    if any(TOPIC_KEY in k for _p, wanted in people.values() for k in wanted):
        for (user_id, topic), hours in attended_by_topic(year_start, until).items():
            done[(user_id, f"{TOPIC_KEY}{topic}")] = hours
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for user_id, (path, wanted) in people.items():
        ok = all(done.get((user_id, c), Decimal(0)) >= h for c, h in wanted.items())
        sums[path][0] += 1.0 if ok else 0.0
        sums[path][1] += 1.0
    return [(path, n, d) for path, (n, d) in sums.items()]


def _pass_rate(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    marked = Attempt.objects.filter(marked_at__gte=start, marked_at__lt=end, passed__isnull=False)
    return counted_by_period(marked, at="marked_at", granularity=granularity, hit=Q(passed=True),
                             path="org_unit__path")  # fmt: skip


def _last_day(period: Period) -> date:
    return min(period.end - timedelta(microseconds=1), timezone.now()).astimezone(BEIJING).date()


def _expiring(period: Period) -> list[tuple[str, float, float]]:
    day = _last_day(period)
    current = Certificate.objects.filter(issued_on__lte=day, expires_on__gte=day)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    soon = day + timedelta(days=EXPIRING_DAYS)
    for path, expires in current.values_list("org_unit__path", "expires_on"):
        sums[path][0] += 1.0 if expires <= soon else 0.0
        sums[path][1] += 1.0
    return [(path, n, d) for path, (n, d) in sums.items()]


def _user_id(value: Any, by_name: dict[str, Any]) -> Any:
    value = getattr(value, "pk", value)
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return by_name.get(str(value))


def assignments(start: datetime, end: datetime) -> list[tuple[str, str, str, Any, datetime, str]]:
    """(case type, case id, org path, assignee id, at, qualification) of every assignment in
    [start, end) of a kind whose gate is on now (see the module's docstring)."""
    gated = {label: q for label in GATED if (q := required_qualification(label))}
    if not gated:
        return []
    events = list(
        CaseEvent.objects.filter(case_type__in=gated, at__gte=start, at__lt=end)
        .filter(Q(activity="create") | Q(data__has_key="assignee"))
        .values_list("case_type", "case_id", "org_path", "activity", "at", "data")
    )  # fmt: skip
    named = {str(d.get("assignee")) for *_r, a, _at, d in events if a != "create" and d}
    by_name = dict(User.objects.filter(username__in=named).values_list("username", "pk"))
    created: dict[str, list[tuple[str, str, datetime]]] = defaultdict(list)
    out = []
    for case_type, case_id, path, activity, at, data in events:
        if activity == "create" and not (data or {}).get("assignee"):
            created[case_type].append((case_id, path, at))
            continue
        user_id = _user_id((data or {}).get("assignee"), by_name)
        if user_id is not None:
            out.append((case_type, case_id, path, user_id, at, gated[case_type]))
    for case_type, opened in created.items():  # created with an assignee, never reassigned
        ids = [c for c, _p, _a in opened]
        later = set(
            CaseEvent.objects.filter(case_type=case_type, case_id__in=ids,
                                     data__has_key="assignee").values_list("case_id", flat=True)
        )  # fmt: skip
        model = apps.get_model(case_type)
        holders = dict(
            model.objects.filter(pk__in=[c for c in ids if c not in later], assignee__isnull=False)
            .values_list("pk", "assignee_id")
        )  # fmt: skip
        holders = {str(k): v for k, v in holders.items()}
        for case_id, path, at in opened:
            if case_id in holders:
                out.append((case_type, case_id, path, holders[case_id], at, gated[case_type]))
    return out


def _certified(rows: list[tuple[str, str, str, Any, datetime, str]]) -> list[bool]:
    users = {r[3] for r in rows}
    held: dict[tuple[Any, str], list[tuple[date, date]]] = defaultdict(list)
    for user_id, q, issued, expires in Certificate.objects.filter(user_id__in=users).values_list(
        "user_id", "qualification", "issued_on", "expires_on"
    ):
        held[(user_id, q)].append((issued, expires))
    out = []
    for _t, _c, _p, user_id, at, q in rows:
        day = at.astimezone(BEIJING).date()
        out.append(any(a <= day <= b for a, b in held.get((user_id, q), ())))
    return out


def _qualified(period: Period) -> list[tuple[str, float, float]]:
    rows = assignments(period.start, period.end)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row, ok in zip(rows, _certified(rows), strict=True):
        sums[row[2]][0] += 1.0 if ok else 0.0
        sums[row[2]][1] += 1.0
    return [(path, n, d) for path, (n, d) in sums.items()]


SOURCE = gettext_noop("本平台人员培训与资格（培训出勤、考试、资格证书）及案件事件日志")

INDICATORS = (
    Indicator(
        code=HOURS,
        name_zh="人均培训学时",
        name_en="Training hours per person",
        unit="count",
        direction="higher_better",
        clauses=("7.1.1", "7.1.3"),
        formula=gettext_noop(
            "统计期内结束的培训场次的出勤学时合计 ÷ 本机构在职人数（按学员所属机构）"
        ),
        source=SOURCE,
        compute=_hours,
        granularities=("month",),
        owner="trainer",
    ),
    Indicator(
        code=COVERAGE,
        name_zh="岗位必修培训覆盖率",
        name_en="Required training coverage",
        unit="ratio",
        direction="higher_better",
        clauses=("7.1.1", "7.1.2", "9.1.2(3)"),
        formula=gettext_noop(
            "当年 1 月 1 日至期末已完成本岗位全部必修内容学时的人数 ÷ 有必修要求的人数"
        ),
        source=SOURCE,
        compute=_coverage,
        granularities=("month",),
        owner="trainer",
    ),
    Indicator(
        code=PASS_RATE,
        name_zh="考试合格率",
        name_en="Exam pass rate",
        unit="ratio",
        direction="higher_better",
        clauses=("7.1.1", "7.2.2"),
        formula=gettext_noop("评分完成的试卷中合格的份数 ÷ 评分完成的试卷数（按评分完成的月份）"),
        source=SOURCE,
        compute_range=_pass_rate,
        granularities=("day", "month"),
        owner="trainer",
    ),
    Indicator(
        code=EXPIRING,
        name_zh="30 日内到期证书占比",
        name_en="Certificates expiring within 30 days",
        unit="ratio",
        direction="lower_better",
        clauses=("4.1.2", "4.2.2", "8.2.6"),
        formula=gettext_noop(
            "期末（本期为今日）有效的资格证书中 30 日内到期的张数 ÷ 期末有效的资格证书张数"
        ),
        source=SOURCE,
        compute=_expiring,
        granularities=("month",),
        owner="trainer",
    ),
    Indicator(
        code=QUALIFIED,
        name_zh="持证上岗率",
        name_en="Work done by qualified staff",
        unit="ratio",
        direction="higher_better",
        clauses=("4.1.2", "4.2.2", "5.3.3", "8.2.6"),
        formula=gettext_noop(
            "已启用资格门槛的案件类型中，统计期内分派时承办人持有有效资格证书的分派次数 ÷ 分派次数"
        ),
        source=SOURCE,
        compute=_qualified,
        granularities=("day", "month"),
        owner="quality_lead",
    ),
)


def register() -> None:
    for indicator in INDICATORS:
        register_indicator(indicator)


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "people.qualified_work_share": (P.COMPLIANCE, P.EFFICIENT),  # PR-3: qualified staff only
    "people.certificates_expiring_share": (P.COMPLIANCE, P.EFFICIENT),
    "people.required_training_coverage": (P.EFFICIENT, P.COMPLIANCE),
    "people.exam_pass_rate": (P.EFFICIENT,),
    "people.training_hours_per_person": (P.EFFICIENT, P.IMPROVEMENT),
})  # fmt: skip
