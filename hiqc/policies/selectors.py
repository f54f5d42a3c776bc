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

from hiqc.core.access import Actor, get_in_scope, scope

from .ingest import ProductRef
from .models import DocumentRequirement, Policy, PolicyInsured, Product, ProductVersion

VIEW = "policies.view"


def product_list(*, active_only: bool = False) -> QuerySet[Product]:
    """The catalogue, each product with its versions and their checklist items prefetched
    (``product.versions``, ``version.documents``); ``current_version`` picks today's."""
    qs = Product.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=ProductVersion.objects.order_by("number").prefetch_related(
                Prefetch(
                    "documents",
                    queryset=DocumentRequirement.objects.order_by("claim_type", "position", "code"),
                )
            ),
        )
    )
    return qs.filter(active=True) if active_only else qs


def product_get(code: str) -> Product | None:
    code = (code or "").replace("\x00", "")
    return product_list().filter(code=code).first()


def product_versions(product: Product) -> list[ProductVersion]:
    """The product's versions by number (prefetched by ``product_list``)."""
    return sorted(product.versions.all(), key=lambda v: v.number)


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
