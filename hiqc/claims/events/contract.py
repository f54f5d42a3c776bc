"""What the claims declaration on the kernel's events door answers in its own words (issue 5 §7):
the documents a line lists, a core-system number that already exists, a create the importer may
not make. The line format and the report are the kernel's (``hiqc.core.eventsdoor``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.eventsdoor import EventLine as ClaimEvent
from hiqc.core.eventsdoor import ImportReport
from hiqc.core.models import CaseEvent

from ..enums import ClaimChannel

Source = CaseEvent.Source

__all__ = ["ClaimEvent", "ImportReport", "Source", "application_channel"]


def application_channel(data: Mapping[str, Any]) -> str:
    """How the claimant applied, as the core system recorded it (``data.channel``: online, app,
    counter, agent — checked by ``claim_application_check`` like a page's field); a feed that
    does not say is ``core_system``."""
    return str(data.get("channel") or ClaimChannel.CORE_SYSTEM)


def _doc_codes(data: Mapping[str, Any], checklist: Mapping[str, Any]) -> list[str]:
    """``data.documents``: checklist codes the core system has received (CL-1 works on them)."""
    raw = data.get("documents") or []
    codes = [c for c in raw.split(",") if c] if isinstance(raw, str) else [str(c) for c in raw]
    unknown = [c for c in codes if c not in checklist]
    if unknown:
        raise ValidationFailed(
            _("清单中没有这些材料：{codes}").format(codes=", ".join(unknown)),
            fields={"documents": [_("请从该产品的理赔材料清单中选择。")]},
        )
    return codes


def _exists(state: str, allowed: Sequence[str]) -> Conflict:
    """``allowed``: the actions the importing actor may take on the existing claim now."""
    return Conflict(_("核心系统案号已存在，不能重复立案。"), code="claim_exists", state=state,
                    allowed_actions=allowed)  # fmt: skip


def _not_creatable() -> NotFound:
    """The refusal of a ``create`` the importer may not make, whatever the reason: the unit it
    names (``org_unit``) is missing or outside its scope, or the claim number or the event id is
    already taken by a claim outside its scope. One answer for all, so that a refusal never tells
    whether a number exists elsewhere (DESIGN rule 2); given only once the application itself is
    valid, as for a unit."""
    return NotFound(_("不能立案：案号或所属机构不在您的权限范围内。"))


def _slices(values: list[Any], size: int = 5_000) -> Iterator[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
