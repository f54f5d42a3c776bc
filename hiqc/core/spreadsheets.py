"""Reading tabular uploads — CSV **or** an Excel workbook (.xlsx) — as rows of text cells, for the
imports that accept both (the product catalogue, issue 17 §1).

``xlsx_rows`` reads the first sheet of a workbook in openpyxl's read-only mode (values, not
formulas: the value Excel last computed), its first row being the header. Cells become the text a
person sees: whole numbers without ``.0``, dates as ``2026-03-01``, empty cells as ``""``.
``table_rows`` tells a workbook from a CSV by its first bytes (a workbook is a zip file) and reads
a CSV through ``hiqc.core.textfiles`` (its encodings, comma or tab). Both yield
``(line number, cells)``; the line of a CSV row is where it ends, as the csv module counts, and the
line of a sheet row is its row number in Excel. A CSV row the csv module cannot parse is yielded as
``BadRow`` so the caller reports it by line and reads on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .textfiles import HEAD_BYTES, RawStream, UnreadableText, csv_reader, text_of

ZIP_MAGIC = b"PK\x03\x04"
MAX_WORKBOOK_BYTES = 50 * 1024 * 1024  # a workbook is read whole (a zip is read from its end)


@dataclass(frozen=True)
class BadRow:
    """A CSV row the csv module could not read (the problem in its words)."""

    problem: str


def is_workbook(head: bytes) -> bool:
    """Whether a file beginning with ``head`` is a zip file (an .xlsx workbook, or not a table)."""
    return head.startswith(ZIP_MAGIC)


def cell_text(value: Any) -> str:
    """A cell's value as the text a person sees in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def xlsx_rows(source: Any) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of every non-blank row of the workbook's first sheet, the
    header included. ``source`` is bytes or anything with ``read()``. ``UnreadableText`` when it
    is not a readable .xlsx workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    data = source if isinstance(source, bytes) else source.read(MAX_WORKBOOK_BYTES + 1)
    if len(data) > MAX_WORKBOOK_BYTES:
        raise UnreadableText(_("Excel 工作簿超过 50 MB，请拆分后再上传。"))
    broken = _("无法读取 Excel 工作簿（.xlsx）：文件已损坏，或是其他压缩文件。")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableText(broken) from exc
    except Exception as exc:  # a malformed part of the zip: openpyxl may raise anything
        raise UnreadableText(broken) from exc
    try:
        sheets = workbook.worksheets
        rows = iter(sheets[0].iter_rows(values_only=True)) if sheets else iter(())
        number = 0
        while True:
            try:  # the sheet's XML is parsed lazily, row by row
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise UnreadableText(broken) from exc
            number += 1
            cells = [cell_text(v) for v in values]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                yield number, cells
    finally:
        workbook.close()


def table_rows(
    source: Any, *, on_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str] | BadRow]]:
    """(line, cells) of a CSV or an .xlsx workbook (told apart by its first bytes), header first,
    blank rows skipped. ``UnreadableText`` when it is neither (see ``hiqc.core.textfiles``)."""
    buffered = io.BufferedReader(RawStream(source, on_bytes), buffer_size=HEAD_BYTES)
    if is_workbook(buffered.peek(len(ZIP_MAGIC))[: len(ZIP_MAGIC)]):
        yield from xlsx_rows(buffered)
        return
    reader = csv_reader(text_of(buffered))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, BadRow(str(exc))
            continue
        if row and any(cell.strip() for cell in row):
            yield reader.line_num, row


def table_records(
    source: Any,
    *,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    aliases: dict[str, str],
    reject: Callable[[int, str, str], None],
    max_rows: int,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: text}) for each data row of a CSV or workbook whose header names the
    ``columns`` (in English, or by a Chinese heading in ``aliases``; unknown headings ignored).
    An empty file or a header without the ``required`` columns is a ``ValidationFailed`` on
    ``file``; an unparsable row, rows beyond ``max_rows`` and a file that turns unreadable part
    way are reported through ``reject(line, field, problem)`` and the good rows still come."""
    from .errors import ValidationFailed

    rows = table_rows(source)
    try:
        first = next(rows, None)
    except UnreadableText as exc:
        raise ValidationFailed(str(exc), fields={"file": [str(exc)]}) from exc
    if first is None or isinstance(first[1], BadRow):
        raise ValidationFailed(
            _("文件为空，或首行不是表头。"), fields={"file": [_("首行应为表头。")]}
        )
    header: dict[str, int] = {}
    for i, cell in enumerate(first[1]):
        name = cell.strip().lstrip("\ufeff")
        name = aliases.get(name, aliases.get(name.lower(), name.lower()))
        if name in columns and name not in header:
            header[name] = i
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed(
            _("缺少必需的列：{cols}。").format(cols="、".join(missing)),
            fields={"file": [", ".join(missing)]},
        )
    read = 0
    try:
        for line, cells in rows:
            if read >= max_rows:
                reject(line, "file", _("每个文件最多 {n} 行。").format(n=max_rows))
                return
            read += 1
            if isinstance(cells, BadRow):
                reject(line, "row", cells.problem)
                continue
            yield line, {c: (cells[i].strip() if i < len(cells) else "") for c, i in header.items()}
    except UnreadableText as exc:
        reject(0, "file", str(exc))
