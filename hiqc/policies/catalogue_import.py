"""Importing the product catalogue from a CSV or an Excel workbook (issue 17 §1; 3.1.1, 3.3.1).

One row is **one product version's terms**. ``catalogue_import`` is the one code path behind the
upload page (``/policies/products/import/``), ``POST /api/v1/products/import`` and
``manage.py import_products``; every write goes through ``hiqc.policies.catalogue`` (the same
checks as the pages and the API).

Columns (header row, any order; ``COLUMNS``; required: ``REQUIRED_COLUMNS``):

* ``code``, ``name``, ``line`` (code or Chinese label, e.g. ``医疗保险``), ``description`` — the
  product; a new code creates it, a known code must keep its name and line;
* ``version`` — the version number, or blank for "the product's draft, or a new one";
* ``effective_from`` — blank: the row is a draft; a date (``2026-07-01``): published from then;
* ``term_years``, ``premium_basis``, ``waiting_period_days``, ``renewal`` — blank keeps the
  default (a new product) or the previous version's value;
* ``net_premium_yuan`` (the PR-1 base), ``change_summary``;
* lists: ``sum_insured_options`` ``2000000;3000000``; ``coverage`` ``住院医疗费用;特殊门诊``;
  ``health_services`` ``在线问诊:12;体检:60`` (name:cost in yuan); ``claim_types``
  ``medical_reimbursement;住院津贴`` (codes or labels);
* ``documents`` — the checklist, items separated by ``|``, each
  ``claim_type:code:name:required`` (``required`` 1/0, 是/否, 必需/可选; blank = required; the
  claim type may be left out — ``code:name`` or ``code:name:required`` — when the row covers one
  claim type). Full-width ``；`` ``：`` ``｜`` are read as their ASCII forms.

Idempotent: a row whose version is published and whose terms are the same is counted unchanged;
a row that differs from a published version is refused ("已发布的版本不可修改"). A draft is updated
in place. Each row is its own transaction: a bad row (by line and field) leaves nothing behind, and
the good rows are kept. One audit event per run records the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.errors import ValidationFailed
from hiqc.core.spreadsheets import BadRow, table_rows
from hiqc.core.textfiles import UnreadableText

from . import catalogue
from .enums import ClaimType, PremiumBasis, ProductLine, Renewal
from .ingest import Rejection, parse_date
from .models import Product, ProductVersion

COLUMNS = (
    "code",
    "name",
    "line",
    "description",
    "version",
    "effective_from",
    "term_years",
    "premium_basis",
    "net_premium_yuan",
    "waiting_period_days",
    "renewal",
    "sum_insured_options",
    "coverage",
    "health_services",
    "claim_types",
    "documents",
    "change_summary",
)
REQUIRED_COLUMNS = ("code", "name", "line", "coverage", "claim_types", "documents")
REJECTED_KEPT = 1_000
MAX_ROWS = 5_000
_TRUE = {"", "1", "y", "yes", "true", "required", "是", "必需", "必须", "必填"}
_FALSE = {"0", "n", "no", "false", "optional", "否", "可选", "非必需", "视情况提供"}
_WIDE = str.maketrans({"；": ";", "：": ":", "｜": "|", "，": ","})

SAMPLE = (
    "code,name,line,description,version,effective_from,term_years,premium_basis,"
    "net_premium_yuan,waiting_period_days,renewal,sum_insured_options,coverage,health_services,"
    "claim_types,documents,change_summary\n"
    "MED-2027,安康百万医疗险,医疗保险,一年期百万医疗,1,2027-01-01,1,按年龄分档费率,320,30,"
    "非保证续保,2000000;4000000,住院医疗费用;特殊门诊;门诊手术,在线问诊:18;体检:40,"
    "医疗费用报销;住院津贴,"
    '"medical_reimbursement:form:理赔申请书:1|medical_reimbursement:invoice:医疗费用发票:1|'
    "medical_reimbursement:records:门诊病历:0|hospital_cash:form:理赔申请书:1|"
    'hospital_cash:discharge:出院小结:1",首版\n'
    "CI-2027,安心重疾险,疾病保险,,,,1,均衡费率,900,90,保证续保,300000;500000,"
    "重大疾病保险金,健康咨询:20,重大疾病给付,"
    '"form:理赔申请书|diagnosis:诊断证明书|pathology:病理报告:可选",草稿\n'
)


@cache
def _choices(enum: Any) -> dict[str, str]:
    """Code or Chinese label → code, whatever the active language."""
    out: dict[str, str] = {}
    with translation.override("zh-hans"):
        for member in enum:
            out[member.value] = member.value
            out[str(member.label)] = member.value
    return out


def _choice(enum: Any, raw: str) -> str | None:
    table = _choices(enum)
    return table.get(raw) or table.get(raw.lower())


@dataclass
class CatalogueImportReport:
    rows_read: int = 0
    products_created: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    versions_published: int = 0
    unchanged: int = 0
    rejected_total: int = 0  # rows refused (a row may have several problems)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def rejected_more(self) -> int:
        return max(0, self.rejected_total - len({r.line for r in self.rejected}))

    def reject(self, rejections: list[Rejection]) -> None:
        self.rejected_total += 1
        if len(self.rejected) < REJECTED_KEPT:
            self.rejected.extend(rejections)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "products_created": self.products_created,
            "versions_created": self.versions_created,
            "versions_updated": self.versions_updated,
            "versions_published": self.versions_published,
            "unchanged": self.unchanged,
            "rejected_total": self.rejected_total,
            "rejected": [r.__dict__ for r in self.rejected],
            "rejected_more": self.rejected_more,
        }


@dataclass
class VersionRow:
    """One row, read: the product, the version it names and its terms and checklists."""

    line: int
    code: str
    name: str
    product_line: str
    description: str
    number: int | None
    effective_from: date | None
    terms: dict[str, Any]
    checklists: dict[str, list[tuple[str, str, bool]]]


class _RowProblems(Exception):
    def __init__(self, rejections: list[Rejection]) -> None:
        super().__init__(rejections)
        self.rejections = rejections


def _split(value: str, sep: str = ";") -> list[str]:
    return [p.strip() for p in value.translate(_WIDE).split(sep) if p.strip()]


def read_row(line: int, row: Mapping[str, str]) -> VersionRow | list[Rejection]:
    """A row's values checked for form (not yet against the catalogue)."""
    problems: list[Rejection] = []

    def bad(column: str, problem: str) -> None:
        problems.append(Rejection(line, column, problem))

    def get(column: str) -> str:
        return (row.get(column) or "").strip()

    code, name = get("code"), get("name")
    if not code:
        bad("code", _("缺少产品代码"))
    product_line = _choice(ProductLine, get("line")) or ""
    if not product_line:
        bad("line", _("未知险种：{value}").format(value=get("line")[:30] or "—"))
    number = None
    if get("version"):
        try:
            number = int(get("version"))
            if not 1 <= number <= 32_000:
                raise ValueError
        except ValueError:
            bad("version", _("版本号应为正整数：{value}").format(value=get("version")[:20]))
    effective_from = None
    if get("effective_from"):
        effective_from = parse_date(get("effective_from"))
        if effective_from is None:
            bad(
                "effective_from",
                _("日期格式应为 YYYY-MM-DD：{value}").format(value=get("effective_from")[:20]),
            )
    terms: dict[str, Any] = {}
    for column in ("term_years", "waiting_period_days"):
        if get(column):
            terms[column] = get(column)
    for column, enum in (("premium_basis", PremiumBasis), ("renewal", Renewal)):
        if get(column):
            value = _choice(enum, get(column))
            if value is None:
                bad(column, _("未知取值：{value}").format(value=get(column)[:30]))
            else:
                terms[column] = value
    if "net_premium_yuan" in row:
        terms["net_premium_yuan"] = get("net_premium_yuan").replace(",", "")
    if "change_summary" in row:
        terms["change_summary"] = get("change_summary")
    if "sum_insured_options" in row:
        terms["sum_insured_options"] = [
            v.replace(",", "") for v in _split(get("sum_insured_options"))
        ]
    terms["coverage"] = [{"name": n} for n in _split(get("coverage"))]
    if "health_services" in row:
        services = []
        for item in _split(get("health_services")):
            service, sep, cost = item.rpartition(":")
            if not sep or not service.strip():
                bad("health_services", _("应为“名称:成本”：{value}").format(value=item[:40]))
            else:
                services.append({"name": service.strip(), "cost_yuan": cost.strip()})
        terms["health_services"] = services
    claim_types: list[str] = []
    for raw in _split(get("claim_types")):
        value = _choice(ClaimType, raw)
        if value is None:
            bad("claim_types", _("未知理赔类型：{value}").format(value=raw[:30]))
        elif value not in claim_types:
            claim_types.append(value)
    terms["claim_types"] = claim_types
    checklists: dict[str, list[tuple[str, str, bool]]] = {t: [] for t in claim_types}
    items = [] if any(p.field == "claim_types" for p in problems) else _split(get("documents"), "|")
    for item in items:
        parts = [p.strip() for p in item.split(":")]
        claim_type = _choice(ClaimType, parts[0]) if len(parts) >= 3 else None
        if claim_type is None and len(claim_types) == 1 and len(parts) in (2, 3):
            claim_type, parts = claim_types[0], [claim_types[0], *parts]
        if claim_type is None or len(parts) not in (3, 4):
            bad(
                "documents", _("应为“理赔类型:代码:名称:是否必需”：{value}").format(value=item[:60])
            )
            continue
        required = parts[3].lower() if len(parts) == 4 else ""
        if required not in _TRUE and required not in _FALSE:
            bad("documents", _("是否必需应为 1/0 或 是/否：{value}").format(value=item[:60]))
            continue
        if claim_type not in checklists:
            bad(
                "documents",
                _("材料所属理赔类型不在 claim_types 中：{value}").format(value=parts[0][:30]),
            )
            continue
        checklists[claim_type].append((parts[1], parts[2], required in _TRUE))
    if problems:
        return problems
    return VersionRow(
        line=line,
        code=code,
        name=name,
        product_line=product_line,
        description=get("description"),
        number=number,
        effective_from=effective_from,
        terms=terms,
        checklists=checklists,
    )


