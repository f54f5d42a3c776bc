"""Call-record import (issue 4 §2): idempotent by call id, every bad row named by line, field and
reason while the good rows land, scope by org unit, one audit event per run."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hiqc.callcentre.models import CallImport, CallRecord
from hiqc.callcentre.services import calls_import
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent

from .factories import T0, call, csv_bytes, jsonl_bytes, load

pytestmark = pytest.mark.django_db


def test_given_a_file_imported_twice_when_reimported_then_nothing_new_and_duplicates_counted(
    actors,
):
    rows = [call(at=T0 + timedelta(minutes=i)) for i in range(5)]
    first = load(actors["supervisor"], rows)
    again = load(actors["supervisor"], rows)
    assert (first.inserted, first.duplicates, first.rejected_total) == (5, 0, 0)
    assert (again.inserted, again.duplicates) == (0, 5)
    assert CallRecord.objects.count() == 5


def test_bad_rows_are_reported_with_line_field_and_reason_while_good_rows_land(actors):
    good = call()
    rows = [
        good,
        {**call(), "offered_at": ""},  # line 3
        {**call(), "offered_at": "yesterday"},  # line 4
        {**call(), "answered_at": (T0 - timedelta(seconds=1)).isoformat()},  # line 5
        {**call(), "org_unit": "NOPE"},  # line 6
        {**call(), "queue": "sales"},  # line 7
        {**call(abandoned=True), "answered_at": T0.isoformat()},  # line 8
        {**call(), "abandoned": "maybe"},  # line 9
        {**call(), "call_id": ""},  # line 10
        call(unit="O1", queue="投诉"),  # line 11: Chinese queue label is accepted
    ]
    report = load(actors["quality_lead"], rows)
    problems = {(r.line, r.field) for r in report.rejected}
    assert problems == {
        (3, "offered_at"),
        (4, "offered_at"),
        (5, "answered_at"),
        (6, "org_unit"),
        (7, "queue"),
        (8, "abandoned"),
        (9, "abandoned"),
        (10, "call_id"),
    }
    assert all(r.problem for r in report.rejected)
    assert report.inserted == 2
    assert set(CallRecord.objects.values_list("queue", flat=True)) == {"consultation", "complaint"}


def test_rows_for_units_outside_the_importers_scope_are_rejected_by_line(actors):
    # supervisor holds calls.import over P1 (C1 and O1 inside), not over P2
    report = load(actors["supervisor"], [call(unit="C1"), call(unit="C2"), call(unit="O1")])
    assert report.inserted == 2
    [(line, field)] = [(r.line, r.field) for r in report.rejected]
    assert (line, field) == (3, "org_unit")


def test_someone_without_calls_import_is_refused(actors):
    with pytest.raises(Forbidden):
        load(actors["agent"], [call()])


def test_json_lines_are_read_with_the_same_rules_and_line_numbers(actors):
    body = jsonl_bytes([call(), {**call(), "queue": ""}]) + b"not json\n" + jsonl_bytes([call()])
    report = calls_import(
        actor=actors["quality_lead"], source=body.splitlines(True), file_format="jsonl"
    )
    assert report.inserted == 2
    assert [(r.line, r.field) for r in report.rejected] == [(2, "queue"), (3, "")]


def test_a_header_without_required_columns_fails_the_file(actors):
    with pytest.raises(ValidationFailed) as exc:
        calls_import(
            actor=actors["quality_lead"],
            source=csv_bytes([call()], columns=["call_id", "queue"]).splitlines(True),
        )
    assert "file" in exc.value.fields


def test_derived_wait_and_handle_are_stored_and_one_audit_event_holds_counts_only(actors):
    report = load(
        actors["quality_lead"],
        [call(wait=20.2, handle=99.6), call(abandoned=True, wait=3), call(ivr_only=True)],
        origin="command",
        file_name="calls.csv",
    )
    answered = CallRecord.objects.get(answered_at__isnull=False)
    assert (answered.wait_s, answered.handle_s) == (21, 100)  # 20.2 s is not within 20 s
    assert CallRecord.objects.get(abandoned=True).wait_s == 3
    assert CallRecord.objects.get(ivr_only=True).wait_s is None
    run = CallImport.objects.get(pk=report.import_id)
    assert (run.inserted, run.source, run.file_name) == (3, "command", "calls.csv")
    [event] = AuditEvent.objects.filter(action="calls.import")
    assert event.data["inserted"] == 3 and "call_id" not in str(event.data)


def test_chunks_commit_independently_and_rerun_completes_an_interrupted_import(actors):
    rows = [call(at=T0 + timedelta(seconds=i)) for i in range(7)]
    load(actors["quality_lead"], rows[:4], chunk_rows=2)
    report = load(actors["quality_lead"], rows, chunk_rows=3)
    assert (report.inserted, report.duplicates) == (3, 4)
    assert CallRecord.objects.count() == 7


def test_a_call_id_twice_in_one_file_lands_once(actors):
    row = call(call_id="DUP-1")
    report = load(actors["quality_lead"], [row, {**row, "queue": "claims"}])
    assert (report.inserted, report.duplicates) == (1, 1)
