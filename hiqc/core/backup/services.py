"""Backup services (ADR 0014): make a backup, test its restore, apply retention; each recorded as a
``BackupRecord`` row and an audit event."""

from __future__ import annotations

import json
import logging
import os
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access import Actor
from ..audit import audit_record
from ..models import BackupRecord, IndicatorValue
from ..rules import Rule, rule_value
from .databases import (
    chain_report,
    database_facts,
    dump_postgresql,
    dump_sqlite,
    iso,
    sample_key,
    scratch_postgresql,
    scratch_sqlite,
)
from .sealing import BackupError, file_sha256

log = logging.getLogger(__name__)

PAYLOAD_SUFFIX = ".hiqcbak"
MANIFEST_SUFFIX = ".manifest.json"
PREFIX = "hiqc-backup-"
MANIFEST_FORMAT = "hiqc-backup/1"

RETENTION = Rule(
    "backup.retention_days",
    14,
    "days",
    _("备份文件保留天数（每日一份）"),
    "HIQC 设计默认值（P）；标准 6.2.2(4)：超过该天数且已有同样份数更新备份的备份文件被删除",
    "P",
)


def backup_dir(directory: str | Path | None = None) -> Path:
    return Path(directory or settings.HIQC_BACKUP_DIR)


def manifest_path_for(payload: Path) -> Path:
    return payload.with_name(payload.name.removesuffix(PAYLOAD_SUFFIX) + MANIFEST_SUFFIX)


