"""Product figures from HIQC's own data (standard 3.2.2, 3.3.3; issue 17 §4, §5).

Per product (every version sold under it: the figures read ``Policy.product``), over a period
``[start, end)`` and an org subtree (``root``). One grouped query per figure for all products at
once; each figure is a numerator, a denominator and their value (None when the denominator is 0).

* ``complaints_per_10k`` — complaints received in the period (merged ones left out) whose
  ``policy_ref`` is the number of a policy of the product ÷ policies in force in the period ×
  10,000. A complaint without a policy number is nobody's product.
* ``refusal_rate`` — claims decided in the period with the outcome 拒赔 ÷ claims decided.
* ``on_time_rate`` — the claims' decision and payment clocks closed in the period on time ÷
  closed (the claims timeliness query, ``hiqc.claims.timeliness.product_clock_outcomes``).
* ``payout_ratio`` — claim payments made in the period ÷ the premium earned in it: each policy's
  annual premium × the days of its cover inside the period ÷ 365 (a renewed policy and its
  predecessor each earn their own days; a lapse carries no date, so a lapsed policy earns to the
  end of its cover — a slight overstatement).
* ``consultations_per_10k`` — consultations about products (topic category 产品咨询) received in
  the period from customers who hold a policy of the product ÷ policies in force × 10,000 (a
  consultation names a customer and a topic, never a policy: a customer holding two products
  counts for both).
* ``lapse_rate`` — policies in force in the period now 失效 or 退保 ÷ policies in force in the
  period (a policy's status carries no date, so the period selects policies by their cover).

"In force in the period": cover overlapping it (``start_date`` before its end, ``end_date`` on
or after its first day).

* ``satisfaction`` — survey answers submitted in the period satisfied (4 or 5 on the 1–5 overall
  question) ÷ answers to that question, by the invitation's product code and the surveyed case's
  unit: the CSAT definition, computed by ``hiqc.surveys`` (which this app may not import) and
  read through the kernel's per-product figure registry (``hiqc.core.productfigures``). An
  answer is a survey record with no page of its own per product: no drill-down.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, UUIDField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hiqc.claims.enums import Outcome
from hiqc.claims.models import Claim, Payment
from hiqc.claims.timeliness import product_clock_outcomes
from hiqc.complaints.models import Complaint
from hiqc.consultations.models import Consultation
from hiqc.core.access import Actor, scope
from hiqc.core.calendar import BEIJING, month_first
from hiqc.core.models import Deadline
from hiqc.core.productfigures import product_figure
from hiqc.core.stats import poisson_interval, wilson
from hiqc.organisations.models import OrgUnit
from hiqc.policies.enums import PolicyStatus
from hiqc.policies.models import Policy, Product

LOWER, HIGHER = "lower_better", "higher_better"
PER_10K, RATIO = "per_10k", "ratio"
LAPSED = (PolicyStatus.LAPSED, PolicyStatus.SURRENDERED)
PRODUCT_TOPICS = "product"  # the consultation topic category 产品咨询


@dataclass(frozen=True)
class FigureSpec:
    code: str
    label: Any
    unit: str  # per_10k | ratio
    direction: str  # lower_better | higher_better
    numerator: Any
    denominator: Any
    drill: bool = True  # the records behind the numerator have a page (``drill``)


SPECS: dict[str, FigureSpec] = {
    s.code: s
    for s in (
        FigureSpec("complaints_per_10k", _("万单投诉量"), PER_10K, LOWER, _("投诉件数"),
                   _("有效保单数")),
        FigureSpec("refusal_rate", _("拒赔率"), RATIO, LOWER, _("拒赔件数"), _("核定件数")),
        FigureSpec("on_time_rate", _("理赔时效达标率"), RATIO, HIGHER, _("按时完成的时限"),
                   _("已结束的时限")),
        FigureSpec("payout_ratio", _("赔付率"), RATIO, HIGHER, _("赔款支付（元）"),
                   _("已赚保费（元，估算）")),
        FigureSpec("consultations_per_10k", _("万单咨询量"), PER_10K, LOWER, _("咨询件数"),
                   _("有效保单数")),
        FigureSpec("lapse_rate", _("退保失效率"), RATIO, LOWER, _("失效或退保保单数"),
                   _("有效保单数")),
        FigureSpec("satisfaction", _("客户满意度"), RATIO, HIGHER, _("满意答卷数（4–5 分）"),
                   _("回答总体满意度题的答卷数"), drill=False),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Figure:
    code: str
    numerator: float
    denominator: float
    size: float | None = None  # the cases the figure rests on, when not its denominator

    @property
    def spec(self) -> FigureSpec:
        return SPECS[self.code]

    @property
    def sample(self) -> float:
        """How many cases the figure rests on: its denominator, or for the payout ratio (a ratio
        of money, swayed by a few large claims) the claims paid in the period."""
        return self.denominator if self.size is None else self.size

    def interval(self, confidence: float = 95) -> tuple[float, float] | None:
        """The figure's 95 % interval in its own unit: Wilson for a share of counts, the exact
        Poisson interval of the numerator over the exposure for a rate per 10,000 policies; none
        for the payout ratio (money over money) or without a denominator."""
        if not self.denominator or self.size is not None:
            return None
        if self.spec.unit == PER_10K:
            low, high = poisson_interval(int(self.numerator), confidence)
            return (low / self.denominator * 10000, high / self.denominator * 10000)
        return wilson(int(self.numerator), int(self.denominator), confidence)

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        scale = 10000 if self.spec.unit == PER_10K else 1
        return self.numerator / self.denominator * scale

    def shown(self) -> str:
        v = self.value
        if v is None:
            return "—"
        return f"{v:.1f}" if self.spec.unit == PER_10K else f"{100 * v:.1f}%"

    def interval_shown(self) -> str:
        interval = self.interval()
        if interval is None:
            return ""
        if self.spec.unit == PER_10K:
            return f"{interval[0]:.1f}–{interval[1]:.1f}"
        return f"{100 * interval[0]:.1f}%–{100 * interval[1]:.1f}%"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "numerator": self.numerator,
                "denominator": self.denominator, "value": self.value}  # fmt: skip


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Beijing days ``[start, end]`` (end inclusive) as aware datetimes ``[from, to)``."""
    return (datetime.combine(start, datetime.min.time(), BEIJING),
            datetime.combine(end + timedelta(days=1), datetime.min.time(), BEIJING))  # fmt: skip


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    return start.astimezone(BEIJING).date(), end.astimezone(BEIJING).date()


