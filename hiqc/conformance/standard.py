"""The clause tree as shipped in ``standard_clauses.json`` (issue 22 §1), read without the
database: the coverage walk and the status aggregation need only ids and parents."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "standard_clauses.json"


@cache
def clause_rows() -> tuple[dict, ...]:
    return tuple(json.loads(DATA.read_text("utf-8")))


@cache
def parents() -> dict[str, str | None]:
    return {row["id"]: row["parent"] for row in clause_rows()}


@cache
def children() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {code: [] for code in parents()}
    for code, parent in parents().items():
        if parent is not None:
            out[parent].append(code)
    return {code: tuple(kids) for code, kids in out.items()}


def ancestors(code: str) -> list[str]:
    """The parents of ``code``, nearest first."""
    out = []
    parent = parents().get(code)
    while parent is not None:
        out.append(parent)
        parent = parents().get(parent)
    return out


def descendants(code: str) -> list[str]:
    out: list[str] = []
    for kid in children().get(code, ()):
        out.append(kid)
        out.extend(descendants(kid))
    return out
