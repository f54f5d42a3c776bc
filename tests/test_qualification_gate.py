"""The engine refuses to assign a case to someone without the qualification its kind's rule names
(issue 18 §3; standard 4.2.2; ADR 0020). The check lives in one place in the kernel
(``hiqc.core.casework.assignment_check``), fed by the people app through the kernel's registry;
this test drives it through a real domain (complaints), which the people app may not import."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from hiqc.complaints.services import complaint_act, complaint_register
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import ASSIGNMENT_CHECKS
from hiqc.core.errors import ValidationFailed
from hiqc.core.services import rule_override_set
from hiqc.customers.services import customer_create
from hiqc.people.enums import Qualification
from hiqc.people.gate import GATED
from hiqc.people.services import certificate_issue

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def customer(actors, org):
    return customer_create(actor=actors["agent"], org_unit_id=org["C1"].pk, data={
        "name": "赵六", "id_number": "110101199003074477", "mobile": "13900001111"})  # fmt: skip


def _complaint(actors, org, customer):
    with time_machine.travel(T0, tick=False):
        return complaint_register(actor=actors["agent"], org_unit_id=org["C1"].pk, data={
            "customer_id": str(customer.pk), "channel": "phone", "source": "direct",
            "request": "请求按合同赔付住院医疗费用。", "facts": "理赔申请被拒，理由不清楚。",
            "dispute_type": "claims", "product_line": "medical", "nature": "contract_dispute",
            "respondent_kind": "branch",
        })  # fmt: skip


def _assign(actors, complaint, user, at):
    with time_machine.travel(at, tick=False):
        return complaint_act(actor=actors["branch_manager"], complaint_id=complaint.pk,
                             action="assign", data={"assignee": str(user.pk)}, at=at)  # fmt: skip


def _gate_on(actors):
    rule_override_set(actor=actors["admin"], key="people.gate.complaint",
                      value=Qualification.COMPLAINT_HANDLER, reason="上岗资格")  # fmt: skip


def test_every_gated_kind_has_its_check_registered_in_the_kernel():
    for label in GATED:
        assert ASSIGNMENT_CHECKS[label], label


def test_by_default_no_gate_is_on_and_anyone_eligible_may_be_assigned(
    actors, org, personas, customer
):
    complaint = _complaint(actors, org, customer)
    assigned = _assign(actors, complaint, personas["handler"], T0 + timedelta(hours=1))
    assert assigned.assignee_id == personas["handler"].pk


def test_assignment_is_refused_without_a_current_certificate_naming_the_qualification(
    actors, org, personas, customer
):
    """Given the complaint gate on and a handler without a certificate, when the manager assigns
    the complaint to them, then it is refused on the assignee field, naming the qualification,
    and nothing changes."""
    _gate_on(actors)
    complaint = _complaint(actors, org, customer)
    with pytest.raises(ValidationFailed) as refused:
        _assign(actors, complaint, personas["handler"], T0 + timedelta(hours=1))
    assert refused.value.code == "not_qualified"
    assert "投诉处理上岗资格" in refused.value.message
    assert "投诉处理上岗资格" in refused.value.fields["assignee"][0]
    complaint.refresh_from_db()
    assert complaint.assignee_id is None and complaint.version == 1


def test_assignment_is_allowed_with_a_current_certificate_and_refused_again_after_expiry(
    actors, org, personas, customer
):
    _gate_on(actors)
    certificate_issue(actor=actors["trainer"], data={
        "user": str(personas["handler"].pk), "qualification": Qualification.COMPLAINT_HANDLER,
        "issued_on": date(2026, 1, 1), "expires_on": date(2026, 3, 31),
    })  # fmt: skip
    first = _complaint(actors, org, customer)
    assigned = _assign(actors, first, personas["handler"], T0 + timedelta(hours=1))
    assert assigned.assignee_id == personas["handler"].pk

    second = _complaint(actors, org, customer)
    on_last_day = datetime(2026, 3, 31, 23, 0, tzinfo=BEIJING)
    assert _assign(actors, second, personas["handler"], on_last_day).assignee_id == \
        personas["handler"].pk  # fmt: skip

    third = _complaint(actors, org, customer)
    with pytest.raises(ValidationFailed, match="投诉处理上岗资格"):
        _assign(actors, third, personas["handler"], datetime(2026, 4, 1, 0, 30, tzinfo=BEIJING))


def test_a_certificate_of_another_qualification_does_not_open_the_gate(
    actors, org, personas, customer
):
    _gate_on(actors)
    certificate_issue(actor=actors["trainer"], data={
        "user": str(personas["handler"].pk), "qualification": Qualification.CLAIMS_SPECIALIST,
        "issued_on": date(2026, 1, 1), "expires_on": date(2027, 12, 31),
    })  # fmt: skip
    with pytest.raises(ValidationFailed, match="投诉处理上岗资格"):
        _assign(
            actors, _complaint(actors, org, customer), personas["handler"], T0 + timedelta(hours=1)
        )
