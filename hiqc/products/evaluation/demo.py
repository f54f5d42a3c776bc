"""Demo data of the adaptability evaluation and the product monitoring (issue 17 §7).

``evaluation_demo_load`` (called by the product demo, ``hiqc/products/demo.py``):

* links demo complaints to their complainants' policies (``policy_ref``, through the
  complaints' own ``link_policy_refs``): the complaints demo loads before the policies and names
  none, so without this no product has a complaint rate. The demo's complaints are many for its
  book (about one per five customers), so only the complaints of the holders of one product —
  城市惠民保 (MED-HM03), the product whose complaint rate drives an update — name their policy
  in full; of the other products' holders, one policy in two hundred (chosen by a hash of its
  number) is named, which keeps their rates near or below the design default target
  (10 per 10,000 policies);
* one closed evaluation round of the medical line over the last twelve months, organised by the
  product manager, scored by three experts (product manager, compliance officer, risk manager)
  with the default criteria; one expert's score on one criterion is an outlier;
* one round of the critical-illness line in scoring: the product manager has submitted, the
  compliance officer has saved part of their scores, the risk manager has not begun (blind: each
  sees only their own).

Idempotent: the round is recognised by its title; the complaint links only fill empty ones.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone

from hiqc.complaints.demo import link_policy_refs
from hiqc.core.access import Actor
from hiqc.organisations.services import actor_for_user
from hiqc.policies.models import Policy, Product

from .models import CriterionKind, EvaluationRound
from .services import round_act, round_create, scores_save

TITLE = "医疗险产品适应性评价（演示）"
OPEN_TITLE = "重疾险产品适应性评价（演示，评分中）"
OPEN_LINE = "critical_illness"
PROBLEM = "MED-HM03"  # 城市惠民保: its complaint rate crosses the target
OTHERS_NAMED = 200  # one policy in this many of the other products is named by its complaints
EXPERTS = ("product_manager", "compliance", "risk")
LINE = "medical"


def _policy_numbers() -> dict[Any, dict[str, str]]:
    """customer id → line → the number of one policy they hold of that line: the problem
    product's first, then (one in ``OTHERS_NAMED``) the others'."""
    out: dict[Any, dict[str, str]] = {}
    rows = Policy.objects.order_by("number").values_list(
        "holder_id", "product__line", "product__code", "number"
    )
    for holder, line, code, number in sorted(rows, key=lambda r: r[2] != PROBLEM):
        if code == PROBLEM or zlib.crc32(number.encode()) % OTHERS_NAMED == 0:
            out.setdefault(holder, {}).setdefault(line, number)
    return out


def evaluation_demo_load(
    *, seed: int, org_units: Mapping[str, Any], users: Mapping[str, Any], actor: Actor
) -> dict[str, int]:
    linked = link_policy_refs(_policy_numbers())
    counts = {"complaint_policy_refs": linked}
    if any(users.get(name) is None for name in EXPERTS) or "HO" not in org_units:
        return counts
    people = {name: users[name] for name in EXPERTS}
    if not EvaluationRound.objects.filter(title=OPEN_TITLE).exists():
        counts.update(_open_round(seed, org_units, people))
    if EvaluationRound.objects.filter(title=TITLE).exists():
        return counts
    products = list(Product.objects.filter(line=LINE).order_by("code")[:3])
    if not products:
        return counts
    organiser = actor_for_user(people["product_manager"])
    today = timezone.localdate()
    rnd = round_create(actor=organiser, data={
        "title": TITLE, "line": LINE, "products": [p.code for p in products],
        "org_unit": str(org_units["HO"].pk), "experts": list(EXPERTS),
        "period_start": (today - timedelta(days=365)).isoformat(),
        "period_end": today.isoformat(),
    })  # fmt: skip
    round_act(actor=organiser, round_id=rnd.pk, action="open")
    rng = random.Random(f"hiqc-demo-evaluation:{seed}")
    criteria = list(rnd.criteria.filter(kind=CriterionKind.EXPERT).order_by("position"))
    for i, name in enumerate(EXPERTS):
        scores = []
        for c in criteria:
            for p in products:
                score = rng.randint(68, 88)
                if c.position == criteria[0].position and p == products[0]:
                    # the other two agree (80, 81) and the risk manager disagrees (40): an
                    # outlier the round page flags, whatever the seed draws elsewhere
                    score = 40 if name == "risk" else 80 + i
                scores.append({"criterion": str(c.pk), "product": p.code, "score": score,
                               "comment": "" if i else "依据上年度经营与客户反馈评定"})  # fmt: skip
        scores_save(actor=actor_for_user(people[name]), round_id=rnd.pk, scores=scores,
                    submit=True)  # fmt: skip
    round_act(actor=organiser, round_id=rnd.pk, action="close")
    counts.update(evaluation_rounds=1, expert_scores=len(EXPERTS) * len(criteria) * len(products))
    return counts


def _open_round(seed: int, org_units: Mapping[str, Any], people: Mapping[str, Any]
                ) -> dict[str, int]:  # fmt: skip
    products = list(Product.objects.filter(line=OPEN_LINE).order_by("code")[:2])
    if not products:
        return {}
    organiser = actor_for_user(people["product_manager"])
    today = timezone.localdate()
    rnd = round_create(actor=organiser, data={
        "title": OPEN_TITLE, "line": OPEN_LINE, "products": [p.code for p in products],
        "org_unit": str(org_units["HO"].pk), "experts": list(EXPERTS),
        "period_start": (today - timedelta(days=365)).isoformat(),
        "period_end": today.isoformat(),
    })  # fmt: skip
    round_act(actor=organiser, round_id=rnd.pk, action="open")
    rng = random.Random(f"hiqc-demo-evaluation-open:{seed}")
    criteria = list(rnd.criteria.filter(kind=CriterionKind.EXPERT).order_by("position"))
    every = [{"criterion": str(c.pk), "product": p.code, "score": rng.randint(65, 90)}
             for c in criteria for p in products]  # fmt: skip
    scores_save(actor=organiser, round_id=rnd.pk, scores=every, submit=True)
    scores_save(actor=actor_for_user(people["compliance"]), round_id=rnd.pk,
                scores=every[: len(every) // 2])  # fmt: skip
    return {"evaluation_rounds_open": 1}
