"""Sampling per agent and period: random (seeded, reproducible, recorded) plus targeted rules
(standard 4.1.3(2), 4.2.3(2))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hiqc.core.errors import Forbidden, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.inspection import selectors, services
from hiqc.inspection.models import AgentAlias, InspectionTask, Sample
from hiqc.inspection.sampling import Candidate, draw, percentile

from .conftest import MARCH, make_call
from .helpers import draw_march

pytestmark = pytest.mark.django_db


def _pool(n=40, agents=("a", "b")):
    return [
        Candidate(
            "call", f"{agent}{i:03d}", "", agent, "u", MARCH, {"long_call"} if i < 3 else set()
        )
        for agent in agents
        for i in range(n)
    ]


def test_the_same_pool_and_seed_give_the_same_sample_in_any_order():
    pool = _pool()
    first = [(p.candidate.key, p.reasons) for p in draw(pool, per_agent=6, seed=7)]
    again = [
        (p.candidate.key, p.reasons) for p in draw(list(reversed(_pool())), per_agent=6, seed=7)
    ]
    assert first == again and len(first) == 12
    other = [(p.candidate.key, p.reasons) for p in draw(_pool(), per_agent=6, seed=8)]
    assert other != first


def test_targeted_items_come_first_up_to_their_share_and_the_rest_is_random():
    picks = [p for p in draw(_pool(agents=("a",)), per_agent=4, seed=1, targeted_share=50)]
    assert [p.reasons for p in picks] == [("long_call",), ("long_call",), ("random",), ("random",)]


def test_an_agent_already_sampled_in_the_period_is_topped_up_only():
    picks = draw(_pool(agents=("a", "b")), per_agent=5, seed=1, already={"a": 5, "b": 3})
    assert {p.candidate.agent_id for p in picks} == {"b"} and len(picks) == 2


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile([5], 90) == 5


def test_sampling_records_seed_and_counts_and_writes_one_task_per_item(actors, org, world):
    sample = draw_march(actors["supervisor"], org["C1"], per_agent=4, seed=123)
    assert isinstance(sample, Sample) and sample.seed == 123
    tasks = InspectionTask.objects.filter(sample=sample)
    agents = {t.agent.username for t in tasks}
    assert agents == {"agent", "handler"}  # the handler's complaints, the agent's calls/consults
    assert tasks.filter(agent__username="agent").count() == 4
    assert tasks.filter(agent__username="handler").count() == 2  # only two complaints exist
    assert sample.counts["created"] == 6
    assert AuditEvent.objects.filter(action="inspection.sample", subject_id=str(sample.pk)).exists()


def test_long_calls_are_above_the_p90_of_their_queue_in_the_period(actors, org, world):
    sample = draw_march(actors["supervisor"], org["C1"], per_agent=10, kinds=["call"])
    long_calls = [t.label for t in InspectionTask.objects.all() if "long_call" in t.reasons]
    assert long_calls == ["T-C1-0009"]
    assert sample.counts["p90_handle_s"]["consultation"] == 108.0


def test_repeat_callers_and_converted_consultations_are_targeted(actors, org, world):
    draw_march(actors["supervisor"], org["C1"], per_agent=6, kinds=["consultation"])
    reasons = {t.label: t.reasons for t in InspectionTask.objects.filter(kind="consultation")}
    assert reasons["TZXC100003"] == ["converted"]
    assert reasons["TZXC100005"] == ["repeat_caller"]  # same customer 2 days after 00004
    assert reasons["TZXC100004"] == ["random"]


def test_complaints_handled_by_the_agent_are_sampled_as_complaints(actors, org, world):
    draw_march(actors["supervisor"], org["C1"], per_agent=2, kinds=["complaint"])
    tasks = InspectionTask.objects.filter(kind="complaint")
    assert {t.agent.username for t in tasks} == {"handler"}
    # half the quota is targeted, the rest random (here: from the same two complaints)
    assert sorted(t.reasons for t in tasks) == [["complaint"], ["random"]]


def test_resampling_the_same_period_does_not_duplicate(actors, org, world):
    draw_march(actors["supervisor"], org["C1"], per_agent=3, seed=1)
    before = set(InspectionTask.objects.values_list("kind", "object_id"))
    again = draw_march(actors["supervisor"], org["C1"], per_agent=3, seed=2)
    assert again.counts["created"] == 0
    assert set(InspectionTask.objects.values_list("kind", "object_id")) == before
    more = draw_march(actors["supervisor"], org["C1"], per_agent=5, seed=3)
    after = list(InspectionTask.objects.values_list("kind", "object_id"))
    assert more.counts["created"] == 2 and len(after) == len(set(after)) == len(before) + 2


def test_a_telephony_id_is_mapped_through_the_alias_table_before_the_username(
    actors, org, personas, world
):
    make_call(org["C1"], "7001", 50, at=MARCH + timedelta(days=3))
    AgentAlias.objects.create(agent_id="7001", user=personas["handler"])
    draw_march(actors["supervisor"], org["C1"], per_agent=10, kinds=["call"])
    task = InspectionTask.objects.get(label="T-C1-0050")
    assert task.agent.username == "handler"


def test_calls_whose_agent_id_maps_to_nobody_are_counted_not_sampled(actors, org, world):
    make_call(org["C1"], "ghost", 60)
    sample = draw_march(actors["supervisor"], org["C1"], per_agent=20, kinds=["call"])
    assert sample.counts["unmapped_agent_ids"] == 1
    assert not InspectionTask.objects.filter(label="T-C1-0060").exists()


def test_an_inspector_cannot_sample_outside_their_subtree(actors, org, world):
    with pytest.raises(NotFound):
        draw_march(actors["supervisor"], org["P2"])  # supervisor is over P1
    with pytest.raises(Forbidden):
        draw_march(actors["agent"], org["C1"])  # no qa.inspect at all


def test_sampling_only_draws_from_the_chosen_subtree(actors, org, world):
    draw_march(actors["quality_lead"], org["P2"], per_agent=10)
    assert {t.org_unit.code for t in InspectionTask.objects.all()} == {"P2"}


def test_outsiders_cannot_see_tasks_of_another_branch(actors, org, world):
    draw_march(actors["supervisor"], org["C1"])
    task = InspectionTask.objects.all()[0]
    assert selectors.task_list(actors["supervisor"]).count() == InspectionTask.objects.count()
    assert selectors.task_list(actors["outsider_agent"]).count() == 0
    assert selectors.task_list(actors["branch_manager"]).count() > 0  # qa.view over P1
    with pytest.raises(NotFound):
        selectors.access_task(actors["outsider_agent"], task.pk)


def test_bad_sampling_inputs_are_reported_by_field(actors, org, world):
    with pytest.raises(ValidationFailed) as exc:
        services.sample_draw(
            actor=actors["supervisor"], org_unit_id=org["C1"].pk,
            period_start=date(2026, 3, 31), period_end=date(2026, 3, 1), per_agent=0,
            kinds=["fax"],
        )  # fmt: skip
    assert set(exc.value.fields) == {"per_agent", "period_end", "kinds"}
