"""Backups with a verified restore (standard 6.2.2(4); issue 13 §4; ADR 0014).

A backup is two files side by side in ``HIQC_BACKUP_DIR``::

    hiqc-backup-<UTC stamp>-<id>.hiqcbak         the database, encrypted (format below)
    hiqc-backup-<UTC stamp>-<id>.manifest.json   what the backup must contain, in clear

The payload is ``pg_dump --format=custom`` (PostgreSQL) or a copy made with SQLite's online backup
API, zlib-compressed (SQLite only), sealed in chunks with AES-256-GCM under a key derived (HKDF,
per-file salt) from the *current* field-encryption key; the key id is in the header, so rotating
keys keeps old backups readable as long as the old key stays in the ring. File layout::

    b"HIQCBAK1" ‖ u32 header length ‖ header JSON (key id, salt, chunk size, compression, backup id)
    then frames: u32 length ‖ AES-GCM(chunk), nonce = u88 frame index ‖ u8 last-frame flag,
    associated data = SHA-256 of everything before the first frame; the last frame is empty.

Reordered, altered, truncated or re-headed files fail to decrypt. The manifest holds no personal
data: creation time, migration state, vendor, row counts per table, the audit-chain head, a sample
of indicator values, and the payload's size and SHA-256. Counts, head and sample are read in the
same snapshot that is dumped (an exported snapshot on PostgreSQL, the backup copy on SQLite).

``backup_restore_test`` decrypts a backup into a *scratch* database (``hiqc_restore_check_<hex>``
on the same PostgreSQL server, dropped afterwards, or a temporary SQLite file) and compares it with
the manifest. It never touches the live database. Every backup and restore test is a
``BackupRecord`` row and an audit event.

Modules: ``sealing`` (the encrypted file format), ``databases`` (snapshots, facts, scratch
restores), ``services`` (backup_create, backup_restore_test, backups_prune, the daily job).
"""

from .databases import SCRATCH_PREFIX, chain_report, database_facts
from .sealing import BackupError, decrypt_stream, encrypt_stream, file_sha256
from .services import (
    MANIFEST_SUFFIX,
    PAYLOAD_SUFFIX,
    RETENTION,
    BackupResult,
    RestoreReport,
    backup_create,
    backup_record_list,
    backup_restore_test,
    backup_scheduled,
    backups_prune,
    manifest_path_for,
)

__all__ = [
    "MANIFEST_SUFFIX",
    "PAYLOAD_SUFFIX",
    "RETENTION",
    "SCRATCH_PREFIX",
    "BackupError",
    "BackupResult",
    "RestoreReport",
    "backup_create",
    "backup_record_list",
    "backup_restore_test",
    "backup_scheduled",
    "backups_prune",
    "chain_report",
    "database_facts",
    "decrypt_stream",
    "encrypt_stream",
    "file_sha256",
    "manifest_path_for",
]
