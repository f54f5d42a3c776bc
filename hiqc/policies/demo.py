"""Demo products and policies (issue 5 §1; runs after the demo customers, before the claims).

* Products: nine health products over the five lines of the standard (医疗 / 疾病 / 护理 / 失能收入
  损失 / 医疗意外), each with the claim types it covers and, per claim type, a realistic checklist
  of required and optional documents (the list the one-time notice works through, CL-1).
* Policies: most customers hold one or two. Adults buy for themselves (the product mix depends on
  age); some take a family policy with their children (children are never holders), some insure
  a spouse or an elderly parent. The org unit is the holder's unit. One-year products have a
  policy in force (started in the last twelve months) and often last year's, now ended;
  long-term products started in the last six years, a few lapsed or surrendered. Premiums follow
  the product and the insured person's age.

Deterministic and idempotent: customers are taken in the order of their keyed ID-number hash, each
with its own seeded random stream, and a policy number is derived from the holder's hash and the
policy's slot, so a re-run creates nothing and a larger customer base only adds policies for the
new customers. Rows are written with ``services.policies_bulk_create`` (two ``bulk_create`` calls
per batch, no per-row saves).
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import years_after
from hiqc.customers.models import Customer

from .enums import ClaimType, PolicyStatus, ProductLine, Relation, Renewal
from .models import DocumentRequirement, Product, ProductVersion
from .selectors import existing_numbers
from .services import NewPolicy, policies_bulk_create

BATCH = 5_000
MED, CI, HC, DIS, CARE = (
    ClaimType.MEDICAL_REIMBURSEMENT,
    ClaimType.CRITICAL_ILLNESS,
    ClaimType.HOSPITAL_CASH,
    ClaimType.DISABILITY,
    ClaimType.CARE,
)

# Documents: code → name. A checklist names (code, required) in order.
DOCUMENTS = {
    "claim_form": "理赔申请书",
    "id_proof": "被保险人身份证明",
    "claimant_id": "申请人身份证明",
    "bank_account": "银行账户信息",
    "invoice": "医疗费用发票及费用明细清单",
    "settlement": "医保结算单",
    "discharge": "出院小结",
    "diagnosis": "诊断证明",
    "records": "门诊或住院病历",
    "pathology": "病理报告",
    "exams": "相关检查报告（影像、化验）",
    "admission": "住院证明（入出院记录）",
    "disability_appraisal": "伤残鉴定报告",
    "incapacity": "失能鉴定报告",
    "income": "收入证明",
    "care_assessment": "护理需求评估报告（失能等级评估）",
    "care_provider": "护理服务机构证明",
    "medical_appraisal": "医疗损害鉴定意见书",
    "accident": "医疗意外事故证明",
    "relationship": "申请人与被保险人关系证明",
    "proxy": "授权委托书",
}
_COMMON_TAIL = (("bank_account", True), ("relationship", False), ("proxy", False))
CHECKLISTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "medical": (
        ("claim_form", True), ("id_proof", True), ("invoice", True), ("settlement", False),
        ("discharge", True), ("diagnosis", True), ("records", False), *_COMMON_TAIL,
    ),
    "critical_illness": (
        ("claim_form", True), ("id_proof", True), ("diagnosis", True), ("pathology", True),
        ("exams", True), ("discharge", True), ("records", False), *_COMMON_TAIL,
    ),
    "hospital_cash": (
        ("claim_form", True), ("id_proof", True), ("admission", True), ("discharge", True),
        ("diagnosis", True), ("invoice", False), *_COMMON_TAIL,
    ),
    "disability": (
        ("claim_form", True), ("id_proof", True), ("incapacity", True), ("diagnosis", True),
        ("records", True), ("income", True), *_COMMON_TAIL,
    ),
    "accident_disability": (
        ("claim_form", True), ("id_proof", True), ("disability_appraisal", True),
        ("medical_appraisal", True), ("diagnosis", True), ("records", True), *_COMMON_TAIL,
    ),
    "accident_medical": (
        ("claim_form", True), ("id_proof", True), ("accident", True),
        ("medical_appraisal", True), ("invoice", True), ("discharge", True),
        ("diagnosis", True), *_COMMON_TAIL,
    ),
    "care": (
        ("claim_form", True), ("id_proof", True), ("care_assessment", True),
        ("diagnosis", True), ("records", True), ("care_provider", False), *_COMMON_TAIL,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    line: str
    term_years: int
    covers: tuple[tuple[str, str], ...]  # (claim type, checklist key)
    premium: tuple[int, int]  # yearly premium at age 30 and at age 60, yuan
    ages: tuple[int, int]  # insurable ages
    sums: tuple[int, ...] = ()  # sum insured options, yuan
    services: tuple[tuple[str, str], ...] = ()  # health-management services: (name, cost yuan)


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("MED-BW01", "百万医疗险", ProductLine.MEDICAL, 1,
                ((MED, "medical"),), (320, 1_650), (0, 70), (2_000_000, 3_000_000),
                (("在线问诊", "12.00"), ("住院就医绿色通道", "18.00"))),
    ProductSpec("MED-ZD02", "中端住院医疗保险", ProductLine.MEDICAL, 1,
                ((MED, "medical"), (HC, "hospital_cash")), (1_900, 6_800), (0, 65),
                (500_000, 1_000_000), (("年度体检", "160.00"), ("专科医生预约", "60.00"))),
    ProductSpec("MED-HM03", "城市惠民保", ProductLine.MEDICAL, 1,
                ((MED, "medical"),), (89, 89), (0, 100), (1_500_000,),
                (("慢病用药指导", "8.00"),)),
    ProductSpec("HC-JT01", "住院津贴保险", ProductLine.MEDICAL, 1,
                ((HC, "hospital_cash"),), (160, 420), (0, 65), (36_500, 73_000)),
    ProductSpec("CI-ZJ20", "重大疾病保险（20年期）", ProductLine.CRITICAL_ILLNESS, 20,
                ((CI, "critical_illness"),), (4_200, 14_500), (0, 55),
                (300_000, 500_000, 800_000), (("重疾二次诊疗意见", "150.00"),
                                              ("健康档案与随访", "200.00"))),
    ProductSpec("CI-SE20", "少儿重大疾病保险", ProductLine.CRITICAL_ILLNESS, 20,
                ((CI, "critical_illness"),), (1_600, 1_600), (0, 17), (300_000, 500_000)),
    ProductSpec("LTC-HL30", "长期护理保险", ProductLine.LONG_TERM_CARE, 30,
                ((CARE, "care"),), (2_600, 7_800), (18, 70), (100_000, 200_000),
                (("居家护理指导", "120.00"),)),
    ProductSpec("DI-SN05", "失能收入损失保险", ProductLine.DISABILITY_INCOME, 5,
                ((DIS, "disability"),), (1_100, 2_900), (18, 55), (120_000, 240_000)),
    ProductSpec("MA-YW01", "医疗意外保险", ProductLine.MEDICAL_ACCIDENT, 1,
                ((MED, "accident_medical"), (DIS, "accident_disability")), (60, 180), (0, 80),
                (100_000, 200_000)),
)  # fmt: skip
_BY_CODE = {p.code: p for p in PRODUCTS}
# What an adult buys for themselves: (product code, weight) by age band.
OWN_MIX = {
    "young": (("MED-BW01", 40), ("CI-ZJ20", 18), ("MED-HM03", 10), ("HC-JT01", 8),
              ("DI-SN05", 10), ("MA-YW01", 6), ("MED-ZD02", 8)),
    "middle": (("MED-BW01", 34), ("CI-ZJ20", 16), ("MED-HM03", 12), ("HC-JT01", 8),
               ("DI-SN05", 8), ("MA-YW01", 5), ("MED-ZD02", 9), ("LTC-HL30", 8)),
    "senior": (("MED-HM03", 40), ("MED-BW01", 22), ("HC-JT01", 14), ("MA-YW01", 10),
               ("LTC-HL30", 14)),
}  # fmt: skip
NO_POLICY_SHARE = 0.12
SECOND_POLICY_SHARE = 0.35
SPOUSE_SHARE = 0.18
PARENT_SHARE = 0.08
LAPSED_SHARE, SURRENDERED_SHARE = 0.04, 0.03
PREVIOUS_YEAR_SHARE = 0.55


@dataclass
class _Person:
    id: uuid.UUID
    hash: str
    unit_id: uuid.UUID
    age: int
    gender: str


def _age(born: date | None, today: date) -> int:
    if born is None:
        return 35
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _load_products(today: date) -> tuple[dict[str, Product], dict[str, uuid.UUID], int, int]:
    """The catalogue: each product with version 1, in force since 1 January seven years back
    (before every demo policy), and its checklist per claim type."""
    existing = {p.code: p for p in Product.objects.all()}
    new = [
        Product(code=s.code, name=s.name, line=s.line) for s in PRODUCTS if s.code not in existing
    ]
    Product.objects.bulk_create(new)
    existing.update({p.code: p for p in new})
    versions = {
        code: pk
        for code, pk in ProductVersion.objects.filter(
            product__code__in=_BY_CODE, number=1
        ).values_list("product__code", "id")
    }
    since = date(today.year - 7, 1, 1)
    fresh = [
        ProductVersion(
            product=existing[s.code],
            number=1,
            coverage=[
                {"code": t, "name": str(ClaimType(t).label), "description": ""}
                for t, _k in s.covers
            ],
            sum_insured_options=list(s.sums),
            term_years=s.term_years,
            net_premium_yuan=Decimal(s.premium[0]) * Decimal("0.75"),
            waiting_period_days=0 if s.line == ProductLine.MEDICAL_ACCIDENT else 30,
            renewal=Renewal.NON_GUARANTEED if s.term_years == 1 else Renewal.NONE,
            health_services=[{"name": n, "cost_yuan": c} for n, c in s.services],
            claim_types=[t for t, _k in s.covers],
            effective_from=since,
            published_at=timezone.now(),
        )
        for s in PRODUCTS
        if s.code not in versions
    ]
    ProductVersion.objects.bulk_create(fresh)
    versions.update({v.product.code: v.pk for v in fresh})
    have = set(
        DocumentRequirement.objects.filter(version_id__in=versions.values()).values_list(
            "version__product__code", "claim_type", "code"
        )
    )
    documents = [
        DocumentRequirement(
            version_id=versions[s.code],
            claim_type=claim_type,
            code=code,
            name=DOCUMENTS[code],
            required=required,
            position=i,
        )
        for s in PRODUCTS
        for claim_type, key in s.covers
        for i, (code, required) in enumerate(CHECKLISTS[key])
        if (s.code, claim_type, code) not in have
    ]
    DocumentRequirement.objects.bulk_create(documents)
    return existing, versions, len(new), len(documents)


def _premium(spec: ProductSpec, age: int, rng: random.Random) -> Decimal:
    low, high = spec.premium
    share = min(1.0, max(0.0, (age - 30) / 30))
    base = low + (high - low) * share * share if age >= 30 else low * (0.7 + 0.01 * age)
    return Decimal(round(base * rng.uniform(0.9, 1.1))).quantize(Decimal("1.00"))


def _number(holder_hash: str, slot: int) -> str:
    return f"P{int(holder_hash[:14], 16) % 10**12:012d}{slot:02d}"


class _Builder:
    def __init__(
        self, products: Mapping[str, Product], versions: Mapping[str, uuid.UUID], today: date
    ) -> None:
        self.products = products
        self.versions = versions
        self.today = today
        self.rows: list[NewPolicy] = []

    def add(
        self,
        rng: random.Random,
        holder: _Person,
        slot: int,
        code: str,
        insured: list[tuple[_Person, str]],
    ) -> int:
        """One policy (and for a one-year product maybe last year's); returns slots used."""
        spec = _BY_CODE[code]
        premium = sum((_premium(spec, p.age, rng) for p, _r in insured), Decimal("0.00")) * (
            Decimal("0.9") if len(insured) > 1 else 1
        )
        people = tuple((p.id, r) for p, r in insured)
        used = 0

        def emit(start: date, end: date, status: str, amount: Decimal) -> None:
            nonlocal used
            self.rows.append(
                NewPolicy(
                    number=_number(holder.hash, slot + used),
                    product_id=self.products[code].pk,
                    product_version_id=self.versions[code],
                    holder_id=holder.id,
                    org_unit_id=holder.unit_id,
                    start_date=start,
                    end_date=end,
                    premium_yuan=amount.quantize(Decimal("0.01")),
                    status=status,
                    insured=people,
                )
            )
            used += 1

        if spec.term_years == 1:
            start = self.today - timedelta(days=rng.randrange(0, 365))
            emit(start, _years_later(start, 1), PolicyStatus.IN_FORCE, premium)
            if rng.random() < PREVIOUS_YEAR_SHARE:
                before = _years_later(start, -1)
                emit(before, start - timedelta(days=1), PolicyStatus.TERMINATED, premium)
            return used
        start = self.today - timedelta(days=rng.randrange(30, 6 * 365))
        roll = rng.random()
        status = (
            PolicyStatus.LAPSED
            if roll < LAPSED_SHARE
            else PolicyStatus.SURRENDERED
            if roll < LAPSED_SHARE + SURRENDERED_SHARE
            else PolicyStatus.IN_FORCE
        )
        end = _years_later(start, spec.term_years)
        emit(start, end, PolicyStatus.TERMINATED if end < self.today else status, premium)
        return used


def _years_later(day: date, years: int) -> date:
    """The day before the anniversary ``years`` later (a policy year ends the day before)."""
    anniversary = years_after(day, years)
    return anniversary - timedelta(days=1) if years > 0 else anniversary


def _band(age: int) -> str:
    return "young" if age < 40 else "middle" if age < 60 else "senior"


def demo_load(
    *, seed: int, org_units: Mapping[str, Any], users: Mapping[str, Any], actor: Actor
) -> dict[str, int]:
    """Create what is missing; counts of what was created (audit keys ``policies.<key>``)."""
    started = time.perf_counter()
    today = timezone.localdate()
    with transaction.atomic():
        products, versions, products_created, documents_created = _load_products(today)
    people = [
        _Person(pk, hashed, unit_id, _age(born, today), gender)
        for pk, hashed, unit_id, born, gender in Customer.objects.exclude(id_number_hash="")
        .order_by("id_number_hash")
        .values_list("id", "id_number_hash", "org_unit_id", "birth_date", "gender")
    ]
    by_unit: dict[uuid.UUID, list[_Person]] = defaultdict(list)
    for p in people:
        by_unit[p.unit_id].append(p)

    # Families within a unit: children to a parent, some spouses, some elderly parents.
    children: dict[uuid.UUID, list[_Person]] = defaultdict(list)
    spouse: dict[uuid.UUID, _Person] = {}
    elder: dict[uuid.UUID, _Person] = {}
    taken: set[uuid.UUID] = set()
    for unit_people in by_unit.values():
        for p in unit_people:
            rng = random.Random(f"hiqc-demo-policies:{seed}:family:{p.hash}")
            if p.age < 18:
                parents = [a for a in unit_people if 20 <= a.age - p.age <= 45 and a.age < 60]
                if parents:
                    children[rng.choice(parents).id].append(p)
                continue
            if p.id in taken or not 25 <= p.age < 65:
                continue
            if rng.random() < SPOUSE_SHARE:
                partners = [
                    a
                    for a in unit_people
                    if a.gender != p.gender
                    and a.id not in taken
                    and a.id != p.id
                    and a.age >= 22
                    and abs(a.age - p.age) <= 8
                ]
                if partners:
                    partner = rng.choice(partners)
                    spouse[p.id] = partner
                    taken.update((p.id, partner.id))
            if 30 <= p.age <= 55 and rng.random() < PARENT_SHARE:
                olds = [a for a in unit_people if a.age - p.age >= 22 and 55 <= a.age <= 70]
                if olds:
                    elder[p.id] = rng.choice(olds)

    builder = _Builder(products, versions, today)
    for p in people:
        if p.age < 18:
            continue
        rng = random.Random(f"hiqc-demo-policies:{seed}:{p.hash}")
        slot = 0
        kids = children.get(p.id, [])
        if kids:
            family = [(p, Relation.SELF.value)] + [(k, Relation.CHILD.value) for k in kids]
            slot += builder.add(rng, p, slot, "MED-BW01", family)
            if rng.random() < 0.4:
                kid = rng.choice(kids)
                slot += builder.add(rng, p, slot, "CI-SE20", [(kid, Relation.CHILD.value)])
        mate = spouse.get(p.id)
        if mate is not None:
            if rng.random() < 0.5:
                both = [(p, Relation.SELF.value), (mate, Relation.SPOUSE.value)]
                slot += builder.add(rng, p, slot, "MED-BW01", both)
            elif mate.age <= 55:
                slot += builder.add(rng, p, slot, "CI-ZJ20", [(mate, Relation.SPOUSE.value)])
        old = elder.get(p.id)
        if old is not None:
            slot += builder.add(rng, p, slot, "LTC-HL30", [(old, Relation.PARENT.value)])
        if slot == 0 and rng.random() < NO_POLICY_SHARE:
            continue
        mix = [(c, w) for c, w in OWN_MIX[_band(p.age)] if _eligible(c, p.age)]
        codes = [c for c, _w in mix]
        weights = [w for _c, w in mix]
        own = rng.choices(codes, weights)[0]
        slot += builder.add(rng, p, slot, own, [(p, Relation.SELF.value)])
        if rng.random() < SECOND_POLICY_SHARE:
            second = rng.choices(codes, weights)[0]
            if second != own:
                slot += builder.add(rng, p, slot, second, [(p, Relation.SELF.value)])

    created = insured = 0
    for i in range(0, len(builder.rows), BATCH):
        chunk = builder.rows[i : i + BATCH]
        present = existing_numbers(r.number for r in chunk)
        fresh = [r for r in chunk if r.number not in present]
        with transaction.atomic():
            insured += policies_bulk_create(fresh)
        created += len(fresh)
    return {
        "products": products_created,
        "checklist_items": documents_created,
        "policies": created,
        "policy_insured": insured,
        "policy_milliseconds": round((time.perf_counter() - started) * 1000),
    }


def _eligible(code: str, age: int) -> bool:
    low, high = _BY_CODE[code].ages
    return low <= age <= high
