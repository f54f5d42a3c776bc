"""Reads behind the quality department's survey pages (plans, questionnaires), always through the
actor's scope (DESIGN rule 2)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.organisations.models import OrgUnit
from hiqc.organisations.selectors import root_path, unit_names, units_in_scope
from hiqc.policies.models import Product

from .enums import InvitationStatus, QuestionnaireStatus
from .models import Invitation, Questionnaire, SurveyPlan

VIEW, MANAGE = "surveys.view", "surveys.manage"


def plans(actor: Actor) -> QuerySet[SurveyPlan]:
    """The plans whose scope lies in the actor's view, with invitation counts."""
    return (
        scope(actor, SurveyPlan.objects.select_related("org_unit", "questionnaire"), VIEW)
        .annotate(
            invited=Count("invitations", filter=~Q(invitations__status=InvitationStatus.FAILED)),
            answered=Count("invitations", filter=Q(invitations__status=InvitationStatus.ANSWERED)),
        )
        .order_by("-start_date", "name")
    )


def plan(actor: Actor, plan_id: Any, perm: str = VIEW) -> SurveyPlan:
    return get_in_scope(
        actor, SurveyPlan.objects.select_related("org_unit", "questionnaire"), plan_id, perm
    )


def access_plan(actor: Actor, plan_id: Any, *, for_update: bool = False) -> SurveyPlan:
    """The door to a plan (its case kind's): in the actor's ``surveys.view`` scope, or the same
    404 as a missing one."""
    return get_in_scope(
        actor,
        SurveyPlan.objects.select_related("org_unit", "questionnaire"),
        plan_id,
        VIEW,
        for_update=for_update,
    )


def quota_progress(p: SurveyPlan) -> list[tuple[str, int, int]]:
    """(stratum, invitations this quota period, quota) for each stratum of the plan's design."""
    from django.utils import timezone

    from .services import quota_period_start

    since = quota_period_start(p, timezone.now())
    used = Counter(p.invitations.filter(sent_at__gte=since).values_list("stratum", flat=True))
    return [(k, used.get(k, 0), int(v)) for k, v in (p.quotas or {}).items()]


def stratum_names(p: SurveyPlan) -> dict[str, str]:
    """Readable names for the strata keys (org paths, product codes)."""
    keys = list((p.quotas or {}).keys())
    names = unit_names(keys)
    names.update(Product.objects.filter(code__in=keys).values_list("code", "name"))
    return names


def units_for(actor: Actor, perm: str) -> QuerySet[OrgUnit]:
    return units_in_scope(actor, perm)


def units_below(actor: Actor, root: OrgUnit) -> QuerySet[OrgUnit]:
    return units_for(actor, VIEW).filter(path__startswith=root.path)


def published_questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(status=QuestionnaireStatus.PUBLISHED).order_by("code")


def questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.annotate(n_questions=Count("questions")).order_by(
        "code", "-number"
    )


def head_office_path() -> str:
    """The root unit's path: head-office configuration (questionnaires, scenarios) belongs to it."""
    return root_path()


def access_questionnaire(
    actor: Actor, questionnaire_id: Any, *, for_update: bool = False
) -> Questionnaire:
    """The door to a questionnaire version. Versions are head-office configuration shared by
    every branch: whoever holds ``surveys.view`` or ``surveys.manage`` anywhere may read them;
    anyone else gets the same 404 as for a missing one."""
    from hiqc.core.errors import NotFound

    if not (actor.can(VIEW) or actor.can(MANAGE)):
        raise NotFound()
    qs = Questionnaire.objects.all()
    if for_update:
        qs = qs.select_for_update()
    try:
        found = qs.filter(pk=questionnaire_id).first()
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if found is None:
        raise NotFound()
    return found


def questionnaire(questionnaire_id: Any) -> Questionnaire:
    from hiqc.core.errors import NotFound

    try:
        found = Questionnaire.objects.filter(pk=questionnaire_id).first()
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if found is None:
        raise NotFound()
    return found


def products() -> QuerySet[Product]:
    return Product.objects.order_by("code")


def invitations_of(p: SurveyPlan) -> QuerySet[Invitation]:
    return p.invitations.order_by("-sent_at")
