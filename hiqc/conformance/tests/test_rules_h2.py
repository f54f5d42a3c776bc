"""Evidence rules of chapters 6–9 (issue 22 §2) against factory data: each with a known failing
record (exact counts) and "no data → not yet assessable". Period: 2026-Q3 at P1 (P2's records
are another subtree and never count)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine

from hiqc.conformance.periods import parse_period
from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import RULES, assess
from hiqc.core.evidence import EvidenceStatus as S
from hiqc.core.models import BackupRecord, Deadline

pytestmark = pytest.mark.django_db
Q3 = parse_period("2026-Q3")
MID_Q3 = datetime(2026, 8, 15, 10, 0, tzinfo=BEIJING)
AFTER_Q3 = datetime(2026, 10, 5, 10, 0, tzinfo=BEIJING)


def _bj(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BEIJING)


def _run(code: str, unit, period=Q3):
    found = assess(RULES[code], unit.path, period.start, period.end)
    return found.status, found.records, found.failing


# --- chapter 8: facilities ------------------------------------------------------------------------


def _outlet(unit, **gaps):
    from hiqc.facilities.models import OutletFacility

    full = dict(has_reception=True, has_business=True, private_windows=2, has_rest=True,
                has_water=True, has_consultation=True, has_signage=True, barrier_free=True)  # fmt: skip
    return OutletFacility.objects.create(org_unit=unit, **{**full, **gaps})


def test_outlets_equipped_is_partly_when_one_outlet_lacks_barrier_free_access(org):
    # given O1 fitted out in full, C1 without barrier-free access, and P2 lacking everything
    _outlet(org["O1"])
    _outlet(org["C1"], barrier_free=False)
    _outlet(org["P2"], has_rest=False, has_signage=False)
    # then P1's subtree has 2 outlets, 1 lacking; P1 alone … the register of O1 conforms
    assert _run("facilities.outlets_equipped", org["P1"]) == (S.PARTLY, 2, 1)
    assert _run("facilities.outlets_equipped", org["O1"]) == (S.CONFORMING, 1, 0)
    assert _run("facilities.outlets_equipped", org["C2"])[0] == S.NOT_YET_ASSESSABLE


def _inspection(unit, kind, due, performed=None, passed=None):
    from hiqc.facilities.models import Inspection
    from hiqc.facilities.services import outlet_checklist

    return Inspection.objects.create(
        org_unit=unit, kind=kind, checklist=outlet_checklist(), due_date=due, planned_by="t",
        performed_at=_bj(performed) if performed else None, passed=passed,
    )  # fmt: skip


@pytest.mark.parametrize(("code", "kind"), [("facilities.facility_inspections", "facility"),
                                            ("facilities.environment_inspections", "environment")])  # fmt: skip
def test_inspections_count_late_missing_and_failed_ones_against(org, code, kind):
    # given four inspections due in Q3 at O1: on time and passed, late, never done, failed
    _inspection(org["O1"], kind, "2026-07-10", "2026-07-09", True)
    _inspection(org["O1"], kind, "2026-08-10", "2026-08-12", True)  # done two days late
    _inspection(org["O1"], kind, "2026-09-10")  # not done
    _inspection(org["O1"], kind, "2026-09-20", "2026-09-20", False)  # below the pass mark
    _inspection(org["O1"], kind, "2026-10-10")  # due in Q4: not counted
    _inspection(org["P2"], kind, "2026-07-10")  # another subtree
    other = "environment" if kind == "facility" else "facility"
    _inspection(org["O1"], other, "2026-07-10")  # the other kind: the other rule's
    # then 4 inspections, 3 against
    assert _run(code, org["P1"]) == (S.PARTLY, 4, 3)
    assert _run(code, org["C2"])[0] == S.NOT_YET_ASSESSABLE


def _equipment(unit, asset, **extra):
    from hiqc.facilities.models import Equipment

    base = dict(name=asset, category="pc", purchase_date=date(2025, 1, 1), supplier="联想",
                safety_certificate="CCC")  # fmt: skip
    with time_machine.travel(MID_Q3, tick=False):
        return Equipment.objects.create(asset_number=asset, org_unit=unit, **{**base, **extra})


def test_equipment_files_and_certification_count_the_items_on_the_books(org):
    # given at O1: a complete file, one without its purchase date, one without safety
    # certification, one disposed of (left out); at P2 one without anything
    _equipment(org["O1"], "A1")
    _equipment(org["O1"], "A2", purchase_date=None)
    _equipment(org["O1"], "A3", safety_certificate="")
    _equipment(org["O1"], "A4", purchase_date=None, state="disposed")
    _equipment(org["P2"], "B1", purchase_date=None, safety_certificate="")
    # then files: 3 on the books, 1 without its purchase; certification: 3, 1 without
    assert _run("facilities.equipment_files", org["P1"]) == (S.PARTLY, 3, 1)
    assert _run("facilities.equipment_certified", org["P1"]) == (S.PARTLY, 3, 1)
    assert _run("facilities.equipment_files", org["C2"])[0] == S.NOT_YET_ASSESSABLE


def test_equipment_registered_after_the_period_is_not_counted(org):
    from hiqc.facilities.models import Equipment

    with time_machine.travel(AFTER_Q3, tick=False):
        Equipment.objects.create(asset_number="LATE", org_unit=org["O1"], name="x", category="pc")
    assert _run("facilities.equipment_files", org["P1"])[0] == S.NOT_YET_ASSESSABLE


def test_maintenance_on_time_counts_late_and_undone_tasks(org):
    from hiqc.facilities.models import MaintenancePlan, MaintenanceTask
    from hiqc.facilities.services import outlet_checklist

    item = _equipment(org["O1"], "M1")
    other = _equipment(org["P2"], "M2")
    plan = MaintenancePlan.objects.create(name="保养", org_unit=org["HO"], category="pc",
                                          interval_days=30, checklist_code="pm-pc",
                                          starts_on=date(2026, 1, 1), created_by="t")  # fmt: skip

    def task(equipment, due, status="done", completed=None, on_time=None):
        return MaintenanceTask.objects.create(
            plan=plan, equipment=equipment, due_on=due, warn_on=due - timedelta(days=7),
            status=status, checklist=outlet_checklist(), completed_on=completed, on_time=on_time,
        )  # fmt: skip

    task(item, date(2026, 7, 1), completed=date(2026, 7, 1), on_time=True)
    task(item, date(2026, 7, 31), completed=date(2026, 8, 3), on_time=False)
    task(item, date(2026, 8, 30), status="pending")
    task(item, date(2026, 9, 29), status="cancelled")  # cancelled: not counted
    task(other, date(2026, 7, 1), status="pending")  # another subtree
    assert _run("facilities.maintenance_on_time", org["P1"]) == (S.PARTLY, 3, 2)
    assert _run("facilities.maintenance_on_time", org["C2"])[0] == S.NOT_YET_ASSESSABLE


def _clock(case_type, unit, due, state):
    due_at = _bj(due)
    return Deadline.objects.create(
        case_type=case_type, case_id=str(uuid.uuid4()), org_path=unit.path, clock="repair",
        label="修复", source="t", unit="hours", amount=24, started_at=due_at - timedelta(days=1),
        due_at=due_at, state=state,
    )  # fmt: skip


def test_fault_clocks_breached_or_running_past_due_count_against(org):
    from hiqc.facilities.faults.workflow import PROCESS

    _clock(PROCESS, org["O1"], "2026-07-02", Deadline.State.MET)
    _clock(PROCESS, org["O1"], "2026-08-02", Deadline.State.BREACHED)
    _clock(PROCESS, org["C1"], "2026-09-02", Deadline.State.RUNNING)  # past due, never stopped
    _clock(PROCESS, org["C1"], "2026-09-03", Deadline.State.CANCELLED)  # not counted
    _clock(PROCESS, org["P2"], "2026-09-03", Deadline.State.BREACHED)  # another subtree
    _clock("compliance.risktreatment", org["O1"], "2026-07-02", Deadline.State.BREACHED)
    with time_machine.travel(AFTER_Q3, tick=False):
        assert _run("facilities.faults_on_time", org["P1"]) == (S.PARTLY, 3, 2)
        assert _run("facilities.faults_on_time", org["C2"])[0] == S.NOT_YET_ASSESSABLE


def test_operators_without_a_valid_qualification_count_against(org, personas):
    from hiqc.facilities.models import EquipmentOperator, OperatorRequirement

    item = _equipment(org["O1"], "T1", category="telephony")
    free = _equipment(org["O1"], "P1", category="printer")  # no requirement: not counted
    OperatorRequirement.objects.filter(equipment=None).delete()
    OperatorRequirement.objects.create(category="telephony", qualification="nonexistent.cert",
                                       updated_by="t")  # fmt: skip
    for equipment, user in ((item, personas["claims"]), (free, personas["agent"])):
        EquipmentOperator.objects.create(equipment=equipment, user=user,
                                         assigned_on=date(2026, 7, 1), assigned_by="t")  # fmt: skip
    # the operator of the telephony holds no such certificate
    assert _run("facilities.operators_qualified", org["P1"]) == (S.NOT_CONFORMING, 1, 1)
    assert _run("facilities.operators_qualified", org["C2"])[0] == S.NOT_YET_ASSESSABLE


def test_availability_without_figures_is_not_yet_assessable(org):
    assert _run("facilities.availability", org["P1"])[0] == S.NOT_YET_ASSESSABLE


# --- 9.3: emergency -------------------------------------------------------------------------------


def _plan(unit, approved=True, current=True):
    from hiqc.emergency.models import EmergencyPlan

    return EmergencyPlan.objects.create(org_unit=unit, scenario="core_system", title="核心系统中断",
                                        rto_minutes=240, approved=approved, current=current)  # fmt: skip


def test_plans_applying_to_the_unit_count_from_above_and_below(org):
    _plan(org["HO"])  # set at head office: applies to C1
    _plan(org["O1"], approved=False)  # below C1, not approved
    _plan(org["O1"], approved=False, current=False)  # an old version: not counted
    _plan(org["P2"], approved=False)  # another branch
    assert _run("emergency.plans_approved", org["C1"]) == (S.PARTLY, 2, 1)
    from hiqc.emergency.models import EmergencyPlan

    EmergencyPlan.objects.all().delete()
    assert _run("emergency.plans_approved", org["C1"])[0] == S.NOT_YET_ASSESSABLE


def test_drills_late_undone_or_missing_their_target_count_against(org):
    from hiqc.emergency.models import Drill

    def drill(unit, due, performed=None, met=None):
        plan = _plan(unit)  # one open drill per plan
        Drill.objects.create(plan=plan, family=plan.family, org_unit=unit, due_date=due,
                             planned_by="t", performed_on=performed, met=met)  # fmt: skip

    drill(org["P1"], date(2026, 7, 15), date(2026, 7, 14), True)
    drill(org["C1"], date(2026, 8, 15), date(2026, 8, 20), True)  # late
    drill(org["C1"], date(2026, 9, 15), date(2026, 9, 15), False)  # missed the RTO
    drill(org["O1"], date(2026, 9, 30))  # not done
    drill(org["P2"], date(2026, 9, 30))  # another branch
    assert _run("emergency.drills_on_time", org["P1"]) == (S.PARTLY, 4, 3)
    assert _run("emergency.drills_on_time", org["C2"])[0] == S.NOT_YET_ASSESSABLE


def test_incidents_closed_without_lessons_or_owed_notification_count_against(org):
    from hiqc.emergency.models import Incident

    def incident(n, closed, status="closed", **extra):
        base = dict(root_cause="配置错误", lessons="加强变更评审")
        Incident.objects.create(
            status=status, number=f"INC-{n}", org_unit=org["C1"], scenario="infosec",
            severity="medium", title="事件", detected_at=_bj(closed) - timedelta(days=1),
            reported_by="t", closed_at=_bj(closed), **{**base, **extra},
        )  # fmt: skip

    incident(1, "2026-07-10")
    incident(2, "2026-08-10", lessons="")
    incident(3, "2026-09-10", personal_data=True)  # customers never notified
    incident(4, "2026-09-11", regulator_required=True, regulator_notified_at=_bj("2026-09-11"))
    incident(5, "2026-09-12", status="withdrawn", lessons="")  # a false alarm: not counted
    incident(6, "2026-10-12", lessons="")  # closed in Q4
    assert _run("emergency.incidents_handled", org["P1"]) == (S.PARTLY, 4, 2)
    assert _run("emergency.incidents_handled", org["P2"])[0] == S.NOT_YET_ASSESSABLE


# --- 9.1.3, 9.2: the risk register ----------------------------------------------------------------


def _risk(unit, n, category="operational", residual=(2, 2), review="current", reviewed=True):
    from hiqc.compliance.risks.models import Risk

    with time_machine.travel(MID_Q3, tick=False):
        return Risk.objects.create(
            number=f"R-{n}", org_unit=unit, category=category, title=f"风险{n}", cause="c",
            event="e", consequence="q", owner_role="risk_officer", inherent_likelihood=5,
            inherent_impact=5, residual_likelihood=residual[0], residual_impact=residual[1],
            review_status=review, reviewed_at=MID_Q3 if reviewed else None,
        )  # fmt: skip


def _treatment(risk, n, status="open"):
    from hiqc.compliance.risks.models import RiskTreatment

    return RiskTreatment.objects.create(status=status, number=f"T-{n}", risk=risk,
                                        org_unit=risk.org_unit, title="应对", opened_at=MID_Q3,
                                        opened_by="t")  # fmt: skip


def test_risk_rules_count_unassessed_and_untreated_risks(org):
    # given at P1's subtree: assessed and low; waiting for re-assessment; above appetite and
    # treated; above appetite with only a cancelled plan (a compliance risk); at P2 one unassessed
    _risk(org["P1"], 1)
    _risk(org["C1"], 2, review="review_needed")
    _treatment(_risk(org["O1"], 3, residual=(4, 4)), 1)
    _treatment(_risk(org["C1"], 4, category="compliance", residual=(5, 4)), 2, status="cancelled")
    _risk(org["P2"], 5, reviewed=False)
    assert _run("compliance.risks_assessed", org["P1"]) == (S.PARTLY, 4, 1)
    assert _run("compliance.risks_treated", org["P1"]) == (S.PARTLY, 2, 1)
    assert _run("compliance.compliance_risks", org["P1"]) == (S.NOT_CONFORMING, 1, 1)
    assert _run("compliance.risks_assessed", org["C2"])[0] == S.NOT_YET_ASSESSABLE
    assert _run("compliance.compliance_risks", org["P2"])[0] == S.NOT_YET_ASSESSABLE


def test_treatment_clocks_breached_count_against(org):
    from hiqc.compliance.risks.workflow import PROCESS

    _clock(PROCESS, org["P1"], "2026-07-20", Deadline.State.MET)
    _clock(PROCESS, org["C1"], "2026-08-20", Deadline.State.BREACHED)
    with time_machine.travel(AFTER_Q3, tick=False):
        assert _run("compliance.treatments_on_time", org["P1"]) == (S.PARTLY, 2, 1)
        assert _run("compliance.treatments_on_time", org["P2"])[0] == S.NOT_YET_ASSESSABLE


# --- 6.1.2, 6.3: information exchange -------------------------------------------------------------


def _partner(unit):
    from hiqc.information.sharing.models import Partner

    return Partner.objects.create(org_unit=unit, name="某医院", kind="business")


def test_incoming_data_without_a_lawful_basis_counts_against(org):
    from hiqc.information.sharing.models import IncomingExchange

    partner = _partner(org["P1"])

    def received(unit, day, basis="contract", description="住院费用明细"):
        IncomingExchange.objects.create(org_unit=unit, partner=partner, description=description,
                                        legal_basis=basis, received_at=_bj(day), recorded_by="t")  # fmt: skip

    received(org["P1"], "2026-07-03")
    received(org["C1"], "2026-08-03", basis="")
    received(org["C1"], "2026-10-03", basis="")  # Q4
    received(org["P2"], "2026-08-03", basis="")  # another branch
    assert _run("information.incoming_registered", org["P1"]) == (S.PARTLY, 2, 1)
    assert _run("information.incoming_registered", org["C2"])[0] == S.NOT_YET_ASSESSABLE


def test_shares_exported_without_approval_or_outside_the_agreement_count_against(org):
    from hiqc.information.sharing.models import DataShare, ShareRecord, SharingAgreement

    agreement = SharingAgreement.objects.create(
        org_unit=org["P1"], number="AG-1", partner=_partner(org["P1"]), title="理赔数据",
        dataset="claims", purpose="协助监管", legal_basis="legal_duty", frequency="monthly",
        effective_on=date(2026, 7, 1), expires_on=date(2026, 8, 31), status="active",
    )  # fmt: skip

    def exported(n, unit, day, compliance="合规"):
        share = DataShare.objects.create(
            status="sent", number=f"DS-{n}", org_unit=unit, agreement=agreement,
            requested_at=_bj(day) - timedelta(days=1), requested_by="t", owner_approved_by="主管",
            compliance_approved_by=compliance,
        )  # fmt: skip
        ShareRecord.objects.create(share=share, row_count=10, file=f"x{n}.csv", recipient="r",
                                   exported_at=_bj(day), exported_by="t")  # fmt: skip

    exported(1, org["P1"], "2026-07-10")
    exported(2, org["C1"], "2026-08-10", compliance="")  # no compliance approval
    exported(3, org["C1"], "2026-09-10")  # after the agreement expired
    exported(4, org["P2"], "2026-09-10")  # another branch
    assert _run("information.shares_governed", org["P1"]) == (S.PARTLY, 3, 2)
    assert _run("information.shares_governed", org["C2"])[0] == S.NOT_YET_ASSESSABLE


# --- 7.2, 7.3: people -----------------------------------------------------------------------------


def test_assessment_results_missing_a_part_count_against(org, personas):
    from hiqc.people.assessment.models import AssessmentCycle, AssessmentResult

    def cycle(unit, title, finalised):
        return AssessmentCycle.objects.create(
            status="final", org_unit=unit, title=title, kind="quarterly",
            period_start=date(2026, 4, 1), period_end=date(2026, 6, 30), w_ability=25,
            w_performance=25, w_teamwork=25, w_ethics=25, created_by="t",
            finalised_at=_bj(finalised),
        )  # fmt: skip

    q2 = cycle(org["P1"], "二季度", "2026-07-20")
    old = cycle(org["P1"], "一季度", "2026-04-20")  # finalised in Q2: not counted
    full = dict(ability=80, performance=90, teamwork=85, ethics=95, total=87.5)
    for cyc, user, extra in ((q2, "claims", {}), (q2, "agent", {"teamwork": None}),
                             (old, "claims", {"ethics": None})):  # fmt: skip
        AssessmentResult.objects.create(cycle=cyc, user=personas[user], org_unit=org["C1"],
                                        role="x", **{**full, **extra})  # fmt: skip
    assert _run("people.assessments_complete", org["P1"]) == (S.PARTLY, 2, 1)
    assert _run("people.assessments_complete", org["P2"])[0] == S.NOT_YET_ASSESSABLE


def test_promotions_appointed_before_the_notice_ended_or_with_an_open_objection_count_against(
    org, personas
):
    from hiqc.people.promotion.models import Objection, Promotion

    def promotion(user, decided, notice_until="2026-07-08", **extra):
        base = dict(evaluated_at=_bj("2026-07-01"), overall=88, notice_from=_bj("2026-07-02"),
                    notice_until=_bj(notice_until, 18))  # fmt: skip
        return Promotion.objects.create(
            status=extra.pop("status", "appointed"), candidate=personas[user], org_unit=org["C1"],
            route="department", position="主管", reason="业绩突出", nominated_by="t",
            nominated_at=_bj("2026-06-20"), decided_at=_bj(decided), **{**base, **extra},
        )  # fmt: skip

    promotion("claims", "2026-07-10")
    promotion("agent", "2026-07-05")  # appointed during the public notice
    objected = promotion("auditor", "2026-07-12")
    Objection.objects.create(
        promotion=objected, objector=personas["claims"], text="异议", lodged_at=_bj("2026-07-05")
    )  # fmt: skip  (never answered)
    promotion("branch_manager", "2026-07-12", status="rejected")  # not appointed
    assert _run("people.promotions_by_procedure", org["P1"]) == (S.PARTLY, 3, 2)
    assert _run("people.promotions_by_procedure", org["P2"])[0] == S.NOT_YET_ASSESSABLE


# --- 6.1.1(2), 6.2.2(2), 6.2.2(4): the kernel -----------------------------------------------------


def test_every_personal_field_names_purpose_basis_and_retention():
    found = assess(RULES["core.collection_scope_declared"], "", Q3.start, Q3.end)
    assert (found.status, found.failing) == (S.CONFORMING, 0) and found.records > 50


def test_attack_protection_fails_when_a_protection_is_switched_off(settings):
    rule = RULES["core.attack_protection"]
    assert assess(rule, "", Q3.start, Q3.end).status == S.CONFORMING
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "csrf" not in m]
    found = assess(rule, "", Q3.start, Q3.end)
    assert (found.status, found.failing) == (S.NOT_CONFORMING, 2)


def _backup(kind, day, ok=True):
    BackupRecord.objects.create(kind=kind, started_at=_bj(day, 2), ok=ok)


def test_backups_need_one_good_backup_a_month_and_a_restore_test(org):
    rule = RULES["core.backups_verified"]
    assert assess(rule, "", Q3.start, Q3.end).status == S.NOT_YET_ASSESSABLE
    # given good backups in July and September, a failed one in August, no restore test
    _backup("backup", "2026-07-01")
    _backup("backup", "2026-08-01", ok=False)
    _backup("backup", "2026-09-01")
    found = assess(rule, "", Q3.start, Q3.end)
    # then 4 items (3 months and the restore test), 2 missing: August and the test
    assert (found.status, found.records, found.failing) == (S.PARTLY, 4, 2)
    _backup("backup", "2026-08-02")
    _backup("restore_test", "2026-09-15")
    found = assess(rule, org["P1"].path, Q3.start, Q3.end)
    assert (found.status, found.records, found.failing) == (S.CONFORMING, 4, 0)


# --- 6.1.1(1), 6.1.3(3): customer data ------------------------------------------------------------


def _customer(unit, n, at=MID_Q3, **extra):
    from hiqc.customers.models import Customer
    from hiqc.customers.validation import resident_id_check_digit

    first17 = f"11010519900101{n:03d}"
    base = dict(name=f"客户{n}", id_type="resident_id",
                id_number=first17 + resident_id_check_digit(first17), mobile="13812345678",
                birth_date=date(1990, 1, 1), address="北京市朝阳区")  # fmt: skip
    with time_machine.travel(at, tick=False):
        return Customer.objects.create(org_unit=unit, **{**base, **extra})


def test_customer_data_missing_or_invalid_counts_against_accuracy(org):
    from hiqc.customers.quality import quality_tally_run

    # given at C1: a complete record, one with a wrong check digit, one without a mobile, one
    # complete but not updated for more than 3 years (stale, accurate); at P2 one without address
    _customer(org["C1"], 1)
    _customer(org["C1"], 2, id_number="110105199001010020")  # check digit wrong
    _customer(org["C1"], 3, mobile="")
    _customer(org["C1"], 4, at=datetime(2022, 5, 1, tzinfo=BEIJING))
    _customer(org["P2"], 5, address="")
    # accuracy is read from the nightly tally: none yet, not yet assessable
    assert _run("customers.data_accurate", org["P1"])[0] == S.NOT_YET_ASSESSABLE
    # the tally of the period's end (taken in the early hours of 1 October) …
    with time_machine.travel(datetime(2026, 10, 1, 4, 40, tzinfo=BEIJING), tick=False):
        quality_tally_run()
    # … and a later one counting a customer registered after the period, not counted for Q3
    _customer(org["C1"], 6, at=AFTER_Q3, mobile="")
    with time_machine.travel(AFTER_Q3 + timedelta(hours=20), tick=False):
        quality_tally_run()
    assert _run("customers.data_accurate", org["P1"]) == (S.PARTLY, 4, 2)
    assert _run("customers.data_current", org["P1"]) == (S.PARTLY, 4, 1)
    assert _run("customers.data_accurate", org["C2"])[0] == S.NOT_YET_ASSESSABLE
    assert _run("customers.data_current", org["C2"])[0] == S.NOT_YET_ASSESSABLE
    assert _run("customers.data_accurate", org["P1"], parse_period("2026-Q4")) == (S.PARTLY, 5, 3)