def _rejections(line: int, exc: ValidationFailed) -> list[Rejection]:
    out = [Rejection(line, key, m) for key, messages in exc.fields.items() for m in messages]
    return out or [Rejection(line, "", exc.message)]


def _checklist_of(version: ProductVersion) -> dict[str, list[tuple[str, str, bool]]]:
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for d in sorted(version.documents.all(), key=lambda d: (d.claim_type, d.position, d.code)):
        out.setdefault(d.claim_type, []).append((d.code, d.name, d.required))
    return out


def _same(version: ProductVersion, row: VersionRow) -> bool:
    """Whether ``version`` already holds the row's terms and checklists (the row's columns
    only: a column left out of the file is not compared)."""
    clean, errors = catalogue.terms_check(row.terms)
    if errors:
        raise ValidationFailed(_("产品信息有误，请按提示修改。"), fields=errors)
    for key, value in clean.items():
        if key == "coverage":  # the file names responsibilities; their codes are generated
            if [c.get("name") for c in version.coverage or []] != [c["name"] for c in value]:
                return False
        elif getattr(version, key) != value:
            return False
    mine = _checklist_of(version)
    return all(mine.get(t, []) == [(c.strip(), n.strip(), r) for c, n, r in items]
               for t, items in row.checklists.items())  # fmt: skip


