"""Reads of sharing and exchange (standard 6.3; issue 21 §7, §8). Doors: ``access_partner``,
``access_agreement``, ``access_share``, ``access_assessment`` — missing and not yours are the
same 404; lists use the same scope predicate (``information.view``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hiqc.core.access import Actor, get_in_scope, scope

from ..enums import VIEW
from .models import (
    DataShare,
    ImpactAssessment,
    IncomingExchange,
    Partner,
    ShareRecord,
    SharingAgreement,
)


def partner_list(actor: Actor) -> QuerySet[Partner]:
    return scope(actor, Partner.objects.select_related("org_unit"), VIEW)


def access_partner(actor: Actor, partner_id: Any) -> Partner:
    return get_in_scope(actor, Partner.objects.select_related("org_unit"), partner_id, VIEW)


def agreement_list(actor: Actor, *, status: str = "") -> QuerySet[SharingAgreement]:
    qs = scope(actor, SharingAgreement.objects.select_related("org_unit", "partner"), VIEW)
    return qs.filter(status=status) if status else qs


def access_agreement(actor: Actor, agreement_id: Any, *, for_update: bool = False
                     ) -> SharingAgreement:  # fmt: skip
    qs = SharingAgreement.objects.all() if for_update else SharingAgreement.objects.select_related(
        "org_unit", "partner")  # fmt: skip
    return get_in_scope(actor, qs, agreement_id, VIEW, for_update=for_update)


def share_list(actor: Actor, *, status: str = "") -> QuerySet[DataShare]:
    qs = scope(actor, DataShare.objects.select_related("org_unit", "agreement__partner"), VIEW)
    return qs.filter(status=status) if status else qs


def access_share(actor: Actor, case_id: Any, *, for_update: bool = False) -> DataShare:
    qs = DataShare.objects.all() if for_update else DataShare.objects.select_related(
        "org_unit", "agreement__partner")  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)


def incoming_list(actor: Actor) -> QuerySet[IncomingExchange]:
    return scope(actor, IncomingExchange.objects.select_related("org_unit", "partner"), VIEW)


def assessment_list(actor: Actor, *, agreement_id: Any = None) -> QuerySet[ImpactAssessment]:
    qs = scope(actor, ImpactAssessment.objects.select_related("org_unit", "agreement"), VIEW)
    return qs.filter(agreement_id=agreement_id) if agreement_id else qs


def access_assessment(actor: Actor, assessment_id: Any) -> ImpactAssessment:
    return get_in_scope(actor, ImpactAssessment.objects.select_related("org_unit", "agreement"),
                        assessment_id, VIEW)  # fmt: skip


def share_record(share: DataShare) -> ShareRecord | None:
    """What was sent for a share (one record, once exported)."""
    return ShareRecord.objects.filter(share=share).first()
