"""The automatic controls against factory data with known failures (exact counts and refs), the
effectiveness arithmetic and status thresholds, and finding → control linkage (issue 20 §2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from hiqc.claims.tests.test_claim_process import register as claim_at
from hiqc.complaints.models import Letter
from hiqc.complaints.tests.test_complaint_process import T0, decide
from hiqc.complaints.tests.test_complaint_process import act as complaint_act
from hiqc.complaints.tests.test_complaint_process import register as complaint_at
from hiqc.compliance import selectors
from hiqc.compliance.controls import effectiveness, status_for
from hiqc.compliance.models import Control, ControlResult
from hiqc.compliance.services import control_run
from hiqc.core.errors import Forbidden
from hiqc.core.models import Deadline, Finding
from hiqc.people.models import Certificate

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)


def control(code: str) -> Control:
    return Control.objects.get(code=code)


def run(actors, code: str, period=MARCH, who="compliance"):
    with time_machine.travel(T0 + timedelta(days=40), tick=False):
        return control_run(actor=actors[who], control=control(code), period=period)


# --- arithmetic ----------------------------------------------------------------------------------


def test_effectiveness_is_one_minus_failures_over_population():
    assert effectiveness(4, 1) == 0.75
    assert effectiveness(0, 0) is None


@pytest.mark.parametrize(("population", "failures", "status"), [
    (100, 0, "effective"), (100, 1, "effective"), (100, 2, "partly"), (100, 10, "partly"),
    (100, 11, "ineffective"), (3, 3, "ineffective"), (0, 0, "not_tested"),
])  # fmt: skip
def test_status_follows_the_thresholds(db, population, failures, status):
    assert status_for(population, failures) == status  # defaults 99 % / 90 % (P)


def test_thresholds_are_rules_an_officer_may_tune(db):
    assert status_for(100, 2, effective_percent=98) == "effective"
    assert status_for(100, 20, partly_percent=80) == "partly"


# --- claims decided within 30 days net of the supplement pause (CL-2/CL-3) -------------------------


def test_the_claims_clock_control_counts_decided_and_breached_clocks(actors, org, policy):
    on_time, late, running = (claim_at(actors, policy, at=T0 + timedelta(hours=h))
                              for h in (0, 1, 2))  # fmt: skip
    decide_rows = Deadline.objects.filter(case_type="claims.claim", clock="claims.decide")
    decide_rows.filter(case_id=str(on_time.pk)).update(
        state="met", closed_at=T0 + timedelta(days=5)
    )
    decide_rows.filter(case_id=str(late.pk)).update(state="breached",
                                                    breached_at=T0 + timedelta(days=31))  # fmt: skip
    assert decide_rows.get(case_id=str(running.pk)).state == "running"  # not yet testable
    (result,) = run(actors, "CTL-CL2-DECIDE")
    assert result.org_unit == org["C1"]
    assert (result.population, result.failures, result.failing_refs) == (2, 1, [late.number])
    assert result.effectiveness == 0.5 and result.status == "ineffective"
    # a rerun replaces the month's result, never adds one
    run(actors, "CTL-CL2-DECIDE")
    assert ControlResult.objects.count() == 1
    # another month has no claims: no result
    assert run(actors, "CTL-CL2-DECIDE", period=date(2026, 4, 1)) == []


def test_running_a_control_needs_compliance_manage(actors, org):
    with pytest.raises(Forbidden):
        run(actors, "CTL-CL2-DECIDE", who="auditor")


# --- complaint decision letters state the review remedy (CP-8) ------------------------------------


def test_the_remedy_control_fails_a_decision_without_its_letter_or_the_remedy(
    actors,
    org,
    customer,
    colleague,
    complaint,
):
    good = decide(actors, complaint, T0 + timedelta(days=9))
    second = complaint_act(actors, complaint_at(actors, org, customer, at=T0 + timedelta(days=1)),
                           "assign", at=T0 + timedelta(days=1, hours=1),
                           assignee=str(colleague.pk))  # fmt: skip
    stripped = decide(actors, second, T0 + timedelta(days=10))
    third = complaint_act(actors, complaint_at(actors, org, customer, at=T0 + timedelta(days=2)),
                          "assign", at=T0 + timedelta(days=2, hours=1),
                          assignee=str(colleague.pk))  # fmt: skip
    missing = decide(actors, third, T0 + timedelta(days=11))
    letter = Letter.objects.get(complaint=stripped, kind="decision")
    letter.body = str(letter.body).split("五、救济途径")[0]
    letter.save(update_fields=["body"])
    Letter.objects.filter(complaint=missing, kind="decision").delete()
    (result,) = run(actors, "CTL-CP8-REMEDY")
    assert (result.population, result.failures) == (3, 2)
    assert result.failing_refs == sorted([stripped.reference, missing.reference])
    assert good.reference not in result.failing_refs


# --- no assignment to an unqualified person (PR-3; the people gate) --------------------------------


def test_the_assignment_control_fails_assignments_to_people_without_a_current_certificate(
    actors,
    org,
    colleague,
    complaint,
):
    (result,) = run(actors, "CTL-PR3-QUALIFIED")
    assert (result.population, result.failures) == (
        1,
        1,
    )  # the gate is off: the control still tests
    assert result.failing_refs == [f"complaints.complaint:{complaint.pk}"]
    Certificate.objects.create(user=colleague, org_unit=org["C1"], qualification="complaint_handler",
                               issued_on=date(2026, 1, 1), expires_on=date(2027, 12, 31),
                               source="granted", issued_by="trainer")  # fmt: skip
    (result,) = run(actors, "CTL-PR3-QUALIFIED")
    assert (result.population, result.failures, result.status) == (1, 0, "effective")


# --- yearly personal-information training (PI-4), judged on the year's end ----------------------


def test_the_pi_training_control_tests_the_year_in_december_only(actors, personas, org):
    """Given consultation agents must attend 2 h of personal-information protection a year, and the
    agent at C1 attended a 2-hour course carrying that topic in June while the outsider agent at
    P2 attended none; when the control runs on December, the agent passes and the outsider fails,
    named by role and number (never by person); a June run has no sample (not tested)."""
    from hiqc.people.required import required_training_set
    from hiqc.people.services import (
        attendance_record,
        course_create,
        enrol,
        plan_create,
        session_create,
    )

    required_training_set(actor=actors["trainer"], data={
        "role": "consultation_agent", "content": "business", "topic": "personal_information",
        "hours": "2"})  # fmt: skip
    plan = plan_create(
        actor=actors["trainer"],
        data={"year": "2026", "org_unit": org["HO"].pk, "title": "2026 年度"},
    )
    course = course_create(actor=actors["trainer"], plan_id=plan.pk, data={
        "title": "个人信息保护", "content": "business", "form": "online", "hours": "2",
        "topics": ["personal_information"]})  # fmt: skip
    session = session_create(actor=actors["trainer"], course_id=course.pk, data={
        "trainer": "郑雪梅", "place": "线上", "starts_at": "2026-06-02T09:00",
        "ends_at": "2026-06-02T11:00", "capacity": "10"})  # fmt: skip
    e = enrol(
        actor=actors["trainer"], session_id=session.pk, data={"user": str(personas["agent"].pk)}
    )
    attendance_record(actor=actors["trainer"], session_id=session.pk, data={f"hours_{e.pk}": "2"})
    ctl = control("CTL-PI4-COVERAGE")
    assert (ctl.kind, ctl.frequency, ctl.obligation.code) == ("automatic", "yearly", "PI-4")
    with time_machine.travel("2027-01-05 10:00 +0800", tick=False):
        results = control_run(actor=actors["compliance"], control=ctl, period=date(2026, 12, 1))
        by_unit = {r.org_path: (r.population, r.failures, r.failing_refs) for r in results}
        assert by_unit[org["C1"].path] == (1, 0, [])
        assert by_unit[org["P2"].path] == (1, 1, ["consultation_agent#1"])
        assert control_run(actor=actors["compliance"], control=ctl, period=date(2026, 6, 1)) == []


# --- findings reach their control -----------------------------------------------------------------


def _finding(rule, kind, path="0001/0001/0001/"):
    return Finding.objects.create(rule=rule, kind=kind, title="t", org_path=path,
                                  dedupe_key=f"{rule}:{kind}:{path}")  # fmt: skip


def _control_of(rule, kind):
    found = selectors.control_for_finding(_finding(rule, kind))
    return found.code if found is not None else None


def test_a_finding_reaches_its_control_by_kind_then_by_rule(db):
    assert _control_of("CL-8", "claims.decide.breach") == "CTL-CL2-DECIDE"
    assert _control_of("CL-8", "claims.payment.breach") == "CTL-CL8-REVIEW"
    assert _control_of("CP-8", "anything") == "CTL-CP8-REMEDY"
    assert _control_of("CL-1", "claims.supplement_override") is None


def test_breaches_of_the_standard_reach_its_obligations_and_their_controls(actors):
    # given findings whose rule is a clause of the standard (audits, mystery shopping, supervision)
    # then each reaches the standard's obligation and the control that follows it up
    assert _control_of("5.1.2(3)", "claims.audit_error") == "CTL-STD-CLAIMAUDIT"
    assert _control_of("4.3.1", "surveys.mystery.below_pass") == "CTL-STD-MYSTERY"
    assert _control_of("4.3.1", "surveys.mystery.fatal") == "CTL-STD-MYSTERY"
    assert _control_of("2.3.1", "process.out_of_design") == "CTL-STD-PROCESS"
    # and the overview has nothing left "not mapped to an obligation" for them
    _finding("5.1.2(3)", "claims.audit_error", path="0001/0001/0002/")
    rows = selectors.open_findings_by_obligation(actors["compliance"])
    assert all(row["obligation"] is not None for row in rows)


def test_open_findings_group_by_obligation_within_scope(actors, org):
    _finding("CL-8", "claims.decide.breach")
    _finding("CL-8", "claims.refusal_notice.breach")
    _finding("CL-1", "claims.supplement_override")
    _finding("CL-8", "claims.decide.breach", path="0001/0002/0001/")  # P2: not the manager's
    _finding("2.3.1", "process.out_of_design")  # a clause of the standard: its obligation
    _finding("X-9", "elsewhere.unknown")  # no obligation names it
    rows = {(r["obligation"].code if r["obligation"] else None): r["open"]
            for r in selectors.open_findings_by_obligation(actors["branch_manager"])}  # fmt: skip
    assert rows == {"CL-2": 1, "CL-8": 1, "CL-1": 1, "2.3.1": 1, None: 1}
    everything = selectors.open_findings_by_obligation(actors["compliance"])
    assert sum(r["open"] for r in everything) == 6


# --- the job: last month and this month, from today ----------------------------------------------


@pytest.mark.parametrize(("moment", "months"), [
    ("2026-12-31 23:30", [date(2026, 11, 1), date(2026, 12, 1)]),
    ("2027-01-01 00:30", [date(2026, 12, 1), date(2027, 1, 1)]),
    ("2028-02-29 09:00", [date(2028, 1, 1), date(2028, 2, 1)]),
    ("2027-03-31 18:00", [date(2027, 2, 1), date(2027, 3, 1)]),
])  # fmt: skip
def test_the_job_tests_last_month_and_this_month_in_beijing_time(db, monkeypatch, moment, months):
    from datetime import datetime

    from hiqc.compliance import tasks
    from hiqc.core.calendar import BEIJING

    seen: list[date] = []

    def fake(*, actor, period):
        seen.append(period)
        return 1

    monkeypatch.setattr(tasks, "controls_run_month", fake)
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        assert tasks.controls_monthly_job() == 2
    assert seen == months
