"""Issue 18 §3 and §8 through real domains (which the people app may not import): the reassignment
list of an expired holder's open complaints and its reassign action through the engine; the gate
on every path that sets an assignee (held cases written in bulk, sampled inspection tasks' scorer);
and the share of case work done by qualified staff against hand-computed values."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from hiqc.complaints.services import KIND as COMPLAINT
from hiqc.complaints.services import complaint_act, complaint_register
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.heldcases import HeldCases
from hiqc.core.indicators import INDICATORS, Period
from hiqc.core.services import rule_override_set
from hiqc.customers.services import customer_create
from hiqc.inspection.models import InspectionTask
from hiqc.inspection.tests.conftest import make_call
from hiqc.inspection.tests.helpers import draw_march, score_one
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.people import indicators
from hiqc.people.enums import Qualification
from hiqc.people.reassign import lapsed_cases, lapsed_reassign
from hiqc.people.services import certificate_issue

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
AFTER = datetime(2026, 4, 2, 10, 0, tzinfo=BEIJING)  # the handler's certificate ran out 31 March


@pytest.fixture
def customer(actors, org):
    return customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={
        "name": "赵六", "id_number": "110101199003074477", "mobile": "13900001111"})  # fmt: skip


@pytest.fixture
def second_handler(org):
    user = User.objects.create_user(username="handler2", password="x" * 20, org_unit=org["C1"],
                                    display_name="周敏")  # fmt: skip
    Membership.objects.create(user=user, role=Role.COMPLAINT_HANDLER, org_unit=org["C1"])
    return user


def _gate(actors, key="people.gate.complaint", value=Qualification.COMPLAINT_HANDLER):
    rule_override_set(actor=actors["admin"], key=key, value=value, reason="持证上岗要求")


def _certify(actors, user, *, until=date(2026, 3, 31), q=Qualification.COMPLAINT_HANDLER):
    return certificate_issue(actor=actors["trainer"], data={
        "user": str(user.pk), "qualification": q, "issued_on": date(2026, 1, 1),
        "expires_on": until})  # fmt: skip


def _complaint(actors, org, customer, at=T0):
    with time_machine.travel(at, tick=False):
        return complaint_register(actor=actors["agent"], org_unit_id=org["C1"].pk, data={
            "customer_id": str(customer.pk), "channel": "phone", "source": "direct",
            "request": "请求按合同赔付住院医疗费用。", "facts": "理赔申请被拒，理由不清楚。",
            "dispute_type": "claims", "product_line": "medical", "nature": "contract_dispute",
            "respondent_kind": "branch",
        })  # fmt: skip


def _assign(actors, complaint, user, at=T0 + timedelta(hours=1)):
    with time_machine.travel(at, tick=False):
        return complaint_act(actor=actors["branch_manager"], complaint_id=complaint.pk,
                             action="assign", data={"assignee": str(user.pk)}, at=at)  # fmt: skip


# --- the reassignment list -----------------------------------------------------------------------


def test_a_lapsed_holders_open_complaint_is_listed_and_reassigned_only_to_a_qualified_handler(
    actors, org, personas, customer, second_handler
):
    """Given the complaint gate on and a complaint assigned to a handler whose certificate runs
    out on 31 March, when the branch manager opens the reassignment list on 2 April, then the
    complaint is on it; reassigning it to an uncertified handler is refused by the engine
    (not_qualified, on the assignee), to a certified one it goes, and the list is empty."""
    _gate(actors)
    _certify(actors, personas["handler"])
    complaint = _assign(actors, _complaint(actors, org, customer), personas["handler"])
    manager = Client()
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        assert lapsed_cases(actors["branch_manager"], today=date(2026, 3, 3)) == []
    with time_machine.travel(AFTER, tick=False):
        manager.force_login(personas["branch_manager"])
        (row,) = lapsed_cases(actors["branch_manager"], today=AFTER.date())
        assert row.case.pk == complaint.pk and row.reassignable
        page = manager.get("/people/certificates/reassign/")
        assert complaint.reference in page.content.decode()
        refused = manager.post("/people/certificates/reassign/", {
            "case_type": "complaints.complaint", "case_id": str(complaint.pk),
            "assignee": str(second_handler.pk), "reason": "原承办人证书过期"})  # fmt: skip
        assert refused.status_code == 422 and "投诉处理上岗资格" in refused.content.decode()
        _certify(actors, second_handler, until=date(2027, 3, 31))
        done = manager.post("/people/certificates/reassign/", {
            "case_type": "complaints.complaint", "case_id": str(complaint.pk),
            "assignee": str(second_handler.pk), "reason": "原承办人证书过期"})  # fmt: skip
        assert done.status_code == 302
        complaint.refresh_from_db()
        assert complaint.assignee_id == second_handler.pk
        assert lapsed_cases(actors["branch_manager"], today=AFTER.date()) == []


def test_the_list_is_scoped_and_needs_the_reassign_permission(actors, org, personas, customer):
    _assign(actors, _complaint(actors, org, customer), personas["handler"])  # gate off: assigned
    _gate(actors)  # then turned on: the handler holds no certificate
    with time_machine.travel(AFTER, tick=False):
        assert len(lapsed_cases(actors["quality_lead"], today=AFTER.date())) == 1
        assert lapsed_cases(actors["supervisor"], today=AFTER.date()) != []  # P1, complaints.view
        other = User.objects.create_user(username="bm2", password="x" * 20, org_unit=org["P2"])
        Membership.objects.create(user=other, role=Role.BRANCH_MANAGER, org_unit=org["P2"])
        assert lapsed_cases(actor_for_user(other), today=AFTER.date()) == []  # another branch
        agent = Client()
        agent.force_login(personas["agent"])
        assert agent.get("/people/certificates/reassign/").status_code == 403
        with pytest.raises(Forbidden):  # no certificates.reassign
            lapsed_reassign(actor=actors["agent"], case_type="complaints.complaint",
                            case_id="x", data={})  # fmt: skip


# --- the gate on every path that sets an assignee ------------------------------------------------


def test_held_cases_written_in_bulk_pass_the_gate_once_per_assignee(actors, org, personas):
    """A batch (a loader, a backfill) opening cases with an assignee is refused for an
    uncertified one, as a page is; a certified one passes, checked once for the run."""
    _gate(actors)
    store = HeldCases(COMPLAINT, actors["admin"])
    case = store.new(org["C1"].path, {"assignee": personas["handler"]})
    with pytest.raises(ValidationFailed) as refused:
        store.create(case, actors["admin"], T0)
    assert refused.value.code == "not_qualified" and "assignee" in refused.value.fields
    _certify(actors, personas["handler"])
    again = HeldCases(COMPLAINT, actors["admin"])
    for _ in range(3):
        again.create(again.new(org["C1"].path, {"assignee": personas["handler"]}),
                     actors["admin"], T0)  # fmt: skip
    assert len(again._cleared) == 1


def test_scoring_an_inspection_task_assigns_it_to_the_scorer_through_the_gate(
    actors, org, personas
):
    """The scorer takes the task: with the inspection gate on, a supervisor without the
    inspector's certificate is refused; with one, the task is scored and assigned to them."""
    for n in range(4):
        make_call(org["C1"], "agent", n)
    draw_march(actors["supervisor"], org["C1"], kinds=["call"])
    task = InspectionTask.objects.filter(kind="call").order_by("occurred_at")[0]
    _gate(actors, "people.gate.inspection", Qualification.INSPECTOR)
    with pytest.raises(ValidationFailed) as refused:
        score_one(actors["supervisor"], task)
    assert refused.value.code == "not_qualified" and "质检员资格" in refused.value.message
    _certify(actors, personas["supervisor"], until=date(2099, 1, 1), q=Qualification.INSPECTOR)
    score_one(actors["supervisor"], task)
    task.refresh_from_db()
    assert task.status == "scored" and task.assignee_id == personas["supervisor"].pk


