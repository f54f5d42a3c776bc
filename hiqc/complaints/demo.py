"""Demo complaints and business volume (issue 4 §10): ~3,000 complaints over the last 12 months
across the city branches, with weekly seasonality, the CP-10 mix of dispute types and product
lines, regulator-forwarded cases, repeats, extensions (a few with head-office approval), outside
appraisals, withdrawals, merges, late decisions, review requests and archives — plus the open
cases of the last weeks in the handlers' "my work".

Through the engine (ADR 0015, issue 15 §3): each complaint's history is planned as steps (when,
who, action, inputs) — its province's complaint handler registers, assigns, extends, decides and
archives; the quality lead approves further extensions and concludes reviews — and all ~12,000
steps run in time order through the executor on a batch store of held complaints
(``hiqc.core.heldcases``): the same checks, the domain's ``KIND.prepare`` and the same clock
computations as a live action. The held complaints are then written in bulk (rows, clocks,
events) with their decision letters; the run is audited once by ``demo_load``. References are
deterministic (``TS<date>5<nnnn>``, a range live registration does not reach in a day), so a
re-run creates nothing.
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
from hiqc.core.calendar import BEIJING, Unit, compute_due, month_first
from hiqc.core.casework import External
from hiqc.core.heldcases import HeldCase, HeldCases, HeldCaseWriter
from hiqc.core.rules import rule_value
from hiqc.customers.models import Customer
from hiqc.organisations.enums import OrgLevel
from hiqc.organisations.models import BusinessVolume, OrgUnit, User
from hiqc.organisations.services import actor_for_user

from .enums import (
    DisputeType,
    LetterKind,
    Nature,
    Outcome,
    ProductLine,
    RespondentKind,
    Source,
)
from .models import Complaint, Letter, RootCause
from .services import KIND, chinese_date, review_last_day
from .workflow import REVIEW_REQUEST_DAYS

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


HANDLERS = {
    "BJ": "complaint_handler_bj",
    "GD": "complaint_handler_gd",
    "SC": "complaint_handler_sc",
}
Step = tuple[datetime, Actor, str, dict[str, Any]]


class _Plan:
    """What happens to one demo complaint: the held complaint and its steps (when, who, action,
    inputs), each taken only if it falls before now."""

    def __init__(self, case: HeldCase, *, now: datetime, who: Actor, assignee: User | None) -> None:
        self.case, self.now, self.who, self.assignee = case, now, who, assignee
        self.steps: list[Step] = []
        self.decided_at: datetime | None = None
        self.ended_at: datetime | None = None  # withdrawn or merged
        self.letter = False

    def step(self, action: str, at: datetime, data: dict[str, Any] | None = None, *,
             by: Actor | None = None) -> bool:  # fmt: skip
        if at >= self.now:
            return False
        self.steps.append((at, by or self.who, action, data or {}))
        return True

    def end_early(self, action: str, at: datetime, data: dict[str, Any]) -> None:
        """Withdrawal or merge: the procedure ends, its clocks are cancelled (CP-4)."""
        if self.step(action, at, data):
            self.ended_at = at


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
    approver = users.get("quality_lead")
    handlers = [u for u in (users.get(name) for name in HANDLERS.values())
                if u is not None and u.org_unit is not None]  # fmt: skip
    actors = {u.pk: actor_for_user(u) for u in handlers}
    approving = actor_for_user(approver) if approver is not None else actor
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
    repeat_window = int(rule_value("complaints.repeat_window_days"))
    store = HeldCases(KIND, actor)
    seq: dict[date, int] = {}
    last_by_customer: dict[Any, _Plan | Complaint] = {}
    plans: list[_Plan] = []
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
        before = previous.case if isinstance(previous, _Plan) else previous
        request, facts = REQUESTS[dispute]
        fields = dict(
            reference=reference, org_unit=city, complainant_id=customer_id,
            channel=rng.choice(CHANNELS), source=source,
            forwarded_on=(received - timedelta(days=rng.randrange(1, 4))).date()
            if source != Source.DIRECT else None,
            received_at=received,
            respondent_kind=rng.choice(RESPONDENTS), request=request, facts=facts,
            dispute_type=dispute, product_line=_pick(rng, PRODUCTS),
            nature=Nature.SUSPECTED_VIOLATION if rng.random() < 0.06 else Nature.CONTRACT_DISPUTE,
            repeat_of=before
            if before and (received - before.received_at).days <= repeat_window else None,
        )  # fmt: skip
        if reference in existing:  # loaded by an earlier run: later repeats point at that row
            last_by_customer[customer_id] = Complaint(
                pk=existing[reference], reference=reference, received_at=received
            )
            continue
        handler = next((u for u in handlers if city.path.startswith(u.org_unit.path)), None)  # type: ignore[union-attr]
        plan = _Plan(store.new(city.path, fields), now=now,
                     who=actors[handler.pk] if handler else actor, assignee=handler)  # fmt: skip
        store.memo[("reference", reference)] = plan.case  # a later repeat may merge into it
        last_by_customer[customer_id] = plan
        _play(plan, rng, causes=causes, approver=approving,
              earlier=previous if isinstance(previous, _Plan) and before is fields["repeat_of"]
              else None)  # fmt: skip
        plans.append(plan)
    # every step of every complaint in time order: a repeat is merged into a case still open then
    timeline = sorted(
        (at, i, k, p, by, action, data)
        for i, p in enumerate(plans)
        for k, (at, by, action, data) in enumerate(
            [(p.case.received_at, p.who, "create", {}), *p.steps]
        )
    )
    for at, _i, _k, p, by, action, data in timeline:
        c = p.case
        external = External("demo", f"{c.reference}:{len(c.events)}")
        if action == "create":
            store.create(c, by, c.received_at, external=external,
                         data={"channel": c.channel, "source": c.source})  # fmt: skip
        else:
            store.execute(c, by, action, at, data, external=external)
    decided = [p for p in plans if p.letter]
    with transaction.atomic():
        HeldCaseWriter(KIND, audit=False).write([p.case for p in plans], actor=actor)
        Letter.objects.bulk_create(
            [
                Letter(
                    complaint_id=p.case.id, kind=LetterKind.DECISION,
                    title=str(LetterKind.DECISION.label),
                    body=_decision_letter(p.case, names[p.case.complainant_id]),
                    issued_by=p.who.username,
                )
                for p in decided
            ],
            batch_size=500,
        )  # fmt: skip
    return {
        "complaints": len(plans),
        "business_volumes": volumes,
        "letters": len(decided),
    }


def _play(
    plan: _Plan,
    rng: random.Random,
    *,
    causes: Mapping[str, RootCause],
    approver: Actor,
    earlier: _Plan | None,
) -> None:
    c, now = plan.case, plan.now
    received = c.received_at
    roll = rng.random()
    if roll < 0.02:
        plan.end_early("withdraw", received + timedelta(days=rng.randrange(1, 5)),
                       {"reason": "投诉人来电撤回"})  # fmt: skip
        return
    if roll < 0.05 and earlier is not None and (earlier.decided_at or now) > received:
        at = received + timedelta(hours=rng.randrange(2, 30))
        if (earlier.decided_at or now) > at and (earlier.ended_at or now) > at:
            # the earlier case is still open then: merge the repeat into it (CP-4)
            plan.end_early("merge", at, {"into": earlier.case.reference})
            return
    if plan.assignee is None:  # nobody may handle complaints there: left registered
        return
    days = max(1, round(rng.triangular(2, 14, 6)))
    extended: list[tuple[int, datetime, str]] = []
    if roll < 0.14:  # complex: extended to 30 days (CP-2)
        days = rng.randrange(16, 30)
        extended.append((30, received + timedelta(days=rng.randrange(8, 14)),
                         "需调取医院病历并核实就诊记录"))  # fmt: skip
        if roll < 0.065:  # especially complex: a further 30 days with approval (CP-3)
            days = rng.randrange(31, 56)
            extended.append((60, received + timedelta(days=rng.randrange(24, 29)),
                             "涉及多家医疗机构，需等待外部鉴定意见"))  # fmt: skip
    elif roll < 0.165:
        days = rng.randrange(16, 24)  # late without an extension: a breach of CP-1
    assigned = plan.step("assign", received + timedelta(hours=rng.randrange(1, 20)),
                         {"assignee": str(plan.assignee.pk)})  # fmt: skip
    for amount, at, reason in extended:
        if amount == 30:
            plan.step("extend", at, {"reason": reason})
        else:  # a head-office senior's approval (CP-3)
            plan.step("extend_further", at, {"reason": reason}, by=approver)
    decided = received + timedelta(days=days, hours=rng.randrange(0, 6))
    if not assigned or decided >= now:
        return
    cause = causes.get(rng.choice(CAUSES[c.dispute_type]))
    outcome = rng.choices(OUTCOMES, weights=[30, 25, 35, 10])[0]
    plan.step("decide", decided, {
        "outcome": outcome, "root_cause": cause.code if cause else "",
        "facts_found": "经调阅投保资料、理赔材料及通话录音，核实了投诉所述情况。",
        "basis": "依据保险合同相关条款及《保险法》有关规定。",
        "decision_text": "已向投诉人说明处理依据，并按核定结果办理。",
    })  # fmt: skip
    plan.decided_at, plan.letter = decided, True
    if rng.random() < 0.03:
        asked = decided + timedelta(days=rng.randrange(3, 20))
        if plan.step("request_review", asked, {"reason": "对处理决定有异议"}):
            concluded = asked + timedelta(days=rng.randrange(5, 25))
            plan.step("conclude_review", concluded,
                      {"opinion": "经核查，原处理决定符合规定，予以维持。"}, by=approver)  # fmt: skip
        return
    # archived once the complainant's 30 days to ask for a review are over (CP-8)
    ends = compute_due(decided, REVIEW_REQUEST_DAYS, Unit.CALENDAR_DAYS).due_at
    plan.step("archive", max(decided + timedelta(days=rng.randrange(31, 45)), ends))


def _decision_letter(c: Any, name: str) -> str:
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
            "outcome": str(Outcome(c.outcome).label),
            "review_days": REVIEW_REQUEST_DAYS,
            "review_last_day": chinese_date(review_last_day(c)),
        },
    ).strip()


def link_policy_refs(numbers: Mapping[Any, Mapping[str, str]]) -> int:
    """Fill the policy number of the demo complaints that name none, from the complainant's own
    policy of the complaint's line (``numbers``: customer id → line → policy number, given by the
    caller, since the complaints load before the policies). Called by the product demo (issue 17
    §7) so that complaints per 10,000 policies can be read per product; a complainant without a
    policy of that line is left as they are. Deterministic; a re-run changes nothing."""
    rows = list(
        Complaint.objects.filter(policy_ref="", complainant_id__in=list(numbers))
        .only("pk", "complainant_id", "product_line")
        .order_by("pk")
    )
    changed = []
    for c in rows:
        number = numbers.get(c.complainant_id, {}).get(c.product_line)
        if number:
            c.policy_ref = number
            changed.append(c)
    Complaint.objects.bulk_update(changed, ["policy_ref"], batch_size=1000)
    return len(changed)
