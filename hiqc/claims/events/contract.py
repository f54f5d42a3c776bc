"""The event format of the core-system import and what both paths report (issue 5 §7)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from hiqc.core.access import Actor
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.models import CaseEvent

from ..workflow import WORKFLOW

Source = CaseEvent.Source
FIELDS = ("source_system", "external_id", "claim", "action", "at")
REJECTED_KEPT = 1_000
CHUNK_EVENTS = 100_000
FLUSH_CLAIMS = 20_000
ACTIONS = {"create", *(t.name for t in WORKFLOW.transitions)}


@dataclass
class ImportReport:
    applied: int = 0
    duplicate: int = 0
    rejected: list[dict] = field(default_factory=list)
    rejected_total: int = 0
    lines: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # bulk path: seconds per step

    def reject(self, entry: dict) -> None:
        self.rejected_total += 1
        if len(self.rejected) < REJECTED_KEPT:
            self.rejected.append(entry)

    def as_dict(self) -> dict:
        return {
            "applied": self.applied,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "rejected_total": self.rejected_total,
        }

    @property
    def events_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0


@dataclass
class ClaimEvent:
    line: int
    source_system: str
    external_id: str
    claim: str
    action: str
    at: datetime
    data: dict[str, Any]


def importable_actions(actor: Actor) -> list[str]:
    """The actions an unknown one is corrected to: ``create`` and the workflow actions whose
    permission the importing actor holds somewhere (not every action of the workflow)."""
    may = {t.name for t in WORKFLOW.transitions if actor.can(t.perm)}
    return sorted(name for name in ACTIONS if name == "create" or name in may)


def _parse(number: int, raw: str | bytes, actions: Sequence[str]) -> ClaimEvent | dict | None:
    """A line as an event, a rejection, or None for a blank line. ``actions``: what an unknown
    action's rejection offers instead (``importable_actions``)."""
    if not raw.strip():
        return None
    try:
        item = json.loads(raw)
        if not isinstance(item, dict):
            raise ValueError("not an object")
    except ValueError:
        return {"line": number, "problem": _("不是有效的 JSON 对象。")}
    missing = [k for k in FIELDS if not item.get(k)]
    if missing:
        return {
            "line": number,
            "claim": str(item.get("claim") or ""),
            "action": str(item.get("action") or ""),
            "problem": _("缺少字段：{f}。").format(f=", ".join(missing)),
        }
    claim, action = str(item["claim"]), str(item["action"])
    try:
        at = datetime.fromisoformat(str(item["at"]))
        if at.tzinfo is None:
            raise ValueError
    except ValueError:
        return {"line": number, "claim": claim, "action": action,
                "problem": _("时间必须是带时区的 ISO 8601 格式。")}  # fmt: skip
    data = item.get("data") or {}
    if not isinstance(data, dict):
        return {"line": number, "claim": claim, "action": action,
                "problem": _("data 必须是 JSON 对象。")}  # fmt: skip
    lists = [k for k in ("items", "documents") if not isinstance(data.get(k) or [], list | str)]
    if lists:
        return {"line": number, "claim": claim, "action": action, "fields": {k: [_("须为列表。")] for k in lists},
                "problem": _("材料清单须为列表。")}  # fmt: skip
    if action not in ACTIONS:
        return {"line": number, "claim": claim, "action": action, "state": "",
                "allowed_actions": list(actions), "problem": _("未知的理赔动作。")}  # fmt: skip
    return ClaimEvent(number, str(item["source_system"])[:60], str(item["external_id"])[:100],
                      claim[:64], action, at, data)  # fmt: skip


def _rejection(
    ev: ClaimEvent, exc: Exception, state: str = "", allowed: Sequence[str] = ()
) -> dict:
    """A refused event's report entry. ``state`` and ``allowed``: the claim's state and the
    actions the importing actor may take on it now, for refusals that are not a 409 (which
    carries its own). A "not found" names no state: it is the answer for a claim that does not
    exist and for everything the importer may not be told about (DESIGN rule 2)."""
    entry: dict[str, Any] = {"line": ev.line, "claim": ev.claim, "action": ev.action}
    if isinstance(exc, NotFound):
        state, allowed = "", ()
    if isinstance(exc, Conflict):
        entry.update(state=exc.state or state, allowed_actions=exc.allowed_actions)
    else:
        entry.update(state=state, allowed_actions=list(allowed) if state else [])
        if getattr(exc, "fields", None):
            entry["fields"] = exc.fields  # type: ignore[attr-defined]
    entry["problem"] = getattr(exc, "message", str(exc))
    return entry


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


def _out_of_order(at: datetime, last: datetime, state: str, allowed: Sequence[str]) -> Conflict:
    """``allowed``: the actions the importing actor may take on the claim now."""
    return Conflict(
        _("事件早于该案件已记录的最后事件（{last}），顺序不对。").format(
            last=last.astimezone(BEIJING).isoformat()
        ),
        code="out_of_order",
        state=state,
        allowed_actions=allowed,
    )


def _exists(ev: ClaimEvent, state: str, allowed: Sequence[str]) -> Conflict:
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


def _lines(source: Iterable[str | bytes]) -> Iterator[tuple[int, str | bytes]]:
    return enumerate(source, start=1)


def _audit(actor: Actor, report: ImportReport, *, bulk: bool) -> None:
    if not (report.applied or report.rejected_total):
        return
    audit_record(actor=actor, action="claims.events.import",
                 data={"bulk": bulk, "lines": report.lines, "applied": report.applied,
                       "duplicate": report.duplicate, "rejected": report.rejected_total})  # fmt: skip


def _slices(values: list[Any], size: int = 5_000) -> Iterator[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
