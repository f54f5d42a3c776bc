"""The last four clauses given evidence (issue 22 §2; PENDING now empty): 6.1.1(4) automated
processing, 6.2.2(3) vulnerabilities checked and fixed, 10.3.3 technical innovation (online claims
taken up), 10.3.5 cooperation and exchange. Factory data; the period is 2026-Q3 at P1."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from hiqc.claims.models import Claim
from hiqc.conformance import coverage
from hiqc.conformance.periods import parse_period
from hiqc.core.calendar import BEIJING
from hiqc.core.checklists import checklist_items
from hiqc.core.evidence import RULES, assess
from hiqc.core.evidence import EvidenceStatus as S
from hiqc.core.models import JobState
from hiqc.organisations.services import actor_for_user
from hiqc.products.tests import factories as pf

pytestmark = pytest.mark.django_db
Q3 = parse_period("2026-Q3")


def _bj(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BEIJING)


def _run(code: str, unit, period=Q3) -> tuple[str, int, int]:
    found = assess(RULES[code], unit.path, period.start, period.end)
    return found.status, found.records, found.failing


def test_no_clause_of_the_standard_is_left_without_evidence_or_a_reason():
    assert coverage.PENDING == () and coverage.pending_leaves() == []


# --- 6.1.1(4) ----------------------------------------------------------------------------------


def test_processing_is_not_conforming_while_a_scheduled_job_keeps_failing(org):
    rule = "core.processing_automated"
    # given no job has run yet (the queue is not running): nothing to judge
    assert _run(rule, org["P1"])[0] == S.NOT_YET_ASSESSABLE
    now = timezone.now()
    JobState.objects.create(job="core.deadlines_sweep", last_ok_at=now)
    JobState.objects.create(job="core.indicators_daily", last_ok_at=now)
    JobState.objects.create(job="not.scheduled", failures_in_row=5)  # not a scheduled job
    assert _run(rule, org["P1"]) == (S.CONFORMING, 2, 0)
    # when the daily indicators fail twice in a row and the backup has never succeeded
    JobState.objects.filter(job="core.indicators_daily").update(failures_in_row=2)
    JobState.objects.create(job="core.backup_daily", last_started_at=now)
    found = assess(RULES[rule], org["P1"].path, Q3.start, Q3.end)
    # then two of the three jobs that ran count against it, named in the note
    assert (found.status, found.records, found.failing) == (S.NOT_CONFORMING, 3, 2)
    assert "core.indicators_daily failing ×2" in found.note
    assert "core.backup_daily never succeeded" in found.note


# --- 6.2.2(3) ----------------------------------------------------------------------------------


def test_a_vulnerability_item_short_of_full_marks_counts_until_its_remediation_is_closed(
    org, personas
):
    from hiqc.information.models import Remediation
    from hiqc.information.security.services import evaluation_perform, security_checklist

    rule = "information.vulnerabilities_fixed"
    assert _run(rule, org["P1"])[0] == S.NOT_YET_ASSESSABLE
    items = checklist_items(security_checklist())
    vuln = next(i for i in items if i.clause == "6.2.2(3)")
    officer = actor_for_user(personas["compliance"])

    def evaluate(unit, *, failed: bool, year: int = 2026, at: str = "2026-07-15"):
        marks = {str(i.pk): (0 if failed and i.pk == vuln.pk else i.points) for i in items}
        return evaluation_perform(actor=officer, org_unit_id=unit.pk, year=year, marks=marks,
                                  at=_bj(at))  # fmt: skip

    # given, for 2026, P1 passing and C1 failing the vulnerability item; O1 failing it in its
    # 2025 evaluation but passing in 2026 (its latest counts); P2 evaluated only after Q3
    evaluate(org["P1"], failed=False)
    c1 = evaluate(org["C1"], failed=True)
    evaluate(org["O1"], failed=True, year=2025)
    evaluate(org["O1"], failed=False)
    evaluate(org["P2"], failed=True, at="2026-10-05")
    # then P1's subtree has three latest evaluations marking the item, one short and not remedied
    assert _run(rule, org["P1"]) == (S.PARTLY, 3, 1)
    assert _run(rule, org["P2"])[0] == S.NOT_YET_ASSESSABLE
    # when C1's remediation is verified closed after the quarter: still counts for Q3
    case = Remediation.objects.get(evaluation=c1, item=vuln)
    Remediation.objects.filter(pk=case.pk).update(status="closed", closed_at=_bj("2026-10-08"))
    assert _run(rule, org["P1"]) == (S.PARTLY, 3, 1)
    # …and closed within the quarter: the clause conforms
    Remediation.objects.filter(pk=case.pk).update(closed_at=_bj("2026-09-20"))
    assert _run(rule, org["P1"]) == (S.CONFORMING, 3, 0)
    # and in Q4 P2's evaluation, performed in it, counts against
    q4 = parse_period("2026-Q4")
    assert _run(rule, org["P2"], q4) == (S.NOT_CONFORMING, 1, 1)


# --- 10.3.3 ------------------------------------------------------------------------------------


def _claims(unit, holder, day: str, channels: list[str]) -> None:
    pol = pf.policy(pf.product(code=f"P{day}{unit.code}"), unit, holder)
    for channel in channels:
        made = pf.claim(pol)
        Claim.objects.filter(pk=made.pk).update(channel=channel, received_at=_bj(day))


def test_online_claims_falling_behind_the_previous_period_is_partly(org, personas):
    from hiqc.customers.models import Customer

    rule = "claims.digital_uptake"
    holder = Customer.objects.create(org_unit=org["P1"], name="李四")
    assert _run(rule, org["P1"])[0] == S.NOT_YET_ASSESSABLE
    # given Q2: 2 of 4 claims online; Q3: 1 of 4 online (app), and P2 all online in Q3
    _claims(org["C1"], holder, "2026-05-10", ["online", "app", "counter", "agent"])
    _claims(org["O1"], holder, "2026-08-10", ["app", "counter", "counter", "agent"])
    _claims(org["P2"], holder, "2026-08-10", ["online", "online"])
    # then the share fell from 50 % to 25 %: partly, the three not online counting against
    found = assess(RULES[rule], org["P1"].path, Q3.start, Q3.end)
    assert (found.status, found.records, found.failing) == (S.PARTLY, 4, 3)
    assert found.note == "online 1/4; before 2/4"
    # when two more Q3 claims come online (3 of 6 = 50 %): it holds, conforming
    _claims(org["C1"], holder, "2026-09-01", ["online", "online"])
    assert _run(rule, org["P1"]) == (S.CONFORMING, 6, 0)
    # and a subtree whose claims came in only at the counter is not conforming
    _claims(org["C2"], holder, "2026-08-11", ["counter"])
    Claim.objects.filter(org_unit=org["P2"]).update(channel="counter")
    assert _run(rule, org["P2"]) == (S.NOT_CONFORMING, 3, 3)


# --- 10.3.5 ------------------------------------------------------------------------------------


def test_an_agreement_in_force_without_any_exchange_in_the_period_counts_against(org):
    from hiqc.information.sharing.models import (
        DataShare,
        IncomingExchange,
        Partner,
        ShareRecord,
        SharingAgreement,
    )

    rule = "information.cooperation_active"
    assert _run(rule, org["P1"])[0] == S.NOT_YET_ASSESSABLE

    def agreement(n, unit, kind, effective, expires, status="active"):
        partner = Partner.objects.create(org_unit=unit, name=f"对象{n}", kind=kind)
        return SharingAgreement.objects.create(
            org_unit=unit, number=f"AG-{n}", partner=partner, title="t", dataset="claims",
            purpose="p", legal_basis="contract", frequency="monthly", effective_on=effective,
            expires_on=expires, status=status,
            activated_at=None if status == "draft" else _bj("2026-01-02"),
        )  # fmt: skip

    sent = agreement(1, org["P1"], "regulator", date(2026, 1, 1), date(2026, 12, 31))
    heard = agreement(2, org["C1"], "industry", date(2026, 8, 1), date(2027, 7, 31))
    agreement(3, org["C1"], "business", date(2025, 1, 1), date(2026, 7, 31))  # idle in Q3
    agreement(4, org["C1"], "business", date(2026, 10, 1), date(2027, 9, 30))  # from Q4
    agreement(5, org["C1"], "business", date(2026, 1, 1), date(2026, 12, 31), status="draft")
    late = agreement(7, org["C1"], "business", date(2026, 1, 1), date(2026, 12, 31))
    SharingAgreement.objects.filter(pk=late.pk).update(activated_at=_bj("2026-10-09"))
    agreement(6, org["P2"], "business", date(2026, 1, 1), date(2026, 12, 31))  # other branch
    share = DataShare.objects.create(
        status="sent", number="DS-1", org_unit=org["P1"], agreement=sent,
        requested_at=_bj("2026-08-01"), requested_by="t",
    )  # fmt: skip
    ShareRecord.objects.create(share=share, row_count=3, file="x.csv", recipient="r",
                               exported_at=_bj("2026-08-02"), exported_by="t")  # fmt: skip
    IncomingExchange.objects.create(org_unit=org["C1"], partner=heard.partner, description="d",
                                    legal_basis="contract", received_at=_bj("2026-09-03"),
                                    recorded_by="t")  # fmt: skip
    # then three agreements were in force in Q3 at P1's subtree; the third carried nothing
    assert _run(rule, org["P1"]) == (S.PARTLY, 3, 1)
    assert _run(rule, org["P2"]) == (S.NOT_CONFORMING, 1, 1)


# --- control evidence: a manual control's attestation is its result ------------------------------


def test_a_manual_controls_attestation_counts_as_its_result_for_the_clause(org, personas):
    import io

    from hiqc.compliance.demo import _png
    from hiqc.compliance.models import Control
    from hiqc.compliance.services import attestation_record

    rule = "compliance.controls.4.3.1"  # the mystery-shopping control CTL-STD-MYSTERY
    assert _run(rule, org["HO"])[0] == S.NOT_YET_ASSESSABLE
    control = Control.objects.get(code="CTL-STD-MYSTERY")
    officer = actor_for_user(personas["quality_lead"])

    def attest(month: str, effective: bool, unit="HO"):
        attestation_record(actor=officer, control_id=control.pk, evidence=io.BytesIO(_png()),
                           data={"org_unit": str(org[unit].pk), "period": month,
                                 "effective": str(effective).lower(), "statement": "复核"})  # fmt: skip

    # given July and August attested effective at head office, and P1's own not effective
    attest("2026-07", True)
    attest("2026-08", True)
    attest("2026-08", False, unit="P1")
    attest("2026-10", False)  # Q4: outside the period
    assert _run(rule, org["HO"]) == (S.CONFORMING, 2, 0)
    assert _run(rule, org["P1"]) == (S.NOT_CONFORMING, 1, 1)
    # when September's is not effective: the quarter is not conforming
    attest("2026-09", False)
    assert _run(rule, org["HO"]) == (S.NOT_CONFORMING, 3, 1)
