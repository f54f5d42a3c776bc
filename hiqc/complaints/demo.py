"""Demo complaints and business volume (issue 4 §10): ~3,000 complaints over the last 12 months
across the city branches, with weekly seasonality, the CP-10 mix of dispute types and product
lines, regulator-forwarded cases, repeats, extensions (a few with head-office approval), outside
appraisals, withdrawals, merges, late decisions, review requests and archives — plus the open
cases of the last weeks in the handlers' "my work".

Rows are written in bulk (complaints, clocks via ``deadline_build``, events, decision letters):
running 12,000 transitions one by one would take minutes. The clocks are computed by the same
kernel code as live ones. References are deterministic (``TS<date>5<nnnn>``, a range live
registration does not reach in a day), so a re-run creates nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, month_first, years_after
from hiqc.core.deadlines import deadline_build
from hiqc.core.models import CaseEvent, Deadline
from hiqc.core.rules import rule_value
from hiqc.customers.models import Customer
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import BusinessVolume, OrgUnit, User

from .enums import (
    DisputeType,
    LetterKind,
    Nature,
    Outcome,
    ProductLine,
    RespondentKind,
    Source,
    Status,
)
from .models import Complaint, Letter, RootCause
from .services import KIND, chinese_date, review_last_day
from .workflow import DECIDE, INTERNAL_REPLY, REVIEW, REVIEW_REQUEST_DAYS

TARGET = 3000
PER_CUSTOMER = 0.2  # of the customers in the city pools (at most 1,500 per city)
DAYS = 365
DISPUTES = [
    (DisputeType.CLAIMS, 46), (DisputeType.SALES, 19), (DisputeType.SERVICE, 14),
    (DisputeType.SURRENDER, 8), (DisputeType.POLICY_SERVICE, 6), (DisputeType.UNDERWRITING, 4),
    (DisputeType.OTHER, 3),
]  # fmt: skip
PRODUCTS = [
    (ProductLine.MEDICAL, 54), (ProductLine.CRITICAL_ILLNESS, 27), (ProductLine.LONG_TERM_CARE, 7),
    (ProductLine.DISABILITY_INCOME, 4), (ProductLine.MEDICAL_ACCIDENT, 3), (ProductLine.OTHER, 5),
]  # fmt: skip
CAUSES: dict[str, list[str]] = {
    DisputeType.CLAIMS: ["claims.delay", "claims.documents", "claims.standard", "claims.explanation",
                         "external.provider", "external.misunderstanding"],
    DisputeType.SALES: ["sales.misleading", "sales.disclosure", "sales.agent_misconduct"],
    DisputeType.SERVICE: ["service.attitude", "service.response", "service.access"],
    DisputeType.SURRENDER: ["product.wording", "operations.billing", "external.misunderstanding"],
    DisputeType.POLICY_SERVICE: ["operations.data", "operations.system", "service.response"],
    DisputeType.UNDERWRITING: ["product.coverage", "sales.disclosure"],
    DisputeType.OTHER: ["external.partner", "external.misunderstanding"],
}  # fmt: skip
REQUESTS = {
    DisputeType.CLAIMS: ("要求按合同约定赔付住院医疗费用。", "住院治疗后申请理赔，被告知部分费用不属于保险责任，对拒赔理由不认可。"),
    DisputeType.SALES: ("要求全额退还已交保费。", "投保时销售人员称可报销全部门诊费用，实际合同条款并非如此。"),
    DisputeType.SERVICE: ("要求改进服务并道歉。", "多次致电客服未能接通，营业网点工作人员态度生硬。"),
    DisputeType.SURRENDER: ("要求按已交保费退保。", "申请退保时发现现金价值远低于预期，投保时未被告知。"),
    DisputeType.POLICY_SERVICE: ("要求尽快完成保单信息变更。", "提交变更联系地址申请两周仍未处理。"),
    DisputeType.UNDERWRITING: ("要求说明加费承保理由。", "健康告知后被加费承保，未获得合理解释。"),
    DisputeType.OTHER: ("要求核实并处理。", "合作医疗机构直付服务未按约定提供。"),
}  # fmt: skip
CHANNELS = ["phone", "phone", "phone", "counter", "online_chat", "letter", "email", "wechat"]
RESPONDENTS = [RespondentKind.BRANCH] * 3 + [RespondentKind.AGENT, RespondentKind.EMPLOYEE]
OUTCOMES = [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.SETTLED]
# Relative complaint volume per city branch; one branch (Foshan) runs noticeably hotter.
CITY_WEIGHT = {"BJ-CY": 12, "BJ-HD": 12, "BJ-DC": 8, "GD-GZ": 14, "GD-SZ": 14, "GD-FS": 11,
               "GD-DG": 7, "SC-CD": 14, "SC-MY": 6, "SC-DY": 6}  # fmt: skip


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _received_at(rng: random.Random, today: date) -> datetime:
    """Weekdays busier than weekends; office hours peak."""
    while True:
        day = today - timedelta(days=rng.randrange(1, DAYS))
        if day.weekday() < 5 or rng.random() < 0.35:
            break
    hour = min(21, max(8, int(rng.gauss(13, 3))))
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=BEIJING)


def _months_back(today: date, count: int) -> list[date]:
    return [month_first(today, -back) for back in range(count)]


def _volumes(rng: random.Random, cities: list[OrgUnit], today: date) -> int:
    """Monthly premium / policies / insured per city, sized so the rates sit near the published
    medians (CP-11); Foshan's book is smaller for its complaints, so its rates run above them."""
    existing = set(BusinessVolume.objects.values_list("org_unit_id", "month"))
    rows = []
    for month in _months_back(today, 13):
        for city in cities:
            if (city.pk, month) in existing:
                continue
            w = CITY_WEIGHT.get(city.code, 8) / (1.6 if city.code == "GD-FS" else 1.0)
            rows.append(
                BusinessVolume(
                    org_unit=city,
                    month=month,
                    premium_yuan=Decimal(int(w * 1.6e8 * rng.uniform(0.9, 1.1))),
                    policies_in_force=int(w * 330_000 * rng.uniform(0.95, 1.05)),
                    insured_persons=int(w * 1_100_000 * rng.uniform(0.95, 1.05)),
                )
            )
    BusinessVolume.objects.bulk_create(rows)
    return len(rows)


