"""Reading and checking a policy file from the policy administration system (pure: no database).

``read_rows`` turns a byte stream (an upload, a request body, a file on disk) of CSV with a header
row into ``(line number, row)`` pairs one line at a time, so memory stays flat. ``PolicyChecker``
turns one row into a ``CheckedPolicy`` or a ``Rejection`` naming the line, the field and the
reason. Customers are resolved afterwards, in batches, by the keyed hash of their ID number
(``services.policies_import``), so the checker never sees the database.

Columns: number, product (product code), org_unit (unit code), holder_id_number,
insured_id_numbers (``;``-separated; empty = the holder), relation (one value for every insured
person, or one per insured person, ``;``-separated; ``self`` for the holder), start_date,
end_date (ISO ``2026-03-01``; ``2026/03/01`` and ``20260301`` also read), premium_yuan, status
(empty = in force). Enum columns take the code or the Chinese label (``有效``, ``配偶`` …).
"""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from hiqc.core.textfiles import UnreadableText, csv_reader, text_stream
from hiqc.customers.masking import masked
from hiqc.customers.selectors import id_number_hash
from hiqc.customers.validation import normalise_id_number

from .enums import PolicyStatus, Relation

COLUMNS = (
    "number",
    "product",
    "org_unit",
    "holder_id_number",
    "insured_id_numbers",
    "relation",
    "start_date",
    "end_date",
    "premium_yuan",
    "status",
)
REQUIRED_COLUMNS = (
    "number",
    "product",
    "org_unit",
    "holder_id_number",
    "start_date",
    "end_date",
    "premium_yuan",
)
MAX_NUMBER_LENGTH = 40  # Policy.number
MAX_ID_LENGTH = 30
MAX_INSURED = 20
MAX_TERM_YEARS = 100
MAX_PREMIUM = Decimal("1e12")
CENT = Decimal("0.01")
_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-/.]*$")
_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@cache
def _choices(enum: Any) -> dict[str, str]:
    """Code or Chinese label (``有效``, ``配偶`` …) → code, whatever the active language."""
    out: dict[str, str] = {}
    with translation.override("zh-hans"):
        for member in enum:
            out[member.value] = member.value
            out[str(member.label)] = member.value
    return out


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    problem: str


@dataclass(frozen=True)
class UnitRef:
    id: uuid.UUID
    path: str


@dataclass(frozen=True)
class Person:
    """An insured person as the file names them: by the keyed hash of the ID number."""

    id_hash: str
    id_masked: str
    relation: str


@dataclass(frozen=True)
class ProductRef:
    """A product as the importer resolves it: its id and its published versions by date in
    force, so a policy gets the version in force on its start date (ADR 0019)."""

    id: uuid.UUID
    versions: tuple[tuple[date, uuid.UUID], ...]  # (effective_from, version id), ascending

    def version_on(self, day: date) -> uuid.UUID | None:
        found = None
        for effective_from, version_id in self.versions:
            if effective_from > day:
                break
            found = version_id
        return found


@dataclass(frozen=True)
class CheckedPolicy:
    line: int
    number: str
    product_id: uuid.UUID
    product_version_id: uuid.UUID
    org_unit_id: uuid.UUID
    holder_hash: str
    holder_masked: str
    insured: tuple[Person, ...]
    start_date: date
    end_date: date
    premium_yuan: Decimal
    status: str


class FileProblem(ValueError):
    """The file as a whole cannot be read (no header, required columns missing)."""


def read_rows(
    source: Any, *, on_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[int, Mapping[str, str] | Rejection]]:
    """(line number, row or Rejection) for every non-blank line after the header. UTF-8 (BOM
    tolerated) unless the first megabyte is not UTF-8, then GB18030 (Excel on Chinese Windows);
    UTF-16 / UTF-32 with a BOM; comma- or tab-separated (``hiqc.core.textfiles``)."""
    try:
        reader = csv_reader(text_stream(source, on_bytes))
    except UnreadableText as exc:  # UTF-16 without a BOM, a workbook…: said as such
        raise FileProblem(str(exc)) from exc
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FileProblem(_("文件为空，缺少表头。")) from None
    except csv.Error as exc:
        raise FileProblem(_("无法读取表头：{error}").format(error=exc)) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FileProblem(_("表头缺少列：{columns}").format(columns=", ".join(missing)))
    width = len(header)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, Rejection(reader.line_num, "", str(exc))
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            problem = _("应有 {expected} 列，实有 {actual} 列").format(
                expected=width, actual=len(row)
            )
            yield reader.line_num, Rejection(reader.line_num, "", problem)
            continue
        yield reader.line_num, dict(zip(header, row, strict=True))


def parse_date(value: str) -> date | None:
    for pattern in _DATE_FORMATS:
        m = pattern.match(value)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


