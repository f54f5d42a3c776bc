"""Reads of the survey app, always through the actor's scope where there is an actor (DESIGN
rule 2). The public answer page has no actor: it reaches one invitation through its link token
(``services.invitation_for_token``) and reads only that invitation's questionnaire and answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.customers.masking import masked
from hiqc.customers.models import Customer

from .enums import Delivery, InvitationStatus
from .models import Invitation, Question, Questionnaire, SurveyResponse

INTERVIEW = "surveys.interview"
OPEN_STATES = (InvitationStatus.SENT, InvitationStatus.STARTED)


# --- answering: the public page and the phone-interview entry ------------------------------------


def questionnaire_for_invitation(invitation: Invitation) -> Questionnaire | None:
    """The version to answer: the one a saved answer started on, else the plan's questionnaire."""
    existing = (
        SurveyResponse.objects.filter(invitation_id=invitation.pk)
        .select_related("questionnaire")
        .first()
    )
    if existing is not None:
        return existing.questionnaire
    return invitation.plan.questionnaire


def questionnaire_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions in the order they are asked (the same order ``questions_of`` uses)."""
    return list(Question.objects.filter(questionnaire=questionnaire).order_by("position", "code"))


def saved_answers(invitation: Invitation) -> dict[str, Any]:
    """What was saved so far (choices, scores and the decrypted free text), or nothing."""
    response = SurveyResponse.objects.filter(invitation_id=invitation.pk).first()
    return response.all_answers if response is not None else {}


# --- phone interviews -----------------------------------------------------------------------------


def open_phone_invitations(actor: Actor, *, now: datetime | None = None) -> QuerySet[Invitation]:
    """Phone invitations still to be called in the actor's ``surveys.interview`` scope, oldest
    first (sent or started, not expired)."""
    now = now or timezone.now()
    qs = (
        Invitation.objects.filter(
            delivery=Delivery.PHONE, status__in=OPEN_STATES, expires_at__gt=now
        )
        .select_related("plan", "org_unit")
        .order_by("sent_at", "case_number", "pk")
    )
    return scope(actor, qs, INTERVIEW)


def access_phone_invitation(actor: Actor, invitation_id: Any) -> Invitation:
    """One phone invitation in the actor's interview scope; missing and "not yours" are the same
    404. Any status: a closed one is shown as closed."""
    qs = Invitation.objects.filter(delivery=Delivery.PHONE).select_related(
        "plan", "plan__questionnaire", "org_unit"
    )
    return get_in_scope(actor, qs, invitation_id, INTERVIEW)


def phone_numbers_masked(invitations: Iterable[Invitation]) -> dict[Any, str]:
    """The number to call per invitation, masked: the one recorded when it was issued, else the
    customer's mobile on file (phone invitations are issued without a recorded destination)."""
    invitations = list(invitations)
    missing = {inv.customer_id for inv in invitations if not inv.destination}
    on_file = {
        c.pk: masked("mobile", c.mobile) for c in Customer.objects.filter(pk__in=missing)
    } if missing else {}  # fmt: skip
    return {inv.pk: inv.destination or on_file.get(inv.customer_id, "") for inv in invitations}
