"""The encrypted backup file (ADR 0014): AES-256-GCM in 1 MiB frames under a per-file key
derived (HKDF-SHA256, random salt) from the current field-encryption key::

    b"HIQCBAK1" ‖ u32 header length ‖ header JSON (key id, salt, chunk size, compression, backup id)
    then frames: u32 length ‖ AES-GCM(chunk), nonce = u88 frame index ‖ u8 last-frame flag,
    associated data = SHA-256 of everything before the first frame; the last frame is empty.

The header names the key id, so rotated keys keep old backups readable while the old key stays in
the ring. An altered, reordered, truncated or re-headed file fails to decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..crypto import keyring

MAGIC = b"HIQCBAK1"
CHUNK = 1 << 20  # plaintext bytes per frame
TAG = 16
MAX_HEADER = 64 * 1024
HKDF_INFO = b"hiqc-backup-v1"


class BackupError(Exception):
    """A backup or restore step failed; the message names the step, never personal data."""


def _file_key(key_id: str, salt: bytes) -> bytes:
    ring = keyring()
    if key_id not in ring.keys:
        raise BackupError(
            f"Key {key_id!r} sealed this backup but is not in the key ring: "
            "keep old keys configured while backups made under them are retained."
        )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=HKDF_INFO).derive(
        ring.keys[key_id]
    )


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


@dataclass
class Sealed:
    size: int
    sha256: str
    key_id: str
    compression: str


def encrypt_stream(
    source: IO[bytes], target: IO[bytes], *, backup_id: str, compress: bool
) -> Sealed:
    """Seal ``source`` into ``target`` chunk by chunk; return the sealed file's size and SHA-256."""
    ring = keyring()
    salt = secrets.token_bytes(16)
    compression = "zlib" if compress else "none"
    header = json.dumps(
        {
            "key_id": ring.current,
            "salt": base64.b64encode(salt).decode(),
            "chunk_size": CHUNK,
            "compression": compression,
            "backup_id": backup_id,
        },
        sort_keys=True,
    ).encode()
    head = MAGIC + len(header).to_bytes(4, "big") + header
    aad = hashlib.sha256(head).digest()
    aead = AESGCM(_file_key(ring.current, salt))
    digest = hashlib.sha256()
    size = 0
    index = 0

    def emit(data: bytes) -> None:
        nonlocal size
        target.write(data)
        digest.update(data)
        size += len(data)

    def seal(plain: bytes, *, last: bool) -> None:
        nonlocal index
        sealed = aead.encrypt(_nonce(index, last), plain, aad)
        emit(len(sealed).to_bytes(4, "big") + sealed)
        index += 1

    emit(head)
    packer = zlib.compressobj(6) if compress else None
    pending = bytearray()
    while chunk := source.read(CHUNK):
        pending += packer.compress(chunk) if packer else chunk
        while len(pending) >= CHUNK:
            seal(bytes(pending[:CHUNK]), last=False)
            del pending[:CHUNK]
    if packer:
        pending += packer.flush()
    while pending:
        seal(bytes(pending[:CHUNK]), last=False)
        del pending[:CHUNK]
    seal(b"", last=True)
    return Sealed(size, digest.hexdigest(), ring.current, compression)


def _read_exact(source: IO[bytes], n: int) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise BackupError("The backup file is truncated.")
    return data


def _read_frame(source: IO[bytes]) -> bytes | None:
    raw = source.read(4)
    if not raw:
        return None
    if len(raw) != 4:
        raise BackupError("The backup file is truncated.")
    length = int.from_bytes(raw, "big")
    if not TAG <= length <= CHUNK + TAG:
        raise BackupError("The backup file is corrupt (impossible frame length).")
    return _read_exact(source, length)


def decrypt_stream(source: IO[bytes], target: IO[bytes]) -> dict[str, Any]:
    """Open a sealed backup into ``target``; return its header. Raises BackupError on any
    alteration, truncation, reordering or missing key."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("Not an HIQC backup file (bad magic bytes).")
    length_raw = _read_exact(source, 4)
    length = int.from_bytes(length_raw, "big")
    if length > MAX_HEADER:
        raise BackupError("The backup file is corrupt (header too long).")
    header_raw = _read_exact(source, length)
    try:
        header = json.loads(header_raw)
        salt = base64.b64decode(header["salt"])
        key_id = str(header["key_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("The backup file is corrupt (unreadable header).") from exc
    aad = hashlib.sha256(MAGIC + length_raw + header_raw).digest()
    aead = AESGCM(_file_key(key_id, salt))
    unpacker = zlib.decompressobj() if header.get("compression") == "zlib" else None
    index = 0
    frame = _read_frame(source)
    finished = False
    while frame is not None:
        following = _read_frame(source)
        last = following is None
        try:
            plain = aead.decrypt(_nonce(index, last), frame, aad)
        except InvalidTag as exc:
            raise BackupError(
                f"Frame {index} does not decrypt: the file was altered or truncated."
            ) from exc
        target.write(unpacker.decompress(plain) if unpacker else plain)
        index += 1
        frame = following
        finished = last
    if not finished:
        raise BackupError("The backup file is truncated (no final frame).")
    if unpacker:
        target.write(unpacker.flush())
        if not unpacker.eof:
            raise BackupError("The backup file is truncated (incomplete compressed stream).")
    return dict(header)


def file_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()
