"""Reading uploaded text files (imports): any byte source — a file, an upload, a request body or
an iterable of chunks — as decoded text, line by line, with the bytes counted for a progress bar.
Shared by every CSV / JSON-lines import (call records, policies)."""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable
from typing import Any


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


def text_stream(source: Any, on_bytes: Callable[[int], None] | None) -> io.TextIOWrapper:
    """Decoded in C, line by line: UTF-8 (BOM tolerated) unless the first megabyte is not UTF-8,
    then GB18030 (Excel on Chinese Windows). Undecodable bytes become U+FFFD, and a row holding
    one is rejected by the checker."""
    buffered = io.BufferedReader(RawStream(source, on_bytes), buffer_size=1 << 20)
    head = buffered.peek(1 << 20)[: 1 << 20]
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")
