"""Reads of products and policies (issue 5 §1).

Products (with their checklists) are the insurer's catalogue, the same for every branch: they are
read unscoped. Policies are scoped by their org unit (``policies.view`` by default; the claims
intake asks with ``claims.handle``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, get_in_scope, scope

from .ingest import ProductRef
from .models import DocumentRequirement, Policy, PolicyInsured, Product, ProductVersion

VIEW = "policies.view"


def product_list(*, active_only: bool = False, line: str = "") -> QuerySet[Product]:
    """The catalogue, each product with its versions and their checklist items prefetched
    (``product.versions``, ``version.documents``); ``version_in_force`` picks today's. ``line``
    keeps one line of business."""
    qs = Product.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=ProductVersion.objects.select_related("published_by")
            .order_by("number")
            .prefetch_related(
                Prefetch(
                    "documents",
                    queryset=DocumentRequirement.objects.order_by("claim_type", "position", "code"),
                )
            ),
        )
    )
    if line:
        qs = qs.filter(line=line.replace("\x00", ""))
    return qs.filter(active=True) if active_only else qs


def product_get(code: str) -> Product | None:
    code = (code or "").replace("\x00", "")
    return product_list().filter(code=code).first()


def product_versions(product: Product) -> list[ProductVersion]:
    """The product's versions by number (prefetched by ``product_list``)."""
    return sorted(product.versions.all(), key=lambda v: v.number)


def version_get(product: Product, number: int) -> ProductVersion | None:
    """One version of the product by its number (None when it has no such version)."""
    return next((v for v in product.versions.all() if v.number == number), None)


def version_draft_of(product: Product) -> ProductVersion | None:
    """The product's draft, if it has one (at most one, ADR 0019)."""
    return next((v for v in product.versions.all() if v.effective_from is None), None)


def version_state(version: ProductVersion, versions: list[ProductVersion], on: date) -> str:
    """draft | scheduled | in_force | superseded, derived from the published dates (ADR 0019)."""
    if version.effective_from is None:
        return "draft"
    if version.effective_from > on:
        return "scheduled"
    later = [
        v.effective_from
        for v in versions
        if v.effective_from is not None and version.effective_from < v.effective_from <= on
    ]
    return "superseded" if later else "in_force"


def version_in_force(product: Product, on: date) -> ProductVersion | None:
    """The published version with the latest date in force on or before ``on``."""
    published = [
        v for v in product_versions(product) if v.effective_from and v.effective_from <= on
    ]
    return max(published, key=lambda v: v.effective_from) if published else None  # type: ignore[arg-type,return-value]


def versions_in_force(on: date) -> dict[str, ProductVersion]:
    """Product code → the version in force on ``on``, for every product (importers)."""
    return {p.code: v for p in product_list() if (v := version_in_force(p, on)) is not None}


def product_refs() -> dict[str, ProductRef]:
    """Product code → id and published versions by date in force (the policy importer's map)."""
    versions: dict[Any, list[tuple[date, Any]]] = {}
    for product_id, day, version_id in (
        ProductVersion.objects.filter(effective_from__isnull=False)
        .order_by("effective_from")
        .values_list("product_id", "effective_from", "id")
    ):
        if day is not None:
            versions.setdefault(product_id, []).append((day, version_id))
    return {
        code: ProductRef(pk, tuple(versions.get(pk, ())))
        for code, pk in Product.objects.values_list("code", "id")
    }


def checklist(version: ProductVersion, claim_type: str) -> list[DocumentRequirement]:
    """A version's document checklist for one claim type, in order (CL-1 works through it)."""
    return sorted(
        (d for d in version.documents.all() if d.claim_type == claim_type),
        key=lambda d: (d.position, d.code),
    )


def checklists(version: ProductVersion) -> list[tuple[str, list[DocumentRequirement]]]:
    """(claim type, items) for every claim type the version covers, in the version's order."""
    return [(t, checklist(version, t)) for t in version.claim_types or []]


def _policies() -> QuerySet[Policy]:
    return Policy.objects.select_related(
        "product", "product_version", "holder", "org_unit"
    ).prefetch_related(
        Prefetch(
            "insured",
            queryset=PolicyInsured.objects.select_related("customer").order_by("created_at"),
        )
    )


def policy_list(
    actor: Actor,
    *,
    number: str = "",
    product: str = "",
    status: str = "",
    perm: str = VIEW,
) -> QuerySet[Policy]:
    """Policies in the actor's scope; ``number`` matches the start of the policy number."""
    qs = scope(actor, _policies(), perm)
    # PostgreSQL refuses NUL in text parameters: no number, code or status contains one
    number, product, status = (v.replace("\x00", "") for v in (number, product, status))
    number = number.strip()
    if number:
        qs = qs.filter(number__istartswith=number)
    if product:
        qs = qs.filter(product__code=product)
    if status:
        qs = qs.filter(status=status)
    return qs


def access_policy(actor: Actor, policy_id: Any, *, perm: str = VIEW) -> Policy:
    """The one door to a policy: missing and out of scope are the same 404."""
    return get_in_scope(actor, _policies(), policy_id, perm)


def policy_by_number(actor: Actor, number: str, *, perm: str = VIEW) -> Policy | None:
    """A policy by its exact number, within the actor's ``perm`` scope (the claims intake asks
    with ``claims.handle``); None when missing or not the actor's, alike."""
    number = (number or "").replace("\x00", "").strip()
    if not number:
        return None
    return scope(actor, _policies(), perm).filter(number=number).first()


