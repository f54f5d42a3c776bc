"""The databases side of backups (ADR 0014): a temporary connection alias, the facts a manifest
records (row counts, migration state, audit head, indicator sample), the audit chain recomputed on
another alias, and the PostgreSQL / SQLite dump and scratch-restore steps."""

from __future__ import annotations

import copy
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from ..audit import GENESIS, ChainReport, verify_chain
from ..models import AuditHead, IndicatorValue
from .sealing import BackupError, Sealed, decrypt_stream, encrypt_stream

SAMPLE_SIZE = 50
SCRATCH_PREFIX = "hiqc_restore_check_"


@contextmanager
def _alias(config: dict[str, Any]) -> Iterator[str]:
    """A temporary connection under its own alias (a snapshot of the live database, or a scratch
    database). It is not added to settings.DATABASES: ``.using(alias)`` finds it, nothing else."""
    alias = f"hiqc_backup_{secrets.token_hex(4)}"
    # the handler fills in Django's defaults; it insists on the name "default"
    config = connections.configure_settings({"default": copy.deepcopy(config)})["default"]
    conn = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    connections[alias] = conn
    try:
        yield alias
    finally:
        conn.close()
        del connections[alias]


def _sqlite_config(path: Path) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def sample_key(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return (row["code"], row["granularity"], row["period_start"], row["org_path"])


def indicator_sample(alias: str, *, size: int = SAMPLE_SIZE) -> list[dict[str, Any]]:
    rows = IndicatorValue.objects.using(alias).order_by("?")[:size]
    return sorted(
        (
            {
                "code": r.code,
                "granularity": r.granularity,
                "period_start": iso(r.period_start),
                "org_path": r.org_path,
                "numerator": r.numerator,
                "denominator": r.denominator,
            }
            for r in rows
        ),
        key=sample_key,
    )


def database_facts(alias: str) -> dict[str, Any]:
    """Row counts per table, last applied migration per app and the audit head of one database."""
    conn = connections[alias]
    with conn.cursor() as cur:
        tables = sorted(conn.introspection.table_names(cur))
        counts: dict[str, int] = {}
        for table in tables:
            # table names come from the database's own catalogue, quoted
            cur.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cur.fetchone()[0])
    schema: dict[str, str] = {}
    if MigrationRecorder.Migration._meta.db_table in tables:
        for app, name in MigrationRecorder.Migration.objects.using(alias).values_list(
            "app", "name"
        ):
            schema[app] = max(schema.get(app, ""), name)
    head = AuditHead.objects.using(alias).filter(pk=1).values_list("seq", "hash").first()
    seq, digest = head if head else (0, GENESIS)
    return {
        "row_counts": counts,
        "schema": dict(sorted(schema.items())),
        "audit_head": {"seq": seq, "hash": digest},
    }


def chain_report(alias: str) -> ChainReport:
    """The audit chain of the database at ``alias`` (``hiqc.core.audit.verify_chain``)."""
    return verify_chain(using=alias)


# ── PostgreSQL and SQLite specifics ────────────────────────────────────────────────────────


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client of the server's major version."
        )
    return path


