"""Uploaded documents are parsed whole; polyglots, damaged files and active content are refused
with a message that says what and where (issue 14 §7). Every fixture is built here."""

from __future__ import annotations

import io
import os
import zlib

import pytest
from PIL import Image

from hiqc.core.filecheck import JPEG, MARKUP, PDF, PNG, FileRefused, inspect_document
from hiqc.core.tests.hostile import SCRIPT, jpeg, pdf, png


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (pdf(), PDF),
        (pdf(compress=True), PDF),
        (pdf(catalog=b"/OpenAction [3 0 R /Fit] "), PDF),  # opens at a zoom: no action run
        (
            pdf(
                page=b"/Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI "
                b"/URI (https://example.com/) >> >>] "
            ),
            PDF,
        ),
        (pdf() + b"\r\n\x00\x00", PDF),  # white space after %%EOF
        (jpeg(), JPEG),
        (jpeg() + b"\x00\x00\x00\x18ftypmp42", JPEG),  # a motion photo's video after the image
        (png(), PNG),
    ],
    ids=[
        "pdf",
        "pdf-deflate",
        "open-action-view",
        "https-link",
        "pdf-eof-padding",
        "jpeg",
        "jpeg-motion-photo",
        "png",
    ],
)
def test_real_documents_are_accepted_with_the_type_read_from_their_content(data, kind):
    assert inspect_document(data) is kind


@pytest.mark.parametrize(
    ("data", "code", "said"),
    [
        # the finding: "%PDF-" followed by HTML and a script was stored as application/pdf
        (b"%PDF-1.4\n" + SCRIPT, "file_polyglot", "第 9 字节处的“<html>”"),
        (pdf() + SCRIPT, "file_polyglot", "网页代码"),
        (pdf(header=b"%PDF-1.7\n%<script>alert(1)</script>\n"), "file_polyglot", "<script>"),
        (b"<!-- -->\n" + pdf(), "file_polyglot", "“%PDF-”之前）有 9 字节"),
        (pdf() + b"PK\x03\x04" + b"\x00" * 30, "file_polyglot", "%%EOF"),
        (jpeg() + SCRIPT, "file_polyglot", "不是单纯的 JPEG 文件"),
        (jpeg() + b"<svg onload=alert(1)>", "file_polyglot", "<svg onload="),
        (png() + b'<img src=x onerror="alert(1)">', "file_polyglot", "<img src=x onerror="),
        (png() + b"trailing", "file_polyglot", "IEND"),
        (b"%PDF-1.4\n" + b"0" * 1000, "file_damaged", "%%EOF"),
        (pdf()[:300] + b"\n%%EOF\n", "file_damaged", "PDF 文件无法完整读取"),
        (
            pdf(b"x" * 40, stream_extra=b"/Filter /FlateDecode "),
            "file_damaged",
            "对象 4 的数据流无法解码",
        ),
        (jpeg()[:400], "file_damaged", "JPEG 图片无法完整解码"),
        (png()[:60], "file_damaged", "PNG 图片无法完整解码"),
        (b"\xff\xd8\xff" + b"<p>not an image</p>" * 4, "file_damaged", "JPEG"),
        (b"MZ\x90\x00" + b"\x00" * 60, "file_type", "不是 JPEG、PNG 图片或 PDF"),
        (b"", "file_type", "不是 JPEG、PNG 图片或 PDF"),
    ],
    ids=[
        "pdf-magic-then-html",
        "html-after-eof",
        "script-in-comment",
        "bytes-before-header",
        "zip-after-eof",
        "jpeg-then-html",
        "svg-onload",
        "img-onerror",
        "png-after-iend",
        "magic-only",
        "truncated",
        "corrupt-deflate",
        "jpeg-truncated",
        "png-truncated",
        "jpeg-magic-only",
        "exe",
        "empty",
    ],
)
def test_hostile_or_damaged_files_are_refused_saying_what_and_where(data, code, said):
    with pytest.raises(FileRefused) as refused:
        inspect_document(data)
    assert refused.value.code == code
    assert said in refused.value.message