class PolicyChecker:
    """The rules every policy row must pass; one instance per file (it caches per unit code)."""

    def __init__(
        self,
        *,
        units: Mapping[str, UnitRef],
        products: Mapping[str, ProductRef],
        may_import: Callable[[str], bool],
    ) -> None:
        self._units = units
        self._products = products
        self._may_import = may_import
        self._allowed: dict[str, bool] = {}
        self._hashes: dict[str, str] = {}
        self._seen: dict[str, int] = {}  # policy number → first line

    def _hash(self, id_number: str) -> str:
        hashed = self._hashes.get(id_number)
        if hashed is None:
            hashed = self._hashes[id_number] = id_number_hash(id_number)
        return hashed

    def check(self, line: int, row: Mapping[str, str]) -> CheckedPolicy | Rejection:
        get = row.get
        number = (get("number") or "").strip()
        if not number:
            return Rejection(line, "number", _("缺少保单号"))
        if len(number) > MAX_NUMBER_LENGTH or not _NUMBER.match(number):
            return Rejection(line, "number", _("保单号应为不超过 40 位的字母、数字或 - _ / . 字符"))
        first = self._seen.get(number)
        if first is not None:
            return Rejection(line, "number", _("保单号与本文件第 {line} 行重复").format(line=first))
        product_code = (get("product") or "").strip()
        product = self._products.get(product_code)
        if product is None:
            return Rejection(
                line, "product", _("未知产品代码：{value}").format(value=product_code[:40])
            )
        code = (get("org_unit") or "").strip()
        unit = self._units.get(code)
        if unit is None:
            return Rejection(line, "org_unit", _("未知机构代码：{value}").format(value=code[:40]))
        allowed = self._allowed.get(code)
        if allowed is None:
            allowed = self._allowed[code] = self._may_import(unit.path)
        if not allowed:
            return Rejection(
                line, "org_unit", _("无权导入该机构的保单：{value}").format(value=code)
            )
        holder = normalise_id_number(get("holder_id_number") or "")
        if not holder:
            return Rejection(line, "holder_id_number", _("缺少投保人证件号码"))
        if len(holder) > MAX_ID_LENGTH or "\ufffd" in holder:
            return Rejection(line, "holder_id_number", _("投保人证件号码格式无效"))
        numbers = [
            normalise_id_number(v)
            for v in (get("insured_id_numbers") or "").replace("；", ";").split(";")
        ]
        numbers = [n for n in numbers if n] or [holder]
        if len(numbers) > MAX_INSURED:
            return Rejection(
                line, "insured_id_numbers", _("被保险人不能超过 {n} 人").format(n=MAX_INSURED)
            )
        if len(set(numbers)) != len(numbers):
            return Rejection(line, "insured_id_numbers", _("被保险人重复"))
        if any(len(n) > MAX_ID_LENGTH or "\ufffd" in n for n in numbers):
            return Rejection(line, "insured_id_numbers", _("被保险人证件号码格式无效"))
        raw_relations = [
            r.strip() for r in (get("relation") or "").replace("；", ";").split(";") if r.strip()
        ]
        if len(raw_relations) > 1 and len(raw_relations) != len(numbers):
            return Rejection(
                line, "relation", _("与投保人关系应填一个，或与被保险人一一对应（以 ; 分隔）")
            )
        insured = []
        for i, id_number in enumerate(numbers):
            raw = raw_relations[i] if len(raw_relations) > 1 else (raw_relations or [""])[0]
            if id_number == holder:
                relation = Relation.SELF.value
            else:
                relations = _choices(Relation)
                found = relations.get(raw) or relations.get(raw.lower())
                if not raw:
                    return Rejection(line, "relation", _("被保险人不是投保人本人，请填写关系"))
                if found is None:
                    return Rejection(
                        line, "relation", _("未知关系：{value}").format(value=raw[:20])
                    )
                if found == Relation.SELF:
                    return Rejection(line, "relation", _("只有投保人本人的关系可以是“本人”"))
                relation = found
            insured.append(Person(self._hash(id_number), masked("id_number", id_number), relation))
        value = (get("start_date") or "").strip()
        start = parse_date(value)
        if start is None:
            return _bad_date(line, "start_date", value)
        value = (get("end_date") or "").strip()
        end = parse_date(value)
        if end is None:
            return _bad_date(line, "end_date", value)
        if end < start:
            return Rejection(line, "end_date", _("满期日早于生效日"))
        if end.year - start.year > MAX_TERM_YEARS:
            return Rejection(line, "end_date", _("保险期间超过 100 年"))
        version_id = product.version_on(start)
        if version_id is None:
            return Rejection(
                line,
                "product",
                _("产品 {code} 在生效日 {day} 没有已生效的版本").format(
                    code=product_code, day=start.isoformat()
                ),
            )
        value = (get("premium_yuan") or "").strip().replace(",", "")
        try:
            premium = Decimal(value)
            if not premium.is_finite() or premium < 0 or premium >= MAX_PREMIUM:
                raise InvalidOperation
        except InvalidOperation:
            return Rejection(
                line, "premium_yuan", _("保费应为非负金额（元）：{value}").format(value=value[:20])
            )
        raw = (get("status") or "").strip()
        statuses = _choices(PolicyStatus)
        status = (statuses.get(raw) or statuses.get(raw.lower())) if raw else PolicyStatus.IN_FORCE
        if status is None:
            return Rejection(line, "status", _("未知保单状态：{value}").format(value=raw[:20]))
        self._seen[number] = line
        return CheckedPolicy(
            line=line,
            number=number,
            product_id=product.id,
            product_version_id=version_id,
            org_unit_id=unit.id,
            holder_hash=self._hash(holder),
            holder_masked=masked("id_number", holder),
            insured=tuple(insured),
            start_date=start,
            end_date=end,
            premium_yuan=premium.quantize(CENT),
            status=str(status),
        )


def _bad_date(line: int, field: str, value: str) -> Rejection:
    if not value:
        return Rejection(line, field, _("缺少日期"))
    return Rejection(line, field, _("日期格式应为 YYYY-MM-DD：{value}").format(value=value[:20]))