def _by(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in rows if r[key] is not None}


def _products(qs: QuerySet[Any], field: str, ids: list[uuid.UUID] | None) -> QuerySet[Any]:
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def policies_in_force(root: str, start: datetime, end: datetime) -> QuerySet[Policy]:
    d0, d1 = _days(start, end)
    return Policy.objects.filter(org_unit__path__startswith=root, start_date__lt=d1,
                                 end_date__gte=d0)  # fmt: skip


def figures(root: OrgUnit, start: datetime, end: datetime,
            product_ids: list[uuid.UUID] | None = None) -> dict[uuid.UUID, dict[str, Figure]]:  # fmt: skip
    """Every figure of every product with data in the period over ``root``'s subtree (a product
    missing from the answer had no policy, claim or complaint there)."""
    path = root.path
    d0, d1 = _days(start, end)
    in_force = _products(policies_in_force(path, start, end), "product_id", product_ids)
    policies = _by(in_force.values("product_id").order_by()
                   .annotate(n=Count("id"), lapsed=Count("id", filter=Q(status__in=LAPSED))),
                   "product_id")  # fmt: skip
    earned = _earned(in_force, d0, d1)
    product_of = Policy.objects.filter(number=OuterRef("policy_ref")).values("product_id")[:1]
    complaints = _by(Complaint.objects.filter(org_unit__path__startswith=path,
                                              received_at__gte=start, received_at__lt=end,
                                              merged_into__isnull=True)
                     .exclude(policy_ref="").annotate(pid=Subquery(product_of, output_field=UUIDField()))
                     .values("pid").order_by().annotate(n=Count("id")), "pid")  # fmt: skip
    if product_ids is not None:
        complaints = {k: v for k, v in complaints.items() if k in product_ids}
    decided = _by(_products(Claim.objects.filter(org_unit__path__startswith=path,
                                                 decided_at__gte=start, decided_at__lt=end)
                            .exclude(outcome=""), "policy__product_id", product_ids)
                  .values("policy__product_id").order_by()
                  .annotate(n=Count("id"), refused=Count("id", filter=Q(outcome=Outcome.REFUSE))),
                  "policy__product_id")  # fmt: skip
    paid = _by(_products(Payment.objects.filter(claim__org_unit__path__startswith=path,
                                                paid_at__gte=start, paid_at__lt=end),
                         "claim__policy__product_id", product_ids)
               .values("claim__policy__product_id").order_by()
               .annotate(s=Sum("amount"), n=Count("claim_id", distinct=True)),
               "claim__policy__product_id")  # fmt: skip
    field = "customer__policies_held__product_id"
    asked = _by(_products(Consultation.objects.filter(org_unit__path__startswith=path,
                                                      received_at__gte=start,
                                                      received_at__lt=end,
                                                      topic__category__code=PRODUCT_TOPICS),
                          field, product_ids)
                .values(field).order_by().annotate(n=Count("id", distinct=True)), field)  # fmt: skip
    clocks = product_clock_outcomes(root, start, end)
    satisfied = _satisfaction(path, start, end, product_ids)
    ids = set(policies) | set(complaints) | set(decided) | set(paid) | set(clocks) | set(satisfied)
    if product_ids is not None:
        ids = (ids | set(product_ids)) & set(product_ids)
    out: dict[uuid.UUID, dict[str, Figure]] = {}
    for pid in ids:
        pol = policies.get(pid, {})
        n_pol = pol.get("n", 0)
        met, closed = clocks.get(pid, (0, 0))
        d = decided.get(pid, {})
        out[pid] = {
            "complaints_per_10k": Figure("complaints_per_10k",
                                         complaints.get(pid, {}).get("n", 0), n_pol),
            "refusal_rate": Figure("refusal_rate", d.get("refused", 0), d.get("n", 0)),
            "on_time_rate": Figure("on_time_rate", met, closed),
            "payout_ratio": Figure("payout_ratio",
                                   float(paid.get(pid, {}).get("s") or Decimal(0)),
                                   earned.get(pid, 0.0), paid.get(pid, {}).get("n", 0)),
            "consultations_per_10k": Figure("consultations_per_10k",
                                            asked.get(pid, {}).get("n", 0), n_pol),
            "lapse_rate": Figure("lapse_rate", pol.get("lapsed", 0), n_pol),
            "satisfaction": Figure("satisfaction", *satisfied.get(pid, (0, 0))),
        }  # fmt: skip
    return out