@pytest.mark.parametrize(
    ("pdf_bytes", "what"),
    [
        (pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "), "JavaScript"),
        (
            pdf(
                catalog=b"/OpenAction 5 0 R ", objects=(b"<< /S /JavaScript /JS (app.alert(1)) >>",)
            ),
            "对象 5",
        ),
        (
            pdf(
                catalog=b"/Names << /JavaScript 5 0 R >> ",
                objects=(
                    b"<< /Names [(a) 6 0 R] >>",
                    b"<< /S /JavaScript /JS 7 0 R >>",
                    b"<< /Length 11 >>\nstream\napp.alert()\nendstream",
                ),
            ),
            "JavaScript",
        ),
        (pdf(page=b"/AA << /O << /S /Launch /F (cmd.exe) >> >> "), "Launch"),
        (
            pdf(
                page=b"/Annots [<< /Subtype /Widget /Rect [0 0 9 9] /A << /S /SubmitForm "
                b"/F (https://x.example/) >> >>] "
            ),
            "SubmitForm",
        ),
        (
            pdf(
                catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >> ",
                objects=(b"<< /Length 0 >>\nstream\n\nendstream",),
            ),
            "XFA",
        ),
        (
            pdf(
                catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >> ",
                objects=(b"<< /Type /Filespec /F (a.exe) >>",),
            ),
            "内嵌附件",
        ),
        (
            pdf(
                page=b"/Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI "
                b"/URI (file:///C:/Windows/system32/calc.exe) >> >>] "
            ),
            "非网页链接",
        ),
    ],
    ids=[
        "js-open-action",
        "js-indirect",
        "js-name-tree",
        "launch",
        "submit-form",
        "xfa",
        "embedded-file",
        "file-link",
    ],
)
def test_pdfs_with_active_content_are_refused_naming_it(pdf_bytes, what):
    with pytest.raises(FileRefused) as refused:
        inspect_document(pdf_bytes)
    assert refused.value.code == "file_active_content"
    assert what in refused.value.message and "打印为 PDF" in refused.value.message


def test_active_content_hidden_in_a_compressed_object_stream_is_found():
    """PDF 1.5 object streams compress whole objects: the raw bytes show nothing, the parser
    reads every object."""
    inner = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    packed = zlib.compress(b"5 0 " + inner)
    data = pdf(
        catalog=b"/OpenAction 5 0 R ",
        objects=(
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(packed)
            + packed
            + b"\nendstream",
        ),
    )
    # the cross-reference table names object 6 as the stream; point object 5 into it
    data = _with_xref_stream(data)
    assert b"JavaScript" not in data
    with pytest.raises(FileRefused) as refused:
        inspect_document(data)
    assert refused.value.code == "file_active_content"


def _with_xref_stream(data: bytes) -> bytes:
    """Replace the classic table with a cross-reference stream that also lists object 5 as
    entry 0 of object stream 5 (numbered 5 in the file: ``objects`` start at 5)."""
    start = data.index(b"xref\n")
    body = data[:start]
    offsets = []
    for number in range(1, 6):
        offsets.append(body.index(b"\n%d 0 obj\n" % number) + 1)
    # object 5 in the file is the object stream: renumber it 6, and let 5 live inside it
    body = body.replace(b"\n5 0 obj\n", b"\n6 0 obj\n")
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    rows += [b"\x01" + off.to_bytes(4, "big") + b"\x00\x00" for off in offsets[:4]]
    rows.append(b"\x02" + (6).to_bytes(4, "big") + b"\x00\x00")  # object 5: in stream 6, index 0
    rows.append(b"\x01" + offsets[4].to_bytes(4, "big") + b"\x00\x00")  # object 6
    table = b"".join(rows)
    xref_at = len(body)
    xref = (
        b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Index [0 7] /Root 1 0 R /Length %d >>\n"
        b"stream\n" % len(table) + table + b"\nendstream\nendobj\n"
    )
    return body + xref + b"startxref\n%d\n%%%%EOF\n" % xref_at


def test_an_encrypted_pdf_is_refused_as_unreadable():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(FileRefused) as refused:
        inspect_document(buffer.getvalue())
    assert refused.value.code == "file_encrypted" and "加密" in refused.value.message


def test_a_deflate_bomb_is_refused_without_inflating_it_all(monkeypatch):
    from hiqc.core import filecheck

    monkeypatch.setattr(filecheck, "MAX_PDF_DECODED_BYTES", 1024 * 1024)
    with pytest.raises(FileRefused) as refused:
        inspect_document(pdf(b" " * (8 * 1024 * 1024), compress=True))
    assert refused.value.code == "file_damaged" and "解压后的内容超过 1 MB" in refused.value.message


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(monkeypatch):
    from hiqc.core import filecheck

    monkeypatch.setattr(filecheck, "MAX_PIXELS", 100)
    with pytest.raises(FileRefused) as refused:
        inspect_document(png((20, 20)))
    assert refused.value.code == "file_too_large" and "20×20" in refused.value.message


def test_a_photo_and_a_printed_pdf_of_realistic_size_pass():
    noise = Image.effect_noise((1200, 900), 90).convert("RGB")
    photo = io.BytesIO()
    noise.save(photo, "JPEG", quality=92)
    scan = io.BytesIO()
    noise.save(scan, "PDF", save_all=True, append_images=[noise], resolution=150)
    assert inspect_document(photo.getvalue()) is JPEG
    assert inspect_document(scan.getvalue()) is PDF


def test_the_markup_patterns_do_not_match_compressed_data_by_chance():
    """50 MB of random bytes (what JPEG scans and deflate streams look like) match nothing."""
    for _ in range(5):
        assert MARKUP.search(os.urandom(10 * 1024 * 1024)) is None
