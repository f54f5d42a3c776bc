"""Quarterly access recertification (6.2.1(4), 6.2.3(4); issue 21 §4): one round per Beijing
quarter, opened catch-up safe; a case per unit with members; revoking a line revokes the
membership at once and is audited; nobody decides their own line; submit waits for every line."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent, Deadline
from hiqc.information.models import AccessRecertification, RecertificationLine, RecertificationRound
from hiqc.information.services import quarter_of, recertification_act, recertification_open
from hiqc.organisations.models import Membership
from hiqc.organisations.services import actor_for_user

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


def test_quarters_are_beijing_quarters():
    assert quarter_of(at("2026-12-31 23:30").date())[0] == "2026Q4"
    assert quarter_of(at("2027-01-01 00:30").date())[:2] == (
        "2027Q1",
        at("2027-01-01 00:00").date(),
    )
    assert quarter_of(at("2028-02-29 09:00").date())[2] == at("2028-03-31 00:00").date()
    assert quarter_of(at("2027-03-31 18:00").date())[0] == "2027Q1"


@pytest.mark.parametrize("late", ["2026-12-31 23:30", "2027-03-31 18:00", "2028-02-29 09:00"])
def test_one_round_per_quarter_whatever_the_day_the_job_runs(personas, late):
    """Units with members: HO, P1, C1, P2. A late first run (the scheduler was down) opens the
    quarter's round; reruns that day and later in the quarter open nothing more."""
    with time_machine.travel(at(late), tick=False):
        first = recertification_open()
        assert first == {"round": 1, "cases": 4, "lines": Membership.objects.count()}
        assert recertification_open() == {"round": 0, "cases": 0, "lines": 0}
    assert RecertificationRound.objects.count() == 1
    assert Deadline.objects.filter(case_type="information.accessrecertification").count() == 4


def test_the_next_quarter_opens_a_new_round_at_midnight_beijing(personas):
    with time_machine.travel(at("2026-12-31 23:30"), tick=False):
        recertification_open()
    with time_machine.travel(at("2027-01-01 00:30"), tick=False):
        assert recertification_open()["cases"] == 4
    assert list(RecertificationRound.objects.values_list("quarter", flat=True)) == [
        "2027Q1", "2026Q4"]  # fmt: skip
    assert AccessRecertification.objects.count() == 8


def _case(org, code):
    return AccessRecertification.objects.get(org_unit=org[code])


def test_revoking_a_line_revokes_the_membership_and_is_audited(personas, org):
    recertification_open()
    case = _case(org, "C1")
    manager = actor_for_user(personas["branch_manager"])
    line = RecertificationLine.objects.get(case=case, user=personas["agent"])
    with pytest.raises(ValidationFailed) as no_reason:
        recertification_act(actor=manager, case_id=case.pk, action="decide",
                            data={"line": str(line.pk), "decision": "revoke"})  # fmt: skip
    assert "reason" in no_reason.value.fields
    case = recertification_act(actor=manager, case_id=case.pk, action="decide", data={
        "line": str(line.pk), "decision": "revoke", "reason": "已调岗"}, version=case.version)  # fmt: skip
    line.refresh_from_db()
    assert line.decision == "revoked" and line.decided_by == "branch_manager"
    assert line.membership_id is None
    assert not Membership.objects.filter(user=personas["agent"]).exists()
    assert actor_for_user(personas["agent"]).grants == ()
    step = AuditEvent.objects.get(action="information.accessrecertification.decide")
    assert step.actor_name == "branch_manager" and step.data["decision"] == "revoke"
    revoked = AuditEvent.objects.get(action="membership.revoke")
    assert revoked.actor_name == "information.recertification"
    assert revoked.data["user"] == str(personas["agent"].pk)
    with pytest.raises(ValidationFailed):  # decided once
        recertification_act(actor=manager, case_id=case.pk, action="decide",
                            data={"line": str(line.pk), "decision": "confirm"})  # fmt: skip


def test_nobody_decides_their_own_line_and_submit_waits_for_every_line(personas, org):
    recertification_open()
    case = _case(org, "P1")
    manager = actor_for_user(personas["branch_manager"])
    own = RecertificationLine.objects.get(case=case, user=personas["branch_manager"])
    with pytest.raises(ValidationFailed) as refused:
        recertification_act(actor=manager, case_id=case.pk, action="decide",
                            data={"line": str(own.pk), "decision": "confirm"})  # fmt: skip
    assert "line" in refused.value.fields
    case = recertification_act(actor=manager, case_id=case.pk, action="confirm_rest", data={})
    assert RecertificationLine.objects.filter(case=case, decision="pending").count() == 1
    with pytest.raises(Conflict) as pending:
        recertification_act(actor=manager, case_id=case.pk, action="submit", data={})
    assert pending.value.code == "lines_pending"
    compliance = actor_for_user(personas["compliance"])
    recertification_act(actor=compliance, case_id=case.pk, action="decide",
                        data={"line": str(own.pk), "decision": "confirm"})  # fmt: skip
    case = recertification_act(actor=manager, case_id=case.pk, action="submit", data={})
    assert case.status == "completed" and case.closed_by == "branch_manager"
    clock = Deadline.objects.get(
        case_type="information.accessrecertification", case_id=str(case.pk)
    )
    assert clock.closed_at is not None


def test_only_a_manager_over_the_unit_decides(personas, org):
    recertification_open()
    case = _case(org, "HO")
    line = RecertificationLine.objects.filter(case=case).exclude(user=personas["auditor"])[0]
    with pytest.raises(Forbidden):
        recertification_act(actor=actor_for_user(personas["auditor"]), case_id=case.pk,
                            action="decide", data={"line": str(line.pk), "decision": "confirm"})  # fmt: skip
    from hiqc.core.errors import NotFound

    with pytest.raises(NotFound):  # a branch manager of P1 cannot see the head office's case
        recertification_act(actor=actor_for_user(personas["branch_manager"]), case_id=case.pk,
                            action="confirm_rest", data={})  # fmt: skip


def test_the_open_case_is_the_managers_work(personas, org):
    from hiqc.core.mywork import my_work

    recertification_open()
    kind = "information.accessrecertification"
    manager = {str(i.case.pk) for i in my_work(actor_for_user(personas["branch_manager"]),
                                                case_type=kind)}  # fmt: skip
    assert manager == {str(_case(org, "P1").pk), str(_case(org, "C1").pk)}
    assert not list(my_work(actor_for_user(personas["agent"]), case_type=kind))