def _pg_env(sd: dict[str, Any], **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PGDATABASE", None)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if sd.get(key):
            env[var] = str(sd[key])
    if sd.get("PASSWORD"):
        env["PGPASSWORD"] = str(sd["PASSWORD"])  # environment, never the command line
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        value = (sd.get("OPTIONS") or {}).get(option)
        if value:
            env[f"PG{option.upper()}"] = str(value)
    env.update(extra)
    return env


def _stderr_text(fh: IO[bytes]) -> str:
    fh.seek(0)
    return fh.read().decode(errors="replace").strip()[-800:]


def dump_postgresql(
    sd: dict[str, Any], out: IO[bytes], backup_id: str
) -> tuple[dict[str, Any], Sealed]:
    pg_dump = _tool("pg_dump")
    with _alias(sd) as snap, transaction.atomic(using=snap):
        with connections[snap].cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(  # noqa: S603  (fixed tools, our arguments, no shell)
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"],
                stdout=subprocess.PIPE,
                stderr=err,
                env=_pg_env(sd, PGDATABASE=str(sd["NAME"])),
            )
            assert proc.stdout is not None
            try:
                sealed = encrypt_stream(proc.stdout, out, backup_id=backup_id, compress=False)
            finally:
                proc.stdout.close()
                code = proc.wait()
            if code:
                raise BackupError(f"pg_dump failed (exit {code}): {_stderr_text(err)}")
        facts = database_facts(snap)  # the same snapshot pg_dump saw
        facts["indicator_sample"] = indicator_sample(snap)
    return facts, sealed


def _sqlite_file(sd: dict[str, Any]) -> str:
    name = str(sd.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return name


def dump_sqlite(
    sd: dict[str, Any], out: IO[bytes], backup_id: str
) -> tuple[dict[str, Any], Sealed]:
    source_name = _sqlite_file(sd)
    with tempfile.TemporaryDirectory(prefix="hiqc-backup-") as tmp:  # mode 700
        copy_path = Path(tmp) / "snapshot.sqlite3"
        source = sqlite3.connect(source_name, timeout=20)
        target = sqlite3.connect(copy_path)
        try:
            source.backup(target)  # online backup API: a consistent copy while others write
        finally:
            target.close()
            source.close()
        with _alias(_sqlite_config(copy_path)) as snap:
            facts = database_facts(snap)
            facts["indicator_sample"] = indicator_sample(snap)
        with copy_path.open("rb") as fh:
            sealed = encrypt_stream(fh, out, backup_id=backup_id, compress=True)
    return facts, sealed


@contextmanager
def scratch_postgresql(sd: dict[str, Any], payload: Path) -> Iterator[tuple[str, str]]:
    name = SCRATCH_PREFIX + secrets.token_hex(6)
    env = _pg_env(sd)
    created = subprocess.run(  # noqa: S603
        [_tool("createdb"), "--no-password", "--template=template0", name],
        env=env,
        capture_output=True,
        check=False,
    )
    if created.returncode:
        raise BackupError(
            f"Could not create the scratch database: {created.stderr.decode(errors='replace')}"
        )
    try:
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(  # noqa: S603  (fixed tools, our arguments, no shell)
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",  # all or nothing, and far fewer commits
                    "--exit-on-error",
                    "--no-password",
                    f"--dbname={name}",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
            )
            assert proc.stdin is not None
            problem: BackupError | None = None
            try:
                with payload.open("rb") as fh:
                    decrypt_stream(fh, proc.stdin)
            except BackupError as exc:
                problem = exc
            except BrokenPipeError:
                pass  # pg_restore stopped; its exit code and message say why
            finally:
                with suppress(BrokenPipeError):
                    proc.stdin.close()
                code = proc.wait()
            if problem:
                raise problem
            if code:
                raise BackupError(f"pg_restore failed (exit {code}): {_stderr_text(err)}")
        with _alias({**sd, "NAME": name}) as alias:
            yield alias, name
    finally:
        subprocess.run(  # noqa: S603
            [_tool("dropdb"), "--no-password", "--if-exists", "--force", name],
            env=env,
            capture_output=True,
            check=False,
        )


@contextmanager
def scratch_sqlite(payload: Path) -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="hiqc-restore-") as tmp:
        path = Path(tmp) / "restored.sqlite3"
        with payload.open("rb") as fh, path.open("wb") as out:
            decrypt_stream(fh, out)
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise BackupError("The decrypted payload is not an SQLite database.")
        check = sqlite3.connect(path)
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if result != "ok":
            raise BackupError(f"SQLite integrity check of the restored copy failed: {result}")
        with _alias(_sqlite_config(path)) as alias:
            yield alias, "temporary SQLite file"
