"""An agreement's masking profile applied to every column of a dataset (standard 6.3, 6.2.3(3);
PIPL arts. 28–29, 51; PI-1, PI-4; issue 21 §7). Pure: no database.

A column not named in the profile is never exported (``drop``); ``keep`` exports the value as
is, ``mask`` as the dataset column's mask shows it (default: its first character, then
``****``), ``hash`` a keyed HMAC-SHA256 salted per agreement (the same person gives the same
token within one agreement and different tokens across agreements), ``year`` only the year of a
date.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from hiqc.core.crypto import keyed_hash
from hiqc.core.datasets import DATE, Column, Dataset

from .enums import Method


def default_mask(value: str) -> str:
    return value[:1] + "****" if value else ""


def methods_for(column: Column) -> list[str]:
    """The methods a column may take: ``year`` only for a date."""
    return [m for m in Method.values if m != Method.YEAR or column.kind == DATE]


def exported_columns(dataset: Dataset, profile: Mapping[str, str]) -> list[tuple[Column, str]]:
    """(column, method) of every column that leaves HIQC, in the dataset's order."""
    return [(c, profile[c.code]) for c in dataset.columns
            if profile.get(c.code, Method.DROP) != Method.DROP]  # fmt: skip


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def apply(column: Column, method: str, value: Any, *, salt: str) -> str:
    """One value as it leaves HIQC under ``method``."""
    text = _text(value)
    if not text or method == Method.KEEP:
        return text
    if method == Method.MASK:
        return (column.mask or default_mask)(text)
    if method == Method.HASH:
        return keyed_hash(text, context=f"share:{salt}:{column.code}")[:24]
    if method == Method.YEAR:
        return text[:4]
    raise ValueError(f"method {method!r} exports nothing")


def masked_rows(dataset: Dataset, profile: Mapping[str, str], rows: Iterable[Mapping[str, Any]],
                *, salt: str) -> list[list[str]]:  # fmt: skip
    cols = exported_columns(dataset, profile)
    return [[apply(c, m, row.get(c.code), salt=salt) for c, m in cols] for row in rows]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens it as UTF-8), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