Event = tuple[str, str, str, datetime, dict[str, Any]]


class _Story:
    """What happens to one demo complaint, written as clocks, events and a letter."""

    def __init__(self, c: Complaint, *, now: datetime, actor_name: str) -> None:
        self.c, self.now, self.actor_name = c, now, actor_name
        self.events: list[Event] = [
            ("create", "", Status.REGISTERED, c.received_at, {"channel": c.channel, "source": c.source})
        ]  # fmt: skip
        self.deadlines: list[Deadline] = []
        self.letter_at: datetime | None = None

    def clock(self, clock: Any, *, at: datetime | None = None, **kwargs: Any) -> Deadline:
        d = deadline_build(
            case_type=KIND.label, case_id=str(self.c.pk), org_path=self.c.org_unit.path,
            clock=clock, at=at or self.c.received_at, **kwargs,
        )  # fmt: skip
        self.deadlines.append(d)
        return d

    def step(self, action: str, to: str, at: datetime, data: dict[str, Any] | None = None) -> bool:
        if at >= self.now:
            return False
        self.events.append((action, self.c.status, to, at, data or {}))
        self.c.status = to
        return True

    def end_early(self, action: str, to: str, at: datetime, data: dict[str, Any]) -> None:
        """Withdrawal or merge: the procedure ends, its clocks are cancelled (CP-4)."""
        done = self.step(action, to, at, data)
        for clock in (DECIDE, INTERNAL_REPLY):
            d = self.clock(clock)
            if done:
                d.state, d.closed_at, d.next_warning_at = Deadline.State.CANCELLED, at, None


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    rng = random.Random(seed * 7 + 4)
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    cities = sorted(
        (u for u in org_units.values() if u.level == OrgLevel.CITY), key=lambda u: u.code
    )
    if not cities:
        return {}
    volumes = _volumes(random.Random(seed * 7 + 5), cities, today)  # own stream: re-runs agree
    causes = {c.code: c for c in RootCause.objects.filter(parent__isnull=False)}
    handler, approver = users.get("complaint_handler_bj"), users.get("quality_lead")
    pools = {
        city.code: list(
            Customer.objects.filter(org_unit__path__startswith=city.path)
            .order_by("id")
            .values_list("id", "name")[:1500]
        )
        for city in cities
        if city.code in CITY_WEIGHT
    }
    cities = [c for c in cities if pools.get(c.code)]
    if not cities:
        return {"business_volumes": volumes}
    weights = [CITY_WEIGHT[c.code] for c in cities]
    # ~3,000 with the full demo; proportionally fewer when few customers were loaded
    target = min(TARGET, round(sum(len(p) for p in pools.values()) * PER_CUSTOMER))
    arrivals = sorted(
        (
            (_received_at(rng, today), rng.choices(cities, weights=weights)[0])
            for _i in range(target)
        ),
        key=lambda a: a[0],
    )
    existing = dict(Complaint.objects.values_list("reference", "id"))
    retention = int(rule_value("complaints.retention_years"))
    repeat_window = int(rule_value("complaints.repeat_window_days"))
    seq: dict[date, int] = {}
    last_by_customer: dict[Any, Complaint] = {}
    stories: list[_Story] = []
    names: dict[Any, str] = {}
    for received, city in arrivals:
        day = received.date()
        seq[day] = seq.get(day, 0) + 1
        reference = f"TS{day:%Y%m%d}5{seq[day]:04d}"
        pool = pools[city.code]
        # about one in eleven comes from a small set of frequent complainants: the repeats
        customer_id, name = (
            pool[rng.randrange(min(40, len(pool)))] if rng.random() < 0.09 else rng.choice(pool)
        )
        names[customer_id] = name
        dispute = _pick(rng, DISPUTES)
        r = rng.random()
        source = Source.REGULATOR if r < 0.17 else Source.ASSOCIATION if r < 0.2 else Source.DIRECT
        previous = last_by_customer.get(customer_id)
        request, facts = REQUESTS[dispute]
        c = Complaint(
            reference=reference, org_unit=city, complainant_id=customer_id,
            status=Status.REGISTERED, channel=rng.choice(CHANNELS), source=source,
            forwarded_on=(received - timedelta(days=rng.randrange(1, 4))).date()
            if source != Source.DIRECT else None,
            received_at=received,
            respondent_kind=rng.choice(RESPONDENTS), request=request, facts=facts,
            dispute_type=dispute, product_line=_pick(rng, PRODUCTS),
            nature=Nature.SUSPECTED_VIOLATION if rng.random() < 0.06 else Nature.CONTRACT_DISPUTE,
            repeat_of=previous
            if previous and (received - previous.received_at).days <= repeat_window else None,
        )  # fmt: skip
        last_by_customer[customer_id] = c
        in_bj = (
            handler is not None
            and handler.org_unit is not None
            and city.path.startswith(handler.org_unit.path)
        )
        c.assignee = handler if in_bj else None
        story = _Story(c, now=now, actor_name=handler.username if in_bj and handler else "demo")
        if reference in existing:  # loaded by an earlier run: later repeats point at that row
            last_by_customer[customer_id] = Complaint(
                pk=existing[reference], reference=reference, received_at=received
            )
            continue
        _play(story, rng, causes=causes, approver=approver, retention=retention)
        stories.append(story)
    with transaction.atomic():
        Complaint.objects.bulk_create([s.c for s in stories], batch_size=500)
        Deadline.objects.bulk_create([d for s in stories for d in s.deadlines], batch_size=500)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_type=KIND.label, case_id=str(s.c.pk), org_path=s.c.org_unit.path,
                    activity=a, from_state=f, to_state=t, at=at, actor_id=None,
                    actor_name=s.actor_name, source=CaseEvent.Source.IMPORT,
                    source_system="demo", external_id=f"{s.c.reference}:{i}", data=d,
                )
                for s in stories
                for i, (a, f, t, at, d) in enumerate(s.events)
            ],
            batch_size=1000,
        )  # fmt: skip
        Letter.objects.bulk_create(
            [
                Letter(
                    complaint=s.c, kind=LetterKind.DECISION, title=str(LetterKind.DECISION.label),
                    body=_decision_letter(s.c, names[s.c.complainant_id]), issued_by=s.actor_name,
                )
                for s in stories
                if s.letter_at is not None
            ],
            batch_size=500,
        )  # fmt: skip
    return {
        "complaints": len(stories),
        "business_volumes": volumes,
        "letters": sum(s.letter_at is not None for s in stories),
    }


