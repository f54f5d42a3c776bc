"""Source and legal basis of collection (standard 6.1.1, 6.1.2; PIPL art. 13; issue 21 §3; ADR
0031).

Every import or form that brings personal data in records one ``CollectionRecord``: the kind
(``policies.import``, ``customers.form``…), the channel (page upload, API, form, system feed),
the source system or file with the SHA-256 of the bytes actually read, who and when, and the
PIPL art. 13 ground (``personaldata.Basis``). Domain records keep a link to the record that last
wrote them, so a customer's page can say where its data came from.

``hashing(source)`` wraps an upload or a request body (anything with ``read(n)`` or an iterable
of byte chunks) so the digest is computed while the import reads it — no second pass, no copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import Actor
from .errors import ValidationFailed
from .models import CollectionRecord
from .personaldata import Basis


class Channel(models.TextChoices):
    PAGE = "page", gettext_lazy("页面上传")
    API = "api", gettext_lazy("接口")
    FORM = "form", gettext_lazy("表单录入")
    SYSTEM = "system", gettext_lazy("系统对接")


# The grounds a collection may cite (PIPL art. 13 items 1–4, 6); "not personal" is not one.
BASES = [(b.value, b.label) for b in Basis if b != Basis.NOT_PERSONAL]
BASIS_VALUES = frozenset(v for v, _label in BASES)


def basis_label(value: str) -> str:
    return str(dict(Basis.choices).get(value, value))


def channel_label(value: str) -> str:
    return str(dict(Channel.choices).get(value, value))


def clean_basis(value: Any, *, field: str = "basis") -> str:
    """The PIPL art. 13 ground, validated against the choices (ValidationFailed names ``field``)."""
    value = str(value or "").strip()
    if value not in BASIS_VALUES:
        msg = _("请选择个人信息处理的合法性基础（个人信息保护法第十三条）。")
        raise ValidationFailed(msg, fields={field: [msg]})
    return value


class Hashing:
    """A reader that hashes what passes through it: ``read(n)`` over anything with ``read(n)``
    or an iterable of byte chunks (never more than ``n`` bytes per call)."""

    def __init__(self, source: Any) -> None:
        self._read = getattr(source, "read", None)
        self._chunks: Iterator[bytes] | None = None if self._read is not None else iter(source)
        self._pending = b""
        self._digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        if self._read is not None:
            data = self._read(n)
            if isinstance(data, str):
                data = data.encode()
        else:
            assert self._chunks is not None
            parts, total = [self._pending], len(self._pending)
            while n < 0 or total < n:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                chunk = chunk.encode() if isinstance(chunk, str) else chunk
                parts.append(chunk)
                total += len(chunk)
            joined = b"".join(parts)
            data, self._pending = (joined, b"") if n < 0 else (joined[:n], joined[n:])
        self._digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def hashing(source: Any) -> Hashing:
    return source if isinstance(source, Hashing) else Hashing(source)


def collection_record(
    *,
    actor: Actor,
    kind: str,
    channel: str,
    basis: str,
    source_system: str = "",
    file_name: str = "",
    file_sha256: str = "",
    rows: int = 0,
    org_path: str = "",
) -> CollectionRecord:
    """Record one collection (an import run, a form submission)."""
    if channel not in Channel.values:
        channel = Channel.SYSTEM
    return CollectionRecord.objects.create(
        kind=kind[:60],
        channel=channel,
        basis=clean_basis(basis),
        source_system=source_system[:100],
        file_name=file_name[:255],
        file_sha256=file_sha256,
        actor_id=actor.user_id,
        actor_name=actor.username or "system",
        org_path=org_path or actor.home_path or "",
        rows=max(0, rows),
    )


def describe(record: CollectionRecord | None) -> dict[str, Any] | None:
    """What a page or API shows of a record (no personal data of the customer)."""
    if record is None:
        return None
    return {
        "kind": record.kind,
        "channel": record.channel,
        "channel_label": channel_label(record.channel),
        "source_system": record.source_system,
        "file_name": record.file_name,
        "file_sha256": record.file_sha256,
        "basis": record.basis,
        "basis_label": basis_label(record.basis),
        "actor_name": record.actor_name,
        "collected_at": record.created_at,
        "rows": record.rows,
    }


def all_bases() -> Iterable[tuple[str, str]]:
    return [(v, str(label)) for v, label in BASES]