def _frozen_row(row: VersionRow, version: ProductVersion) -> list[Rejection]:
    return [
        Rejection(
            row.line,
            "version",
            _("已发布的版本不可修改（第{n}版，{day} 起生效）").format(
                n=version.number, day=version.effective_from
            ),
        )
    ]


def _apply(actor: Actor, row: VersionRow, report: CatalogueImportReport) -> None:
    """One row, in its own transaction; ``_RowProblems`` rolls it back."""
    counts = {"products": 0, "created": 0, "updated": 0, "published": 0, "unchanged": 0}
    with transaction.atomic():
        product = Product.objects.filter(code=row.code).first()
        if product is None:
            try:
                product = catalogue.product_create(
                    actor,
                    code=row.code,
                    name=row.name,
                    line=row.product_line,
                    description=row.description,
                )
            except ValidationFailed as exc:
                raise _RowProblems(_rejections(row.line, exc)) from None
            counts["products"] = 1
        else:
            mismatched = [
                Rejection(row.line, column, _("与已有产品 {code} 不一致：{value}").format(
                    code=product.code, value=value[:40]))
                for column, value, current in (
                    ("name", row.name, product.name), ("line", row.product_line, product.line))
                if value and value != current
            ]  # fmt: skip
            if mismatched:
                raise _RowProblems(mismatched)
        versions = list(ProductVersion.objects.filter(product=product).order_by("number"))
        draft = next((v for v in versions if v.effective_from is None), None)
        target: ProductVersion | None = None
        if row.number is not None:
            target = next((v for v in versions if v.number == row.number), None)
            expected = (versions[-1].number + 1) if versions else 1
            if target is None and row.number != expected:
                raise _RowProblems(
                    [Rejection(row.line, "version", _("新版本的版本号应为 {n}").format(n=expected))]
                )
            if target is None and draft is not None:
                raise _RowProblems([Rejection(row.line, "version", _(
                    "该产品已有未发布的草稿（第{n}版），请填写其版本号或先发布、放弃它"
                ).format(n=draft.number))])  # fmt: skip
        elif row.effective_from is not None:
            target = next((v for v in versions if v.effective_from == row.effective_from), None)
            target = target or draft
        else:
            target = draft
            if target is None and versions and _same_or_problems(versions[-1], row):
                counts["unchanged"] = 1  # what the file says is already in force
        if target is not None and target.is_published:
            if row.effective_from not in (None, target.effective_from):
                raise _RowProblems(_frozen_row(row, target))
            if not _same_or_problems(target, row):
                raise _RowProblems(_frozen_row(row, target))
            counts["unchanged"] = 1
        elif not counts["unchanged"]:
            try:
                if target is None:
                    target = catalogue.version_draft(actor, product)
                    counts["created"] = 1
                elif not _same_or_problems(target, row):
                    counts["updated"] = 1
                if counts["created"] or counts["updated"]:
                    target = catalogue.version_save(actor, target, row.terms, row.checklists)
                if row.effective_from is not None:
                    catalogue.version_publish(actor, target, effective_from=row.effective_from)
                    counts["published"] = 1
                elif not counts["created"] and not counts["updated"]:
                    counts["unchanged"] = 1
            except ValidationFailed as exc:
                raise _RowProblems(_rejections(row.line, exc)) from None
    report.products_created += counts["products"]
    report.versions_created += counts["created"]
    report.versions_updated += counts["updated"]
    report.versions_published += counts["published"]
    report.unchanged += counts["unchanged"]


