"""The evaluation demo (issue 17 §7): one closed round with three experts, complaints naming the
problem product's policies so its complaint rate crosses the target; a re-run adds nothing."""

from __future__ import annotations

import pytest

from hiqc.complaints.models import Complaint
from hiqc.core.models import RuleOverride
from hiqc.products import demo
from hiqc.products.evaluation.demo import PROBLEM, TITLE, evaluation_demo_load
from hiqc.products.evaluation.models import EvaluationRound
from hiqc.products.projects.models import ProductProject

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


def test_the_product_whose_complaint_rate_crosses_its_target_gets_an_update_project(
    org, personas, system_actor
):
    # given the evaluation demo has linked the problem product's complaint to its one policy
    # (1 complaint per 1 policy in force = 10,000 per 10k, far above the target; the minimum
    # sample configured down to this one policy)
    RuleOverride.objects.create(key="products.monitoring.min_sample", value="1")
    problem = f.product(PROBLEM, name="城市惠民保")
    holder = f.customer(system_actor, org["C1"])
    f.policy(problem, org["C1"], holder)
    f.complaint(org["C1"], holder)
    evaluation_demo_load(seed=1, org_units=org, users=personas, actor=system_actor)
    # when the products demo loads, twice
    counts = demo.demo_load(seed=1, org_units=org, users=personas, actor=system_actor)
    again = demo.demo_load(seed=1, org_units=org, users=personas, actor=system_actor)
    # then one update project of that product carries the monitoring banner's reason, at 需求分析
    assert counts["complaint_driven_projects"] == 1
    assert not any(again.values())
    project = ProductProject.objects.get(product__code=PROBLEM)
    assert project.kind == "update" and project.status == "needs"
    assert "万单投诉量" in project.reason
