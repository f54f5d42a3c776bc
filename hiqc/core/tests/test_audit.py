from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from hiqc.core.audit import audit_record, verify_chain
from hiqc.core.models import AuditEvent


@pytest.fixture
def chain(db, system_actor):
    return [
        audit_record(actor=system_actor, action=f"test.{i}", subject_type="t", subject_id=str(i))
        for i in range(5)
    ]


def _raw(sql: str, params=()) -> None:
    """Tamper the way an intruder with database access would, bypassing the guards."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_guard")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_guard")
        else:
            cur.execute("DROP TRIGGER core_auditevent_no_update")
            cur.execute(sql, params)


def test_intact_chain_verifies(chain):
    report = verify_chain()
    assert report.ok and report.checked == 5
    call_command("audit_verify")


def test_altered_row_is_reported_at_its_sequence_number(chain):
    _raw("UPDATE core_auditevent SET action = %s WHERE seq = %s", ["test.forged", chain[2].seq])
    report = verify_chain()
    assert not report.ok
    assert report.seq == chain[2].seq
    with pytest.raises(CommandError, match=f"event {chain[2].seq}"):
        call_command("audit_verify")


def test_deleted_middle_row_is_reported_as_missing(chain):
    _raw("DELETE FROM core_auditevent WHERE seq = %s", [chain[1].seq])
    report = verify_chain()
    assert not report.ok and report.seq == chain[1].seq and "missing" in report.problem


def test_deleted_newest_row_is_detected_through_the_head(chain):
    _raw("DELETE FROM core_auditevent WHERE seq = %s", [chain[-1].seq])
    report = verify_chain()
    assert not report.ok and "newest" in report.problem


def test_application_cannot_update_or_delete_audit_rows(chain):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=chain[0].seq).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=chain[0].seq).delete()
    with pytest.raises(PermissionError):
        chain[0].save()


def test_database_refuses_update_of_audit_rows(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET action = 'x' WHERE seq = %s", [chain[0].seq])


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_deleting_audit_rows_younger_than_184_days(chain):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditevent WHERE seq = %s", [chain[0].seq])


def test_audit_data_is_chained_to_previous_hash(chain):
    assert chain[1].prev_hash == chain[0].hash
    assert AuditEvent.objects.get(seq=chain[4].seq).prev_hash == chain[3].hash
