"""Pure parts of the bulk path: the COPY rendering, the time-ordered keys, encodings."""

from __future__ import annotations

import codecs
import uuid
from datetime import UTC, datetime

import pytest

from hiqc.callcentre.ingest import (
    CallChecker,
    CleanCall,
    FileProblem,
    Rejection,
    UnitRef,
    read_rows,
)
from hiqc.callcentre.services import _copy_text, _Ids

UNIT = UnitRef(uuid.UUID(int=7), "0001/")


def test_copy_text_escapes_tabs_backslashes_and_newlines_and_writes_nulls():
    call = CleanCall(
        "a\tb\\c",
        "complaint",
        UNIT.id,
        datetime(2026, 3, 2, 1, tzinfo=UTC),
        None,
        None,
        "x\ny",
        True,
        False,
        None,
        None,
        1,
    )
    line = _copy_text([call])
    assert line.endswith("\n") and line.count("\n") == 1
    fields = line[:-1].split("\t")
    assert fields[0] == "a\\tb\\\\c" and fields[6] == "x\\ny"
    assert fields[4] == fields[5] == fields[9] == fields[10] == "\\N"
    assert (fields[7], fields[8]) == ("t", "f")


def test_keys_of_one_import_are_valid_uuid7s_counting_up():
    ids = _Ids.start()
    first = ids.take(3)
    keys = [uuid.UUID(ids.hex(first + i)) for i in range(3)]
    assert all(k.version == 7 and k.variant == uuid.RFC_4122 for k in keys)
    assert keys == sorted(keys) and len(set(keys)) == 3
    assert _Ids.start().prefix != ids.prefix


def test_a_gb18030_file_from_excel_is_read_and_a_row_of_bad_bytes_is_rejected_by_line():
    text = "call_id,queue,org_unit,offered_at,ended_at\nK1,投诉,C1,2026-03-02 09:00:00,\n"
    [(_line, first)] = list(read_rows([text.encode("gb18030")], "csv"))
    assert not isinstance(first, Rejection) and first["queue"] == "投诉"
    checker = CallChecker({"C1": UNIT}, may_import=lambda p: True, now=datetime.now(UTC))
    bad = b"call_id,queue,org_unit,offered_at\nK\xff\xfe2,other,C1,2026-03-02 09:00:00\n"
    [(line, row)] = list(read_rows([bad], "csv"))
    assert not isinstance(row, Rejection)
    result = checker.check(line, row)
    assert isinstance(result, Rejection) and (result.line, result.field) == (2, "call_id")


def test_blank_lines_are_skipped_and_a_short_row_is_named():
    body = b"call_id,queue,org_unit,offered_at\n\nK1,other\n"
    [(line, row)] = list(read_rows([body], "csv"))
    assert line == 3 and isinstance(row, Rejection)


def test_a_utf16_file_with_a_bom_is_read_even_tab_separated():
    """Excel's "Unicode text" is UTF-16 with a BOM and tabs (issue 14 §7: it was refused with a
    misleading "表头缺少列")."""
    text = "call_id\tqueue\torg_unit\toffered_at\nK1\t投诉\tC1\t2026-03-02 09:00:00\n"
    [(line, row)] = list(read_rows([codecs.BOM_UTF16_LE + text.encode("utf-16-le")], "csv"))
    assert line == 2 and not isinstance(row, Rejection) and row["queue"] == "投诉"


def test_a_utf16_file_without_a_bom_is_refused_as_an_encoding_not_as_missing_columns():
    text = "call_id,queue,org_unit,offered_at\nK1,投诉,C1,2026-03-02 09:00:00\n"
    with pytest.raises(FileProblem) as refused:
        list(read_rows([text.encode("utf-16-le")], "csv"))
    assert "UTF-16" in str(refused.value) and "表头缺少列" not in str(refused.value)
