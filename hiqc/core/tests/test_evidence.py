"""The evidence registry (issue 22 §2; ADR 0034): registration, the clause aggregation (worst
status, not applicable ignored) and the helpers for indicator, record and check evidence."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hiqc.core import evidence
from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import Evidence
from hiqc.core.evidence import EvidenceStatus as S
from hiqc.core.models import IndicatorTarget, IndicatorValue

Q3 = (date(2026, 7, 1), date(2026, 10, 1))


@pytest.fixture
def scratch_rules():
    saved = dict(evidence.RULES)
    yield
    evidence.RULES.clear()
    evidence.RULES.update(saved)


def test_clause_status_is_the_worst_of_its_rules_ignoring_not_applicable():
    assert evidence.worst([S.CONFORMING, S.PARTLY, S.NOT_APPLICABLE]) == S.PARTLY
    assert evidence.worst([S.CONFORMING, S.NOT_YET_ASSESSABLE]) == S.NOT_YET_ASSESSABLE
    assert evidence.worst([S.PARTLY, S.NOT_CONFORMING, S.CONFORMING]) == S.NOT_CONFORMING
    assert evidence.worst([S.NOT_YET_ASSESSABLE, S.PARTLY]) == S.PARTLY


def test_all_not_applicable_is_not_applicable_and_nothing_is_not_yet_assessable():
    assert evidence.worst([S.NOT_APPLICABLE, S.NOT_APPLICABLE]) == S.NOT_APPLICABLE
    assert evidence.worst([]) == S.NOT_YET_ASSESSABLE


def test_a_decorated_function_is_registered_for_its_clauses(scratch_rules):
    @evidence.evidence_rule("test.rule", clauses=("4.1.3(1)", "4.2.3(1)"), kind=evidence.CHECK,
                            name="n", description="d")  # fmt: skip
    def rule(org_path: str, start: date, end: date) -> Evidence:
        return Evidence(S.CONFORMING, 3)

    assert [r.code for r in evidence.rules_for("4.2.3(1)")] == ["test.rule"]
    found = evidence.assess(evidence.RULES["test.rule"], "0001/", *Q3)
    assert found == Evidence(S.CONFORMING, 3)


def test_a_rule_of_unknown_kind_or_without_clauses_is_refused(scratch_rules):
    with pytest.raises(ValueError, match="unknown kind"):
        evidence.evidence_rule("x", clauses=("1.1",), kind="hunch", name="", description="")
    with pytest.raises(ValueError, match="names no clause"):
        evidence.evidence_rule("x", clauses=(), kind=evidence.CHECK, name="", description="")(
            lambda *a: Evidence(S.CONFORMING)
        )


def test_check_evidence_conforms_without_problems_and_names_the_first_ones():
    assert evidence.check_evidence([], 10).status == S.CONFORMING
    found = evidence.check_evidence(["a", "b", "c", "d"], 10)
    assert (found.status, found.failing, found.note) == (S.NOT_CONFORMING, 4, "a; b; c")


def test_counted_evidence_is_partly_when_some_records_fall_short():
    assert evidence.ratio_evidence(0, 0).status == S.NOT_YET_ASSESSABLE
    assert evidence.ratio_evidence(5, 0).status == S.CONFORMING
    assert evidence.ratio_evidence(5, 2).status == S.PARTLY
    assert evidence.ratio_evidence(5, 5).status == S.NOT_CONFORMING


def _month_row(code: str, path: str, month: int, n: float, d: float) -> None:
    IndicatorValue.objects.create(code=code, granularity="month", org_path=path,
                                  period_start=datetime(2026, month, 1, tzinfo=BEIJING),
                                  numerator=n, denominator=d)  # fmt: skip


@pytest.mark.django_db
def test_indicator_evidence_sums_the_quarter_and_compares_with_the_target(org):
    # given 18 of 20 complaints decided on time in Q3 at P1 (90%), target 95 %, warning 85 %
    code = "complaints.decided_on_time_rate"
    IndicatorTarget.objects.filter(code=code).delete()
    _month_row(code, org["P1"].path, 7, 9, 10)
    _month_row(code, org["C1"].path, 8, 9, 10)
    _month_row(code, org["P1"].path, 10, 0, 10)  # outside the quarter
    IndicatorTarget.objects.create(code=code, org_path="", target=0.95, warning=0.85,
                                   source_kind="standard", source="s", valid_from=date(2026, 1, 1))  # fmt: skip
    # when the evidence is read for P1's subtree
    found = evidence.indicator_evidence(code, org["P1"].path, *Q3)
    # then it is partly conforming (amber), over 20 complaints
    assert (found.status, found.records, found.failing) == (S.PARTLY, 20, 2)
    assert found.note == "90.0% / 95.0%"


@pytest.mark.django_db
def test_indicator_evidence_without_target_or_value_is_not_yet_assessable(org):
    code = "complaints.decided_on_time_rate"
    IndicatorTarget.objects.filter(code=code).delete()
    assert evidence.indicator_evidence(code, org["P1"].path, *Q3).status == S.NOT_YET_ASSESSABLE
    _month_row(code, org["P1"].path, 7, 10, 10)
    found = evidence.indicator_evidence(code, org["P1"].path, *Q3)
    assert (found.status, found.note) == (S.NOT_YET_ASSESSABLE, "100.0%; no target")