# --- the share of case work done by qualified staff (§8) -----------------------------------------


def test_qualified_work_share_against_hand_computed_values(
    actors, org, personas, customer, second_handler
):
    """March, complaint gate on: three assignments at C1 — to the handler while certified
    (2 March), to the second handler uncertified before the gate (1 March, counted: the gate's
    rule is read as set now), and a reassignment to the handler on 5 March. Two of three were
    to a certified handler: 2/3. A kind whose gate is off counts nothing."""
    first = _complaint(actors, org, customer, at=T0 - timedelta(days=1))
    _assign(actors, first, second_handler, at=T0 - timedelta(days=1) + timedelta(hours=1))
    _gate(actors)
    _certify(actors, personas["handler"])
    second = _assign(actors, _complaint(actors, org, customer), personas["handler"])
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        complaint_act(actor=actors["branch_manager"], complaint_id=first.pk, action="reassign",
                      data={"assignee": str(personas["handler"].pk), "reason": "改派持证人员"},
                      at=T0 + timedelta(days=3))  # fmt: skip
    assert second.assignee_id == personas["handler"].pk
    march = Period("month", datetime(2026, 3, 1, tzinfo=BEIJING),
                   datetime(2026, 4, 1, tzinfo=BEIJING))  # fmt: skip
    compute = INDICATORS[indicators.QUALIFIED].compute
    assert compute is not None
    rows = {p: (n, d) for p, n, d in compute(march)}
    assert rows == {org["C1"].path: (2.0, 3.0)}
    rule_override_set(actor=actors["admin"], key="people.gate.complaint", value="off",
                      reason="暂停持证要求")  # fmt: skip
    assert list(compute(march)) == []
