"""Writes of the product catalogue: products and their versions (issue 17 §1; ADR 0019).

Clauses 3.1.1 (a product's terms: coverage, sum insured, period, premium basis,
health-management services) and 3.3.1–3.3.2 (updates as new versions). A version is a **draft**
until ``version_publish`` gives it a date in force; from then on it is frozen, and a change is a
new draft (``version_draft`` copies the latest published terms and checklist). At most one draft
per product, so two people never edit two diverging drafts of the same product.

The catalogue is the insurer's, shared by every branch: every write needs ``policies.manage`` at
the root of the org tree. Each write is audited (field names only). The R&D projects of chapter 3
(``hiqc.products``) edit and publish drafts through these functions; so do the pages, the API and
the import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.errors import Forbidden, ValidationFailed

from .enums import ClaimType, PremiumBasis, ProductLine, Renewal
from .models import DocumentRequirement, Product, ProductVersion

MANAGE = "policies.manage"
CODE_MAX = 40
# Words the catalogue's own pages use after ``/policies/products/``: a product may not be called
# so (its page would be the other page).
RESERVED_CODES = frozenset({"new", "import"})
# The terms a draft may change (``version_update``), each checked by ``_clean_terms``.
TERMS = (
    "coverage",
    "sum_insured_options",
    "term_years",
    "premium_basis",
    "net_premium_yuan",
    "waiting_period_days",
    "renewal",
    "health_services",
    "claim_types",
    "change_summary",
)
COPIED = tuple(t for t in TERMS if t != "change_summary")


def _require(actor: Actor) -> None:
    if not actor.can_globally(MANAGE):
        raise Forbidden(_("维护产品目录需要总公司层级的产品目录维护权限。"))


def require_manage(actor: Actor) -> None:
    """``Forbidden`` unless the actor maintains the catalogue (``policies.manage`` at head
    office): the import and the pages ask before they read a file or show a form."""
    _require(actor)


def _invalid(fields: Mapping[str, Sequence[str]]) -> ValidationFailed:
    return ValidationFailed(_("产品信息有误，请按提示修改。"), fields=fields)


def product_create(
    actor: Actor, *, code: str, name: str, line: str, description: str = ""
) -> Product:
    """A new product (no terms yet: its first draft is ``version_draft``)."""
    _require(actor)
    code, name = (code or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("请填写产品代码。")]
    elif len(code) > CODE_MAX or not all(c.isalnum() or c in "-_" for c in code):
        errors["code"] = [_("产品代码最多40个字符，只能包含字母、数字、连字符和下划线。")]
    elif code.lower() in RESERVED_CODES:
        errors["code"] = [_("“{code}”是系统保留字，不能用作产品代码。").format(code=code)]
    if not name:
        errors["name"] = [_("请填写产品名称。")]
    elif len(name) > 100:
        errors["name"] = [_("产品名称最多100个字符。")]
    if line not in ProductLine.values:
        errors["line"] = [_("请选择险种。")]
    if not errors and Product.objects.filter(code=code).exists():
        errors["code"] = [_("产品代码已存在：{code}").format(code=code)]
    if errors:
        raise _invalid(errors)
    try:
        with transaction.atomic():
            product = Product.objects.create(
                code=code, name=name, line=line, description=(description or "").strip()
            )
    except IntegrityError as exc:  # a concurrent create of the same code
        raise _invalid({"code": [_("产品代码已存在：{code}").format(code=code)]}) from exc
    audit_record(
        actor=actor, action="products.catalogue.create", subject=product, fields=["code", "name"]
    )
    return product


def product_update(actor: Actor, product: Product, changes: Mapping[str, Any]) -> Product:
    """Rename a product, change its description, take it off sale or back (``active``), or —
    while no version of it has been published — correct its line (a published version's
    policies, claims and monitoring are filed under the line it was published in). Only the keys
    given change; every problem is reported by field and nothing is saved."""
    _require(actor)
    unknown = sorted(set(changes) - {"name", "line", "description", "active"})
    errors: dict[str, list[str]] = {k: [_("此项不能修改。")] for k in unknown}
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        clean: dict[str, Any] = {}
        if "name" in changes:
            name = str(changes["name"] or "").strip()
            if not name:
                errors["name"] = [_("请填写产品名称。")]
            elif len(name) > 100:
                errors["name"] = [_("产品名称最多100个字符。")]
            clean["name"] = name
        if "description" in changes:
            clean["description"] = str(changes["description"] or "").strip()[:4000]
        if "active" in changes:
            if not isinstance(changes["active"], bool):
                errors["active"] = [_("请填写 true 或 false。")]
            clean["active"] = changes["active"]
        if "line" in changes and changes["line"] != locked.line:
            if changes["line"] not in ProductLine.values:
                errors["line"] = [_("请选择险种。")]
            elif locked.versions.filter(effective_from__isnull=False).exists():
                errors["line"] = [_("产品已有发布的版本，险种不能再更改。")]
            clean["line"] = changes["line"]
        if errors:
            raise _invalid(errors)
        changed = [k for k, v in clean.items() if getattr(locked, k) != v]
        if changed:
            for k in changed:
                setattr(locked, k, clean[k])
            locked.save(update_fields=[*changed, "updated_at"])
            audit_record(actor=actor, action="products.catalogue.product_update",
                         subject=locked, fields=changed)  # fmt: skip
    return locked


def _latest_published(product: Product) -> ProductVersion | None:
    return (
        ProductVersion.objects.filter(product=product, effective_from__isnull=False)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def version_draft(
    actor: Actor, product: Product, *, based_on: ProductVersion | None = None
) -> ProductVersion:
    """The product's next version as a draft: a copy of ``based_on`` (by default the latest
    published version) with its checklist, or empty for a new product."""
    _require(actor)
    Product.objects.select_for_update().filter(pk=product.pk).first()  # one draft at a time
    if ProductVersion.objects.filter(product=product, effective_from__isnull=True).exists():
        raise ValidationFailed(
            _("该产品已有未发布的草稿版本，请先发布或放弃它。"), fields={"product": [product.code]}
        )
    source = based_on or _latest_published(product)
    if source is not None and source.product_id != product.pk:
        raise _invalid({"based_on": [_("所选版本不属于该产品。")]})
    last = ProductVersion.objects.filter(product=product).order_by("-number").first()
    draft = ProductVersion(product=product, number=(last.number + 1) if last else 1)
    if source is not None:
        for term in COPIED:
            setattr(draft, term, getattr(source, term))
    draft.save()
    if source is not None:
        DocumentRequirement.objects.bulk_create(
            DocumentRequirement(
                version=draft,
                claim_type=d.claim_type,
                code=d.code,
                name=d.name,
                required=d.required,
                position=d.position,
            )
            for d in source.documents.all()
        )
    audit_record(
        actor=actor,
        action="products.catalogue.draft",
        subject=draft,
        data={"product": product.code, "number": draft.number},
    )
    return draft


def _frozen(version: ProductVersion) -> None:
    if version.is_published:
        raise ValidationFailed(
            _("已发布的版本不可修改；如需变更，请新建版本。"),
            fields={"version": [str(version.number)]},
        )


def _decimal(value: Any) -> Decimal:
    d = Decimal(str(value).strip())
    if not d.is_finite():
        raise InvalidOperation
    return d


def _clean_terms(terms: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Checked terms and the errors by field (unknown keys are errors too)."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in terms:
        if key not in TERMS:
            errors[key] = [_("未知字段。")]
    if "coverage" in terms:
        items, problems = [], []
        for i, item in enumerate(terms["coverage"] or []):
            name = str((item or {}).get("name") or "").strip() if isinstance(item, dict) else ""
            if not name:
                problems.append(_("第{n}项保险责任缺少名称。").format(n=i + 1))
                continue
            items.append(
                {
                    "code": str(item.get("code") or f"R{i + 1}").strip()[:40],
                    "name": name[:100],
                    "description": str(item.get("description") or "").strip()[:2000],
                }
            )
        clean["coverage"] = items
        if problems:
            errors["coverage"] = problems
    if "sum_insured_options" in terms:
        try:
            options = sorted({int(_decimal(v)) for v in terms["sum_insured_options"] or []})
            if any(v <= 0 for v in options):
                raise ValueError
            clean["sum_insured_options"] = options
        except (ValueError, TypeError, InvalidOperation):
            errors["sum_insured_options"] = [_("保险金额档次须为正数（元）。")]
    for key, low, high, message in (
        ("term_years", 1, 100, _("保险期间须为1至100年。")),
        ("waiting_period_days", 0, 730, _("等待期须为0至730天。")),
    ):
        if key in terms:
            try:
                value = int(terms[key])
                if not low <= value <= high:
                    raise ValueError
                clean[key] = value
            except (ValueError, TypeError):
                errors[key] = [message]
    for key, choices in (("premium_basis", PremiumBasis), ("renewal", Renewal)):
        if key in terms:
            if terms[key] in choices.values:
                clean[key] = terms[key]
            else:
                errors[key] = [_("请从列表中选择。")]
    if "net_premium_yuan" in terms:
        raw = terms["net_premium_yuan"]
        if raw in (None, ""):
            clean["net_premium_yuan"] = None
        else:
            try:
                premium = _decimal(raw).quantize(Decimal("0.01"))
                if premium <= 0 or premium >= Decimal("1e10"):
                    raise InvalidOperation
                clean["net_premium_yuan"] = premium
            except (InvalidOperation, ValueError):
                errors["net_premium_yuan"] = [_("参考年净保费须为正数（元）。")]
    if "health_services" in terms:
        services, problems = [], []
        for i, item in enumerate(terms["health_services"] or []):
            name = str((item or {}).get("name") or "").strip() if isinstance(item, dict) else ""
            try:
                cost = _decimal(item.get("cost_yuan")).quantize(Decimal("0.01"))
                if cost < 0:
                    raise InvalidOperation
            except (InvalidOperation, ValueError, AttributeError, TypeError):
                cost = None
            if not name or cost is None:
                problems.append(
                    _("第{n}项健康管理服务须有名称和不小于0的成本（元）。").format(n=i + 1)
                )
                continue
            services.append({"name": name[:100], "cost_yuan": str(cost)})
        clean["health_services"] = services
        if problems:
            errors["health_services"] = problems
    if "claim_types" in terms:
        types = list(dict.fromkeys(terms["claim_types"] or []))
        unknown = [t for t in types if t not in ClaimType.values]
        if unknown:
            errors["claim_types"] = [
                _("未知理赔类型：{value}").format(value=", ".join(map(str, unknown))[:80])
            ]
        else:
            clean["claim_types"] = types
    if "change_summary" in terms:
        clean["change_summary"] = str(terms["change_summary"] or "").strip()[:4000]
    return clean, errors


def version_update(
    actor: Actor, version: ProductVersion, terms: Mapping[str, Any]
) -> ProductVersion:
    """Change a draft's terms; every bad field is reported at once, nothing is saved then."""
    _require(actor)
    _frozen(version)
    clean, errors = _clean_terms(terms)
    if errors:
        raise _invalid(errors)
    for key, value in clean.items():
        setattr(version, key, value)
    version.save(update_fields=[*clean, "updated_at"])
    if "claim_types" in clean:  # a checklist of a claim type no longer covered goes with it
        version.documents.exclude(claim_type__in=version.claim_types).delete()
    audit_record(
        actor=actor, action="products.catalogue.update", subject=version, fields=sorted(clean)
    )
    return version


