"""Builders of real and hostile upload fixtures (issue 14 §7), made in the test rather than
committed as binaries: a minimal PDF whose objects a test can choose, and small JPEG / PNG images
drawn with Pillow."""

from __future__ import annotations

import io
import zlib

from PIL import Image

DRAWING = b"0 0 m 100 100 l S"  # one line: a valid content stream


def pdf(
    content: bytes = DRAWING,
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    objects: tuple[bytes, ...] = (),
    compress: bool = False,
    stream_extra: bytes = b"",
    header: bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    pad_to: int = 0,
) -> bytes:
    """A one-page PDF with a correct cross-reference table. ``catalog`` / ``page`` add entries to
    those dictionaries, ``stream_extra`` to the content stream's; ``objects`` are numbered from 5
    on; ``pad_to`` pads the content stream
    with spaces (valid content) so that the file has exactly that many bytes."""
    if compress:
        stream = b"<< /Length %d /Filter /FlateDecode >>" % len(zlib.compress(content))
        body = zlib.compress(content)
    else:
        stream, body = b"<< /Length %d %s>>" % (len(content), stream_extra), content

    def build(body: bytes, stream: bytes) -> bytes:
        parts = [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R " + page + b">>",
            stream + b"\nstream\n" + body + b"\nendstream",
            *objects,
        ]
        out, offsets = header, []
        for number, part in enumerate(parts, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + part + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(parts) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(parts) + 1,
            xref,
        )
        return out

    out = build(body, stream)
    if pad_to and not compress:
        for _ in range(3):  # the /Length digits may grow with the padding
            body = content + b" " * (pad_to - len(out) + len(body) - len(content))
            out = build(body, b"<< /Length %d >>" % len(body))
        assert len(out) == pad_to
    return out


def jpeg(size: tuple[int, int] = (64, 48), color: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png(size: tuple[int, int] = (64, 48), color: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
