"""Assessment cycles, 360° anonymity, appeals and incentives (standard 7.2, 7.3.1; issue 18 §4–§5;
ADR 0021). The scene: a quarterly cycle of 北京分公司 (P1) over 2026 Q4 for the complaint
handlers (the ``handler`` persona at C1), whose performance measure is a stand-in registered in
the kernel's person-measure registry (the real measures are tested in their domains and in
tests/test_assessment_performance.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import CaseEvent
from hiqc.core.personmeasures import PERSON_MEASURES, Measured, PersonMeasure
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.people.assessment.models import AssessmentResult, CycleStatus, Rating
from hiqc.people.assessment.services import (
    access_cycle,
    access_rating,
    access_result,
    appeal_decide,
    appeal_file,
    cycle_act,
    cycle_create,
    group_scores,
    incentive_record,
    raters_assign,
    rating_submit,
)

pytestmark = pytest.mark.django_db

BEFORE = datetime(2026, 9, 20, 10, 0, tzinfo=BEIJING)
Q4_START = datetime(2026, 10, 1, 0, 0, tzinfo=BEIJING)
LAST_MINUTE = datetime(2026, 12, 31, 23, 59, tzinfo=BEIJING)
NEW_YEAR = datetime(2027, 1, 1, 0, 0, tzinfo=BEIJING)
SEEN: dict[str, tuple[datetime, datetime]] = {}


def _done(user_ids, start, end):
    """Stand-in measure: 8 cases of 10 on time for every person asked."""
    SEEN["window"] = (start, end)
    return {u: Measured(8, 10, ["case-1", "case-2"]) for u in user_ids}


@pytest.fixture
def measure(monkeypatch):
    monkeypatch.setitem(PERSON_MEASURES, "test.on_time", PersonMeasure(
        "test.on_time", "测试及时率", "rate", ("complaint_handler",), _done, None, "%"))  # fmt: skip


def scheme(org, **over):
    data = {
        "org_unit": org["P1"].pk, "title": "2026 年第四季度考核", "kind": "quarterly",
        "period_start": "2026-10-01", "period_end": "2026-12-31", "w_ability": "0",
        "w_performance": "60", "w_teamwork": "20", "w_ethics": "20",
        "measures": {"complaint_handler": [{"code": "test.on_time", "weight": 100,
                                            "target": 80}]},
    }  # fmt: skip
    data.update(over)
    return data


@pytest.fixture
def cycle(actors, org, measure):
    with time_machine.travel(BEFORE, tick=False):
        made = cycle_create(actor=actors["branch_manager"], data=scheme(org))
        return cycle_act(actor=actors["branch_manager"], cycle_id=made.pk, action="publish")


def colleagues(org, n, prefix):
    made = []
    for i in range(n):
        u = User.objects.create_user(username=f"{prefix}{i}", password="x-y-z-123456",
                                     org_unit=org["C1"])  # fmt: skip
        Membership.objects.create(user=u, role=Role.CLAIMS_HANDLER, org_unit=org["C1"])
        made.append(u)
    return made


def rate(cycle, subject, raters, group, teamwork, ethics):
    raters_assign(actor=actor_for_user(User.objects.get(username="branch_manager")),
                  cycle_id=cycle.pk, rows=[{"subject": str(subject.pk), "rater": str(r.pk),
                                            "group": group} for r in raters])  # fmt: skip
    for r in raters:
        rating = Rating.objects.get(cycle=cycle, subject=subject, rater=r)
        rating_submit(actor=actor_for_user(r), rating_id=rating.pk,
                      data={"teamwork": teamwork, "ethics": ethics})  # fmt: skip


# --- the scheme ----------------------------------------------------------------------------------


def test_a_scheme_published_before_the_period_is_frozen(actors, org, cycle):
    # given a published scheme, when it is published again, then the engine refuses
    with time_machine.travel(BEFORE, tick=False), pytest.raises(Conflict):
        cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="publish")
    assert cycle.status == CycleStatus.PUBLISHED and cycle.published_at < Q4_START
    # and nothing in the services writes a scheme field after creation (the fields are read
    # only: a second create of the same title is refused rather than overwriting)
    with pytest.raises(ValidationFailed) as exc:
        cycle_create(actor=actors["branch_manager"], data=scheme(org, w_ability="10",
                                                                 w_performance="50"))  # fmt: skip
    assert "title" in exc.value.fields


def test_a_scheme_cannot_be_published_once_its_period_has_started(actors, org, measure):
    # given a draft over Q4, when someone publishes it on 10-01 00:00 (Beijing)
    with time_machine.travel(BEFORE, tick=False):
        draft = cycle_create(actor=actors["branch_manager"], data=scheme(org))
    with time_machine.travel(Q4_START, tick=False):
        with pytest.raises(Conflict) as exc:
            cycle_act(actor=actors["branch_manager"], cycle_id=draft.pk, action="publish")
        assert "7.2.1" in exc.value.message
        # then it cannot compute results either: there is no scheme published in advance
    with time_machine.travel(NEW_YEAR, tick=False), pytest.raises(Conflict):
        cycle_act(actor=actors["branch_manager"], cycle_id=draft.pk, action="compute")


def test_a_scheme_names_its_errors_by_field(actors, org, measure):
    bad = scheme(org, w_ethics="30", measures={"complaint_handler": [
        {"code": "test.on_time", "weight": 90, "target": 80},
        {"code": "nope", "weight": 10, "target": 1}], "claims_handler": []})  # fmt: skip
    with time_machine.travel(BEFORE, tick=False), pytest.raises(ValidationFailed) as exc:
        cycle_create(actor=actors["branch_manager"], data=bad)
    assert "measures.complaint_handler.1.code" in exc.value.fields
    assert "measures.claims_handler" in exc.value.fields


# --- period boundaries ---------------------------------------------------------------------------


def test_results_wait_for_the_end_of_the_period_at_midnight_beijing(actors, cycle):
    # given Q4 ends on 12-31, when compute is asked at 12-31 23:59 Beijing, then it is refused
    with time_machine.travel(LAST_MINUTE, tick=False), pytest.raises(Conflict):
        cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="compute")
    # and at 01-01 00:00 it computes over [10-01 00:00, 01-01 00:00) Beijing
    with time_machine.travel(NEW_YEAR, tick=False):
        cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="compute")
    assert SEEN["window"] == (Q4_START, NEW_YEAR)


# --- computing -----------------------------------------------------------------------------------


def test_performance_is_computed_from_the_measure_against_its_target(actors, personas, cycle):
    # given 8 of 10 on time against a target of 80 %, and no 360 ratings
    with time_machine.travel(NEW_YEAR, tick=False):
        cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="compute")
    result = AssessmentResult.objects.get(cycle=cycle, user=personas["handler"])
    # then the measure scores 100 (target reached), performance 100, and the parts without a
    # score (no exam, no shown group) are left out: the total is the performance alone
    assert result.measures[0]["value"] == 80.0 and result.measures[0]["score"] == 100.0
    assert result.measures[0]["evidence"] == ["case-1", "case-2"]
    assert result.performance == Decimal("100.0") and result.teamwork is None
    assert result.total == Decimal("100.0") and result.grade == "A"


def test_a_rater_group_under_three_is_hidden_and_not_counted(actors, personas, org, cycle):
    handler = personas["handler"]
    bosses, peers = colleagues(org, 3, "boss"), colleagues(org, 2, "peer")
    with time_machine.travel(datetime(2026, 12, 20, tzinfo=BEIJING), tick=False):
        rate(cycle, handler, bosses, "superior", 90, 70)  # 3 raters: shown
        rate(cycle, handler, peers, "peer", 10, 10)  # 2 raters: hidden
    with time_machine.travel(NEW_YEAR, tick=False):
        cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="compute")
    result = AssessmentResult.objects.get(cycle=cycle, user=handler)
    assert result.groups["superior"] == {"raters": 3, "shown": True, "teamwork": 90.0,
                                         "ethics": 70.0}  # fmt: skip
    assert result.groups["peer"] == {"raters": 2, "shown": False, "teamwork": None,
                                     "ethics": None}  # fmt: skip
    # the peers' low scores count for nothing: teamwork 90, ethics 70
    assert (result.teamwork, result.ethics) == (Decimal("90.0"), Decimal("70.0"))
    # total = (60 × 100 + 20 × 90 + 20 × 70) ÷ 100 = 92.0
    assert result.total == Decimal("92.0")


def test_three_raters_are_shown_and_two_groups_count_equally():
    class R:
        def __init__(self, group, t, e):
            self.group, self.teamwork, self.ethics, self.submitted_at = group, t, e, 1

    ratings = [R("superior", 90, 90)] * 3 + [R("peer", 60, 80)] * 3 + [R("subordinate", 0, 0)] * 2
    groups, teamwork, ethics = group_scores(ratings, 3)  # type: ignore[arg-type]
    assert [g["shown"] for g in groups.values()] == [True, True, False]
    assert (teamwork, ethics) == (75.0, 85.0)


def test_raters_never_see_each_others_scores(personas, org, cycle):
    handler = personas["handler"]
    raters = colleagues(org, 3, "boss")
    with time_machine.travel(datetime(2026, 12, 20, tzinfo=BEIJING), tick=False):
        rate(cycle, handler, raters, "superior", 80, 80)
    other = Rating.objects.get(rater=raters[1])
    # a rater opening another's rating gets the same 404 as a missing id; so does the subject
    for who in (raters[0], handler, User.objects.get(username="branch_manager")):
        with pytest.raises(NotFound):
            access_rating(actor_for_user(who), other.pk)


# --- appeals -------------------------------------------------------------------------------------


@pytest.fixture
def computed(actors, personas, cycle):
    with time_machine.travel(NEW_YEAR, tick=False):
        cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="compute")
    return AssessmentResult.objects.get(cycle=cycle, user=personas["handler"])


def test_the_person_appeals_once_and_someone_else_decides(actors, personas, computed):
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=BEIJING), tick=False):
        appeal_file(actor=actors["handler"], result_id=computed.pk,
                    data={"reason": "第四季度有两件投诉系他人转办。"})  # fmt: skip
        # a second appeal is refused
        with pytest.raises(Conflict) as exc:
            appeal_file(actor=actors["handler"], result_id=computed.pk, data={"reason": "再次"})
        assert exc.value.code == "already_appealed"
        # the person cannot decide their own appeal, nor can whoever computed the results
        with pytest.raises((Forbidden, NotFound)):
            appeal_decide(actor=actors["handler"], result_id=computed.pk,
                          data={"decision": "dismissed", "note": "x"})  # fmt: skip
        with pytest.raises(Forbidden):
            appeal_decide(actor=actors["branch_manager"], result_id=computed.pk,
                          data={"decision": "dismissed", "note": "x"})  # fmt: skip
        # the quality lead decides: upheld with a revised total, which sets the grade
        appeal = appeal_decide(actor=actors["quality_lead"], result_id=computed.pk,
                               data={"decision": "upheld", "note": "核实属实",
                                     "revised_total": "85"})  # fmt: skip
    computed.refresh_from_db()
    assert appeal.decided_by == "quality_lead"
    assert (computed.total, computed.grade, computed.computed_total) == (
        Decimal("85.0"), "B", Decimal("100.0"))  # fmt: skip


def test_someone_else_cannot_appeal_a_result(actors, computed):
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=BEIJING), tick=False):
        with pytest.raises(Forbidden):
            appeal_file(actor=actors["branch_manager"], result_id=computed.pk,
                        data={"reason": "代为申诉"})  # fmt: skip
        with pytest.raises(NotFound):  # not theirs and not in their scope
            appeal_file(actor=actors["claims"], result_id=computed.pk, data={"reason": "x"})


def test_results_are_final_only_after_the_appeal_window_and_every_decision(actors, computed):
    cycle = computed.cycle
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=BEIJING), tick=False):
        appeal_file(actor=actors["handler"], result_id=computed.pk, data={"reason": "请复核"})
    with time_machine.travel(datetime(2027, 1, 9, tzinfo=BEIJING), tick=False):
        # the window (7 days from 01-01 00:00) has passed, but an appeal is undecided
        with pytest.raises(Conflict):
            cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="finalise")
        appeal_decide(actor=actors["quality_lead"], result_id=computed.pk,
                      data={"decision": "dismissed", "note": "数据无误"})  # fmt: skip
        # incentives wait for the final result
        with pytest.raises(Conflict):
            incentive_record(actor=actors["branch_manager"], result_id=computed.pk,
                             data={"kind": "honour", "title": "季度服务之星"})  # fmt: skip
        cycle_act(actor=actors["branch_manager"], cycle_id=cycle.pk, action="finalise")
        made = incentive_record(actor=actors["branch_manager"], result_id=computed.pk,
                                data={"kind": "reward", "title": "季度奖励", "amount": "800"})  # fmt: skip
        assert made.amount == Decimal("800.00")
        with pytest.raises(Conflict):  # the same again is refused, not duplicated
            incentive_record(actor=actors["branch_manager"], result_id=computed.pk,
                             data={"kind": "reward", "title": "季度奖励"})  # fmt: skip


def test_the_daily_job_finalises_a_cycle_once_its_window_closed_and_its_appeals_are_decided(
    actors, computed
):
    from hiqc.people.assessment.services import FINALISER, cycles_finalise_due

    cycle = computed.cycle
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=BEIJING), tick=False):
        appeal_file(actor=actors["handler"], result_id=computed.pk, data={"reason": "请复核"})
        # inside the window nothing is finalised
        assert cycles_finalise_due() == 0
    with time_machine.travel(datetime(2027, 1, 9, tzinfo=BEIJING), tick=False):
        # after the window, an undecided appeal still holds the cycle back
        assert cycles_finalise_due() == 0
        appeal_decide(actor=actors["quality_lead"], result_id=computed.pk,
                      data={"decision": "dismissed", "note": "数据无误"})  # fmt: skip
        # then the job finalises it, by the engine, as its own system actor; a rerun does nothing
        assert cycles_finalise_due() == 1
        assert cycles_finalise_due() == 0
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.FINAL and cycle.finalised_at is not None
    event = CaseEvent.objects.filter(case_id=str(cycle.pk), activity="finalise").get()
    assert (event.actor_name, event.source) == (FINALISER, "system")


# --- doors ---------------------------------------------------------------------------------------


def test_another_units_cycle_and_result_are_the_same_404_as_missing(actors, computed):
    import uuid

    outsider = actors["outsider_agent"]
    for door, pk in ((access_cycle, computed.cycle_id), (access_result, computed.pk)):
        with pytest.raises(NotFound) as not_yours:
            door(outsider, pk)
        with pytest.raises(NotFound) as missing:
            door(outsider, uuid.uuid4())
        assert str(not_yours.value) == str(missing.value)
    # the person reads their own result without any assessment permission
    assert access_result(actors["handler"], computed.pk).pk == computed.pk
