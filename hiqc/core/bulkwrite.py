"""Bulk inserts for backfills and demo data: COPY on PostgreSQL, executemany on SQLite.

Rows are tuples in an explicit column order. Each table gets one generated function that turns a
batch of rows into what Django would store — COPY text on PostgreSQL, parameter tuples on SQLite —
with one inline expression per column chosen from the field's type: a per-value converter call
(or ``bulk_create``'s per-value preparation) cost more than the work that produced the rows
(27 million values for 100,000 imported claims; ADR 0012).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction

from .pagecache import data_changed

_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_SPECIAL)
    return value


_EMPTY_JSON: dict[type, str] = {list: "[]", dict: "{}"}
_dumps = json.JSONEncoder(ensure_ascii=False).encode


def _json_pg(v: Any) -> str:
    if not v:
        return _EMPTY_JSON.get(type(v)) or _text(_dumps(v))
    return _text(_dumps(v))


def _utc_naive(moment: datetime) -> str:
    # Django's own SQLite representation of an aware datetime: naive UTC, str()
    return str(moment.astimezone(UTC).replace(tzinfo=None))


_NUMBERS = ("FloatField", "DecimalField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
            "IntegerField", "SmallIntegerField")  # fmt: skip


def _expression(f: Any, v: str, postgres: bool, encrypted: bool) -> str:
    """Python source turning the value named ``v`` of field ``f`` into its stored form."""
    kind = f.target_field.get_internal_type() if f.is_relation else f.get_internal_type()
    if encrypted:
        stored = f"prep_{v}({v})"
        return f"_text({stored})" if postgres else stored
    if postgres:
        e = {"DateTimeField": f"{v}.isoformat()", "DateField": f"{v}.isoformat()",
             "BooleanField": f"('t' if {v} else 'f')", "JSONField": f"_json_pg({v})",
             "UUIDField": f"str({v})"}.get(kind) or (f"str({v})" if kind in _NUMBERS
                                                     else f"_text({v})")  # fmt: skip
        return f"(N if {v} is None else {e})" if f.null else e
    e = {"DateTimeField": f"_utc_naive({v})", "DateField": f"{v}.isoformat()",
         "BooleanField": f"int({v})", "JSONField": f"json.dumps({v})", "UUIDField": f"{v}.hex",
         "DecimalField": f"str({v})"}.get(kind, v)  # fmt: skip
    return f"(None if {v} is None else {e})" if f.null and e != v else e


@functools.cache
def _renderer(model: Any, attnames: tuple[str, ...], postgres: bool) -> Callable[[list], Any]:
    from hiqc.core.crypto import EncryptedTextField

    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = [f"v{i}" for i in range(len(attnames))]
    namespace: dict[str, Any] = {"N": "\\N", "_text": _text, "_json_pg": _json_pg,
                                 "_utc_naive": _utc_naive, "json": json}  # fmt: skip
    parts = []
    for name, attname in zip(names, attnames, strict=True):
        f = fields[attname]
        encrypted = isinstance(f, EncryptedTextField)
        if encrypted:
            namespace[f"prep_{name}"] = f.get_prep_value
        parts.append(_expression(f, name, postgres, encrypted))
    row = ("f\"" + "\\t".join("{" + p + "}" for p in parts) + "\\n\"") if postgres \
        else "(" + ", ".join(parts) + ",)"  # fmt: skip
    source = (f"def render(rows):\n"
              f"    return [{row} for ({', '.join(names)},) in rows]\n")  # fmt: skip
    exec(compile(source, f"<bulk rows of {model._meta.db_table}>", "exec"), namespace)  # noqa: S102
    render = namespace["render"]
    if postgres:
        return lambda rows: "".join(render(rows))
    return render


def model_columns(model: Any) -> tuple[str, ...]:
    """The attnames a bulk write fills: every concrete field but an auto-increment key."""
    return tuple(f.attname for f in model._meta.concrete_fields
                 if f.get_internal_type() != "BigAutoField")  # fmt: skip


class Table:
    """One table's rows, as tuples of Python values in ``attnames`` order."""

    def __init__(self, model: Any, attnames: tuple[str, ...] | None = None) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.model = model
        self.attnames = attnames = attnames or model_columns(model)
        if sorted(attnames) != sorted(model_columns(model)):
            raise AssertionError(f"bulk columns of {model.__name__} differ from the model: "
                                 f"{sorted(set(model_columns(model)) ^ set(attnames))}")  # fmt: skip
        self.name = model._meta.db_table
        self.columns = [fields[a].column for a in attnames]
        self.rows: list[tuple[Any, ...]] = []

    def add_dicts(self, rows: list[dict[str, Any]]) -> None:
        names = self.attnames
        self.rows.extend(tuple(row[n] for n in names) for row in rows)

    def render(self, postgres: bool) -> Any:
        return _renderer(self.model, self.attnames, postgres)(self.rows)


Payload = tuple[str, list[str], Any]


def rendered(tables: list[Table], postgres: bool) -> list[Payload]:
    """(table, columns, COPY text or parameter tuples) for every table with rows."""
    return [(t.name, t.columns, t.render(postgres)) for t in tables if t.rows]


def store(payloads: list[Payload], postgres: bool) -> None:
    """Insert the rendered rows in one transaction: COPY on PostgreSQL, executemany on SQLite."""
    with transaction.atomic(), connection.cursor() as cursor:
        data_changed()  # COPY on the driver's cursor passes no execute wrapper
        for name, columns, data in payloads:
            cols = ", ".join(f'"{c}"' for c in columns)
            if postgres:
                raw: Any = cursor.cursor  # the psycopg 3 cursor
                with raw.copy(f'COPY "{name}" ({cols}) FROM STDIN') as copy:
                    copy.write(data)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', data)  # noqa: S608
