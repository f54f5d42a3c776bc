"""The evaluation demo (issue 17 §7): one closed round with three experts, complaints naming the
problem product's policies so its complaint rate crosses the target; a re-run adds nothing."""

from __future__ import annotations

import pytest

from hiqc.complaints.models import Complaint
from hiqc.products.evaluation.demo import PROBLEM, TITLE, evaluation_demo_load
from hiqc.products.evaluation.models import EvaluationRound

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_closes_one_round_scored_by_three_experts_and_links_complaints(
    org, personas, system_actor
):
    # given a problem product and another of the same line, each with a
    # holder who complained about a medical product without naming the policy
    problem, other = f.product(PROBLEM, name="城市惠民保"), f.product("MED-X", name="其他医疗险")
    holder, other_holder = f.customer(system_actor, org["C1"]), f.customer(system_actor, org["C1"])
    pol = f.policy(problem, org["C1"], holder)
    f.policy(other, org["C1"], other_holder, premium="500.00")
    f.complaint(org["C1"], holder)
    users = personas
    # when the demo loads twice
    first = evaluation_demo_load(seed=1, org_units=org, users=users, actor=system_actor)
    again = evaluation_demo_load(seed=1, org_units=org, users=users, actor=system_actor)
    # then the problem product's complaint names its policy, and one round is closed
    assert Complaint.objects.get().policy_ref == pol.number
    assert first["evaluation_rounds"] == 1 and "evaluation_rounds" not in again
    rnd = EvaluationRound.objects.get(title=TITLE)
    assert rnd.status == "closed"
    assert sorted(e.user.username for e in rnd.experts.all()) == [
        "compliance", "product_manager", "risk"]  # fmt: skip
    assert all(e.submitted_at for e in rnd.experts.all())
    outliers = [cell["outliers"] for cell in rnd.results["products"][PROBLEM]["criteria"].values()
                if cell.get("outliers")]  # fmt: skip
    assert ["risk"] in outliers