def _earned(in_force: QuerySet[Policy], d0: date, d1: date) -> dict[uuid.UUID, float]:
    """Premium earned in the days ``[d0, d1)`` per product: annual premium × days of cover
    inside ÷ 365, summed over policies grouped by their cover (one grouped query)."""
    last = d1 - timedelta(days=1)
    out: dict[uuid.UUID, float] = {}
    rows = (in_force.values_list("product_id", "start_date", "end_date").order_by()
            .annotate(premium=Sum("premium_yuan")))  # fmt: skip
    for pid, first, end, premium in rows:
        days = (min(end, last) - max(first, d0)).days + 1
        if days > 0 and premium:
            out[pid] = out.get(pid, 0.0) + float(premium) * days / 365
    return out


def _satisfaction(path: str, start: datetime, end: datetime, product_ids: list[uuid.UUID] | None
                  ) -> dict[uuid.UUID, tuple[float, float]]:  # fmt: skip
    """The surveys' satisfaction by product (through the kernel, by product code) keyed by id."""
    if product_ids is None:
        by_code = product_figure("satisfaction", start, end, path)
        code_of = dict(Product.objects.filter(code__in=list(by_code)).values_list("pk", "code"))
    else:
        code_of = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "code"))
        by_code = product_figure("satisfaction", start, end, path, list(code_of.values()))
    return {pid: by_code[code] for pid, code in code_of.items() if code in by_code}


def empty(product_id: uuid.UUID) -> dict[str, Figure]:
    return {code: Figure(code, 0, 0) for code in SPECS}


