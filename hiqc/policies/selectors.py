"""Reads of products and policies (issue 5 §1).

Products (with their checklists) are the insurer's catalogue, the same for every branch: they are
read unscoped. Policies are scoped by their org unit (``policies.view`` by default; the claims
intake asks with ``claims.handle``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope

from .models import DocumentRequirement, Policy, PolicyInsured, Product

VIEW = "policies.view"


def product_list(*, active_only: bool = False) -> QuerySet[Product]:
    """The catalogue, each product with its checklist items prefetched (``product.documents``)."""
    qs = Product.objects.prefetch_related(
        Prefetch(
            "documents",
            queryset=DocumentRequirement.objects.order_by("claim_type", "position", "code"),
        )
    )
    return qs.filter(active=True) if active_only else qs


def product_get(code: str) -> Product | None:
    return product_list().filter(code=code).first()


def checklist(product: Product, claim_type: str) -> list[DocumentRequirement]:
    """The product's document checklist for one claim type, in order (CL-1 works through it)."""
    return [d for d in product.documents.all() if d.claim_type == claim_type]


def checklists(product: Product) -> list[tuple[str, list[DocumentRequirement]]]:
    """(claim type, items) for every claim type the product covers, in the product's order;
    items prefetched by ``product_list``."""
    return [(t, checklist(product, t)) for t in product.claim_types or []]


def _policies() -> QuerySet[Policy]:
    return Policy.objects.select_related("product", "holder", "org_unit").prefetch_related(
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
