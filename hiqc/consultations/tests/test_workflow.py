"""The consultation workflow as data: no database (DESIGN rule 10)."""

from __future__ import annotations

import pytest

from hiqc.consultations.workflow import CONSULTATION, REPLY
from hiqc.core.workflow import NotAllowed


def test_a_received_consultation_can_only_be_answered():
    assert CONSULTATION.allowed_actions("received") == ["answer"]


def test_an_answered_consultation_is_resolved_or_converted_into_a_complaint_or_suggestion():
    assert set(CONSULTATION.allowed_actions("answered")) == {
        "resolve",
        "convert_complaint",
        "convert_suggestion",
    }


def test_conversion_into_a_complaint_asks_only_the_classification_and_request():
    step = CONSULTATION.step("convert_complaint", from_state="answered")
    assert step.perm == "complaints.register"
    assert set(step.requires) == {
        "request",
        "dispute_type",
        "product_line",
        "nature",
        "respondent_kind",
    }


@pytest.mark.parametrize("final", ["resolved", "converted_complaint", "converted_suggestion"])
def test_final_states_allow_nothing(final):
    assert final in CONSULTATION.final
    assert CONSULTATION.allowed_actions(final) == []


def test_resolving_before_answering_is_not_allowed():
    with pytest.raises(NotAllowed):
        CONSULTATION.step("resolve", from_state="received")


def test_answering_requires_the_answer_and_stops_the_reply_clock():
    step = CONSULTATION.step("answer", from_state="received")
    assert step.requires == ("answer",)
    assert [(e.kind, e.clock) for e in step.effects] == [("stop", REPLY.code)]


def test_the_reply_clock_is_an_internal_target_not_a_legal_limit():
    assert "内部目标" in REPLY.source
    assert REPLY.max_amount is None