def _write_private(path: Path, write: Any) -> None:
    """Write through ``<path>.partial`` (mode 600) and rename, so no half file has the real name."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _record(
    *,
    actor: Actor,
    kind: str,
    started_at: datetime,
    ok: bool,
    file_name: str = "",
    size: int | None = None,
    sha256: str = "",
    details: dict[str, Any],
    action: str,
    audit_data: dict[str, Any],
) -> BackupRecord:
    with transaction.atomic():
        record = BackupRecord.objects.create(
            kind=kind,
            started_at=started_at,
            finished_at=timezone.now(),
            file_name=file_name,
            size=size,
            sha256=sha256,
            ok=ok,
            actor_name=actor.username,
            details=details,
        )
        audit_record(actor=actor, action=action, subject=record, data=audit_data)
    return record


@dataclass
class BackupResult:
    record: BackupRecord
    payload: Path
    manifest_path: Path
    manifest: dict[str, Any] = field(default_factory=dict)


def backup_create(*, actor: Actor, directory: str | Path | None = None) -> BackupResult:
    """Back up the configured database into an encrypted file and its manifest. Recorded and
    audited whether it succeeds or fails; raises BackupError on failure."""
    started = timezone.now()
    target_dir = backup_dir(directory)
    sd = connections["default"].settings_dict
    vendor = connections["default"].vendor
    backup_id = uuid.uuid4().hex
    stem = f"{PREFIX}{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{backup_id[:8]}"
    payload = target_dir / (stem + PAYLOAD_SUFFIX)
    manifest_file = target_dir / (stem + MANIFEST_SUFFIX)
    outcome: dict[str, Any] = {}
    try:
        target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

        def write_payload(fh: IO[bytes]) -> None:
            if vendor == "postgresql":
                outcome["facts"], outcome["sealed"] = dump_postgresql(sd, fh, backup_id)
            elif vendor == "sqlite":
                outcome["facts"], outcome["sealed"] = dump_sqlite(sd, fh, backup_id)
            else:
                raise BackupError(f"Backups of {vendor} databases are not supported.")

        _write_private(payload, write_payload)
        facts, sealed = outcome["facts"], outcome["sealed"]
        manifest = {
            "format": MANIFEST_FORMAT,
            "backup_id": backup_id,
            "created_at": iso(started),
            "finished_at": iso(timezone.now()),
            "database": {
                "vendor": vendor,
                "dump": "pg_dump --format=custom" if vendor == "postgresql" else "sqlite3 backup",
            },
            "schema": facts["schema"],
            "row_counts": facts["row_counts"],
            "audit_head": facts["audit_head"],
            "indicator_sample": facts["indicator_sample"],
            "payload": {
                "file": payload.name,
                "size": sealed.size,
                "sha256": sealed.sha256,
                "key_id": sealed.key_id,
                "cipher": "AES-256-GCM, HKDF-SHA256 file key, 1 MiB frames",
                "compression": sealed.compression,
            },
        }
        _write_private(
            manifest_file,
            lambda fh: fh.write(json.dumps(manifest, indent=2, ensure_ascii=False).encode()),
        )
    except Exception as exc:
        payload.unlink(missing_ok=True)
        message = str(exc)[:800] or type(exc).__name__
        log.error("backup failed: %s", message)
        _record(
            actor=actor,
            kind=BackupRecord.Kind.BACKUP,
            started_at=started,
            ok=False,
            file_name=payload.name,
            details={"error": message},
            action="backup.create",
            audit_data={"file": payload.name, "ok": False},
        )
        if isinstance(exc, BackupError):
            raise
        raise BackupError(message) from exc
    record = _record(
        actor=actor,
        kind=BackupRecord.Kind.BACKUP,
        started_at=started,
        ok=True,
        file_name=payload.name,
        size=sealed.size,
        sha256=sealed.sha256,
        details={
            "vendor": vendor,
            "manifest": manifest_file.name,
            "key_id": sealed.key_id,
            "tables": len(facts["row_counts"]),
            "rows": sum(facts["row_counts"].values()),
            "audit_head_seq": facts["audit_head"]["seq"],
            "indicator_sample": len(facts["indicator_sample"]),
        },
        action="backup.create",
        audit_data={"file": payload.name, "size": sealed.size, "sha256": sealed.sha256, "ok": True},
    )
    return BackupResult(record, payload, manifest_file, manifest)


@dataclass
class RestoreReport:
    record: BackupRecord
    checks: list[dict[str, Any]]
    scratch: str = ""

    @property
    def ok(self) -> bool:
        return self.record.ok


def _differences(expected: dict[str, Any], actual: dict[str, Any], limit: int = 10) -> list[str]:
    out = []
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            out.append(f"{key}: manifest {expected.get(key, '—')}, restored {actual.get(key, '—')}")
    return out[:limit] + ([f"… {len(out) - limit} more"] if len(out) > limit else [])


def _compare_with_manifest(alias: str, manifest: dict[str, Any], check: Any) -> None:
    facts = database_facts(alias)
    diff = _differences(manifest.get("row_counts", {}), facts["row_counts"])
    check(
        "row_counts",
        not diff,
        "; ".join(diff)
        or f"{len(facts['row_counts'])} tables, {sum(facts['row_counts'].values())} rows equal",
    )
    diff = _differences(manifest.get("schema", {}), facts["schema"])
    check(
        "schema", not diff, "; ".join(diff) or f"{len(facts['schema'])} apps at the same migration"
    )
    chain = chain_report(alias)
    check(
        "audit_chain",
        chain.ok,
        f"{chain.checked} events verified"
        if chain.ok
        else f"broken at event {chain.seq}: {chain.problem}",
    )
    expected_head = manifest.get("audit_head", {})
    check(
        "audit_head",
        facts["audit_head"] == expected_head,
        f"seq {facts['audit_head']['seq']}"
        if facts["audit_head"] == expected_head
        else f"manifest seq {expected_head.get('seq')} {str(expected_head.get('hash'))[:12]}…, "
        f"restored seq {facts['audit_head']['seq']} {facts['audit_head']['hash'][:12]}…",
    )
    sample = manifest.get("indicator_sample", [])
    wanted = {sample_key(row): row for row in sample}
    found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    queryset = IndicatorValue.objects.using(alias)
    for code, granularity, period, org_path in wanted:
        row = queryset.filter(
            code=code,
            granularity=granularity,
            period_start=datetime.fromisoformat(period),
            org_path=org_path,
        ).first()
        if row is not None:
            found[(code, granularity, period, org_path)] = {
                "code": row.code,
                "granularity": row.granularity,
                "period_start": iso(row.period_start),
                "org_path": row.org_path,
                "numerator": row.numerator,
                "denominator": row.denominator,
            }
    bad = [" ".join(key) for key, row in wanted.items() if found.get(key) != row]
    check(
        "indicator_sample",
        not bad,
        f"{len(sample)} sampled indicator values equal"
        if not bad
        else f"{len(bad)} of {len(sample)} differ or are missing: " + "; ".join(bad[:5]),
    )


def backup_restore_test(
    *, actor: Actor, path: str | Path, manifest: str | Path | None = None
) -> RestoreReport:
    """Restore a backup into a scratch database and compare it with its manifest: payload hash,
    restore itself, row counts, migration state, audit chain and head, sampled indicator values.
    The live database is only written to record the result."""
    started = timezone.now()
    payload = Path(path)
    manifest_file = Path(manifest) if manifest else manifest_path_for(payload)
    checks: list[dict[str, Any]] = []
    scratch = ""

    def check(name: str, ok: bool, detail: str = "") -> bool:
        checks.append({"check": name, "ok": bool(ok), "detail": detail})
        return bool(ok)

    size: int | None = None
    digest = ""
    try:
        doc = json.loads(manifest_file.read_text(encoding="utf-8"))
        if doc.get("format") != MANIFEST_FORMAT:
            raise ValueError(f"unknown manifest format {doc.get('format')!r}")
        check("manifest", True, manifest_file.name)
    except (OSError, ValueError) as exc:
        doc = {}
        check("manifest", False, f"{manifest_file.name}: {exc}")
    if payload.exists():
        size, digest = file_sha256(payload)
    if doc:
        expected = doc.get("payload", {})
        same = payload.exists() and (size, digest) == (expected.get("size"), expected.get("sha256"))
        check(
            "payload_sha256",
            same,
            f"{digest[:16]}… ({size} bytes)"
            if same
            else (
                "payload file missing"
                if not payload.exists()
                else f"manifest {str(expected.get('sha256'))[:16]}… ({expected.get('size')} bytes), "
                f"file {digest[:16]}… ({size} bytes): altered or incomplete"
            ),
        )
    if all(c["ok"] for c in checks):
        vendor = doc.get("database", {}).get("vendor")
        live = connections["default"]
        try:
            if vendor == "postgresql":
                if live.vendor != "postgresql":
                    raise BackupError(
                        "A PostgreSQL backup needs a PostgreSQL server to restore into."
                    )
                scratch_cm = scratch_postgresql(live.settings_dict, payload)
            elif vendor == "sqlite":
                scratch_cm = scratch_sqlite(payload)
            else:
                raise BackupError(f"Unknown database vendor {vendor!r} in the manifest.")
            with scratch_cm as (alias, scratch):
                check("restore", True, f"restored into {scratch}, removed afterwards")
                _compare_with_manifest(alias, doc, check)
        except BackupError as exc:
            check("restore", False, str(exc)[:800])
        except DatabaseError as exc:  # e.g. a backup of another schema version than this code
            check("comparison", False, f"{type(exc).__name__}: {str(exc)[:600]}")
    ok = bool(checks) and all(c["ok"] for c in checks)
    record = _record(
        actor=actor,
        kind=BackupRecord.Kind.RESTORE_TEST,
        started_at=started,
        ok=ok,
        file_name=payload.name,
        size=size,
        sha256=digest,
        details={"checks": checks, "backup_id": doc.get("backup_id", ""), "scratch": scratch},
        action="backup.restore_test",
        audit_data={
            "file": payload.name,
            "ok": ok,
            "failed": [c["check"] for c in checks if not c["ok"]],
        },
    )
    return RestoreReport(record, checks, scratch)


@dataclass(frozen=True)
class _Entry:
    stem: str
    created: datetime
    files: tuple[Path, ...]


def _entries(directory: Path) -> list[_Entry]:
    stems: dict[str, list[Path]] = {}
    for path in directory.glob(f"{PREFIX}*"):
        for suffix in (PAYLOAD_SUFFIX, MANIFEST_SUFFIX):
            if path.name.endswith(suffix) and path.is_file():
                stems.setdefault(path.name.removesuffix(suffix), []).append(path)
    out = []
    for stem, files in stems.items():
        created = None
        manifest = directory / (stem + MANIFEST_SUFFIX)
        with suppress(OSError, ValueError, KeyError, TypeError):
            created = datetime.fromisoformat(json.loads(manifest.read_text())["created_at"])
        if created is None or created.tzinfo is None:
            created = datetime.fromtimestamp(min(f.stat().st_mtime for f in files), tz=UTC)
        out.append(_Entry(stem, created, tuple(sorted(files))))
    return sorted(out, key=lambda e: e.created, reverse=True)


def backups_prune(
    *, actor: Actor, directory: str | Path | None = None, keep_days: int | None = None
) -> list[str]:
    """Delete backups older than ``backup.retention_days`` — only while at least that many newer
    backups remain, so failing backups never empty the directory. Returns the deleted file names
    (and audits them)."""
    days = int(keep_days if keep_days is not None else rule_value(RETENTION.key))
    target_dir = backup_dir(directory)
    if not target_dir.is_dir():
        return []
    cutoff = timezone.now() - timedelta(days=days)
    deleted: list[str] = []
    for position, entry in enumerate(_entries(target_dir)):
        if position >= days and entry.created < cutoff:
            for file in entry.files:
                file.unlink(missing_ok=True)
                deleted.append(file.name)
    if deleted:
        audit_record(
            actor=actor,
            action="backup.prune",
            subject_type=BackupRecord._meta.label_lower,
            data={"deleted": deleted, "retention_days": days},
        )
    return deleted


def backup_scheduled(*, actor: Actor) -> dict[str, Any]:
    """The daily job: a backup, then retention (skipped when the backup failed)."""
    try:
        result = backup_create(actor=actor)
    except BackupError as exc:
        return {"ok": False, "error": str(exc)[:300], "deleted": []}
    deleted = backups_prune(actor=actor)
    record = result.record
    record.details = {**record.details, "pruned": deleted}
    record.save(update_fields=["details", "updated_at"])
    return {"ok": True, "file": result.payload.name, "size": record.size, "deleted": deleted}


def backup_record_list() -> QuerySet[BackupRecord]:
    """Every backup and restore test, newest first (system records, not scoped)."""
    return BackupRecord.objects.order_by("-started_at", "-created_at")
