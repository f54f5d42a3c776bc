"""Checking an uploaded document by its content (issue 14 §7): JPEG, PNG or PDF, parsed whole.

Signature bytes only say what a file claims to be: ``%PDF-`` followed by HTML and a script is a
PDF to a signature check and a web page to a browser. ``inspect_document`` therefore:

1. reads the type from the first bytes, at offset 0 and nowhere else (no leading bytes before
   ``%PDF-``, which some readers tolerate and polyglots rely on);
2. refuses markup an HTML parser would run, anywhere in the file (``MARKUP``: ``<script``,
   ``<html``, ``<!doctype``, ``<iframe``, ``<svg onload=``…, ``javascript:``); the patterns are
   long enough that compressed image or PDF data does not match them by chance;
3. parses the whole file with a real parser:

   * PDF with pypdf: the cross-reference table and **every** object (object streams included)
     are read, every stream that is not an image is decoded (the total is capped: a small file
     cannot inflate to gigabytes), it must have at least one page, nothing but white space may
     follow the last ``%%EOF``, and it must not be encrypted (what cannot be read cannot be
     checked, and the handler could not open it). Active content is refused: JavaScript (a
     ``/JS`` entry, a ``/JavaScript`` name tree or action), ``/Launch``, ``/SubmitForm``,
     ``/ImportData`` and ``/RichMediaExecute`` actions, XFA forms, embedded files, and links whose
     address is not http(s) or mailto. ``/OpenAction`` itself is allowed (it usually just opens a
     page at a zoom); it is refused when it runs one of those actions. A claimant whose PDF is
     refused for any of these can "print to PDF", which keeps the pages and drops the rest;
   * JPEG and PNG with Pillow: the image is identified as the type its signature claims,
     verified and then decoded in full (a JPEG at 1/8 scale: every byte of the compressed data
     is still decoded, in a sixty-fourth of the memory); more than ``MAX_PIXELS`` pixels is
     refused. Nothing but white space may follow a PNG's ``IEND`` chunk. Data after a JPEG's end
     is tolerated (phones append motion-photo videos and gain maps there) but is covered by 2.

The stored content type and extension come from this check, never from the client.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


JPEG = FileKind("image/jpeg", "jpg", "JPEG")
PNG = FileKind("image/png", "png", "PNG")
PDF = FileKind("application/pdf", "pdf", "PDF")
SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"%PDF-", PDF),
)
PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
LEADING_WINDOW = 1024  # how far readers look for "%PDF-" (used only to explain a refusal)
# Markup that runs script or loads content when the bytes are read as HTML. Short tags (svg, img…)
# count only with an event-handler attribute, so that compressed data cannot match by chance.
MARKUP = re.compile(
    rb"<!doctype|<\?php|javascript:|vbscript:"
    rb"|<(?:script|iframe|frameset|object|embed|applet|html|head|body|meta|link|style|form|base"
    rb"|math|template)[\s/>]"
    rb"|<[a-z][a-z0-9-]*[\s/][^<>]{0,256}?\bon[a-z]{3,}\s*=",
    re.IGNORECASE,
)
WHITESPACE = b" \t\r\n\f\x00"
MAX_PIXELS = 90_000_000  # a 200-megapixel phone photo is over the size limit anyway
MAX_PDF_OBJECTS = 200_000
MAX_PDF_DECODED_BYTES = 256 * 1024 * 1024  # all decoded streams of one file together
ACTIONS_REFUSED = {
    "/JavaScript": _lazy("JavaScript 脚本"),
    "/Launch": _lazy("启动外部程序（Launch）"),
    "/SubmitForm": _lazy("提交表单（SubmitForm）"),
    "/ImportData": _lazy("导入数据（ImportData）"),
    "/RichMediaExecute": _lazy("多媒体脚本（RichMediaExecute）"),
}
GENERAL_FILTERS = frozenset(
    {"/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCIIHexDecode", "/AHx", "/ASCII85Decode",
     "/A85", "/RunLengthDecode", "/RL"}
)  # fmt: skip
SAFE_URI = re.compile(r"^\s*(?:https?:|mailto:|#)", re.IGNORECASE)
REUPLOAD_PDF = _lazy("请用“打印为 PDF”或扫描重新生成文件后上传。")
REUPLOAD_IMAGE = _lazy("请重新拍照或导出图片后上传。")


class FileRefused(ValueError):
    """The upload is refused; ``message`` says what is wrong and where (for the claimant)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def sniff(head: bytes) -> FileKind | None:
    """The kind from the first bytes (at offset 0 only), or None for anything else."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def inspect_document(data: bytes) -> FileKind:
    """The kind of an uploaded JPEG, PNG or PDF after the checks above, or ``FileRefused``."""
    kind = sniff(data[:16])
    if kind is None:
        start = data.find(b"%PDF-", 0, LEADING_WINDOW)
        if start > 0:
            raise FileRefused(
                _("文件开头（“%PDF-”之前）有 {n} 字节的其他数据，不是规范的 PDF。").format(n=start)
                + str(REUPLOAD_PDF),
                code="file_polyglot",
            )
        raise FileRefused(_("文件内容不是 JPEG、PNG 图片或 PDF 文件。"), code="file_type")
    found = MARKUP.search(data)
    if found is not None:
        marker = re.sub(r"[^\x20-\x7e]", "?", found.group(0)[:20].decode("ascii", "replace"))
        raise FileRefused(
            _(
                "文件中含有网页代码（第 {offset} 字节处的“{marker}”），不是单纯的 {kind} 文件。"
            ).format(offset=found.start(), marker=marker, kind=kind.label)
            + str(REUPLOAD_PDF if kind is PDF else REUPLOAD_IMAGE),
            code="file_polyglot",
        )
    if kind is PDF:
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return kind


# --- images ---------------------------------------------------------------------------------------


def _damaged_image(kind: FileKind) -> FileRefused:
    return FileRefused(
        _("{kind} 图片无法完整解码：文件已损坏、不完整或不是真正的 {kind} 图片。").format(
            kind=kind.label
        )
        + str(REUPLOAD_IMAGE),
        code="file_damaged",
    )


def _check_image(data: bytes, kind: FileKind) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=[kind.label]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise FileRefused(
                    _("图片像素过多（{w}×{h}），请缩小后上传。").format(w=width, h=height),
                    code="file_too_large",
                )
            image.verify()  # structure and checksums (PNG chunk CRCs)
        with Image.open(io.BytesIO(data), formats=[kind.label]) as image:
            if kind is JPEG:  # every scan is still decoded, at an eighth of the size
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except FileRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise FileRefused(_("图片像素过多，请缩小后上传。"), code="file_too_large") from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        logger.info("image upload refused: %s", type(exc).__name__)
        raise _damaged_image(kind) from exc
    if kind is PNG:
        end = _png_end(data)
        if end is None:
            raise _damaged_image(kind)
        _check_trailing(data, end, what="IEND", kind=kind)


def _png_end(data: bytes) -> int | None:
    """The offset just past the IEND chunk, or None when the chunks do not lead to one."""
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos if pos <= len(data) else None
    return None


def _check_trailing(data: bytes, end: int, *, what: str, kind: FileKind) -> None:
    extra = data[end:].strip(WHITESPACE)
    if extra:
        raise FileRefused(
            _(
                "{kind} 文件的结束标记（{what}，第 {offset} 字节）之后还有 {n} 字节的其他数据。"
            ).format(kind=kind.label, what=what, offset=end, n=len(extra))
            + str(REUPLOAD_PDF if kind is PDF else REUPLOAD_IMAGE),
            code="file_polyglot",
        )


# --- PDF ------------------------------------------------------------------------------------------


def _damaged_pdf(where: str = "") -> FileRefused:
    detail = _("（{where}）").format(where=where) if where else ""
    return FileRefused(
        _("PDF 文件无法完整读取{detail}：文件已损坏、不完整或不是真正的 PDF。").format(
            detail=detail
        )
        + str(REUPLOAD_PDF),
        code="file_damaged",
    )


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not PDF_HEADER.match(data):
        raise _damaged_pdf(_("文件头不是“%PDF-版本号”"))
    eof = data.rfind(b"%%EOF")
    if eof < 0:
        raise _damaged_pdf(_("缺少结束标记 %%EOF"))
    _check_trailing(data, eof + len(b"%%EOF"), what="%%EOF", kind=PDF)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused(
                _("PDF 文件已加密或设有密码，无法检查其内容，理赔人员也无法打开。")
                + _("请上传未加密的文件。"),
                code="file_encrypted",
            )
        pages = len(reader.pages)
        if pages == 0:
            raise _damaged_pdf(_("没有页面"))
        _check_pdf_objects(reader)
    except FileRefused:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError) as exc:  # fmt: skip
        logger.info("PDF upload refused: %s", type(exc).__name__)
        raise _damaged_pdf() from exc


def _object_ids(reader: Any) -> Iterator[tuple[int, int]]:
    for generation, ids in reader.xref.items():
        for idnum in ids:
            yield idnum, generation
    for idnum in reader.xref_objStm:
        yield idnum, 0


def _check_pdf_objects(reader: Any) -> None:
    """Read every object of the file; refuse active content; decode every non-image stream."""
    from pypdf.generic import IndirectObject, StreamObject

    budget = MAX_PDF_DECODED_BYTES
    seen: set[tuple[int, int]] = set()
    for idnum, generation in _object_ids(reader):
        if (idnum, generation) in seen or idnum == 0:
            continue
        seen.add((idnum, generation))
        if len(seen) > MAX_PDF_OBJECTS:
            raise _damaged_pdf(_("对象超过 {n} 个").format(n=MAX_PDF_OBJECTS))
        obj = reader.get_object(IndirectObject(idnum, generation, reader))
        if obj is None:
            continue
        where = _("对象 {id}").format(id=idnum)
        _check_active(obj, where, depth=0)
        if isinstance(obj, StreamObject) and _decodable(obj):
            budget -= _decoded_size(obj, idnum, budget)
    _check_active(reader.trailer, _("文件尾"), depth=0)


def _decoded_size(stream: Any, idnum: int, budget: int) -> int:
    """Decode one stream (the budget caps the output); refuse it when it does not decode.
    Deflate is inflated here, strictly (pypdf would try to recover a corrupt one byte by byte);
    the other general-purpose filters are left to pypdf."""
    filters = _filters(stream)
    try:
        if filters[:1] in (["/FlateDecode"], ["/Fl"]):
            inflater = zlib.decompressobj()
            size = len(inflater.decompress(getattr(stream, "_data", b""), max(budget, 1)))
            too_large = bool(inflater.unconsumed_tail)
        else:
            size = len(stream.get_data())
            too_large = size > budget
    except Exception as exc:  # any decoding failure: the stream is damaged
        logger.info("PDF stream refused: %s", type(exc).__name__)
        raise _damaged_pdf(_("对象 {id} 的数据流无法解码").format(id=idnum)) from exc
    if too_large:
        raise _damaged_pdf(_("解压后的内容超过 {n} MB").format(n=MAX_PDF_DECODED_BYTES >> 20))
    return size


def _filters(stream: Any) -> list[Any]:
    filters = _resolved(stream.get("/Filter"))
    if filters is None:
        return []
    return [filters] if isinstance(filters, str) else [_resolved(f) for f in filters]


def _resolved(value: Any) -> Any:
    from pypdf.generic import IndirectObject

    return value.get_object() if isinstance(value, IndirectObject) else value


def _text(value: Any) -> str:
    value = _resolved(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value) if value is not None else ""


def _decodable(stream: Any) -> bool:
    """A stream whose filters are all general-purpose (images keep their own codecs: JPEG data
    is not decoded here, it is only read)."""
    if _resolved(stream.get("/Subtype")) == "/Image":
        return False
    return all(name in GENERAL_FILTERS for name in _filters(stream))


def _check_active(obj: Any, where: str, *, depth: int) -> None:
    """Refuse active content in one object and the direct objects inside it (indirect ones are
    visited on their own)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if depth > 64:
        raise _damaged_pdf(_("{where}嵌套过深").format(where=where))
    if isinstance(obj, DictionaryObject):
        what = None
        action = _resolved(obj.get("/S"))
        if "/JS" in obj or "/JavaScript" in obj:
            what = ACTIONS_REFUSED["/JavaScript"]
        elif isinstance(action, str) and action in ACTIONS_REFUSED:
            what = ACTIONS_REFUSED[action]
        elif "/XFA" in obj:
            what = _lazy("XFA 动态表单")
        elif _resolved(obj.get("/Type")) == "/EmbeddedFile" or "/EmbeddedFiles" in obj:
            what = _lazy("内嵌附件")
        elif action == "/URI" and not SAFE_URI.match(_text(obj.get("/URI"))):
            what = _lazy("非网页链接")
        if what is not None:
            raise FileRefused(
                _("PDF 含有不允许的可执行内容：{what}（{where}）。").format(what=what, where=where)
                + str(REUPLOAD_PDF),
                code="file_active_content",
            )
        for value in obj.values():
            if not isinstance(value, IndirectObject):
                _check_active(value, where, depth=depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            if not isinstance(value, IndirectObject):
                _check_active(value, where, depth=depth + 1)
