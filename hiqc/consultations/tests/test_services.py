"""Consultation services on a real database (standard 4.1.1, 4.1.3(2)(3)(4))."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection

from hiqc.complaints.models import Complaint
from hiqc.consultations import selectors, services
from hiqc.consultations.enums import ConsultationStatus, SuggestionStatus
from hiqc.consultations.indicators import FCR_RATE
from hiqc.consultations.models import Consultation, Suggestion, TopicCategory
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.indicators import INDICATORS, cases_of, indicators_compute, rolled_up
from hiqc.core.models import AuditEvent, CaseEvent, Deadline, ProcessVersion

AT = datetime(2026, 11, 24, 10, 0, tzinfo=BEIJING)  # a Tuesday


def _capture(actors, org, data, *, who="agent", unit="C1", at=AT):
    return services.consultation_capture(
        actor=actors[who], org_unit_id=org[unit].pk, data=data, at=at
    )


def _fields(exc_info) -> dict:
    return exc_info.value.fields


# --- customer lookup (keyed hash, exact) ------------------------------------------------------------


def test_given_a_customer_when_the_agent_types_the_mobile_then_exactly_that_customer_is_found(
    actors, customer
):
    assert selectors.customer_lookup(actors["agent"], "139 0000 1111") == [customer]
    assert selectors.customer_lookup(actors["agent"], "13900001112") == []


def test_given_a_customer_when_the_agent_types_the_id_number_then_the_customer_is_found(
    actors, customer
):
    assert selectors.customer_lookup(actors["agent"], "110101199003074477") == [customer]


def test_lookup_never_searches_by_name_or_partial_number(actors, customer):
    assert selectors.customer_lookup(actors["agent"], "赵六") == []
    assert selectors.customer_lookup(actors["agent"], "1390000") == []


def test_lookup_respects_scope(actors, customer):
    assert selectors.customer_lookup(actors["outsider_agent"], "13900001111") == []


def test_customer_history_lists_the_recent_consultations_newest_first(
    actors, org, customer, capture_data
):
    first = _capture(actors, org, capture_data)
    second = _capture(actors, org, capture_data, at=AT.replace(hour=11))
    history = selectors.customer_history(actors["agent"], customer)
    assert [c.pk for c in history.consultations] == [second.pk, first.pk]


# --- capture and first-contact resolution -----------------------------------------------------------


def test_captured_without_answer_the_consultation_is_received_with_a_running_reply_clock(
    actors, org, customer, capture_data
):
    case = _capture(actors, org, capture_data)
    assert case.status == ConsultationStatus.RECEIVED
    assert case.customer == customer
    assert case.assignee_id == actors["agent"].user_id
    deadline = Deadline.objects.get(case_id=str(case.pk))
    assert deadline.state == Deadline.State.RUNNING
    assert deadline.unit == "working_days"
    assert str(deadline.last_day) == "2026-11-25"  # next working day
    assert "内部目标" in deadline.source  # an internal target, not a legal one
    assert AuditEvent.objects.filter(action="consultation.create").count() == 1


def test_answered_and_resolved_at_capture_is_a_first_contact_resolution(actors, org, capture_data):
    case = _capture(
        actors,
        org,
        {**capture_data, "answer": "已为您查询：材料齐全，正在审核。", "resolved_now": True},
    )
    assert case.status == ConsultationStatus.RESOLVED
    assert case.first_contact_resolution is True
    assert case.answered_at == case.resolved_at == AT
    activities = list(
        CaseEvent.objects.filter(case_id=str(case.pk)).values_list("activity", flat=True)
    )
    assert activities == ["create", "answer", "resolve"]
    assert Deadline.objects.get(case_id=str(case.pk)).state == Deadline.State.MET


def test_answered_at_capture_but_not_resolved_is_not_a_first_contact_resolution(
    actors, org, capture_data
):
    case = _capture(actors, org, {**capture_data, "answer": "需要核实后回电。"})
    assert case.status == ConsultationStatus.ANSWERED
    assert case.first_contact_resolution is False


def test_a_consultation_resolved_in_a_later_contact_is_never_a_first_contact_resolution(
    actors, org, capture_data
):
    case = _capture(actors, org, {**capture_data, "answer": "需要核实后回电。"})
    case = services.consultation_act(
        actor=actors["agent"], consultation_id=case.pk, action="resolve", version=case.version
    )
    case.refresh_from_db()
    assert case.status == ConsultationStatus.RESOLVED
    assert case.first_contact_resolution is False
    assert case.resolved_at is not None


def test_a_client_cannot_claim_a_first_contact_resolution_through_its_inputs(
    actors, org, capture_data
):
    # Given an answered consultation; When a later resolve names the flag among its inputs
    case = _capture(actors, org, {**capture_data, "answer": "需要核实后回电。"})
    case = services.consultation_act(
        actor=actors["agent"], consultation_id=case.pk, action="resolve", version=case.version,
        data={"first_contact_resolution": True},
    )  # fmt: skip
    # Then it is still a resolution in a later contact
    case.refresh_from_db()
    assert case.first_contact_resolution is False


def test_resolved_now_without_an_answer_is_refused_on_the_answer_field(actors, org, capture_data):
    with pytest.raises(ValidationFailed) as exc:
        _capture(actors, org, {**capture_data, "resolved_now": True})
    assert "answer" in _fields(exc)
    assert not Consultation.objects.exists()


def test_a_phone_consultation_needs_a_call_id_or_recording_reference(actors, org, capture_data):
    with pytest.raises(ValidationFailed) as exc:
        _capture(actors, org, {**capture_data, "call_id": ""})
    assert "4.1.3(4)" in _fields(exc)["recording_ref"][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("call_id", "ab"), ("call_id", "CALL 1234"), ("recording_ref", "rec:// spaces here")],
)
def test_badly_formed_recording_references_are_refused(actors, org, capture_data, field, value):
    with pytest.raises(ValidationFailed) as exc:
        _capture(actors, org, {**capture_data, field: value})
    assert field in _fields(exc)


def test_a_recording_locator_alone_satisfies_the_phone_channel(actors, org, capture_data):
    case = _capture(
        actors, org, {**capture_data, "call_id": "", "recording_ref": "rec://ivr/2026/11/24/1.wav"}
    )
    assert case.recording_ref == "rec://ivr/2026/11/24/1.wav"


def test_an_anonymous_caller_needs_a_name_and_their_mobile_is_encrypted_and_hashed(
    actors, org, capture_data
):
    anonymous = {**capture_data, "customer_id": ""}
    with pytest.raises(ValidationFailed) as exc:
        _capture(actors, org, anonymous)
    assert "contact_name" in _fields(exc)
    case = _capture(
        actors, org, {**anonymous, "contact_name": "王先生", "contact_mobile": "13811112222"}
    )
    assert case.customer is None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_mobile FROM consultations_consultation WHERE id = %s",
            [Consultation._meta.pk.get_db_prep_value(case.pk, connection)],
        )
        raw = cursor.fetchone()[0]
    assert raw.startswith("v1:") and "13811112222" not in raw
    assert case.contact_mobile_hash and case.contact_mobile == "13811112222"


def test_a_customer_out_of_scope_cannot_be_linked(actors, org, customer, capture_data):
    with pytest.raises((ValidationFailed, NotFound)):
        _capture(actors, org, capture_data, who="outsider_agent", unit="P2")


# --- topics: two levels -----------------------------------------------------------------------------


def test_a_category_is_not_accepted_as_a_topic(actors, org, capture_data, topic):
    with pytest.raises(ValidationFailed) as exc:
        _capture(actors, org, {**capture_data, "topic_id": str(topic.category_id)})
    assert "第二级" in _fields(exc)["topic_id"][0]


def test_a_topic_must_belong_to_the_chosen_category(actors, org, capture_data):
    other = TopicCategory.objects.get(code="payment")
    with pytest.raises(ValidationFailed) as exc:
        _capture(actors, org, {**capture_data, "category_id": str(other.pk)})
    assert "topic_id" in _fields(exc)


def test_a_deactivated_topic_is_no_longer_offered_nor_accepted(actors, org, capture_data, topic):
    services.taxonomy_set_active(
        actor=actors["quality_lead"], kind="topic", item_id=topic.pk, active=False
    )
    offered = [t.pk for c in selectors.topic_categories() for t in c.topics.all()]
    assert topic.pk not in offered
    with pytest.raises(ValidationFailed) as exc:
        _capture(actors, org, capture_data)
    assert "停用" in _fields(exc)["topic_id"][0]


def test_the_default_taxonomy_has_the_insurers_categories_each_with_topics(db):
    names = [c.name for c in selectors.topic_categories()]
    assert names == ["产品咨询", "保单服务/保全", "理赔咨询", "缴费", "健康服务", "其他"]
    assert all(len(c.topics.all()) >= 3 for c in selectors.topic_categories())


def test_only_head_office_configurers_maintain_the_taxonomy(actors):
    category = services.category_create(
        actor=actors["quality_lead"], data={"name": "团险服务", "code": "group"}
    )
    topic = services.topic_create(
        actor=actors["quality_lead"],
        category_id=category.pk,
        data={"name": "团体保单查询", "code": "group.policy"},
    )
    assert topic.category == category
    with pytest.raises(Forbidden):
        services.category_create(actor=actors["agent"], data={"name": "X", "code": "xx"})
    with pytest.raises(ValidationFailed) as exc:
        services.topic_create(
            actor=actors["quality_lead"], category_id=category.pk, data={"name": "", "code": "A B"}
        )
    assert set(_fields(exc)) == {"name", "code"}


# --- transitions, versions, scope -------------------------------------------------------------------


def test_a_stale_version_gets_a_conflict_and_changes_nothing(actors, org, capture_data):
    case = _capture(actors, org, capture_data)
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="answer",
        data={"answer": "已答复"},
        version=1,
    )
    with pytest.raises(Conflict) as exc:
        services.consultation_act(
            actor=actors["handler"],
            consultation_id=case.pk,
            action="resolve",
            version=1,
        )
    assert exc.value.code == "stale_version" and exc.value.version == 2
    case.refresh_from_db()
    assert case.status == ConsultationStatus.ANSWERED


def test_answering_records_the_answer_and_its_time(actors, org, capture_data):
    case = _capture(actors, org, capture_data)
    with time_machine.travel(AT.replace(hour=15), tick=False):
        services.consultation_act(
            actor=actors["agent"], consultation_id=case.pk, action="answer", data={"answer": "好的"}
        )
    case.refresh_from_db()
    assert (case.answer, case.answered_at) == ("好的", AT.replace(hour=15))


def test_answering_without_an_answer_is_a_validation_error(actors, org, capture_data):
    case = _capture(actors, org, capture_data)
    with pytest.raises(ValidationFailed) as exc:
        services.consultation_act(actor=actors["agent"], consultation_id=case.pk, action="answer")
    assert "answer" in _fields(exc)


def test_a_viewer_without_handle_permission_cannot_act(actors, org, capture_data):
    case = _capture(actors, org, capture_data)
    with pytest.raises(Forbidden):
        services.consultation_act(
            actor=actors["branch_manager"],
            consultation_id=case.pk,
            action="answer",
            data={"answer": "x"},
        )


def test_an_outsider_cannot_see_the_consultation(actors, org, capture_data):
    case = _capture(actors, org, capture_data)
    with pytest.raises(NotFound):
        selectors.access_consultation(actors["outsider_agent"], case.pk)
    assert not selectors.consultation_list(actors["outsider_agent"]).exists()
    assert selectors.consultation_list(actors["branch_manager"]).count() == 1


def test_the_reply_target_follows_the_process_configuration(actors, org, capture_data):
    ProcessVersion.objects.create(
        process="consultations.consultation",
        org_path="",
        number=1,
        effective_from=AT.date(),
        parameters={"steps": {"answer": {"target_amount": 4, "target_unit": "hours"}}},
        note="4 小时内答复",
        published_by="quality_lead",
    )
    case = _capture(actors, org, capture_data)
    deadline = Deadline.objects.get(case_id=str(case.pk))
    assert (deadline.unit, deadline.amount) == ("hours", 4)
    assert deadline.due_at == AT.replace(hour=14)


# --- conversion into a suggestion (4.1.3(3)) --------------------------------------------------------


def test_an_answered_consultation_converts_into_a_suggestion_linked_both_ways(
    actors, org, capture_data
):
    case = _capture(actors, org, {**capture_data, "answer": "已记录您的意见。"})
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="convert_suggestion",
        data={"content": "希望理赔进度能通过短信主动推送。"},
        version=case.version,
    )
    case.refresh_from_db()
    suggestion = Suggestion.objects.get()
    assert case.status == ConsultationStatus.CONVERTED_SUGGESTION
    assert case.suggestion == suggestion and suggestion.consultation == case
    assert suggestion.org_unit_id == case.org_unit_id
    assert suggestion.status == SuggestionStatus.REGISTERED
    decided = services.suggestion_decide(
        actor=actors["supervisor"],
        suggestion_id=suggestion.pk,
        status=SuggestionStatus.ADOPTED,
        response="纳入下季度短信服务优化。",
    )
    assert decided.status == SuggestionStatus.ADOPTED
    with pytest.raises(Conflict):  # decided once: the workflow has no second decision
        services.suggestion_decide(
            actor=actors["supervisor"],
            suggestion_id=suggestion.pk,
            status=SuggestionStatus.NOT_ADOPTED,
            response="再次处理",
        )


def test_conversion_needs_the_suggestion_content_and_an_answer_first(actors, org, capture_data):
    case = _capture(actors, org, capture_data)
    with pytest.raises(Conflict):
        services.consultation_act(
            actor=actors["agent"],
            consultation_id=case.pk,
            action="convert_suggestion",
            data={"content": "建议"},
        )
    services.consultation_act(
        actor=actors["agent"], consultation_id=case.pk, action="answer", data={"answer": "好"}
    )
    with pytest.raises(ValidationFailed) as exc:
        services.consultation_act(
            actor=actors["agent"], consultation_id=case.pk, action="convert_suggestion"
        )
    assert "content" in _fields(exc)
    assert not Suggestion.objects.exists()


# --- indicator --------------------------------------------------------------------------------------


def test_fcr_rate_is_first_contact_resolutions_over_resolved_per_org_unit_and_day(
    actors, org, capture_data
):
    for _ in range(3):
        _capture(actors, org, {**capture_data, "answer": "好", "resolved_now": True})
    later = _capture(actors, org, {**capture_data, "answer": "回电"})
    services.consultation_act(
        actor=actors["agent"], consultation_id=later.pk, action="resolve", at=AT.replace(hour=16)
    )
    _capture(actors, org, capture_data)  # still open: not in the denominator
    day, month = AT.replace(hour=0), AT.replace(day=1, hour=0)
    assert FCR_RATE.rows("day", day, day + timedelta(days=1)) == [(day, org["C1"].path, 3, 4)]
    assert FCR_RATE.rows("month", month, AT.replace(month=12, day=1, hour=0)) == [
        (month, org["C1"].path, 3, 4)
    ]


def test_fcr_cases_are_the_resolved_consultations_with_the_follow_ups_first(
    actors, org, capture_data
):
    first = [_capture(actors, org, {**capture_data, "answer": "好", "resolved_now": True})
             for _ in range(2)]  # fmt: skip
    later = _capture(actors, org, {**capture_data, "answer": "回电"})
    services.consultation_act(
        actor=actors["agent"], consultation_id=later.pk, action="resolve", at=AT.replace(hour=16)
    )
    _capture(actors, org, capture_data)  # still open: not counted

    cases = cases_of(
        FCR_RATE.code, org["C1"].path, AT.replace(hour=0), AT.replace(hour=0) + timedelta(days=1)
    )

    assert cases[0].record_id == str(later.pk)
    assert [c.bad for c in cases] == [True, False, False]
    assert {c.label for c in cases} == {later.number, *(c.number for c in first)}
    assert cases_of(FCR_RATE.code, org["C2"].path, AT.replace(hour=0), AT + timedelta(days=1)) == []


def test_fcr_rate_is_declared_and_rolls_up_as_a_sum_of_numerators_over_denominators(
    actors, org, capture_data
):
    declared = INDICATORS["consultations.fcr_rate"]
    assert declared.clauses == ("4.1.3(2)",) and declared.unit == "ratio"
    _capture(actors, org, {**capture_data, "answer": "好", "resolved_now": True})
    _capture(actors, org, {**capture_data, "answer": "好", "resolved_now": True}, unit="O1")
    later = _capture(actors, org, {**capture_data, "answer": "回电"}, unit="O1")
    services.consultation_act(
        actor=actors["agent"], consultation_id=later.pk, action="resolve", at=AT
    )
    start, end = AT.replace(hour=0), AT.replace(hour=0, day=25)
    indicators_compute(codes=["consultations.fcr_rate"], granularity="day", start=start, end=end)
    [row] = rolled_up(
        "consultations.fcr_rate", granularity="day", org_path=org["P1"].path, start=start, end=end
    )
    assert (row["numerator"], row["denominator"]) == (2, 3)


# --- conversion into a complaint (4.1.3(3); CP-5) ---------------------------------------------------

CLASSIFICATION = {
    "request": "要求按合同约定全额赔付。",
    "dispute_type": "claims",
    "product_line": "medical",
    "nature": "contract_dispute",
    "respondent_kind": "branch",
}


def test_converting_into_a_complaint_passes_on_what_the_consultation_holds(
    actors, org, customer, capture_data
):
    case = _capture(actors, org, {**capture_data, "answer": "已解释免赔额。"})
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="convert_complaint",
        data=CLASSIFICATION,
        version=2,
        at=AT.replace(hour=11),
    )
    case.refresh_from_db()
    complaint = case.complaint
    assert case.status == ConsultationStatus.CONVERTED_COMPLAINT
    assert complaint.complainant == customer
    assert (complaint.channel, complaint.source) == ("phone", "direct")
    assert complaint.received_at == AT  # received with the consultation, not at conversion (CP-1)
    assert capture_data["question"] in complaint.facts and "已解释免赔额。" in complaint.facts
    assert complaint.recording_ref == capture_data["call_id"]
    assert list(complaint.consultations.all()) == [case]


def test_the_customer_history_shows_their_complaints_to_the_agent(
    actors, org, customer, capture_data
):
    case = _capture(actors, org, {**capture_data, "answer": "已解释。"})
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="convert_complaint",
        data=CLASSIFICATION,
    )
    case.refresh_from_db()
    history = selectors.customer_history(actors["agent"], customer)
    assert history.complaints_available and history.complaints == [case.complaint]
    assert history.can_open_complaints == actors["agent"].can("complaints.view")
    assert selectors.customer_history(actors["outsider_agent"], customer).complaints == []


def test_an_anonymous_caller_becomes_the_complainant_without_being_asked_again(
    actors, org, capture_data
):
    case = _capture(
        actors,
        org,
        {
            **capture_data,
            "customer_id": "",
            "contact_name": "王先生",
            "contact_mobile": "13811112222",
            "answer": "已解释。",
        },
    )
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="convert_complaint",
        data=CLASSIFICATION,
    )
    case.refresh_from_db()
    assert case.complaint.complainant.name == "王先生"
    assert case.complaint.complainant.mobile == "13811112222"


def test_only_someone_who_may_register_complaints_can_convert(actors, org, capture_data):
    case = _capture(actors, org, {**capture_data, "answer": "已解释。"})
    with pytest.raises(Forbidden):  # the call-centre supervisor handles consultations only
        services.consultation_act(
            actor=actors["supervisor"],
            consultation_id=case.pk,
            action="convert_complaint",
            data=CLASSIFICATION,
        )
    case.refresh_from_db()
    assert case.status == ConsultationStatus.ANSWERED and case.complaint is None


def test_a_converted_complaints_decision_clock_starts_when_the_consultation_was_received(
    actors, org, capture_data
):
    # given a consultation received three days ago and answered then
    received = AT - timedelta(days=3)
    case = _capture(actors, org, {**capture_data, "answer": "已解释。"}, at=received)
    # when it is converted into a complaint now
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="convert_complaint",
        data=CLASSIFICATION,
        at=AT,
    )
    case.refresh_from_db()
    # then the complaint was received, and its CP-1 15-day clock started, at the consultation's receipt
    assert case.complaint.received_at == received
    clock = Deadline.objects.get(case_id=str(case.complaint.pk), clock="complaints.decide")
    assert clock.started_at == received


# --- the event log keeps no free text (ADR 0010) ----------------------------------------------------


def _event_data(case, activity: str) -> dict:
    return CaseEvent.objects.get(case_id=str(case.pk), activity=activity).data


def _holds_none_of(data: dict, *texts: str) -> bool:
    dumped = json.dumps(data, ensure_ascii=False)
    return not any(text in dumped for text in texts)


def test_the_answer_event_keeps_no_free_text(actors, org, capture_data):
    # given a consultation whose question and answer carry health details
    answer = "您的糖尿病住院理赔材料已齐全。"
    # when it is answered and resolved in the same contact
    case = _capture(actors, org, {**capture_data, "answer": answer, "resolved_now": True})
    # then the answer is on the case but its event holds nothing of it; resolve keeps the FCR flag
    assert case.answer == answer
    assert _event_data(case, "answer") == {}
    assert _event_data(case, "resolve") == {"first_contact_resolution": True}
    for activity in ("create", "answer", "resolve"):
        assert _holds_none_of(_event_data(case, activity), answer, capture_data["question"])


def test_a_later_resolution_event_records_it_is_not_a_first_contact_resolution(
    actors, org, capture_data
):
    # given an answered consultation
    case = _capture(actors, org, {**capture_data, "answer": "需要核实后回电。"})
    # when it is resolved in a later contact
    services.consultation_act(actor=actors["agent"], consultation_id=case.pk, action="resolve")
    # then its event says so
    assert _event_data(case, "resolve") == {"first_contact_resolution": False}


def test_the_complaint_conversion_event_keeps_the_reference_and_codes_but_not_the_request(
    actors, org, capture_data
):
    # given an answered consultation and a request carrying health details
    request = "我母亲的乳腺癌手术费用应全额赔付。"
    case = _capture(actors, org, {**capture_data, "answer": "已解释免赔额。"})
    # when it is converted into a complaint
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="convert_complaint",
        data={**CLASSIFICATION, "request": request},
    )
    case.refresh_from_db()
    # then the event names the complaint and keeps the classification codes, and no free text
    data = _event_data(case, "convert_complaint")
    assert data == {
        "complaint_id": str(case.complaint.pk),
        "complaint_reference": case.complaint.reference,
        "dispute_type": "claims",
        "product_line": "medical",
        "nature": "contract_dispute",
        "respondent_kind": "branch",
    }
    assert case.complaint.request == request
    assert _holds_none_of(data, request, "已解释免赔额。", capture_data["question"])


def test_the_suggestion_conversion_event_keeps_the_number_but_not_the_content(
    actors, org, capture_data
):
    # given an answered consultation and a suggestion carrying health details
    content = "建议高血压患者的慢病理赔能线上提交。"
    case = _capture(actors, org, {**capture_data, "answer": "已记录您的意见。"})
    # when it is converted into a suggestion
    services.consultation_act(
        actor=actors["agent"],
        consultation_id=case.pk,
        action="convert_suggestion",
        data={"content": content},
    )
    # then the event keeps the suggestion's number only
    suggestion = Suggestion.objects.get()
    assert _event_data(case, "convert_suggestion") == {"suggestion_number": suggestion.number}
    assert suggestion.content == content


def test_a_refused_complaint_conversion_registers_no_complaint(actors, org, capture_data):
    # given an answered consultation
    case = _capture(actors, org, {**capture_data, "answer": "已解释。"})
    # when a conversion is refused: stale version, no permission, a missing input
    with pytest.raises(Conflict):
        services.consultation_act(
            actor=actors["agent"],
            consultation_id=case.pk,
            action="convert_complaint",
            data=CLASSIFICATION,
            version=1,
        )
    with pytest.raises(Forbidden):
        services.consultation_act(
            actor=actors["supervisor"],
            consultation_id=case.pk,
            action="convert_complaint",
            data=CLASSIFICATION,
        )
    with pytest.raises(ValidationFailed) as exc:
        services.consultation_act(
            actor=actors["agent"],
            consultation_id=case.pk,
            action="convert_complaint",
            data={**CLASSIFICATION, "request": ""},
        )
    # then the engine's own error comes back and no complaint exists
    assert "request" in _fields(exc)
    assert not Complaint.objects.exists()
    case.refresh_from_db()
    assert case.status == ConsultationStatus.ANSWERED
