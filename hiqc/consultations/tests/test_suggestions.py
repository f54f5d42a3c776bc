"""Suggestions are a case kind (issue 15 §3; standard 4.1.3(3)): the workflow table, events in
the one log, 409 on a stale version, out of scope exactly like missing, "my work" for whoever
handles consultations over the suggestion's unit, and pages that offer only what succeeds."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from django.test import Client

from hiqc.consultations import selectors, services
from hiqc.consultations.models import Suggestion
from hiqc.consultations.services import SUGGESTION_KIND
from hiqc.consultations.workflow import HANDLE, SUGGESTION
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_allowed_actions
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent, CaseEvent
from hiqc.core.mywork import my_work
from hiqc.core.workflow import NotAllowed

AT = datetime(2026, 11, 24, 10, 0, tzinfo=BEIJING)
CONTENT = "希望理赔进度能通过短信主动推送。"

# --- the workflow as data (no database) -------------------------------------------------------

TABLE = [
    ("adopt", ("registered",), "adopted", HANDLE, ("response",)),
    ("decline", ("registered",), "not_adopted", HANDLE, ("response",)),
]


@pytest.mark.parametrize(("action", "sources", "target", "perm", "requires"), TABLE)
def test_a_registered_suggestion_is_adopted_or_declined_with_a_response_by_a_handler(
    action, sources, target, perm, requires
):
    step = SUGGESTION.step(action, from_state="registered")
    assert (step.sources, step.target, step.perm, step.requires) == (
        sources, target, perm, requires
    )  # fmt: skip
    for state in ("adopted", "not_adopted"):
        with pytest.raises(NotAllowed):
            SUGGESTION.step(action, from_state=state)


def test_the_table_is_the_whole_suggestion_workflow_and_a_decision_is_final():
    assert {t.name for t in SUGGESTION.transitions} == {a for a, *_ in TABLE}
    assert (SUGGESTION.initial, SUGGESTION.final) == ("registered", {"adopted", "not_adopted"})
    assert [SUGGESTION.states[s] for s in ("registered", "adopted", "not_adopted")] == [
        "已登记", "已采纳", "未采纳"
    ]  # fmt: skip


def test_no_clock_runs_because_no_rule_sets_a_time_limit_for_a_suggestion():
    assert SUGGESTION.clocks == () and SUGGESTION.on_create == ()


# --- on a database ------------------------------------------------------------------------------


@pytest.fixture
def suggestion(actors, org, capture_data) -> Suggestion:
    """A suggestion of C1, converted by the agent from an answered consultation."""
    case = services.consultation_capture(
        actor=actors["agent"], org_unit_id=org["C1"].pk,
        data={**capture_data, "answer": "已记录您的意见。"}, at=AT,
    )  # fmt: skip
    services.consultation_act(actor=actors["agent"], consultation_id=case.pk,
                              action="convert_suggestion", data={"content": CONTENT}, at=AT)  # fmt: skip
    return Suggestion.objects.get()


def _events(s):
    return list(
        CaseEvent.objects.filter(case_type=SUGGESTION_KIND.label, case_id=str(s.pk))
        .order_by("at", "id")
        .values_list("activity", "from_state", "to_state", "data")
    )


def test_a_converted_suggestion_opens_as_a_case_followed_up_by_the_agent(personas, suggestion):
    assert (suggestion.status, suggestion.version) == ("registered", 1)
    assert suggestion.assignee_id == personas["agent"].pk
    assert _events(suggestion) == [
        ("create", "", "registered", {"consultation_id": str(suggestion.consultation_id)})
    ]


@pytest.mark.parametrize(("status", "action"), [("adopted", "adopt"), ("not_adopted", "decline")])
def test_the_decision_is_an_event_that_keeps_no_free_text(actors, suggestion, status, action):
    decided = services.suggestion_decide(actor=actors["supervisor"], suggestion_id=suggestion.pk,
                                         status=status, response="纳入改进评估。", version=1)  # fmt: skip
    assert (decided.status, decided.version, decided.response) == (status, 2, "纳入改进评估。")
    assert _events(suggestion)[1] == (action, "registered", status, {})
    assert CONTENT not in str(_events(suggestion))
    # one audit record for the step (the executor's), naming the response, never its text
    (audited,) = AuditEvent.objects.filter(subject_id=str(suggestion.pk), action__endswith=action)
    assert "response" in audited.fields and "纳入改进评估" not in str(audited.data)


def test_a_decision_needs_a_choice_and_a_response(actors, suggestion):
    with pytest.raises(ValidationFailed) as exc:
        services.suggestion_decide(actor=actors["agent"], suggestion_id=suggestion.pk,
                                   status="maybe", response=" ")  # fmt: skip
    assert set(exc.value.fields) == {"status", "response"}


def test_a_stale_version_is_refused_with_409_and_a_second_decision_too(actors, suggestion):
    with pytest.raises(Conflict) as stale:
        services.suggestion_decide(actor=actors["agent"], suggestion_id=suggestion.pk,
                                   status="adopted", response="好", version=3)  # fmt: skip
    assert stale.value.code == "stale_version"
    services.suggestion_decide(actor=actors["agent"], suggestion_id=suggestion.pk,
                               status="adopted", response="好", version=1)  # fmt: skip
    with pytest.raises(Conflict) as again:
        services.suggestion_decide(actor=actors["agent"], suggestion_id=suggestion.pk,
                                   status="not_adopted", response="", version=2)  # fmt: skip
    assert again.value.code == "action_not_allowed"  # not an input error: nothing to decide


def test_viewing_without_handling_may_not_decide(actors, suggestion):
    assert case_allowed_actions(SUGGESTION_KIND, suggestion, actors["branch_manager"]) == []
    with pytest.raises(Forbidden):
        services.suggestion_decide(actor=actors["branch_manager"], suggestion_id=suggestion.pk,
                                   status="adopted", response="好")  # fmt: skip


def test_out_of_scope_answers_exactly_like_missing(actors, personas, suggestion):
    outsider = actors["outsider_agent"]  # an agent of Shanghai
    with pytest.raises(NotFound) as theirs:
        selectors.access_suggestion(outsider, suggestion.pk)
    with pytest.raises(NotFound) as missing:
        selectors.access_suggestion(outsider, uuid.uuid4())
    assert theirs.value.message == missing.value.message
    with pytest.raises(NotFound):
        services.suggestion_decide(actor=outsider, suggestion_id=suggestion.pk,
                                   status="adopted", response="好")  # fmt: skip
    client = Client()
    client.force_login(personas["outsider_agent"])
    page = client.get(f"/consultations/suggestions/{suggestion.pk}/")
    absent = client.get(f"/consultations/suggestions/{uuid.uuid4()}/")
    assert page.status_code == absent.status_code == 404


def _work(actors, who):
    return [str(i.case.pk) for i in my_work(actors[who], case_type=SUGGESTION_KIND.label)]


def test_my_work_lists_a_registered_suggestion_to_those_who_may_decide_it(actors, suggestion):
    mine = [str(suggestion.pk)]
    assert _work(actors, "agent") == _work(actors, "handler") == _work(actors, "supervisor") == mine
    for who in ("outsider_agent", "branch_manager", "auditor", "quality_lead"):
        assert _work(actors, who) == []  # out of scope, or may view but not decide
    services.suggestion_decide(actor=actors["agent"], suggestion_id=suggestion.pk,
                               status="adopted", response="好")  # fmt: skip
    assert _work(actors, "agent") == []


def test_the_page_offers_the_decision_only_to_who_may_take_it_and_shows_a_stale_form(
    personas, suggestion
):
    url = f"/consultations/suggestions/{suggestion.pk}/"
    manager = Client()
    manager.force_login(personas["branch_manager"])
    assert 'id="decide-form"' not in manager.get(url).content.decode()
    agent = Client()
    agent.force_login(personas["agent"])
    html = agent.get(url).content.decode()
    assert 'id="decide-form"' in html and 'name="version" value="1"' in html
    stale = agent.post(url, {"status": "adopted", "response": "好", "version": "5"}, follow=True)
    assert "已被他人更新" in stale.content.decode()
    done = agent.post(url, {"status": "not_adopted", "response": "暂不采纳。", "version": "1"})
    assert done.status_code == 302
    assert Suggestion.objects.get().status == "not_adopted"
    assert 'id="decide-form"' not in agent.get(url).content.decode()
    # a second tab still showing the form: told it was decided meanwhile, not a silent 422
    again = agent.post(url, {"status": "adopted", "response": "好", "version": "1"}, follow=True)
    assert "该建议已处理" in again.content.decode()
    assert Suggestion.objects.get().status == "not_adopted"
