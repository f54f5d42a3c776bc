from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.crypto import keyed_hash

from .models import Customer, RevealRecord
from .validation import is_mobile, normalise_id_number, normalise_mobile

ID_HASH_CONTEXT = "customers.id_number"
MOBILE_HASH_CONTEXT = "customers.mobile"


def id_number_hash(value: str) -> str:
    return keyed_hash(normalise_id_number(value), context=ID_HASH_CONTEXT) if value else ""


def mobile_hash(value: str) -> str:
    return keyed_hash(normalise_mobile(value), context=MOBILE_HASH_CONTEXT) if value else ""


def customer_list(actor: Actor, *, q: str = "", org_unit_path: str = "") -> QuerySet[Customer]:
    """Customers in scope. ``q`` is a name fragment, or an exact ID number or mobile number
    (matched through the keyed hash: the plaintext is never compared in the database)."""
    qs = scope(actor, Customer.objects.select_related("org_unit", "collection"), "customers.view")
    if org_unit_path:
        qs = qs.filter(org_unit__path__startswith=org_unit_path)
    q = q.strip()
    if not q:
        return qs
    if is_mobile(normalise_mobile(q)):
        return qs.filter(mobile_hash=mobile_hash(q))
    compact = normalise_id_number(q)
    if len(compact) >= 6 and compact[:-1].isdigit():
        return qs.filter(id_number_hash=id_number_hash(compact))
    return qs.filter(name__icontains=q)


def access_customer(actor: Actor, customer_id: Any, *, for_update: bool = False) -> Customer:
    return get_in_scope(
        actor,
        Customer.objects.select_related("org_unit", "collection"),
        customer_id,
        "customers.view",
        for_update=for_update,
    )


def reveal_list(actor: Actor, *, customer_id: Any = None) -> QuerySet[RevealRecord]:
    qs = scope(actor, RevealRecord.objects.select_related("customer"), "audit.view")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs
