"""Field encryption (AES-256-GCM) and keyed hashes (HMAC-SHA256) — ADR 0006.

A stored value is ``v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>``; the associated data is the
field's identity (``app.model.field``), so a value copied into another column fails to decrypt.
Keys come from ``HIQC_FIELD_KEYS`` (JSON) or the key file named by ``HIQC_KEY_FILE`` (outside the
repository)::

    {"current": "k2", "keys": {"k1": "<base64 32 bytes>", "k2": "..."}, "hash_key": "<base64>"}

The hash key is separate from the encryption keys: it makes exact look-ups possible (ID number,
mobile) without storing anything that can be reversed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "v1"


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    hash_key: bytes

    @classmethod
    def from_json(cls, raw: str, *, origin: str) -> Keyring:
        try:
            doc = json.loads(raw)
            keys = {kid: base64.b64decode(v) for kid, v in doc["keys"].items()}
            ring = cls(
                current=doc["current"], keys=keys, hash_key=base64.b64decode(doc["hash_key"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ImproperlyConfigured(f"Field keys in {origin} are malformed: {exc}") from exc
        if ring.current not in keys:
            raise ImproperlyConfigured(
                f"Current key id {ring.current!r} is not among the keys ({origin})."
            )
        if any(len(k) != 32 for k in keys.values()) or len(ring.hash_key) < 32:
            raise ImproperlyConfigured(f"Field keys must be 32 bytes ({origin}).")
        if any(":" in kid for kid in keys):
            raise ImproperlyConfigured("Key ids cannot contain ':'.")
        return ring

    def to_json(self) -> str:
        return json.dumps(
            {
                "current": self.current,
                "keys": {k: base64.b64encode(v).decode() for k, v in self.keys.items()},
                "hash_key": base64.b64encode(self.hash_key).decode(),
            },
            indent=2,
        )


def key_file() -> Path:
    return Path(settings.HIQC_KEY_FILE)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    if settings.HIQC_FIELD_KEYS:
        return Keyring.from_json(settings.HIQC_FIELD_KEYS, origin="HIQC_FIELD_KEYS")
    path = key_file()
    if not path.exists():
        raise ImproperlyConfigured(
            f"No field-encryption keys: set HIQC_FIELD_KEYS or run `manage.py init_keys` to create {path}."
        )
    return Keyring.from_json(path.read_text(), origin=str(path))


def reset_keyring_cache() -> None:
    keyring.cache_clear()


def new_key_id(existing: dict[str, bytes]) -> str:
    n = len(existing) + 1
    while f"k{n}" in existing:
        n += 1
    return f"k{n}"


def write_key_file(ring: Keyring, path: Path | None = None) -> Path:
    path = path or key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(ring.to_json())
    tmp.replace(path)
    reset_keyring_cache()
    return path


def generate_keyring() -> Keyring:
    return Keyring(
        current="k1", keys={"k1": secrets.token_bytes(32)}, hash_key=secrets.token_bytes(32)
    )


def encrypt(plaintext: str, *, context: str, key_id: str | None = None) -> str:
    ring = keyring()
    kid = key_id or ring.current
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.keys[kid]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{kid}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def decrypt(token: str, *, context: str) -> str:
    try:
        prefix, kid, body = token.split(":", 2)
    except ValueError as exc:
        raise ValueError("Not an encrypted value.") from exc
    if prefix != PREFIX:
        raise ValueError(f"Unknown encryption format {prefix!r}.")
    ring = keyring()
    if kid not in ring.keys:
        raise ImproperlyConfigured(
            f"Key {kid!r} is needed to decrypt stored data but is not configured."
        )
    raw = base64.b64decode(body)
    return AESGCM(ring.keys[kid]).decrypt(raw[:12], raw[12:], context.encode()).decode()


def keyed_hash(value: str, *, context: str) -> str:
    """Deterministic, irreversible look-up key for an already-normalised value."""
    return hmac.new(
        keyring().hash_key, f"{context}\x00{value}".encode(), hashlib.sha256
    ).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted. Only ``isnull`` look-ups are allowed: search through a
    keyed-hash column instead."""

    description = "Text encrypted at rest with AES-GCM"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.context = f"{cls._meta.app_label}.{cls._meta.model_name}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
