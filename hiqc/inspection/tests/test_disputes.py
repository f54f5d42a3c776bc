"""Disputes: the scored agent disputes their own score within the window; another inspector
upholds or amends; the final score feeds the indicator (standard 7.2: fair assessment)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from hiqc.core.calendar import BEIJING, Unit, compute_due
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.indicators import rolled_up
from hiqc.core.models import AuditEvent
from hiqc.inspection import services
from hiqc.inspection.models import InspectionTask

from .helpers import draw_march, lines_for, score_one

pytestmark = pytest.mark.django_db
SCORED = datetime(2026, 4, 1, 10, 0, tzinfo=BEIJING)  # a Wednesday


@pytest.fixture
def score(actors, org, world, django_capture_on_commit_callbacks):
    """The supervisor scores one of the agent's consultations 90 on 1 April."""
    draw_march(actors["supervisor"], org["C1"], kinds=["consultation"])
    task = InspectionTask.objects.filter(agent__username="agent")[0]
    with time_machine.travel(SCORED, tick=False), django_capture_on_commit_callbacks(execute=True):
        return score_one(actors["supervisor"], task, lose=10)


def _month_value():
    start = datetime(2026, 4, 1, tzinfo=BEIJING)
    rows = rolled_up(
        "inspection.agent_qa_score", granularity="month", org_path="0001/",
        start=start, end=start + timedelta(days=30),
    )  # fmt: skip
    return rows[0]["value"] if rows else None


def test_the_dispute_window_is_five_working_days_from_the_score(score):
    assert score.dispute_until == compute_due(SCORED, 5, Unit.WORKING_DAYS).due_at
    assert score.dispute_until > SCORED + timedelta(days=5)  # a weekend lies in between


def test_the_agent_disputes_their_own_score_within_the_window(actors, score):
    with time_machine.travel(SCORED + timedelta(days=1), tick=False):
        dispute = services.score_dispute(
            actor=actors["agent"], score_id=score.pk, reason="已核实身份"
        )
    score.refresh_from_db()
    assert (dispute.status, score.status, dispute.previous_total) == (
        "open",
        "disputed",
        Decimal("90.0"),
    )
    assert AuditEvent.objects.filter(action="inspection.dispute").count() == 1


def test_an_agent_cannot_dispute_someone_elses_score(actors, score):
    for persona in ("handler", "outsider_agent", "supervisor"):
        with pytest.raises(NotFound), time_machine.travel(SCORED + timedelta(hours=1)):
            services.score_dispute(actor=actors[persona], score_id=score.pk, reason="x")


def test_a_dispute_after_the_window_is_refused(actors, score):
    late = score.dispute_until + timedelta(minutes=1)
    with time_machine.travel(late, tick=False), pytest.raises(ValidationFailed) as exc:
        services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="迟到")
    assert exc.value.code == "dispute_window_closed"


def test_a_score_is_disputed_once_and_needs_a_reason(actors, score):
    with time_machine.travel(SCORED + timedelta(hours=2), tick=False):
        with pytest.raises(ValidationFailed):
            services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="  ")
        services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")
        with pytest.raises(Conflict):
            services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="再次")


def _dispute(actors, score):
    with time_machine.travel(SCORED + timedelta(hours=2), tick=False):
        return services.score_dispute(actor=actors["agent"], score_id=score.pk, reason="理由")


def test_the_original_scorer_cannot_decide_when_another_inspector_can(actors, score):
    dispute = _dispute(actors, score)
    with pytest.raises(Forbidden):
        services.dispute_decide(
            actor=actors["supervisor"], dispute_id=dispute.pk, decision="uphold", note="维持"
        )


def test_the_agent_or_an_outsider_cannot_decide(actors, score):
    dispute = _dispute(actors, score)
    for persona in ("agent", "outsider_agent", "branch_manager"):
        with pytest.raises(NotFound):  # no qa.inspect over C1: the dispute is not theirs to see
            services.dispute_decide(
                actor=actors[persona], dispute_id=dispute.pk, decision="uphold", note="x"
            )


def test_upholding_keeps_the_score_and_is_audited(actors, score):
    dispute = _dispute(actors, score)
    decided = services.dispute_decide(
        actor=actors["quality_lead"], dispute_id=dispute.pk, decision="uphold", note="评分有据"
    )
    score.refresh_from_db()
    assert (decided.status, score.status, score.final_total) == (
        "upheld",
        "upheld",
        Decimal("90.0"),
    )
    # one audit record for the step, the executor's, with what the domain adds to it
    (record,) = AuditEvent.objects.filter(subject_id=str(dispute.pk), action__endswith=".uphold")
    assert record.action == "inspection.dispute.uphold"
    assert record.data == {"decision": "uphold", "score": str(score.pk), "from": "open",
                           "to": "upheld"}  # fmt: skip
    assert {"status", "decision_note"} <= set(record.fields)
    with pytest.raises(Conflict):
        services.dispute_decide(
            actor=actors["quality_lead"], dispute_id=dispute.pk, decision="amend", note="x"
        )


def test_amending_rescores_the_items_and_the_indicator_uses_the_final_score(
    actors, score, django_capture_on_commit_callbacks
):
    assert _month_value() == 90.0
    dispute = _dispute(actors, score)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute_decide(
            actor=actors["quality_lead"], dispute_id=dispute.pk, decision="amend",
            note="身份核实已完成，改正", lines=lines_for("consultation"),
        )  # fmt: skip
    score.refresh_from_db()
    assert (score.total, score.final_total, score.status) == (
        Decimal("90.0"),
        Decimal("100.0"),
        "amended",
    )
    assert score.lines.filter(revision=2).count() == score.lines.filter(revision=1).count()
    assert _month_value() == 100.0


def test_the_fatal_error_rate_counts_final_fatal_errors(actors, org, world):
    from hiqc.core.indicators import indicators_compute

    draw_march(actors["supervisor"], org["C1"], per_agent=4, kinds=["call"])
    tasks = list(InspectionTask.objects.filter(kind="call")[:4])
    with time_machine.travel(SCORED, tick=False):
        for i, task in enumerate(tasks):
            score_one(actors["supervisor"], task, fatal=(i == 0))
    start = datetime(2026, 4, 1, tzinfo=BEIJING)
    indicators_compute(
        codes=["inspection.fatal_error_rate", "inspection.agent_qa_score"],
        granularity="day", start=start, end=start + timedelta(days=1),
    )  # fmt: skip
    rate = rolled_up(
        "inspection.fatal_error_rate", granularity="day", org_path="0001/",
        start=start, end=start + timedelta(days=1),
    )  # fmt: skip
    assert (rate[0]["numerator"], rate[0]["denominator"]) == (1.0, 4.0)
    qa = rolled_up(
        "inspection.agent_qa_score", granularity="day", org_path="0001/",
        start=start, end=start + timedelta(days=1),
    )  # fmt: skip
    assert qa[0]["value"] == 75.0  # (0 + 100 × 3) ÷ 4


def test_an_inspector_cannot_score_their_own_work(actors, org, personas, world):
    from .conftest import make_consultation

    make_consultation(org["P1"], personas["supervisor"], 99)
    draw_march(actors["quality_lead"], org["P1"], per_agent=5, kinds=["consultation"])
    own = InspectionTask.objects.get(agent__username="supervisor")
    with pytest.raises(Forbidden):
        score_one(actors["supervisor"], own)
