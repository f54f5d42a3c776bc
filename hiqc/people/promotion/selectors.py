"""Reads of promotions (standard 7.3.3; issue 18 §6): the handlers' list and the unit's notices."""

from __future__ import annotations

from django.db.models import QuerySet

from hiqc.core.access import Actor

from .models import Promotion, PromotionStatus
from .services import notices_visible, promotions_visible


def promotion_list(actor: Actor, *, status: str = "") -> QuerySet[Promotion]:
    qs = promotions_visible(actor)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-nominated_at", "pk")


def notice_list(actor: Actor, *, current: bool = False) -> QuerySet[Promotion]:
    """The notices the actor's unit may read, newest first; ``current``: still in notice."""
    qs = notices_visible(actor)
    if current:
        qs = qs.filter(status=PromotionStatus.NOTICE)
    return qs.order_by("-notice_from", "pk")
