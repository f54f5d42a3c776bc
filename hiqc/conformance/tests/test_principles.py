"""The service principles (standard 1.3; issue 22 §4): every indicator serves at least one
principle, each principle has indicators, a tag on a family covers its members, and the evidence
of 1.3(n) counts the principle's indicators on target."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hiqc.conformance.periods import parse_period
from hiqc.conformance.selectors import clause_statuses
from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import RULES
from hiqc.core.evidence import EvidenceStatus as S
from hiqc.core.indicators import INDICATORS
from hiqc.core.models import IndicatorTarget, IndicatorValue
from hiqc.core.principles import CLAUSE, Principle, principles_of, tag_principles

Q3 = parse_period("2026-Q3")


def test_every_indicator_serves_a_principle_and_every_principle_has_indicators():
    untagged = [code for code in INDICATORS if not principles_of(code)]
    assert untagged == []
    served = {p for code in INDICATORS for p in principles_of(code)}
    assert served == set(Principle.values)
    assert CLAUSE == {"people_first": "1.3(1)", "fairness": "1.3(2)", "lawful": "1.3(3)",
                      "efficient": "1.3(4)", "improvement": "1.3(5)", "integrity": "1.3(6)"}  # fmt: skip


def test_an_exact_tag_wins_over_the_familys_prefix():
    # the call centre's queues are people-first and efficient; handling time only efficient
    assert principles_of("callcentre.service_level.claims") == ("people_first", "efficient")
    assert principles_of("callcentre.aht") == ("efficient",)
    assert principles_of("callcentre.aht.claims") == ("efficient",)
    assert principles_of("process.claims.claim.cycle_days") == ("efficient", "improvement")


def test_a_tag_names_only_known_principles():
    with pytest.raises(ValueError, match="kindness"):
        tag_principles({"x.y": ("kindness",)})
    with pytest.raises(ValueError, match="unknown or none"):
        tag_principles({"x.y": ()})


def _target(code: str, org, target: float, warning: float) -> None:
    IndicatorTarget.objects.create(code=code, org_path=org.path, target=target, warning=warning,
                                   source_kind="internal", source="test",
                                   valid_from=date(2026, 1, 1))  # fmt: skip


def _value(code: str, org, month: int, n: float, d: float) -> None:
    IndicatorValue.objects.create(code=code, granularity="month", org_path=org.path,
                                  period_start=datetime(2026, month, 1, tzinfo=BEIJING),
                                  numerator=n, denominator=d)  # fmt: skip


@pytest.mark.django_db
def test_integrity_is_partly_met_when_one_of_its_judged_indicators_misses_its_target(org):
    # given at P1 two integrity indicators with targets: claims accuracy on target (99 % ≥ 98 %)
    # and the mystery-shopping pass rate below its warning level (50 % < 70 %)
    IndicatorTarget.objects.filter(org_path__startswith=org["P1"].path).delete()
    _target("claims.accuracy_rate", org["P1"], 0.98, 0.95)
    _target("surveys.mystery_pass_rate", org["P1"], 0.8, 0.7)
    _value("claims.accuracy_rate", org["C1"], 8, 99, 100)
    _value("surveys.mystery_pass_rate", org["C1"], 8, 5, 10)
    rule = RULES["conformance.principle.integrity"]
    # when Q3 is assessed for P1
    found = rule.assess(org["P1"].path, Q3.start, Q3.end)
    # then 2 judged indicators, 1 missing its target: partly; the clause 1.3(6) says the same
    assert (found.status, found.records, found.failing) == (S.PARTLY, 2, 1)
    assert clause_statuses(org["P1"].path, Q3)["1.3(6)"].status == S.PARTLY
    # an indicator with a target but no value yet is not judged
    _target("inspection.fatal_error_rate", org["P1"], 0.01, 0.02)
    assert rule.assess(org["P1"].path, Q3.start, Q3.end).records == 2


@pytest.mark.django_db
def test_a_principle_without_judged_indicators_is_not_yet_assessable(org):
    IndicatorTarget.objects.all().delete()
    found = RULES["conformance.principle.fairness"].assess(org["P2"].path, Q3.start, Q3.end)
    assert found.status == S.NOT_YET_ASSESSABLE


@pytest.mark.django_db
def test_the_principles_page_shows_each_principle_with_its_judged_indicators(org, personas):
    from django.test import Client

    IndicatorTarget.objects.filter(org_path__startswith=org["P1"].path).delete()
    _target("claims.accuracy_rate", org["P1"], 0.98, 0.95)
    _value("claims.accuracy_rate", org["C1"], 8, 99, 100)
    client = Client()
    client.force_login(personas["quality_lead"])
    page = client.get(f"/conformance/principles/?unit={org['P1'].pk}&period=2026-Q3")
    html = page.content.decode()
    assert page.status_code == 200
    for p in Principle:
        assert f'id="{p.value}"' in html
    assert "claims.accuracy_rate" in html and "99.0% / 98.0%" in html
    assert "以人为本" in html and "1.3(6)" in html


@pytest.mark.django_db
def test_the_principles_page_assesses_each_indicator_once_and_judges_as_the_rules_do(org, personas):
    from collections import Counter
    from unittest import mock

    from django.test import Client

    from hiqc.conformance import evidence as conformance_evidence
    from hiqc.conformance.evidence import principle_indicators
    from hiqc.core.evidence import indicator_evidence

    # given at P1 judged indicators, one of them serving two principles (the claims queue's
    # service level: people first and efficient), one on target, one below its warning level
    shared = "callcentre.service_level.claims"
    assert shared in INDICATORS and principles_of(shared) == ("people_first", "efficient")
    IndicatorTarget.objects.filter(org_path__startswith=org["P1"].path).delete()
    _target("claims.accuracy_rate", org["P1"], 0.98, 0.95)
    _target("surveys.mystery_pass_rate", org["P1"], 0.8, 0.7)
    _target(shared, org["P1"], 0.8, 0.7)
    _value("claims.accuracy_rate", org["C1"], 8, 99, 100)
    _value("surveys.mystery_pass_rate", org["C1"], 8, 5, 10)
    _value(shared, org["C1"], 8, 75, 100)
    client = Client()
    client.force_login(personas["quality_lead"])
    # when the principles page is built, the indicator evidence function spied on
    with mock.patch.object(conformance_evidence, "indicator_evidence",
                           wraps=indicator_evidence) as spy:  # fmt: skip
        page = client.get(f"/conformance/principles/?unit={org['P1'].pk}&period=2026-Q3")
    assert page.status_code == 200
    views = {p.code: p for p in page.context["principles"]}
    # then every judged indicator of every principle was assessed exactly once
    assessed = Counter(call.args[0] for call in spy.call_args_list)
    judged = {row["code"] for view in views.values() for row in view.judged}
    assert shared in judged and set(assessed) == judged
    assert set(assessed.values()) == {1}
    # and each principle's evidence on the page is the evidence of its rule 1.3(n), from the
    # rows it shows
    for p in Principle:
        rule = RULES[f"conformance.principle.{p.value}"]
        assert views[p.value].evidence == rule.assess(org["P1"].path, Q3.start, Q3.end)
        rows = principle_indicators(p.value, org["P1"].path, Q3.start, Q3.end)
        assert [(r["code"], r["e"]) for r in views[p.value].judged] == rows
    # the shared queue is amber: off target in both principles it serves (their only indicator
    # with a value)
    assert {r["code"]: r["e"].status for r in views["efficient"].judged}[shared] == S.PARTLY
    assert views["efficient"].evidence.status == views["people_first"].evidence.status
    assert views["efficient"].evidence.status == S.NOT_CONFORMING
    assert views["integrity"].evidence.status == S.PARTLY  # mystery shopping red, accuracy green
