"""Reading uploaded text files (imports): any byte source — a file, an upload, a request body or
an iterable of chunks — as decoded text, line by line, with the bytes counted for a progress bar.
Shared by every CSV / JSON-lines import (call records, policies, the holiday calendar).

Encodings (issue 14 §7): a byte-order mark decides (UTF-8, UTF-16 and UTF-32, either byte
order: Excel's "Unicode text" is UTF-16 with a BOM); without one, UTF-8 unless the first megabyte
is not UTF-8, then GB18030 (Excel on Chinese Windows). What cannot be one of these — NUL bytes
(UTF-16 / UTF-32 without a BOM), an Excel workbook, a zip file — is refused by ``UnreadableText``
with a message that says what the file is and how to save it, never read as garbage whose header
then "lacks columns"."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy


class RawStream(io.RawIOBase):
    """Any byte source as a raw stream: something with ``read(n)`` (a file, an upload, a request)
    or an iterable of byte chunks (a generator, a list of lines). Counts the bytes it hands on."""

    def __init__(self, source: Any, on_bytes: Callable[[int], None] | None) -> None:
        self._read = getattr(source, "read", None)
        self._chunks = None if self._read is not None else iter(source)
        self._pending = b""
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = len(buffer)
        if self._read is not None:
            data = self._read(size)
        else:
            assert self._chunks is not None
            parts, total = [self._pending], len(self._pending)
            while total < size:  # gather small chunks (lines) into one buffer fill
                try:
                    chunk = next(self._chunks)
                except StopIteration:
                    break
                parts.append(chunk)
                total += len(chunk)
            data = b"".join(parts)
            data, self._pending = data[:size], data[size:]
        if not data:
            return 0
        buffer[: len(data)] = data
        if self._on_bytes is not None:
            self._on_bytes(len(data))
        return len(data)


HEAD_BYTES = 1 << 20  # the encoding is decided on the first megabyte
# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one). The "utf-16"
# and "utf-32" codecs read the mark, choose the byte order and drop it; "utf-8-sig" drops its own.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SAVE_AS = _lazy("请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后再上传。")


class UnreadableText(ValueError):
    """The file is not text in an encoding the imports read (the message says what it is)."""


def text_encoding(head: bytes) -> str:
    """The codec for a file that begins with ``head`` (up to its first megabyte), or
    ``UnreadableText`` naming what the file is instead."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    if head.startswith(b"PK\x03\x04"):
        raise UnreadableText(
            _("这是 Excel 工作簿（.xlsx）或压缩文件，不是 CSV 文本。") + str(SAVE_AS)
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableText(_("这是旧版 Excel 工作簿（.xls），不是 CSV 文本。") + str(SAVE_AS))
    if b"\x00" in head:
        raise UnreadableText(
            _(
                "文件含有 NUL 字节，不是支持的文本编码（可能是不带 BOM 的 UTF-16 或 UTF-32）。"
                "支持 UTF-8、GB18030，以及带 BOM 的 UTF-16 / UTF-32。"
            )
            + str(SAVE_AS)
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def text_decode(data: bytes) -> str:
    """A whole (small) file as text, by the same rules as ``text_stream``."""
    return data.decode(text_encoding(data[:HEAD_BYTES]), errors="replace").replace("\x00", "\ufffd")


class _NoNul(io.TextIOWrapper):
    """NUL bytes are refused in the first megabyte; later ones (PostgreSQL stores no NUL in text)
    become U+FFFD, so the row holding one is checked like any other undecodable row."""

    def __next__(self) -> str:  # type: ignore[override]  # typeshed: bytes for any IOBase
        line = super().__next__()
        return line.replace("\x00", "\ufffd") if "\x00" in line else line


def text_stream(source: Any, on_bytes: Callable[[int], None] | None) -> io.TextIOWrapper:
    """Decoded in C, line by line, in the encoding ``text_encoding`` reads from the first
    megabyte (``UnreadableText`` when it is none the imports read). Undecodable bytes become
    U+FFFD, and a row holding one is rejected by the checker."""
    return text_of(io.BufferedReader(RawStream(source, on_bytes), buffer_size=HEAD_BYTES))


def text_of(buffered: Any) -> io.TextIOWrapper:
    """``text_stream`` over a buffered byte stream whose head may already have been peeked at
    (``hiqc.core.spreadsheets`` peeks to tell a workbook from a CSV)."""
    encoding = text_encoding(buffered.peek(HEAD_BYTES)[:HEAD_BYTES])
    return _NoNul(buffered, encoding=encoding, errors="replace", newline="")


def csv_delimiter(header_line: str) -> str:
    """Comma, or tab for a tab-separated header without commas (Excel's "Unicode text")."""
    return "\t" if "\t" in header_line and "," not in header_line else ","


def csv_reader(lines: Iterator[str]) -> Any:
    """``csv.reader`` over decoded lines, comma- or tab-separated as the header line says (line
    numbers count from the header as before)."""
    first = next(lines, None)
    if first is None:
        return csv.reader(())
    return csv.reader(itertools.chain((first,), lines), delimiter=csv_delimiter(first))
