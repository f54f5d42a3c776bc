"""The calls behind a call-centre figure (issue 7 §2): the human calls it counted — the same calls
as its denominator — those counted against it first, shown by their call id and never by the
caller's number."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hiqc.callcentre.indicators import calls_indicators_compute, code_for
from hiqc.core.indicators import CASES_LIMIT, INDICATORS, rolled_up
from hiqc.core.models import RuleOverride

from .factories import T0, call, csv_bytes, load

pytestmark = pytest.mark.django_db
DAY_START = T0.replace(hour=0)
DAY_END = DAY_START + timedelta(days=1)
COLUMNS = ("call_id", "queue", "org_unit", "offered_at", "answered_at", "ended_at", "agent",
           "abandoned", "ivr_only")  # fmt: skip


def cases(code, org, unit="HO"):
    indicator = INDICATORS[code]
    assert indicator.cases is not None
    return indicator.cases(org[unit].path, DAY_START, DAY_END)


def figure(code, org, unit="HO"):
    calls_indicators_compute(start=DAY_START, end=DAY_END, granularities=("day",))
    [row] = rolled_up(code, granularity="day", org_path=org[unit].path, start=DAY_START,
                      end=DAY_END)  # fmt: skip
    return row["numerator"], row["denominator"]


@pytest.fixture
def day_of_calls(actors):
    """Human calls of 2 March at C1: two within 20 s, one answered late, one abandoned after 30 s;
    and what the figures leave out: a short abandon, an IVR-only call, a call of the next day."""
    load(actors["quality_lead"], [
        call(call_id="IN-5", wait=5, handle=300),
        call(call_id="IN-20", wait=20, handle=60),
        call(call_id="LATE-45", wait=45, handle=120),
        call(call_id="ABANDON-30", abandoned=True, wait=30),
        call(call_id="SHORT-3", abandoned=True, wait=3),
        call(call_id="IVR", ivr_only=True),
        call(call_id="NEXT-DAY", wait=90, at=DAY_END + timedelta(hours=9)),
    ])  # fmt: skip


def test_service_level_cases_list_late_calls_first(org, day_of_calls):
    listed = cases("callcentre.service_level", org)
    within, offered = figure("callcentre.service_level", org)
    assert len(listed) == offered == 4
    assert sum(not c.bad for c in listed) == within == 2
    # not answered within T first, the longest wait first; then those answered in time
    assert [c.label for c in listed] == ["LATE-45", "ABANDON-30", "IN-20", "IN-5"]
    assert [c.bad for c in listed] == [True, True, False, False]
    assert [c.counted for c in listed] == ["等待 45 秒", "放弃（等待 30 秒）", "等待 20 秒",
                                           "等待 5 秒"]  # fmt: skip


def test_abandon_rate_cases_list_abandoned_calls_first(org, day_of_calls):
    listed = cases("callcentre.abandon_rate", org)
    abandoned, offered = figure("callcentre.abandon_rate", org)
    assert len(listed) == offered == 4
    assert [c.label for c in listed if c.bad] == ["ABANDON-30"] and abandoned == 1
    assert listed[0].label == "ABANDON-30"


def test_asa_cases_list_answered_calls_by_wait_and_count_a_wait_beyond_t_against(org,
                                                                                 day_of_calls):  # fmt: skip
    listed = cases("callcentre.asa", org)
    wait, answered = figure("callcentre.asa", org)
    assert len(listed) == answered == 3 and wait == 45 + 20 + 5
    assert [(c.label, c.bad) for c in listed] == [("LATE-45", True), ("IN-20", False),
                                                  ("IN-5", False)]  # fmt: skip


def test_aht_cases_list_answered_calls_by_handle_time_and_count_none_against(org, day_of_calls):
    listed = cases("callcentre.aht", org)
    handle, answered = figure("callcentre.aht", org)
    assert len(listed) == answered == 3 and handle == 300 + 60 + 120
    assert [(c.label, c.counted) for c in listed] == [("IN-5", "处理 300 秒"),
                                                      ("LATE-45", "处理 120 秒"),
                                                      ("IN-20", "处理 60 秒")]  # fmt: skip
    assert not any(c.bad for c in listed)


def test_the_threshold_is_the_rule_read_when_the_cases_are_listed(org, day_of_calls):
    RuleOverride.objects.create(key="callcentre.answer_threshold_s", value="50")
    listed = cases("callcentre.service_level", org)
    assert [c.label for c in listed if c.bad] == ["ABANDON-30"]


def test_per_queue_cases_keep_to_the_queue_and_the_subtree(actors, org):
    load(actors["quality_lead"], [
        call(call_id="C1-COMPLAINT", unit="C1", queue="complaint", wait=60),
        call(call_id="O1-COMPLAINT", unit="O1", queue="complaint", wait=1),
        call(call_id="C1-CONSULT", unit="C1", queue="consultation", wait=1),
        call(call_id="C2-COMPLAINT", unit="C2", queue="complaint", wait=90),
    ])  # fmt: skip
    code = code_for("service_level", "complaint")
    listed = cases(code, org, unit="C1")
    assert [c.label for c in listed] == ["C1-COMPLAINT", "O1-COMPLAINT"]
    assert len(listed) == figure(code, org, unit="C1")[1]
    assert {c.org_path for c in listed} == {org["C1"].path, org["O1"].path}
    assert [c.label for c in cases(code, org, unit="O1")] == ["O1-COMPLAINT"]
    assert cases(code_for("service_level", "claims"), org) == []


def test_every_one_of_the_twenty_figures_lists_its_calls(org, day_of_calls):
    for code in (code_for(m, q) for m in ("service_level", "abandon_rate", "asa", "aht")
                 for q in ("", "consultation", "complaint", "claims", "other")):  # fmt: skip
        assert INDICATORS[code].cases is not None, code
    assert len(cases(code_for("abandon_rate", "consultation"), org)) == 4


def test_a_call_is_shown_by_its_call_id_with_no_page_and_no_personal_data(actors, org):
    """The telephony file may carry the caller's number; it is never stored, so never listed,
    and the agent id is not shown either."""
    row = call(call_id="REF-0001", wait=30, agent="A-7788")
    row["caller"] = "13912345678"
    source = csv_bytes([row], columns=(*COLUMNS, "caller")).splitlines(keepends=True)
    from hiqc.callcentre.services import calls_import

    calls_import(actor=actors["quality_lead"], source=source)
    [listed] = cases("callcentre.service_level", org)
    assert (listed.label, listed.url, listed.name) == ("REF-0001", "", "来电")
    assert listed.record_type == "callcentre.call" and listed.when == T0
    shown = repr(listed)
    assert "13912345678" not in shown and "A-7788" not in shown


def test_no_more_than_the_limit_are_listed(actors, org, monkeypatch):
    import hiqc.callcentre.indicators as module

    monkeypatch.setattr(module, "CASES_LIMIT", 2)
    load(actors["quality_lead"], [call(wait=w) for w in (1, 2, 30, 40)])
    listed = cases("callcentre.service_level", org)
    assert [c.counted for c in listed] == ["等待 40 秒", "等待 30 秒"]
    assert CASES_LIMIT == 500
