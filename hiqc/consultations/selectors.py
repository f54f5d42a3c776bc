"""Every read of consultations, topics and suggestions (DESIGN rules 1–2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.core.calendar import BEIJING
from hiqc.customers.models import Customer
from hiqc.customers.selectors import id_number_hash, mobile_hash
from hiqc.customers.validation import is_mobile, normalise_id_number, normalise_mobile

from .models import Consultation, Suggestion, Topic, TopicCategory
from .workflow import VIEW

HISTORY_SIZE = 5


def topic_categories(*, active_only: bool = True) -> list[TopicCategory]:
    """The two-level taxonomy: categories with their topics prefetched, in display order."""
    topics = Topic.objects.order_by("position", "code")
    cats = TopicCategory.objects.order_by("position", "code")
    if active_only:
        topics = topics.filter(is_active=True)
        cats = cats.filter(is_active=True)
    return list(cats.prefetch_related(Prefetch("topics", queryset=topics)))


def topic_list(*, active_only: bool = True, category_id: Any = None) -> QuerySet[Topic]:
    qs = Topic.objects.select_related("category")
    if active_only:
        qs = qs.filter(is_active=True, category__is_active=True)
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs


def topic_get(topic_id: Any) -> Topic | None:
    """A topic by id, or None (also for a malformed id)."""
    try:
        return Topic.objects.select_related("category").filter(pk=topic_id).first()
    except (DjangoValidationError, ValueError, TypeError):
        return None


def category_get(category_id: Any) -> TopicCategory | None:
    try:
        return TopicCategory.objects.filter(pk=category_id).first()
    except (DjangoValidationError, ValueError, TypeError):
        return None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def consultation_list(
    actor: Actor,
    *,
    status: str = "",
    channel: str = "",
    topic_id: Any = None,
    category_id: Any = None,
    org_unit_path: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    customer_id: Any = None,
    assignee_id: Any = None,
) -> QuerySet[Consultation]:
    """Consultations in the actor's scope (consultations.view), newest first."""
    qs = scope(
        actor,
        Consultation.objects.select_related("org_unit", "topic__category", "customer", "assignee"),
        VIEW,
    )
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    if category_id:
        qs = qs.filter(topic__category_id=category_id)
    if org_unit_path:
        qs = qs.filter(org_unit__path__startswith=org_unit_path)
    if date_from:
        qs = qs.filter(received_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(received_at__lt=_day_start(date_to + timedelta(days=1)))
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    return qs


def access_consultation(
    actor: Actor, consultation_id: Any, *, for_update: bool = False
) -> Consultation:
    """The one door: missing and out of scope are the same 404 (DESIGN rule 2)."""
    qs = Consultation.objects.select_related(
        "org_unit", "topic__category", "customer", "assignee", "complaint"
    )
    if for_update:  # SELECT … FOR UPDATE cannot join nullable relations on PostgreSQL
        qs = Consultation.objects.select_related("org_unit")
    return get_in_scope(actor, qs, consultation_id, VIEW, for_update=for_update)


def suggestion_list(actor: Actor, *, status: str = "") -> QuerySet[Suggestion]:
    qs = scope(actor, Suggestion.objects.select_related("org_unit", "consultation"), VIEW)
    return qs.filter(status=status) if status else qs


def access_suggestion(actor: Actor, suggestion_id: Any, *, for_update: bool = False) -> Suggestion:
    return get_in_scope(
        actor,
        Suggestion.objects.select_related("org_unit", "consultation"),
        suggestion_id,
        VIEW,
        for_update=for_update,
    )


def customer_lookup(actor: Actor, q: str) -> list[Customer]:
    """Exact match by mobile or ID number only, through the keyed hash: the plaintext is never
    compared in the database, and there is no name search here (an agent identifies a caller by a
    number the caller gives). At most 10 customers (one mobile may be shared)."""
    q = (q or "").strip()
    if not q:
        return []
    qs = scope(actor, Customer.objects.select_related("org_unit"), "customers.view")
    if is_mobile(normalise_mobile(q)):
        return list(qs.filter(mobile_hash=mobile_hash(q))[:10])
    compact = normalise_id_number(q)
    if len(compact) >= 6 and compact[:-1].isdigit():
        return list(qs.filter(id_number_hash=id_number_hash(compact))[:10])
    return []


def lookup_kind(q: str) -> str:
    """ "mobile", "id_number" or "" (not a number we can look up)."""
    q = (q or "").strip()
    if is_mobile(normalise_mobile(q)):
        return "mobile"
    compact = normalise_id_number(q)
    return "id_number" if len(compact) >= 6 and compact[:-1].isdigit() else ""


@dataclass
class CustomerHistory:
    consultations: list[Consultation] = field(default_factory=list)
    complaints: list[Any] = field(default_factory=list)
    complaints_available: bool = False
    can_open_complaints: bool = False


def customer_history(
    actor: Actor, customer: Customer, *, size: int = HISTORY_SIZE
) -> CustomerHistory:
    """What the customer asked before (users.md: the agent's first question), newest first.

    Extension point for complaints: when the complaints app provides ``complaints.Complaint`` with
    a ``complainant`` FK to the customer, the customer's complaints in the actor's scope
    (``complaints.view`` or ``complaints.register``) are listed too. Looked up by app label."""
    history = CustomerHistory(
        consultations=list(consultation_list(actor, customer_id=customer.pk)[:size])
    )
    try:
        complaint_model = apps.get_model("complaints", "Complaint")
    except LookupError:
        return history
    if not any(f.name == "complainant" for f in complaint_model._meta.get_fields()):
        return history
    history.complaints_available = True
    # An agent who may register complaints sees that the customer has some (reference, state,
    # date: no content), so a repeat is recognised (CP-4); the link needs complaints.view.
    own = complaint_model._default_manager.filter(complainant=customer)
    visible = scope(actor, own, "complaints.view") | scope(actor, own, "complaints.register")
    history.complaints = list(visible.distinct().order_by("-created_at")[:size])
    history.can_open_complaints = actor.can("complaints.view")
    return history