def month_windows(today: date, months: int = 12) -> list[tuple[str, datetime, datetime]]:
    """The last ``months`` calendar months up to and including the current one (Beijing)."""
    first = month_first(today)
    out = []
    for shift in range(-(months - 1), 1):
        m0, m1 = month_first(first, shift), month_first(first, shift + 1)
        start, _e = bounds(m0, m0)
        end, _e2 = bounds(m1, m1)
        out.append((f"{m0:%Y-%m}", start, end))
    return out


def monthly(root: OrgUnit, product_id: uuid.UUID, today: date, months: int = 12
            ) -> list[tuple[str, dict[str, Figure]]]:  # fmt: skip
    """The figures of one product month by month (one grouped query per figure and month)."""
    return [(label, figures(root, start, end, [product_id]).get(product_id) or empty(product_id))
            for label, start, end in month_windows(today, months)]  # fmt: skip


@dataclass(frozen=True)
class Record:
    label: str
    at: Any
    detail: str
    url: str


DRILL_LIMIT = 200


def drill(actor: Actor, root: OrgUnit, product_id: uuid.UUID, code: str, start: datetime,
          end: datetime) -> list[Record]:  # fmt: skip
    """The records behind a figure's numerator, each in the caller's scope of its own domain
    (``complaints.view``, ``claims.view``, ``consultations.view``, ``policies.view``) and linked
    to its page; at most ``DRILL_LIMIT``."""
    path = root.path
    if code == "complaints_per_10k":
        numbers = Policy.objects.filter(product_id=product_id).values("number")
        qs = scope(actor, Complaint.objects.filter(
            org_unit__path__startswith=path, received_at__gte=start, received_at__lt=end,
            merged_into__isnull=True, policy_ref__in=numbers), "complaints.view")  # fmt: skip
        return [Record(c.reference, c.received_at, c.policy_ref,
                       reverse("complaints:detail", args=[c.pk]))
                for c in qs.order_by("-received_at")[:DRILL_LIMIT]]  # fmt: skip
    if code in ("refusal_rate", "on_time_rate", "payout_ratio"):
        claims = Claim.objects.filter(org_unit__path__startswith=path,
                                      policy__product_id=product_id)  # fmt: skip
        if code == "refusal_rate":
            claims = claims.filter(decided_at__gte=start, decided_at__lt=end,
                                   outcome=Outcome.REFUSE)  # fmt: skip
        elif code == "on_time_rate":  # the clocks closed late: what pulls the rate down
            late = Deadline.objects.filter(
                case_type="claims.claim", clock__in=("claims.decide", "claims.payment"),
                state=Deadline.State.BREACHED, closed_at__gte=start, closed_at__lt=end,
                org_path__startswith=path).values_list("case_id", flat=True)  # fmt: skip
            claims = claims.filter(pk__in=[uuid.UUID(x) for x in late[:5000]])
        else:
            claims = claims.filter(payments__paid_at__gte=start,
                                   payments__paid_at__lt=end).distinct()  # fmt: skip
        kq = scope(actor, claims.select_related("policy"), "claims.view")
        return [Record(k.number, k.received_at,
                       k.get_status_display(), reverse("claims:detail", args=[k.pk]))
                for k in kq.order_by("-received_at")[:DRILL_LIMIT]]  # fmt: skip
    if code == "consultations_per_10k":
        zq = scope(actor, Consultation.objects.filter(
            org_unit__path__startswith=path, received_at__gte=start, received_at__lt=end,
            topic__category__code=PRODUCT_TOPICS,
            customer__policies_held__product_id=product_id).distinct(), "consultations.view")  # fmt: skip
        return [Record(z.number, z.received_at, "",
                       reverse("consultations:detail", args=[z.pk]))
                for z in zq.order_by("-received_at")[:DRILL_LIMIT]]  # fmt: skip
    if code == "lapse_rate":
        pq = scope(actor, policies_in_force(path, start, end).filter(
            product_id=product_id, status__in=LAPSED), "policies.view")  # fmt: skip
        return [Record(p.number, p.start_date, p.get_status_display(),
                       reverse("policies:detail", args=[p.pk]))
                for p in pq.order_by("number")[:DRILL_LIMIT]]  # fmt: skip
    return []
