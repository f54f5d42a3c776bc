"""Versioned documents of the surveys chapter — questionnaires and mystery-shopping scenarios
(issue 15: one way to publish, written once). A code has numbered versions; the draft is
published as a frozen version and retires the code's previously published one, both through the
engine in the caller's transaction; a published version retires only when a newer one is
published. The models have ``code``, ``number``, ``status``, ``published_at``, ``published_by``
and ``assignee``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_transition


def retire_held(model: type[models.Model], case: Any, published: str) -> str | None:
    """The ``retire`` guard: a published version is retired by a newer published one only."""
    newer = model._default_manager.filter(code=case.code, number__gt=case.number, status=published)
    return None if newer.exists() else _("已发布的版本在发布新版本时自动停用。")


def latest_for_update(model: type[models.Model], code: str) -> Any:
    """The latest version of ``code``, locked (None: no such code)."""
    return model._default_manager.select_for_update().filter(code=code).order_by("-number").first()


def version_publish(
    *,
    kind: CaseKind,
    actor: Actor,
    draft: Any,
    published: str,
    version: int | None,
    at: datetime,
    source: str,
) -> Any:
    """Publish ``draft`` (who and when written and audited with the step; no one's to act on
    any more) and retire the code's older published versions."""
    done = case_transition(
        kind=kind, actor=actor, case_id=draft.pk, action="publish", version=version, at=at,
        source=source, updates={"published_at": at, "published_by": actor.username,
                                "assignee": None},
        audit={"code": draft.code, "version": draft.number},
    )  # fmt: skip
    older = (
        type(draft)
        ._default_manager.filter(code=draft.code, status=published, number__lt=draft.number)
        .values_list("pk", flat=True)
    )
    for pk in list(older):
        case_transition(kind=kind, actor=actor, case_id=pk, action="retire", at=at, source=source)
    return done