def _same_or_problems(version: ProductVersion, row: VersionRow) -> bool:
    try:
        return _same(version, row)
    except ValidationFailed as exc:
        raise _RowProblems(_rejections(row.line, exc)) from None


def catalogue_import(
    *,
    actor: Actor,
    source: Any,
    origin: str = "api",
    file_name: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> CatalogueImportReport:
    """Import product versions from a CSV or .xlsx file (see the module docstring). Needs
    ``policies.manage`` at head office (``catalogue``). Raises ``ValidationFailed`` (field
    ``file``) when the file as a whole cannot be read."""
    catalogue.require_manage(actor)
    report = CatalogueImportReport()
    rows = table_rows(source, on_bytes=on_progress)
    try:
        first = next(rows, None)
    except UnreadableText as exc:
        raise ValidationFailed(str(exc), fields={"file": [str(exc)]}) from None
    if first is None or isinstance(first[1], BadRow):
        problem = _("文件为空，缺少表头。") if first is None else _("无法读取表头。")
        raise ValidationFailed(problem, fields={"file": [problem]})
    header = [h.strip().lower() for h in first[1]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problem = _("表头缺少列：{columns}").format(columns=", ".join(missing))
        raise ValidationFailed(problem, fields={"file": [problem]})
    try:
        for line, cells in rows:
            report.rows_read += 1
            if report.rows_read > MAX_ROWS:
                problem = _("每个文件最多 {n} 行，其余行未导入。").format(n=MAX_ROWS)
                report.reject([Rejection(line, "", problem)])
                break
            if isinstance(cells, BadRow):
                report.reject([Rejection(line, "", cells.problem)])
                continue
            padded = [*cells, *[""] * (len(header) - len(cells))]
            if len(padded) > len(header) and any(c.strip() for c in padded[len(header) :]):
                problem = _("应有 {expected} 列，实有 {actual} 列").format(
                    expected=len(header), actual=len(cells)
                )
                report.reject([Rejection(line, "", problem)])
                continue
            checked = read_row(line, dict(zip(header, padded, strict=False)))
            if isinstance(checked, list):
                report.reject(checked)
                continue
            try:
                _apply(actor, checked, report)
            except _RowProblems as exc:
                report.reject(exc.rejections)
    except UnreadableText as exc:  # a workbook is read when its first row is asked for
        raise ValidationFailed(str(exc), fields={"file": [str(exc)]}) from None
    audit_record(
        actor=actor,
        action="products.catalogue.import",
        subject_type="policies.Product",
        data={
            "origin": origin,
            "file_name": file_name[:200],
            "rows_read": report.rows_read,
            "products_created": report.products_created,
            "versions_created": report.versions_created,
            "versions_updated": report.versions_updated,
            "versions_published": report.versions_published,
            "unchanged": report.unchanged,
            "rejected": report.rejected_total,
        },
    )
    return report