@transaction.atomic
def version_set_checklist(
    actor: Actor,
    version: ProductVersion,
    claim_type: str,
    items: Sequence[tuple[str, str, bool]],
) -> list[DocumentRequirement]:
    """Replace a draft's document checklist for one claim type: (code, name, required) in order."""
    _require(actor)
    _frozen(version)
    if claim_type not in (version.claim_types or []):
        raise _invalid({"claim_type": [_("该版本不承保此理赔类型。")]})
    rows, errors = _checklist_rows(version, claim_type, items)
    if errors:
        raise _invalid({"documents": errors})
    version.documents.filter(claim_type=claim_type).delete()
    created = DocumentRequirement.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="products.catalogue.checklist",
        subject=version,
        data={"claim_type": claim_type, "items": len(rows)},
    )
    return created


def version_discard(actor: Actor, version: ProductVersion) -> None:
    """Delete a draft (a published version is part of the record and is never deleted)."""
    _require(actor)
    _frozen(version)
    audit_record(
        actor=actor,
        action="products.catalogue.discard",
        subject=version,
        data={"number": version.number},
    )
    version.delete()


def version_problems(version: ProductVersion) -> dict[str, list[str]]:
    """What stops a version from being published, by field (empty when it may be)."""
    problems: dict[str, list[str]] = {}
    if not version.coverage:
        problems["coverage"] = [_("请至少填写一项保险责任。")]
    if not version.claim_types:
        problems["claim_types"] = [_("请至少选择一种理赔类型。")]
    else:
        required = set(version.documents.filter(required=True).values_list("claim_type", flat=True))
        missing = [str(ClaimType(t).label) for t in version.claim_types if t not in required]
        if missing:
            problems["documents"] = [
                _("以下理赔类型尚无必需的理赔材料：{types}").format(types="、".join(missing))
            ]
    if version.net_premium_yuan is None:
        problems["net_premium_yuan"] = [
            _("请填写参考年净保费（PR-1 健康管理服务成本占比的分母）。")
        ]
    return problems