def policies_for_customer(actor: Actor, customer_id: Any, *, perm: str = VIEW) -> QuerySet[Policy]:
    """Policies a customer holds or is insured by, within scope."""
    return (
        scope(actor, _policies(), perm)
        .filter(Q(holder_id=customer_id) | Q(insured__customer_id=customer_id))
        .distinct()
    )


def existing_numbers(numbers: Iterable[str]) -> set[str]:
    """Which of these policy numbers exist (unscoped: for writers that de-duplicate)."""
    return set(Policy.objects.filter(number__in=list(numbers)).values_list("number", flat=True))


COMPARED_SCALARS = (
    "term_years",
    "premium_basis",
    "net_premium_yuan",
    "waiting_period_days",
    "renewal",
)


def _label(field: str) -> str:
    return str(getattr(ProductVersion._meta.get_field(field), "verbose_name", field))


def _display(version: ProductVersion, field: str) -> str:
    value = getattr(version, field)
    if field in ("premium_basis", "renewal"):
        return str(getattr(version, f"get_{field}_display")())
    return "—" if value is None else str(value)


def _keyed_changes(
    before: dict[Any, str], after: dict[Any, str]
) -> tuple[list[str], list[str], list[str]]:
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    changed = [f"{before[k]} → {after[k]}" for k in after if k in before and before[k] != after[k]]
    return added, removed, changed


def version_compare(old: ProductVersion, new: ProductVersion) -> list[dict[str, Any]]:
    """What changed from ``old`` to ``new``, field by field (3.3.1 updates): for a single value
    its before and after; for a list (coverage, sums insured, health services, claim types, the
    checklist) the items added, removed and changed. Unchanged fields are left out."""
    from .enums import ClaimType

    rows: list[dict[str, Any]] = []

    def add(field: str, **change: Any) -> None:
        rows.append({"field": field, "label": _label(field) if field != "documents" else
                     str(DocumentRequirement._meta.verbose_name), "before": "", "after": "",
                     "added": [], "removed": [], "changed": [], **change})  # fmt: skip

    for field in COMPARED_SCALARS:
        if getattr(old, field) != getattr(new, field):
            add(field, before=_display(old, field), after=_display(new, field))

    def coverage(v: ProductVersion) -> dict[Any, str]:
        return {
            c.get("code") or c.get("name"): c.get("name", "")
            + (f"（{c['description']}）" if c.get("description") else "")
            for c in v.coverage or []
        }

    def services(v: ProductVersion) -> dict[Any, str]:
        return {
            s.get("name"): _("{name}：{cost} 元").format(
                name=s.get("name"), cost=s.get("cost_yuan")
            )
            for s in v.health_services or []
        }

    labels = dict(ClaimType.choices)

    def documents(v: ProductVersion) -> dict[Any, str]:
        out = {}
        for d in sorted(v.documents.all(), key=lambda d: (d.claim_type, d.position, d.code)):
            flag = "" if d.required else _("（视情况提供）")
            out[(d.claim_type, d.code)] = (
                f"{labels.get(d.claim_type, d.claim_type)}：{d.name}{flag}"
            )
        return out

    for field, keyed in (
        ("coverage", coverage),
        ("sum_insured_options", lambda v: {n: f"{n:,}" for n in v.sum_insured_options or []}),
        ("health_services", services),
        ("claim_types", lambda v: {t: str(labels.get(t, t)) for t in v.claim_types or []}),
        ("documents", documents),
    ):
        added, removed, changed = _keyed_changes(keyed(old), keyed(new))
        if added or removed or changed:
            add(field, added=added, removed=removed, changed=changed)
    return rows


def version_view(
    version: ProductVersion, versions: list[ProductVersion], on: date
) -> dict[str, Any]:
    """A version as the pages and the API show it: its terms, state, checklists by claim type
    and, for a draft, what stops it from being published (``catalogue.version_problems``)."""
    from .catalogue import version_problems
    from .enums import VERSION_STATES, ClaimType

    labels = dict(ClaimType.choices)
    state = version_state(version, versions, on)
    by_type = [
        {
            "claim_type": t,
            "claim_type_label": str(labels.get(t, t)),
            "documents": [{"code": d.code, "name": d.name, "required": d.required} for d in docs],
        }
        for t, docs in checklists(version)
    ]
    share = version.health_service_share
    return {
        "version": version,
        "number": version.number,
        "state": state,
        "state_label": str(VERSION_STATES[state]),
        "effective_from": version.effective_from,
        "published_at": version.published_at,
        "published_by": str(version.published_by) if version.published_by else "",
        "change_summary": version.change_summary,
        "coverage": version.coverage or [],
        "sum_insured_options": version.sum_insured_options or [],
        "term_years": version.term_years,
        "premium_basis": version.premium_basis,
        "premium_basis_label": version.get_premium_basis_display(),
        "net_premium_yuan": version.net_premium_yuan,
        "waiting_period_days": version.waiting_period_days,
        "renewal": version.renewal,
        "renewal_label": version.get_renewal_display(),
        "health_services": version.health_services or [],
        "health_service_cost_yuan": version.health_service_cost_yuan,
        "health_service_share": share,
        "claim_types": list(version.claim_types or []),
        "checklists": by_type,
        "problems": version_problems(version) if state == "draft" else {},
    }
