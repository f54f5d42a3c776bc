"""Human-facing case numbers and id checks (ADR 0005: UUID keys, business numbers beside them).

A case number is letters + the Beijing date of receipt + a daily sequence (``TS20261126 00001``,
``LP20261126 000001``): the next free number of that day, retried when two registrations race
for it (the number is unique in the database, so the loser of the race simply takes the next)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from .calendar import BEIJING

M = TypeVar("M", bound=models.Model)
ATTEMPTS = 5


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def next_daily_number(
    model: type[models.Model], field: str, letters: str, at: datetime, digits: int
) -> str:
    prefix = letters + at.astimezone(BEIJING).strftime("%Y%m%d")
    last = (
        model._default_manager.filter(**{f"{field}__startswith": prefix})
        .order_by(f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    return f"{prefix}{int(last[len(prefix) :]) + 1 if last else 1:0{digits}d}"


def create_numbered(
    model: type[M], *, field: str, letters: str, at: datetime, digits: int, **values: Any
) -> M:
    """Create a row with the next daily number in ``field``; retry if another took it first."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return model._default_manager.create(
                    **{field: next_daily_number(model, field, letters, at, digits)}, **values
                )
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