def _play(
    story: _Story,
    rng: random.Random,
    *,
    causes: Mapping[str, RootCause],
    approver: User | None,
    retention: int,
) -> None:
    c, now, who = story.c, story.now, story.actor_name
    received = c.received_at
    roll = rng.random()
    if roll < 0.02:
        story.end_early("withdraw", Status.WITHDRAWN, received + timedelta(days=rng.randrange(1, 5)),
                        {"reason": "投诉人来电撤回"})  # fmt: skip
        return
    earlier = c.repeat_of
    if roll < 0.05 and earlier is not None and (earlier.decided_at or now) > received:
        c.merged_into = earlier  # the earlier case is still open: merge the repeat into it (CP-4)
        story.end_early("merge", Status.MERGED, received + timedelta(hours=rng.randrange(2, 30)),
                        {"into": earlier.reference})  # fmt: skip
        return
    days = max(1, round(rng.triangular(2, 14, 6)))
    extended: list[tuple[int, datetime, str, str]] = []
    if roll < 0.14:  # complex: extended to 30 days (CP-2)
        days = rng.randrange(16, 30)
        extended.append((30, received + timedelta(days=rng.randrange(8, 14)),
                         "需调取医院病历并核实就诊记录", who))  # fmt: skip
        if roll < 0.065:  # especially complex: a further 30 days with approval (CP-3)
            days = rng.randrange(31, 56)
            extended.append((60, received + timedelta(days=rng.randrange(24, 29)),
                             "涉及多家医疗机构，需等待外部鉴定意见",
                             approver.username if approver else "demo"))  # fmt: skip
    elif roll < 0.165:
        days = rng.randrange(16, 24)  # late without an extension: a breach of CP-1
    story.step("assign", Status.INVESTIGATING, received + timedelta(hours=rng.randrange(1, 20)),
               {"assignee": who})  # fmt: skip
    happened = [e for e in extended if e[1] < now]
    for amount, at, reason, _by in happened:
        story.step("extend" if amount == 30 else "extend_further", Status.INVESTIGATING, at,
                   {"reason": reason})  # fmt: skip
    decided = received + timedelta(days=days, hours=rng.randrange(0, 6))
    closed = decided if decided < now and c.status == Status.INVESTIGATING else None
    story.clock(DECIDE, extended_to=happened, closed_at=closed)
    story.clock(INTERNAL_REPLY, closed_at=closed)
    if closed is None:
        return
    cause = causes.get(rng.choice(CAUSES[c.dispute_type]))
    c.outcome = rng.choices(OUTCOMES, weights=[30, 25, 35, 10])[0]
    c.root_cause, c.decided_at = cause, closed
    c.facts_found = "经调阅投保资料、理赔材料及通话录音，核实了投诉所述情况。"
    c.basis = "依据保险合同相关条款及《保险法》有关规定。"
    c.decision_text = "已向投诉人说明处理依据，并按核定结果办理。"
    story.step("decide", Status.DECIDED, closed,
               {"outcome": c.outcome, "root_cause": cause.code if cause else ""})  # fmt: skip
    story.letter_at = closed
    if rng.random() < 0.03:
        asked = closed + timedelta(days=rng.randrange(3, 20))
        if story.step("request_review", Status.UNDER_REVIEW, asked, {"reason": "对处理决定有异议"}):
            c.review_requested_at = asked
            concluded = asked + timedelta(days=rng.randrange(5, 25))
            if story.step("conclude_review", Status.REVIEWED, concluded):
                c.review_opinion = "经核查，原处理决定符合规定，予以维持。"
                story.clock(REVIEW, at=asked, closed_at=concluded)
            else:
                story.clock(REVIEW, at=asked)
            return
    archived = closed + timedelta(days=rng.randrange(31, 45))
    if story.step("archive", Status.ARCHIVED, archived):
        c.archived_at = archived
        local = archived.astimezone(BEIJING).date()
        c.retain_until = years_after(local, retention)


def _decision_letter(c: Complaint, name: str) -> str:
    superior = c.org_unit.parent
    return render_to_string(
        "complaints/letters/decision.txt",
        {
            "complaint": c,
            "complainant_name": name,
            "unit_name": c.org_unit.name,
            "superior_name": superior.name if superior else c.org_unit.name,
            "received": chinese_date(c.received_at),
            "decided": chinese_date(c.decided_at),
            "outcome": c.get_outcome_display(),
            "review_days": REVIEW_REQUEST_DAYS,
            "review_last_day": chinese_date(review_last_day(c)),
        },
    ).strip()
