"""The kernel's table reader (issue 17 §1): an .xlsx workbook's first sheet or a CSV, as rows of
the text a person sees, with the line each row stands on."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from hiqc.core.spreadsheets import BadRow, cell_text, table_rows, xlsx_rows
from hiqc.core.textfiles import UnreadableText


def workbook(cells: dict[str, object], *, second_sheet: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    if second_sheet:
        wb.create_sheet("other")["A1"] = "ignored"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_cells_read_as_a_person_sees_them():
    assert cell_text(None) == ""
    assert cell_text(2000000.0) == "2000000"
    assert cell_text(12.5) == "12.5"
    assert cell_text(datetime(2026, 3, 1)) == "2026-03-01"
    assert cell_text(datetime(2026, 3, 1, 9, 30)) == "2026-03-01 09:30:00"
    assert cell_text(date(2026, 3, 1)) == "2026-03-01"
    assert cell_text(Decimal("1.50")) == "1.50"
    assert cell_text(True) == "true"


def test_a_workbook_row_keeps_its_excel_row_number_across_blank_rows():
    # Given a first sheet with a header, a blank row 2 and data in row 3 (and a second sheet)
    data = workbook({"A1": "code", "B1": "name", "A3": "X", "B3": 7}, second_sheet=True)
    # Then the rows are read with their numbers, the blank row left out
    assert list(xlsx_rows(io.BytesIO(data))) == [(1, ["code", "name"]), (3, ["X", "7"])]
    assert list(table_rows(io.BytesIO(data))) == [(1, ["code", "name"]), (3, ["X", "7"])]


def test_a_csv_is_read_through_the_text_rules_and_a_bad_row_is_named():
    text = "code\tname\nX\t国标\n\n".encode("gb18030")
    assert list(table_rows(io.BytesIO(text))) == [(1, ["code", "name"]), (2, ["X", "国标"])]
    rows = list(table_rows(io.BytesIO(b'a,b\n"x\n')))  # an unterminated quote
    assert rows[0] == (1, ["a", "b"])
    assert all(isinstance(r, list | BadRow) for _n, r in rows)


def test_what_is_neither_a_workbook_nor_text_is_refused_by_name():
    with pytest.raises(UnreadableText):
        list(table_rows(io.BytesIO(b"PK\x03\x04garbage")))
    with pytest.raises(UnreadableText):
        list(table_rows(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel")))
