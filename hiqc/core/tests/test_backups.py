"""Backups with a verified restore (issue 13 §4, standard 6.2.2(4), ADR 0014).

Runs on SQLite and on PostgreSQL (pg_dump / pg_restore into a scratch database). Dumps read
committed data, so the end-to-end tests use transactional databases.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.backup import (
    MANIFEST_SUFFIX,
    PAYLOAD_SUFFIX,
    RETENTION,
    SCRATCH_PREFIX,
    BackupError,
    backup_create,
    backup_restore_test,
    backups_prune,
    decrypt_stream,
    manifest_path_for,
)
from hiqc.core.models import AuditEvent, BackupRecord, IndicatorValue
from hiqc.core.rules import RULES

CANARY = "金丝雀营业部-PLAINTEXT-7f3a9c"  # an org-unit name: org units are not encrypted at rest


@pytest.fixture
def backup_dir(settings, tmp_path) -> Path:
    settings.HIQC_BACKUP_DIR = str(tmp_path / "backups")
    return tmp_path / "backups"


@pytest.fixture
def data(org):
    """Committed rows the backup must carry: an org unit with a known name, audit events and
    indicator values."""
    org["C1"].name = CANARY
    org["C1"].save(update_fields=["name"])
    actor = Actor.system("test")
    for n in range(3):
        audit_record(actor=actor, action="test.event", data={"n": n})
    for day in range(1, 61):
        IndicatorValue.objects.create(
            code="TEST-1",
            granularity="day",
            period_start=datetime(2026, 1, 1, 16, tzinfo=UTC) + timedelta(days=day),
            org_path=org["C1"].path,
            numerator=day,
            denominator=day * 3 + 0.5,
        )
    return org


def _backup(directory: Path) -> Path:
    call_command("backup", directory=str(directory), stdout=io.StringIO())
    [payload] = directory.glob(f"*{PAYLOAD_SUFFIX}")
    return payload


def _restore(payload: Path) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("restore", str(payload), verify=True, stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def _failed_checks() -> list[str]:
    record = BackupRecord.objects.filter(kind=BackupRecord.Kind.RESTORE_TEST).latest("started_at")
    return [c["check"] for c in record.details["checks"] if not c["ok"]]


def _scratch_databases() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [SCRATCH_PREFIX + "%"])
        return [row[0] for row in cur.fetchall()]


def _edit_manifest(payload: Path, change) -> None:
    path = manifest_path_for(payload)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_scratch_database_and_matches_its_manifest(data, backup_dir):
    # Given committed data and a backup of it
    payload = _backup(backup_dir)
    manifest = json.loads(manifest_path_for(payload).read_text())
    live_counts_before = IndicatorValue.objects.count()

    # When the restore test runs
    ok, report = _restore(payload)

    # Then every check passes, against a scratch database that is gone afterwards
    assert ok, report
    assert "Restore test passed" in report
    assert _failed_checks() == []
    assert _scratch_databases() == []
    # and the manifest recorded what the backup holds
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["payload"]["key_id"] == "t1"
    assert manifest["row_counts"]["core_indicatorvalue"] == 60
    assert manifest["audit_head"]["seq"] == 3
    assert len(manifest["indicator_sample"]) == 50
    assert manifest["schema"]["core"] >= "0020_backuprecord"
    # and the live database only gained the two records and their audit events
    assert IndicatorValue.objects.count() == live_counts_before
    kinds = set(BackupRecord.objects.filter(ok=True).values_list("kind", flat=True))
    assert kinds == {"backup", "restore_test"}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"backup.create", "backup.restore_test"} <= actions


@pytest.mark.django_db(transaction=True)
def test_a_restore_test_fails_on_the_hash_when_one_byte_of_the_payload_is_flipped(data, backup_dir):
    payload = _backup(backup_dir)
    raw = bytearray(payload.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    payload.write_bytes(bytes(raw))

    ok, report = _restore(payload)

    assert not ok
    assert "payload_sha256" in report
    assert _failed_checks() == ["payload_sha256"]
    record = BackupRecord.objects.get(kind=BackupRecord.Kind.RESTORE_TEST)
    assert not any(c["check"] == "restore" for c in record.details["checks"])  # never restored
    assert _scratch_databases() == []


@pytest.mark.django_db(transaction=True)
def test_a_payload_altered_together_with_its_manifest_hash_still_fails_to_decrypt(data, backup_dir):
    import hashlib

    payload = _backup(backup_dir)
    raw = bytearray(payload.read_bytes())
    raw[-100] ^= 0x01
    payload.write_bytes(bytes(raw))
    _edit_manifest(
        payload, lambda doc: doc["payload"].update(sha256=hashlib.sha256(raw).hexdigest())
    )

    ok, report = _restore(payload)

    assert not ok
    assert _failed_checks() == ["restore"]
    assert "does not decrypt" in report
    assert _scratch_databases() == []


@pytest.mark.django_db(transaction=True)
def test_a_restore_test_fails_when_a_table_lost_rows(data, backup_dir):
    # Given a manifest that promises one audit event more than the backup holds
    payload = _backup(backup_dir)
    _edit_manifest(payload, lambda doc: doc["row_counts"].update(core_auditevent=4))

    ok, report = _restore(payload)

    assert not ok
    assert _failed_checks() == ["row_counts"]
    assert "core_auditevent: manifest 4, restored 3" in report


@pytest.mark.django_db(transaction=True)
def test_a_restore_test_fails_when_the_audit_head_or_a_sampled_indicator_value_differs(
    data, backup_dir
):
    payload = _backup(backup_dir)

    def change(doc):
        doc["audit_head"]["hash"] = "f" * 64
        doc["indicator_sample"][0]["numerator"] += 1

    _edit_manifest(payload, change)

    ok, _report = _restore(payload)

    assert not ok
    assert _failed_checks() == ["audit_head", "indicator_sample"]


@pytest.mark.django_db(transaction=True)
def test_the_backup_file_is_encrypted_no_plaintext_of_an_unencrypted_table(data, backup_dir):
    payload = _backup(backup_dir)
    needle = CANARY.encode()

    # The file on disk does not contain the org unit's name, nor does its manifest …
    assert needle not in payload.read_bytes()
    assert needle not in manifest_path_for(payload).read_bytes()

    # … while the decrypted payload does (so the test proves encryption, not absence).
    plain = io.BytesIO()
    with payload.open("rb") as fh:
        header = decrypt_stream(fh, plain)
    assert header["key_id"] == "t1"
    if connection.vendor == "postgresql":
        script = subprocess.run(
            [shutil.which("pg_restore") or "pg_restore", "--data-only", "-f", "-"],
            input=plain.getvalue(),
            capture_output=True,
            check=True,
        ).stdout
        assert needle in script
    else:
        assert plain.getvalue().startswith(b"SQLite format 3\x00")
        assert needle in plain.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_backup_sealed_under_a_key_no_longer_in_the_ring_fails_with_the_key_named(
    data, backup_dir, settings
):
    import base64

    from hiqc.core.crypto import reset_keyring_cache

    payload = _backup(backup_dir)
    original = settings.HIQC_FIELD_KEYS
    settings.HIQC_FIELD_KEYS = json.dumps(
        {
            "current": "t9",
            "keys": {"t9": base64.b64encode(b"z" * 32).decode()},
            "hash_key": base64.b64encode(b"h" * 32).decode(),
        }
    )
    reset_keyring_cache()
    try:
        report = backup_restore_test(actor=Actor.system("test"), path=payload)
    finally:
        settings.HIQC_FIELD_KEYS = original
        reset_keyring_cache()
    assert not report.ok
    assert "'t1'" in next(c["detail"] for c in report.checks if c["check"] == "restore")


def _fake_backup(directory: Path, created: datetime) -> str:
    stem = f"hiqc-backup-{created:%Y%m%dT%H%M%SZ}-00000000"
    (directory / (stem + PAYLOAD_SUFFIX)).write_bytes(b"x")
    (directory / (stem + MANIFEST_SUFFIX)).write_text(
        json.dumps({"format": "hiqc-backup/1", "created_at": created.isoformat()})
    )
    return stem


@pytest.mark.django_db
def test_retention_deletes_only_backups_older_than_the_retention_days(tmp_path):
    now = datetime(2026, 6, 30, 19, 30, tzinfo=UTC)
    stems = [_fake_backup(tmp_path, now - timedelta(days=age)) for age in range(20)]
    (tmp_path / "notes.txt").write_text("not a backup")

    with time_machine.travel(now, tick=False):
        deleted = backups_prune(actor=Actor.system("test"), directory=tmp_path, keep_days=14)

    old = stems[15:]  # more than 14 days old
    assert sorted(deleted) == sorted(
        f"{s}{suffix}" for s in old for suffix in (PAYLOAD_SUFFIX, MANIFEST_SUFFIX)
    )
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"notes.txt"} | {
        f"{s}{suffix}" for s in stems[:15] for suffix in (PAYLOAD_SUFFIX, MANIFEST_SUFFIX)
    }
    event = AuditEvent.objects.get(action="backup.prune")
    assert sorted(event.data["deleted"]) == sorted(deleted)


@pytest.mark.django_db
def test_retention_never_deletes_the_newest_backups_even_when_they_are_old(tmp_path):
    now = datetime(2026, 6, 30, tzinfo=UTC)
    for age in (30, 31, 32):
        _fake_backup(tmp_path, now - timedelta(days=age))
    with time_machine.travel(now, tick=False):
        assert backups_prune(actor=Actor.system("test"), directory=tmp_path, keep_days=14) == []
    assert len(list(tmp_path.iterdir())) == 6


def test_retention_is_a_rule_with_a_source_defaulting_to_fourteen_days():
    assert RULES["backup.retention_days"] == RETENTION
    assert RETENTION.default == 14
    assert "HIQC 设计默认值" in RETENTION.source


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_backs_up_then_deletes_backups_past_the_retention(data, backup_dir):
    from hiqc.core.schedule import SCHEDULE
    from hiqc.core.tasks import backup_daily_job

    backup_dir.mkdir(parents=True)
    now = datetime.now(UTC)
    stale = [_fake_backup(backup_dir, now - timedelta(days=20 + n)) for n in range(14)]

    summary = backup_daily_job()

    assert summary["ok"], summary
    assert len(summary["deleted"]) == 2  # the oldest: beyond the newest 14 and > 14 days old
    assert not (backup_dir / (stale[-1] + PAYLOAD_SUFFIX)).exists()
    assert (backup_dir / summary["file"]).exists()
    record = BackupRecord.objects.get(kind=BackupRecord.Kind.BACKUP)
    assert record.ok and record.details["pruned"] == summary["deleted"]
    job = next(p for p in SCHEDULE if p.name == "core.backup_daily")
    assert job.when(datetime(2026, 11, 26, 19, 30, tzinfo=UTC))  # 03:30 on the 27th in Beijing


@pytest.mark.django_db
def test_a_failed_backup_is_recorded_and_audited(data, backup_dir, monkeypatch):
    import hiqc.core.backup.services as backups

    def broken(*args, **kwargs):
        raise BackupError("pg_dump failed (exit 1): server closed the connection")

    monkeypatch.setattr(backups, "dump_postgresql", broken)
    monkeypatch.setattr(backups, "dump_sqlite", broken)

    with pytest.raises(BackupError):
        backup_create(actor=Actor.system("test"), directory=backup_dir)

    record = BackupRecord.objects.get()
    assert not record.ok and "pg_dump failed" in record.details["error"]
    assert AuditEvent.objects.filter(action="backup.create", data__ok=False).exists()
    assert list(backup_dir.iterdir()) == []  # no partial file left behind


@pytest.mark.django_db
def test_the_backups_page_is_refused_without_rules_view_and_lists_records_to_holders(
    client, personas
):
    now = datetime(2026, 3, 1, 19, 30, tzinfo=UTC)
    BackupRecord.objects.create(
        kind=BackupRecord.Kind.BACKUP,
        started_at=now,
        file_name="hiqc-backup-20260301T193000Z-aaaa.hiqcbak",
        size=1234,
        sha256="a" * 64,
        ok=True,
        details={"tables": 80, "rows": 1000, "audit_head_seq": 12},
    )
    BackupRecord.objects.create(
        kind=BackupRecord.Kind.RESTORE_TEST,
        started_at=now + timedelta(hours=1),
        file_name="hiqc-backup-20260301T193000Z-aaaa.hiqcbak",
        ok=False,
        details={"checks": [{"check": "row_counts", "ok": False, "detail": "core_x: 2 vs 1"}]},
    )

    for persona in ("agent", "nobody", "facility"):
        client.force_login(personas[persona])
        assert client.get("/operations/backups/").status_code == 403, persona

    for persona in ("admin", "auditor"):
        client.force_login(personas[persona])
        response = client.get("/operations/backups/")
        assert response.status_code == 200, persona
        html = response.content.decode()
        assert html.count("hiqc-backup-20260301T193000Z-aaaa.hiqcbak") == 2
        assert "恢复测试未通过" in html and "core_x: 2 vs 1" in html
        assert html.index("恢复测试未通过") < html.index("80 张表")  # newest first
        assert 'href="/operations/backups/"' in html  # in the navigation
