"""R&D projects through the six gates (standard 3.1.2, 3.3.2; issue 17 §2) and the compliance
review checklist (3.1.1(3), 3.2.2(3); issue 17 §3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import Deadline
from hiqc.organisations.services import actor_for_user
from hiqc.policies import catalogue
from hiqc.policies import selectors as policy_selectors
from hiqc.products.projects import checklist
from hiqc.products.projects.models import Gate, ProductProject
from hiqc.products.projects.services import (
    access_project,
    attachment_add,
    project_act,
    project_open,
)
from hiqc.products.projects.workflow import CLOCKS, PROCESS, PROJECT

from .conftest import CODE, complete, png

pytestmark = pytest.mark.django_db


def open_update(pm, **over):
    data = {"kind": "update", "product": CODE, "title": "测试医疗险更新", "reason": "投诉率上升"}
    return project_open(actor=pm, data={**data, **over})


def act(actor, project, action, **data):
    return project_act(actor=actor, project_id=project.pk, action=action, data=data)


ORDER = [Gate.NEEDS, Gate.DESIGN, Gate.RISK, Gate.COMPLIANCE, Gate.TESTING, Gate.LAUNCH]


def fill(project, gate, *, pm, actors, **design):
    """Give ``gate`` every input and attachment it needs (not signed)."""
    if gate == Gate.NEEDS:
        act(pm, project, "record_needs", needs_analysis="客户调研：希望增加在线问诊")
        attachment_add(actor=pm, project_id=project.pk, gate=gate, upload=png("needs"))
    elif gate == Gate.DESIGN:
        complete(project.product_version, **design)
        attachment_add(actor=pm, project_id=project.pk, gate=gate, upload=png("design"))
    elif gate == Gate.RISK:
        act(pm, project, "record_risk", risks=[{"risk": "成本超支", "control": "按季监测"}])
        attachment_add(actor=pm, project_id=project.pk, gate=gate, upload=png("risk"))
    elif gate == Gate.COMPLIANCE:
        answer_all(actors["compliance"], project)
    elif gate == Gate.TESTING:
        act(
            pm,
            project,
            "record_testing",
            test_result="核保、出单、理赔全流程通过",
            test_passed="true",
        )
        attachment_add(actor=pm, project_id=project.pk, gate=gate, upload=png("test"))


SIGN = {
    Gate.NEEDS: ("pm", {}),
    Gate.DESIGN: ("pm", {}),
    Gate.RISK: ("risk", {}),
    Gate.COMPLIANCE: ("compliance", {"opinion": "符合规定"}),
    Gate.TESTING: ("pm", {}),
}


def to_gate(project, gate, *, pm, actors, filled=False, **design):
    """Take ``project`` through the gates before ``gate`` (and, ``filled``, give ``gate`` its
    inputs), with every input in place."""
    for step in ORDER[: ORDER.index(gate) + (1 if filled else 0)]:
        fill(project, step, pm=pm, actors=actors, **design)
        if step == gate:
            break
        who, data = SIGN[step]
        project = act(pm if who == "pm" else actors[who], project, f"pass_{step}", **data)
    return access_project(pm, project.pk)


def answer_all(compliance, project, result="pass"):
    data = {f"result_{i.code}": result for i in checklist.MANUAL}
    if result == "fail":
        data.update({f"note_{i.code}": "不符合" for i in checklist.MANUAL})
    return act(compliance, project, "record_compliance", **data)


# --- the workflow as data ----------------------------------------------------------------------


def test_a_project_moves_through_the_six_gates_in_order_with_their_signers():
    # Given the workflow; Then the sign-offs go gate by gate, each by its role
    passes = [
        (t.sources, t.target, t.perm)
        for t in PROJECT.transitions
        if t.name.startswith("pass_") or t.name == "launch"
    ]
    assert passes == [
        (("needs",), "design", "products.develop"),
        (("design",), "risk", "products.develop"),
        (("risk",), "compliance", "products.signoff.risk"),
        (("compliance",), "testing", "products.signoff.compliance"),
        (("testing",), "launch", "products.develop"),
        (("launch",), "launched", "products.launch"),
    ]
    assert PROJECT.initial == "needs" and set(PROJECT.final) == {"launched", "cancelled"}
    assert {c.unit for c in CLOCKS.values()} == {"working_days"} and PROCESS in CASE_KINDS


# --- opening -----------------------------------------------------------------------------------


def test_a_new_product_project_creates_the_product_and_its_first_draft(pm, org):
    # When a product manager opens a new-product project
    project = project_open(
        actor=pm,
        data={
            "kind": "new",
            "title": "长期护理新品",
            "reason": "老龄客户需求",
            "code": "LTC-N1",
            "name": "长期护理保险（新）",
            "line": "long_term_care",
        },
    )
    # Then the product and a draft version 1 exist; the project is at 需求分析, at head office,
    # with its first gate's clock running
    assert project.status == Gate.NEEDS and project.org_unit == org["HO"]
    draft = project.product_version
    assert draft is not None and project.product.code == "LTC-N1" and draft.number == 1
    assert draft.effective_from is None and project.number.startswith("YF")
    clock = Deadline.objects.get(case_type=PROCESS, case_id=str(project.pk))
    assert clock.clock == "products.gate_needs" and clock.unit == "working_days"


def test_an_update_project_drafts_the_next_version_from_the_current_one(pm, product):
    project = open_update(pm)
    assert project.kind == "update" and project.product_version.number == 2
    assert (
        project.product_version.term_years == 1 and project.product_version.effective_from is None
    )


def test_bad_opening_input_is_named_at_its_field(pm, product):
    with pytest.raises(ValidationFailed) as exc:
        project_open(
            actor=pm, data={"kind": "update", "product": "NOPE", "title": "", "reason": ""}
        )
    assert set(exc.value.fields) == {"product", "title", "reason"}
    with pytest.raises(ValidationFailed) as exc:
        project_open(actor=pm, data={"kind": "new", "title": "t", "reason": "r"})
    assert set(exc.value.fields) == {"code", "name", "line"}


def test_only_a_product_manager_over_head_office_opens_a_project(actors, pm_users, product):
    # Given a compliance officer (no products.develop) and a product manager over a branch only
    with pytest.raises(Forbidden):
        open_update(actors["compliance"])
    with pytest.raises(Forbidden):
        open_update(actor_for_user(pm_users["pm_branch"]))
    assert not ProductProject.objects.exists()


# --- gate rules --------------------------------------------------------------------------------


def test_gate_cannot_pass_without_its_inputs_and_attachment(pm, product):
    project = open_update(pm)
    # When the needs analysis is signed with nothing recorded
    with pytest.raises(Conflict) as exc:
        act(pm, project, "pass_needs")
    # Then it is refused with what is missing
    assert exc.value.code == "gate_incomplete"
    assert "缺少市场调研与需求分析" in exc.value.message and "缺少附件" in exc.value.message
    act(pm, project, "record_needs", needs_analysis="调研")
    with pytest.raises(Conflict) as exc:
        act(pm, project, "pass_needs")
    assert "缺少附件" in exc.value.message and "需求分析报告" in exc.value.message
    attachment_add(actor=pm, project_id=project.pk, gate="needs", upload=png())
    assert act(pm, project, "pass_needs").status == Gate.DESIGN


def test_design_cannot_pass_while_the_draft_terms_are_incomplete(pm, actors, product):
    project = to_gate(open_update(pm), Gate.DESIGN, pm=pm, actors=actors, filled=True)
    catalogue.version_update(Actor.system("t"), project.product_version, {"coverage": []})
    with pytest.raises(Conflict) as exc:
        act(pm, project, "pass_design")
    assert "产品条款不完整" in exc.value.message and "coverage" in exc.value.message


def test_risk_assessment_needs_a_control_for_every_risk(pm, actors, product):
    project = to_gate(open_update(pm), Gate.RISK, pm=pm, actors=actors)
    with pytest.raises(ValidationFailed) as exc:
        act(pm, project, "record_risk", risks="成本超支 | 按季监测\n垫付坏账 |")
    assert "缺少控制措施" in exc.value.fields["risks"][0]


def test_a_gate_is_signed_only_by_its_role(pm, actors, product):
    project = to_gate(open_update(pm), Gate.RISK, pm=pm, actors=actors, filled=True)
    # Given the risk assessment complete; When the product manager or the compliance officer signs
    for who in (pm, actors["compliance"], actors["quality_lead"]):
        with pytest.raises(Forbidden):
            act(who, project, "pass_risk")
    # Then only the risk manager can
    assert act(actors["risk"], project, "pass_risk").status == Gate.COMPLIANCE


def test_a_gate_cannot_be_skipped_without_its_sign_off(pm, actors, product):
    project = to_gate(open_update(pm), Gate.RISK, pm=pm, actors=actors)
    # When the compliance officer signs compliance while the risk gate is not signed off
    with pytest.raises(Conflict) as exc:
        act(actors["compliance"], project, "pass_compliance", opinion="同意")
    assert exc.value.code == "action_not_allowed"
    assert access_project(pm, project.pk).status == Gate.RISK


def test_a_rejected_gate_returns_with_its_reasons_and_is_resubmitted(pm, actors, product):
    project = to_gate(open_update(pm), Gate.RISK, pm=pm, actors=actors, filled=True)
    # When the risk manager rejects without a reason, then with one
    with pytest.raises(ValidationFailed) as exc:
        act(actors["risk"], project, "reject_risk", reason="")
    assert "reason" in exc.value.fields
    project = act(actors["risk"], project, "reject_risk", reason="垫付额度未设上限")
    # Then the project is back at 产品设计 with the reason recorded
    assert project.status == Gate.DESIGN
    assert project.rejections[0]["reason"] == "垫付额度未设上限"
    assert project.rejections[0]["gate"] == "risk" and project.rejections[0]["by"] == "risk"
    # And the design is signed again and the risk manager signs the resubmission
    project = act(pm, project, "pass_design")
    assert project.status == Gate.RISK
    assert act(actors["risk"], project, "pass_risk").status == Gate.COMPLIANCE


def test_cancelling_a_project_discards_its_draft(pm, product):
    project = open_update(pm)
    draft = project.product_version
    project = act(pm, project, "cancel", reason="市场变化")
    assert project.status == Gate.CANCELLED and project.cancel_reason == "市场变化"
    assert not type(draft).objects.filter(pk=draft.pk).exists()


# --- the compliance checklist --------------------------------------------------------------------


def version(cost, net, *, line="medical", term=1):
    services = [{"name": "s", "cost_yuan": str(cost)}]
    return SimpleNamespace(
        health_service_cost_yuan=Decimal(str(cost)),
        health_services=services,
        net_premium_yuan=None if net is None else Decimal(str(net)),
        product=SimpleNamespace(line=line),
        term_years=term,
    )


def test_pr1_health_services_at_exactly_twenty_percent_pass():
    outcome = checklist.check_pr1(version("200.00", "1000.00"))
    assert outcome.result == "pass" and "20.00%" in outcome.detail


def test_pr1_health_services_above_twenty_percent_fail_with_the_figures():
    outcome = checklist.check_pr1(version("200.10", "1000.00"))
    assert outcome.result == "fail"
    assert "200.10" in outcome.detail and "1000.00" in outcome.detail and "20.01%" in outcome.detail


def test_pr1_without_a_net_premium_fails_with_a_clear_reason():
    outcome = checklist.check_pr1(version("50", None))
    assert outcome.result == "fail" and "未填写参考年度净保费" in outcome.detail


def test_pr2_long_term_care_needs_a_term_of_five_years():
    assert checklist.check_pr2(version(0, 100, line="long_term_care", term=4)).result == "fail"
    assert checklist.check_pr2(version(0, 100, line="long_term_care", term=5)).result == "pass"
    assert checklist.check_pr2(version(0, 100, line="medical", term=1)).result == "na"


def test_a_failing_automatic_check_blocks_the_compliance_gate_and_says_why(pm, actors, product):
    # Given a design whose health services cost 20.01% of the net premium
    project = to_gate(
        open_update(pm),
        Gate.COMPLIANCE,
        pm=pm,
        actors=actors,
        net_premium_yuan=Decimal("1000"),
        health_services=[{"name": "在线问诊", "cost_yuan": "200.10"}],
    )
    answer_all(actors["compliance"], project)
    # When the compliance officer signs (every manual item answered)
    with pytest.raises(Conflict) as exc:
        act(actors["compliance"], project, "pass_compliance", opinion="同意")
    # Then it is refused naming the rule and the figures
    assert exc.value.code == "compliance_check_failed"
    assert "PR-1" in exc.value.message and "20.01%" in exc.value.message


def test_the_compliance_gate_passes_at_exactly_twenty_percent_once_answered(pm, actors, product):
    project = to_gate(
        open_update(pm),
        Gate.COMPLIANCE,
        pm=pm,
        actors=actors,
        net_premium_yuan=Decimal("1000"),
        health_services=[{"name": "在线问诊", "cost_yuan": "200.00"}],
    )
    with pytest.raises(Conflict) as exc:  # the manual items are not answered yet
        act(actors["compliance"], project, "pass_compliance", opinion="同意")
    assert "尚未答复" in exc.value.message
    answer_all(actors["compliance"], project)
    with pytest.raises(ValidationFailed) as missing:  # the opinion is the sign-off's input
        act(actors["compliance"], project, "pass_compliance")
    assert "opinion" in missing.value.fields
    project = act(actors["compliance"], project, "pass_compliance", opinion="符合规定")
    assert project.status == Gate.TESTING and project.compliance_opinion == "符合规定"


def test_a_failed_manual_item_needs_a_note_and_blocks_the_gate(pm, actors, product):
    project = to_gate(open_update(pm), Gate.COMPLIANCE, pm=pm, actors=actors)
    with pytest.raises(ValidationFailed) as exc:
        act(actors["compliance"], project, "record_compliance", result_LAW="fail")
    assert "note_LAW" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        act(actors["compliance"], project, "record_compliance", **{"result_PR-1": "pass"})
    assert "result_PR-1" in exc.value.fields  # automatic items are computed, not answered
    answer_all(actors["compliance"], project, result="fail")
    with pytest.raises(Conflict) as refused:
        act(actors["compliance"], project, "pass_compliance", opinion="不同意")
    assert "LAW 审查不通过" in refused.value.message


# --- launch --------------------------------------------------------------------------------------


def test_launch_publishes_the_draft_version_in_force_from_its_date(pm, actors, product):
    project = to_gate(open_update(pm), Gate.LAUNCH, pm=pm, actors=actors)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as exc:
        act(
            actors["quality_lead"],
            project,
            "launch",
            effective_from=(today - timedelta(days=1)).isoformat(),
        )
    assert "effective_from" in exc.value.fields
    start = today + timedelta(days=10)
    # When the quality lead (who does not maintain the catalogue) approves the launch
    project = act(actors["quality_lead"], project, "launch", effective_from=start.isoformat())
    # Then version 2 is in force from that day and version 1 until then
    assert project.status == Gate.LAUNCHED and project.effective_from == start
    v2 = type(project.product_version).objects.get(pk=project.product_version_id)
    assert v2.effective_from == start and v2.number == 2
    in_force = policy_selectors.version_in_force(product, start)
    before = policy_selectors.version_in_force(product, today)
    assert in_force is not None and before is not None
    assert (in_force.number, before.number) == (2, 1)


def test_every_attachment_is_a_real_checked_file(pm, product):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = open_update(pm)
    fake = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=pm, project_id=project.pk, gate="needs", upload=fake)
    assert "file" in exc.value.fields
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=pm, project_id=project.pk, gate="needs", upload=big)
    assert exc.value.code == "file_too_large"
    with pytest.raises(ValidationFailed) as exc:  # only the current gate takes files
        attachment_add(actor=pm, project_id=project.pk, gate="risk", upload=png())
    assert "gate" in exc.value.fields
    doc = attachment_add(actor=pm, project_id=project.pk, gate="needs", upload=png())
    assert doc.content_type == "image/png" and doc.file.name.endswith(".png")
    with pytest.raises(ValidationFailed):  # the same file twice
        attachment_add(actor=pm, project_id=project.pk, gate="needs", upload=png())


def test_a_project_outside_scope_is_the_same_as_a_missing_one(pm, actors, product):
    project = open_update(pm)
    # Given a branch manager (no products.view) and an auditor (products.view at head office)
    with pytest.raises(NotFound):
        access_project(actors["branch_manager"], project.pk)
    assert access_project(actors["auditor"], project.pk).pk == project.pk
    with pytest.raises(Forbidden):
        act(actors["auditor"], project, "record_needs", needs_analysis="x")


def test_a_policy_sold_under_v1_keeps_v1_after_the_project_launches_v2(pm, actors, org, product):
    import io

    from hiqc.policies.services import policies_import
    from hiqc.policies.tests.factories import csv_bytes, person, row

    # Given an update project that adds a claim document, launched in force 10 days from now
    project = to_gate(open_update(pm), Gate.DESIGN, pm=pm, actors=actors, filled=True)
    catalogue.version_set_checklist(
        pm,
        project.product_version,
        "medical_reimbursement",
        [("INVOICE", "医疗费用发票", True), ("LIST", "费用清单", True)],
    )
    project = act(pm, project, "pass_design")
    for gate in (Gate.RISK, Gate.COMPLIANCE, Gate.TESTING):
        fill(project, gate, pm=pm, actors=actors)
        who, data = SIGN[gate]
        project = act(pm if who == "pm" else actors[who], project, f"pass_{gate}", **data)
    today = timezone.localdate()
    act(pm, project, "launch", effective_from=(today + timedelta(days=10)).isoformat())
    # When policies starting before and after that day are imported
    person(actors["agent"], org["C1"], "王建国", 1)
    day = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    body = csv_bytes(
        [
            row("P-OLD", product=CODE, start_date=day(-5), end_date=day(355)),
            row("P-NEW", product=CODE, start_date=day(15), end_date=day(375)),
        ]
    )
    report = policies_import(actor=actors["quality_lead"], source=io.BytesIO(body))
    assert report.created == 2, report.rejected
    # Then the one sold under v1 keeps v1's checklist
    old = policy_selectors.policy_by_number(actors["quality_lead"], "P-OLD")
    new = policy_selectors.policy_by_number(actors["quality_lead"], "P-NEW")
    assert old is not None and new is not None
    assert (old.product_version.number, new.product_version.number) == (1, 2)
    assert [
        d.code for d in policy_selectors.checklist(old.product_version, "medical_reimbursement")
    ] == ["INVOICE"]
    assert [
        d.code for d in policy_selectors.checklist(new.product_version, "medical_reimbursement")
    ] == ["INVOICE", "LIST"]
