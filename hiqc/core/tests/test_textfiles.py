"""Encodings of uploaded text files (issue 14 §7): a UTF-16 CSV was decoded as GB18030 garbage
and refused with a misleading "表头缺少列". A byte-order mark now decides; what no import reads is
refused saying what the file is."""

from __future__ import annotations

import codecs
import io

import pytest

from hiqc.core.textfiles import (
    UnreadableText,
    csv_reader,
    text_decode,
    text_encoding,
    text_stream,
)

TEXT = "call_id,queue,org_unit\r\nK1,投诉,C1\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode(), "utf-8-sig"),
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32"),
        (codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "utf-32"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom"],
)
def test_each_supported_encoding_reads_back_the_same_text(data, encoding):
    assert text_encoding(data) == encoding
    assert text_stream([data], None).read() == TEXT
    assert text_decode(data) == TEXT


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (TEXT.encode("utf-16-le"), "不带 BOM 的 UTF-16"),
        (TEXT.encode("utf-16-be"), "不带 BOM 的 UTF-16"),
        (TEXT.encode("utf-32-le"), "UTF-32"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "Excel 工作簿（.xlsx）"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "旧版 Excel 工作簿（.xls）"),
    ],
    ids=["utf16le-no-bom", "utf16be-no-bom", "utf32-no-bom", "xlsx", "xls"],
)
def test_what_no_import_reads_is_refused_saying_what_it_is_and_how_to_save_it(data, said):
    with pytest.raises(UnreadableText) as refused:
        text_stream(io.BytesIO(data), None)
    message = str(refused.value)
    assert said in message and "CSV UTF-8" in message and "表头" not in message
    with pytest.raises(UnreadableText):
        text_decode(data)


def test_a_nul_after_the_first_megabyte_becomes_a_replacement_character():
    """PostgreSQL stores no NUL in text: the row holding one is checked as undecodable."""
    body = b"a,b\n" + b"1,2\n" * 300_000 + b"x\x00y,2\n"
    assert len(body) > 1 << 20
    lines = list(text_stream([body], None))
    assert lines[-1] == "x\ufffdy,2\n" and not any("\x00" in line for line in lines)


def test_a_tab_separated_header_without_commas_reads_as_tab_separated():
    """Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated."""
    data = codecs.BOM_UTF16_LE + "call_id\tqueue\nK1\t投诉, 复核\n".encode("utf-16-le")
    rows = list(csv_reader(text_stream([data], None)))
    assert rows == [["call_id", "queue"], ["K1", "投诉, 复核"]]
    assert list(csv_reader(iter(["a,b\tc\n", "1,2\n"]))) == [["a", "b\tc"], ["1", "2"]]
    assert list(csv_reader(iter([]))) == []
