"""Evidence rules against factory data (issue 22 §2): control evidence from the compliance
controls' results, the kernel's checks, process versions in force, and how a clause's status
aggregates its rules and sub-clauses."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hiqc.compliance.models import Control, ControlResult
from hiqc.conformance.coverage import pending_leaves
from hiqc.conformance.periods import parse_period
from hiqc.conformance.selectors import clause_statuses
from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import RULES, assess
from hiqc.core.evidence import EvidenceStatus as S
from hiqc.core.models import AuditEvent, ProcessVersion
from hiqc.core.tests.test_audit import _raw

pytestmark = pytest.mark.django_db
Q3 = parse_period("2026-Q3")


def _result(control: Control, unit, month: int, status: str, population: int, failures: int):
    return ControlResult.objects.create(
        control=control, org_unit=unit, org_path=unit.path, period_start=date(2026, month, 1),
        population=population, failures=failures, status=status,
        effectiveness=1 - failures / population, run_at=datetime(2026, month, 28, tzinfo=BEIJING),
        run_by="test",
    )  # fmt: skip


def test_control_evidence_is_partly_when_a_month_of_the_quarter_was_partly_effective(org):
    # given the claims-decision control effective at P1 in July and partly effective in August
    control = Control.objects.get(code="CTL-CL2-DECIDE")
    _result(control, org["P1"], 7, "effective", 40, 0)
    _result(control, org["P1"], 8, "partly", 50, 3)
    _result(control, org["P2"], 8, "ineffective", 50, 30)  # another unit: not P1's
    # when clause 5.1.1's control evidence is assessed for P1 in Q3
    found = assess(RULES["compliance.controls.5.1.1"], org["P1"].path, Q3.start, Q3.end)
    # then it is partly conforming over 90 tested records, 3 failing
    assert (found.status, found.records, found.failing) == (S.PARTLY, 90, 3)


def test_control_evidence_without_results_is_not_yet_assessable(org):
    found = assess(RULES["compliance.controls.5.1.1"], org["P2"].path, Q3.start, Q3.end)
    assert found.status == S.NOT_YET_ASSESSABLE


def test_the_audit_chain_check_fails_when_an_event_was_altered(org):
    actor = Actor.system("test")
    for i in range(3):
        audit_record(actor=actor, action="test.event", subject_type="x", subject_id=str(i))
    rule = RULES["core.audit_chain"]
    assert assess(rule, "", Q3.start, Q3.end).status == S.CONFORMING
    forged = AuditEvent.objects.get(subject_id="1")
    _raw("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["test.forged", forged.seq])
    assert assess(rule, "", Q3.start, Q3.end).status == S.NOT_CONFORMING


def test_every_personal_field_of_the_code_base_is_declared():
    found = assess(RULES["core.personal_fields_declared"], "", Q3.start, Q3.end)
    assert found.status == S.CONFORMING and found.records > 100


def test_process_versions_in_force_are_partly_there_when_some_processes_lack_one(org):
    rule = RULES["process_management.versions_in_force"]
    ProcessVersion.objects.all().delete()
    assert assess(rule, org["P1"].path, Q3.start, Q3.end).status == S.NOT_CONFORMING
    ProcessVersion.objects.create(process="claims.claim", org_path="", number=1,
                                  effective_from=date(2026, 1, 1), note="v1", published_by="t")  # fmt: skip
    found = assess(rule, org["P1"].path, Q3.start, Q3.end)
    assert found.status == S.PARTLY and found.failing == found.records - 1


def test_a_clause_is_the_worst_of_its_sub_clauses_and_rules_cover_items_below_them(org):
    # given control evidence for 5.1.1 that is not conforming at P1
    control = Control.objects.get(code="CTL-CL2-DECIDE")
    _result(control, org["P1"], 7, "ineffective", 10, 8)
    # when every clause's status is computed for P1 in Q3
    statuses = clause_statuses(org["P1"].path, Q3)
    # then 5.1.1 is not conforming, and so are 5.1 and chapter 5 above it
    assert statuses["5.1.1"].status == S.NOT_CONFORMING
    assert statuses["5.1"].status == statuses["5"].status == S.NOT_CONFORMING
    # a rule on 3.1.2 covers its items; N/A and pending clauses say so
    assert statuses["3.1.2(4)"].rules_from == "3.1.2"
    assert statuses["1.2"].status == S.NOT_APPLICABLE and statuses["1.2"].reason
    for leaf in pending_leaves():
        assert statuses[leaf].status == S.NOT_YET_ASSESSABLE and statuses[leaf].reason
    assert len(statuses) == 298


def test_evidence_is_kept_for_a_while_and_recomputed_when_asked(org, monkeypatch, settings):
    """Given the evidence cache on (600 s by default outside the tests), a second reading of a
    unit's statuses assesses no rule again and says when the evidence was computed; ``fresh``
    assesses every rule again; another unit or period is its own entry."""
    from django.core.cache import cache

    from hiqc.conformance import selectors

    settings.HIQC_CONFORMANCE_CACHE_SECONDS = 60
    cache.clear()
    calls: list[str] = []
    real = selectors.assess

    def counting(rule, *args):
        calls.append(rule.code)
        return real(rule, *args)

    monkeypatch.setattr(selectors, "assess", counting)
    first = clause_statuses(org["P1"].path, Q3)
    n = len(calls)
    assert n == len(RULES) and selectors.computed_at(first) is not None
    again = clause_statuses(org["P1"].path, Q3)
    assert len(calls) == n
    assert {c: s.status for c, s in again.items()} == {c: s.status for c, s in first.items()}
    clause_statuses(org["P1"].path, Q3, fresh=True)
    assert len(calls) == 2 * n
    clause_statuses(org["P2"].path, Q3)
    assert len(calls) == 3 * n
    cache.clear()
