"""The scores behind the QA figures (issue 7 §2): the scores given in the period — the lowest final
score first, or the fatal errors first — each linked to its score page and shown by the
interaction's reference, never by the agent's name; and both figures from one grouped query."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import INDICATORS, bucketed, indicators_compute, rolled_up
from hiqc.inspection.indicators import SCORES, qa_indicators_recompute
from hiqc.inspection.models import InspectionTask, Score

from .helpers import draw_march, score_one

pytestmark = pytest.mark.django_db
SCORED = datetime(2026, 4, 1, 10, 0, tzinfo=BEIJING)
DAY = (SCORED.replace(hour=0), SCORED.replace(hour=0) + timedelta(days=1))
QA, FATAL = "inspection.agent_qa_score", "inspection.fatal_error_rate"


def cases(code, org, unit="HO", span=DAY):
    indicator = INDICATORS[code]
    assert indicator.cases is not None
    return indicator.cases(org[unit].path, *span)


def figure(code, org, unit="HO"):
    indicators_compute(codes=[code], granularity="day", start=DAY[0], end=DAY[1])
    [row] = rolled_up(code, granularity="day", org_path=org[unit].path, start=DAY[0], end=DAY[1])
    return row["numerator"], row["denominator"]


@pytest.fixture
def scored(actors, org, personas, world):
    """1 April: four of the agent's calls at C1 scored 95, 100, 0 (a fatal error) and 90, one of
    the outsider's calls at P2 scored 100; one more of the agent's calls scored on 2 April."""
    personas["agent"].display_name = "张三丰"
    personas["agent"].save()
    draw_march(actors["quality_lead"], org["HO"], per_agent=6, kinds=["call"])
    mine = list(InspectionTask.objects.filter(agent__username="agent").order_by("object_id"))
    theirs = InspectionTask.objects.filter(agent__username="outsider_agent").first()
    assert len(mine) >= 5 and theirs is not None
    lead = actors["quality_lead"]
    with time_machine.travel(SCORED, tick=False):
        for task, (lose, fatal) in zip(mine, ((5, False), (0, False), (0, True), (10, False)),
                                       strict=False):  # fmt: skip
            score_one(lead, task, lose=lose, fatal=fatal)
        score_one(lead, theirs)
    with time_machine.travel(SCORED + timedelta(days=1), tick=False):
        score_one(lead, mine[4], lose=1)
    return {"mine": mine, "theirs": theirs}


def test_qa_score_cases_list_the_lowest_final_score_first(org, scored):
    listed = cases(QA, org)
    total, n = figure(QA, org)
    assert len(listed) == n == 5 and total == 95 + 100 + 0 + 90 + 100
    assert [c.counted for c in listed] == ["0.0 分", "90.0 分", "95.0 分", "100.0 分", "100.0 分"]
    assert [c.bad for c in listed] == [True, False, False, False, False]  # the fatal error


def test_fatal_error_rate_cases_list_the_fatal_errors_first(org, scored):
    listed = cases(FATAL, org)
    fatal, n = figure(FATAL, org)
    assert len(listed) == n == 5 and fatal == 1
    assert [(c.counted, c.bad) for c in listed][:2] == [("致命错误", True), ("无致命错误", False)]
    assert sum(c.bad for c in listed) == fatal


def test_the_cases_keep_to_the_subtree_and_the_period(org, scored):
    in_c1 = cases(QA, org, unit="C1")
    assert len(in_c1) == 4 and {c.org_path for c in in_c1} == {org["C1"].path}
    assert [c.label for c in cases(QA, org, unit="P2")] == [scored["theirs"].label]
    two_days = (DAY[0], DAY[1] + timedelta(days=1))
    assert len(cases(QA, org, span=two_days)) == 6


def test_a_score_links_its_page_and_is_shown_by_the_interaction_not_the_agent(org, scored):
    listed = cases(QA, org)
    score = Score.objects.select_related("task").get(pk=listed[0].record_id)
    assert listed[0].url == f"/inspection/scores/{score.pk}/"
    assert (listed[0].record_type, listed[0].name) == ("inspection.score", "质检评分")
    assert listed[0].label == score.task.label and score.task.label.startswith("T-C1-")
    assert listed[0].when == SCORED
    shown = repr(listed)
    assert "张三丰" not in shown and "agent" not in " ".join(c.label for c in listed)


def test_an_amended_score_is_listed_with_its_final_score(org, scored):
    listed = cases(QA, org)
    Score.objects.filter(pk=listed[0].record_id).update(final_total=60, final_fatal=False)
    again = cases(QA, org)
    assert [c.counted for c in again][:2] == ["60.0 分", "90.0 分"]
    assert not any(c.bad for c in again)


def test_both_figures_come_from_one_grouped_query_that_agrees_with_each_score(
    org, scored, django_assert_num_queries
):
    start, end = datetime(2026, 4, 1, tzinfo=BEIJING), datetime(2026, 5, 1, tzinfo=BEIJING)
    with django_assert_num_queries(1):
        rows = SCORES.compute("day", start, end)
    scores = Score.objects.filter(scored_at__gte=start, scored_at__lt=end)
    by_score = [(s.scored_at, s.org_unit.path, float(s.final_total), 1.0) for s in scores]
    by_fatal = [(s.scored_at, s.org_unit.path, float(s.final_fatal), 1.0) for s in scores]
    for code, items in ((QA, by_score), (FATAL, by_fatal)):
        assert sorted(INDICATORS[code].rows("day", start, end)) == sorted(bucketed("day", items))
        assert len(rows[code]) == 3  # C1 on 1 and 2 April, P2 on 1 April
    assert qa_indicators_recompute(SCORED) == 2 * (2 + 2)  # day and month, C1 and P2
