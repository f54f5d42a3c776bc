"""Shareable datasets declared in code: the registry behind data sharing (standard 6.3; PIPL arts.
13, 21, 23, 28–29; PI-1, PI-2; issue 21 §7; ADR 0030).

A domain registers a ``Dataset`` at start-up (``AppConfig.ready``), like an indicator or a
retention policy: its code and name, its ``columns`` — each with the personal-data class of the
inventory (``personaldata.DataClass``) and, for a personal column, how it looks masked —, the
parameters a share names (a quarter, a period) and a producer ``rows(org_path, params)`` yielding
one dict per row (column code → value) for the org unit at ``org_path`` and its subtree.

Whoever shares (the information app) never names a domain: it looks the dataset up here, calls
the producer and applies an agreement's masking profile to every column. The kernel imports no
domain; a producer may read its own domain freely.

``subject_column`` names the row key of the data subject (e.g. the customer's id) the sharing
service checks separate consent against (PIPL art. 29; PI-1); it is never exported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .personaldata import DataClass

TEXT = "text"
NUMBER = "number"
DATE = "date"


@dataclass(frozen=True)
class Column:
    """One column of a dataset: ``data_class`` a ``DataClass`` value; ``mask`` how a personal
    value looks masked (default: the first character then ``****``)."""

    code: str
    label: Any
    data_class: str = DataClass.INTERNAL
    kind: str = TEXT
    mask: Callable[[str], str] | None = None

    @property
    def personal(self) -> bool:
        return self.data_class in (DataClass.PERSONAL, DataClass.SENSITIVE)

    @property
    def sensitive(self) -> bool:
        return self.data_class == DataClass.SENSITIVE


@dataclass(frozen=True)
class Param:
    """A parameter of a share (e.g. ``period`` = "2026Q3"): ``parse`` raises ``ValueError`` on
    a bad value; ``default(today)`` is what the form proposes."""

    name: str
    label: Any
    parse: Callable[[str], Any]
    default: Callable[[date], str]
    help: Any = ""


@dataclass(frozen=True)
class Dataset:
    code: str
    name: Any
    owner: str  # the app label of the domain that produces it (the data owner)
    columns: tuple[Column, ...]
    rows: Callable[[str, Mapping[str, Any]], Iterable[Mapping[str, Any]]]
    params: tuple[Param, ...] = ()
    subject_column: str = ""  # the data subject's key in a row (never exported)
    description: Any = ""
    clauses: tuple[str, ...] = field(default_factory=tuple)

    def column(self, code: str) -> Column | None:
        return next((c for c in self.columns if c.code == code), None)

    @property
    def personal(self) -> bool:
        return any(c.personal for c in self.columns)


REGISTRY: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> None:
    codes = [c.code for c in dataset.columns]
    if len(set(codes)) != len(codes):
        raise ValueError(f"dataset {dataset.code!r} declares a column twice")
    if dataset.subject_column and dataset.subject_column in codes:
        raise ValueError(f"dataset {dataset.code!r}: the subject key is never a column")
    existing = REGISTRY.get(dataset.code)
    if existing is not None and existing != dataset:
        raise ValueError(f"dataset {dataset.code!r} registered twice")
    REGISTRY[dataset.code] = dataset


def datasets() -> list[Dataset]:
    return sorted(REGISTRY.values(), key=lambda d: d.code)


def dataset_get(code: str) -> Dataset | None:
    return REGISTRY.get(code)


def parse_params(dataset: Dataset, raw: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """(the parameters as text, the errors by name) for the inputs ``raw``."""
    clean: dict[str, str] = {}
    errors: dict[str, Any] = {}
    for p in dataset.params:
        text = str(raw.get(p.name) or "").strip()[:40]
        try:
            p.parse(text)
        except ValueError:
            errors[p.name] = p.help or p.label
            continue
        clean[p.name] = text
    return clean, errors