@transaction.atomic
def version_publish(
    actor: Actor, version: ProductVersion, *, effective_from: date
) -> ProductVersion:
    """Freeze a complete draft in force from ``effective_from``, which must come after the date of
    every version published before it (a version's period is never rewritten)."""
    _require(actor)
    _frozen(version)
    problems = version_problems(version)
    before = _latest_published(version.product)
    if before is not None and before.effective_from and effective_from <= before.effective_from:
        problems.setdefault("effective_from", []).append(
            _("生效日期须晚于上一版本（第{n}版）的生效日期 {day}。").format(
                n=before.number, day=before.effective_from.isoformat()
            )
        )
    if problems:
        raise ValidationFailed(_("该版本尚不能发布，请按提示补全。"), fields=problems)
    version.effective_from = effective_from
    version.published_at = timezone.now()
    version.published_by_id = actor.user_id
    version.save(update_fields=["effective_from", "published_at", "published_by", "updated_at"])
    audit_record(
        actor=actor,
        action="products.catalogue.publish",
        subject=version,
        data={
            "product": version.product.code,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
        },
    )
    return version


def terms_check(terms: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The checked terms and the errors by field, without saving (the import compares a row
    with a published version through it)."""
    return _clean_terms(terms)


Checklists = Mapping[str, Sequence[tuple[str, str, bool]]]


def version_save(
    actor: Actor,
    version: ProductVersion,
    terms: Mapping[str, Any],
    checklists: Checklists | None = None,
) -> ProductVersion:
    """A draft's terms and, per claim type given, its document checklist, in one transaction:
    every bad field of either is reported at once (checklist problems under ``documents``, each
    prefixed with its claim type) and nothing is saved then. A claim type not in ``checklists``
    keeps its items (the pages pass every claim type, the API only those it changes)."""
    _require(actor)
    _frozen(version)
    labels = dict(ClaimType.choices)
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        try:
            if terms:
                version = version_update(actor, version, terms)
        except ValidationFailed as exc:
            errors.update(exc.fields)
        if not errors:
            covered = version.claim_types or []
        elif "claim_types" in errors:  # nothing to check the checklists' claim types against
            covered = list(checklists or {})
        else:
            covered = terms.get("claim_types", version.claim_types) or []
        for claim_type, items in (checklists or {}).items():
            label = str(labels.get(claim_type, claim_type))
            if claim_type not in covered:
                if items:
                    errors.setdefault("documents", []).append(
                        _("{type}：该版本不承保此理赔类型，不能配置材料。").format(type=label)
                    )
                continue
            if errors:  # check only: the transaction is rolled back anyway
                _rows, problems = _checklist_rows(version, claim_type, items)
                errors.setdefault("documents", []).extend(f"{label}：{p}" for p in problems)
                continue
            try:
                version_set_checklist(actor, version, claim_type, items)
            except ValidationFailed as exc:
                for p in exc.fields.get("documents", []):
                    errors.setdefault("documents", []).append(f"{label}：{p}")
        if errors:
            transaction.set_rollback(True)
    if errors:
        version.refresh_from_db()
        raise _invalid(errors)
    return version


def _checklist_rows(
    version: ProductVersion, claim_type: str, items: Sequence[tuple[str, str, bool]]
) -> tuple[list[DocumentRequirement], list[str]]:
    """The rows of one claim type's checklist and the problems of its items (in order)."""
    errors: list[str] = []
    seen: set[str] = set()
    rows = []
    for i, (code, name, required) in enumerate(items):
        code, name = (code or "").strip(), (name or "").strip()
        if not code or not name or len(code) > CODE_MAX or len(name) > 100:
            errors.append(_("第{n}项材料须有代码（≤40字符）和名称（≤100字符）。").format(n=i + 1))
        elif code in seen:
            errors.append(_("第{n}项材料代码重复：{code}").format(n=i + 1, code=code))
        else:
            seen.add(code)
            rows.append(
                DocumentRequirement(
                    version=version,
                    claim_type=claim_type,
                    code=code,
                    name=name,
                    required=bool(required),
                    position=i,
                )
            )
    return rows, errors


def product_create_with_version(
    actor: Actor,
    *,
    code: str,
    name: str,
    line: str,
    description: str = "",
    terms: Mapping[str, Any] | None = None,
    checklists: Checklists | None = None,
    effective_from: date | None = None,
) -> ProductVersion:
    """A product and its first version in one transaction (the API's ``POST /products``): the
    draft's terms and checklists, published from ``effective_from`` when given. Any problem —
    of the product, the terms, the checklist or what stops publishing — is reported by field,
    and then nothing is created."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        try:
            product = product_create(
                actor, code=code, name=name, line=line, description=description
            )
        except ValidationFailed as exc:
            errors.update(exc.fields)
            _, term_errors = _clean_terms(terms or {})
            for key, messages in term_errors.items():
                errors.setdefault(key, []).extend(messages)
            transaction.set_rollback(True)
            raise _invalid(errors) from None
        version = version_draft(actor, product)
        version = version_save(actor, version, terms or {}, checklists)
        if effective_from is not None:
            version = version_publish(actor, version, effective_from=effective_from)
    return version


def version_draft_with_terms(
    actor: Actor,
    product: Product,
    *,
    based_on: ProductVersion | None = None,
    terms: Mapping[str, Any] | None = None,
    checklists: Checklists | None = None,
    effective_from: date | None = None,
) -> ProductVersion:
    """A new draft (``version_draft``) with ``terms`` and ``checklists`` changed, published from
    ``effective_from`` when given: one transaction, every problem by field (the API's
    ``POST /products/{code}/versions``)."""
    with transaction.atomic():
        version = version_draft(actor, product, based_on=based_on)
        version = version_save(actor, version, terms or {}, checklists)
        if effective_from is not None:
            version = version_publish(actor, version, effective_from=effective_from)
    return version
