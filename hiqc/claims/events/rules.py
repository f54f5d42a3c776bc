"""Claims held in memory for the bulk path of the events door (issue 5 §7, issue 15 §2)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind, Refusal
from hiqc.core.casework import BatchStore, External, HeldEvent, case_execute
from hiqc.core.clockmath import ClockMath
from hiqc.core.errors import NotFound
from hiqc.core.heldcases import HeldClock as _Clock
from hiqc.core.heldcases import TimeOrderedIds as _TimeOrderedIds
from hiqc.core.identifiers import is_uuid
from hiqc.core.models import ProcessVersion
from hiqc.core.processes import DEFAULT_WARNING_FRACTIONS, warning_fractions_for
from hiqc.core.rules import rule_value
from hiqc.core.workflow import Clock, Effect
from hiqc.customers.models import Customer
from hiqc.organisations.selectors import unit_codes
from hiqc.policies.models import DocumentRequirement, Policy, PolicyInsured

from ..actions import CASE_TYPE, HeldNotice, Notice, held
from ..enums import ClaimChannel, Status
from ..models import Claim, Payment
from ..rules import retention_years
from ..services import KIND, PolicyFacts, claim_application_check, cover_override_finding
from ..workflow import FAST_TRACK, HANDLE, WORKFLOW
from .contract import (
    ClaimEvent,
    Source,
    _doc_codes,
    _not_creatable,
    _slices,
    application_channel,
)

# --- the bulk path: the same rules on claims held in memory ------------------------------------------


@dataclass
class _Case:
    id: uuid.UUID
    ref: str
    source_system: str
    number: str
    org_unit_id: uuid.UUID
    org_path: str
    policy_id: uuid.UUID
    version_id: uuid.UUID  # the product version the policy was sold under (ADR 0019)
    policy_end: date
    term_years: int
    fields: dict[str, Any]
    channel: str = ClaimChannel.CORE_SYSTEM  # how the claimant applied (``application_channel``)
    status: str = Status.RECEIVED
    version: int = 1
    last_at: datetime | None = None
    clocks: dict[str, _Clock] = field(default_factory=dict)
    supplements: list[HeldNotice] = field(default_factory=list)
    documents: dict[str, datetime] = field(default_factory=dict)
    payments: list[tuple[Decimal, str, datetime, str]] = field(default_factory=list)
    events: list[HeldEvent] = field(default_factory=list)


class EventRules:
    """Events on claims held in memory, with look-ups batched and cached per import: a ``create``
    line is checked by ``claim_application_check`` on the preloaded look-ups (``_Preloaded``) and
    every action runs the engine's executor (``case_execute``) on a claims ``BatchStore`` with
    the claims rules (``hiqc.claims.actions`` on a ``_HeldFile``)."""

    def __init__(self, actor: Actor, *, numbering: tuple[int, int] = (0, 1)) -> None:
        self.actor = actor
        # (k, n): this importer numbers the claims it creates k, k + n, k + 2n… above the day's
        # highest number, so n importers fed disjoint sets of claims never take the same number
        self.numbering = numbering
        self.small = Decimal(int(rule_value("claims.small_claim_yuan")))
        self.retention = {long: retention_years(2 if long else 1) for long in (False, True)}
        self.rollover = str(rule_value("calendar.rollover"))
        self.has_versions = ProcessVersion.objects.filter(process=CASE_TYPE).exists()
        self._fractions: dict[tuple[str, date, str], tuple[float, ...]] = {}
        self.units = unit_codes()
        self.checklists: dict[tuple[uuid.UUID, str], dict[str, tuple[str, bool]]] = {}
        for r in DocumentRequirement.objects.order_by("position", "code"):
            self.checklists.setdefault((r.version_id, r.claim_type), {})[r.code] = (
                r.name, r.required
            )  # fmt: skip
        self.policies: dict[str, PolicyFacts] = {}  # by number
        self.policy_ids: dict[str, PolicyFacts] = {}  # by id
        self.insured: dict[uuid.UUID, list[uuid.UUID]] = {}
        self.customers: dict[uuid.UUID, str] = {}  # customer → its org unit's path
        self.paid_refs: set[str] = set()  # payment references in the database or used in this run
        self._numbers: dict[str, int] = {}
        self.clocks = ClockMath(rollover=self.rollover, memoise=True)
        self.store = _ClaimBatch(self)
        self._ids = _TimeOrderedIds()
        self.clock_defs = WORKFLOW.clock_map
        self.lookups = _Preloaded(self)

    # -- batched look-ups ----------------------------------------------------------------------

    def preload(self, events: list[ClaimEvent]) -> None:
        creates = [e.data for e in events if e.action == "create"]
        numbers = {str(d.get("policy_number") or "").strip() for d in creates
                   if not d.get("policy_id")} - set(self.policies)  # fmt: skip
        numbers.discard("")
        ids = {str(d["policy_id"]).strip() for d in creates
               if d.get("policy_id") and is_uuid(d["policy_id"])} - set(self.policy_ids)  # fmt: skip
        for key, values in (("number__in", numbers), ("pk__in", ids)):
            for part in _slices(sorted(values)):
                loaded = []
                for p in Policy.objects.filter(**{key: part}).values(*_POLICY):
                    facts = PolicyFacts(row=p, pk=p["pk"], path=p["org_unit__path"],
                                        claim_types=p["product_version__claim_types"] or [],
                                        start_date=p["start_date"], end_date=p["end_date"],
                                        status=p["status"], holder_id=p["holder_id"])  # fmt: skip
                    self.policies[p["number"]] = self.policy_ids[str(p["pk"])] = facts
                    self.insured[p["pk"]] = []
                    loaded.append(p["pk"])
                for pid, cid, path in PolicyInsured.objects.filter(
                    policy_id__in=loaded
                ).values_list("policy_id", "customer_id", "customer__org_unit__path"):
                    self.insured[pid].append(cid)
                    self.customers[cid] = path
        wanted = {
            uuid.UUID(str(e.data[k]))
            for e in events
            if e.action == "create"
            for k in ("insured_id", "claimant_id")
            if e.data.get(k) and is_uuid(e.data[k])
        } - set(self.customers)
        for part in _slices(sorted(wanted)):
            self.customers.update(
                Customer.objects.filter(pk__in=part).values_list("pk", "org_unit__path")
            )
        refs = {str(e.data.get("reference") or "").strip() for e in events if e.action == "pay"}
        refs -= self.paid_refs
        for part in _slices(sorted(refs)):
            self.paid_refs.update(
                Payment.objects.filter(reference__in=part).values_list("reference", flat=True)
            )

    def new_id(self) -> uuid.UUID:
        """A time-ordered id for a row written by the bulk path."""
        return self._ids.next()

    def fractions(self, org_path: str, at: datetime, clock: str) -> tuple[float, ...]:
        if not self.has_versions:
            return DEFAULT_WARNING_FRACTIONS
        key = (org_path, at.astimezone(BEIJING).date(), clock)
        hit = self._fractions.get(key)
        if hit is None:
            hit = self._fractions[key] = warning_fractions_for(CASE_TYPE, org_path, at, clock)
        return hit

    def number(self, at: datetime) -> str:
        prefix = "LP" + at.astimezone(BEIJING).strftime("%Y%m%d")
        last = self._numbers.get(prefix)
        if last is None:
            top = (
                Claim.objects.filter(number__startswith=prefix)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            last = int(top[len(prefix) :]) if top else 0
        part, parts = self.numbering
        n = last + 1
        n += (part - n) % parts  # the next number of this importer's residue class
        self._numbers[prefix] = n
        return f"{prefix}{n:06d}"

    # -- clocks: the kernel's computations (hiqc.core.clockmath) on rows held in memory -----------

    def start(self, case: _Case, clock: Clock, at: datetime) -> _Clock:
        d = _Clock()
        self.clocks.begin(d, clock, at, self.fractions(case.org_path, at, clock.code))
        return d

    def effects(self, case: _Case, effects: Iterable[Effect], at: datetime) -> dict[str, _Clock]:
        """The clocks after ``effects`` (copies; the case is untouched if a rule refuses)."""
        return self.clocks.effects(
            case.clocks, effects, at, declared=self.clock_defs, approver=self.actor.username,
            begin=lambda clock, when: self.start(case, clock, when), copy=_Clock.copy,
            field=case.fields.get,
        )  # fmt: skip

    # -- create: the application checks of claim_register, on the preloaded look-ups -------------

    def create(self, ev: ClaimEvent) -> _Case:
        actor, data = self.actor, {**ev.data, "channel": application_channel(ev.data)}
        try:
            checked = claim_application_check(actor=actor, data=data, now=ev.at,
                                              org_unit_code=str(data.get("org_unit") or ""),
                                              lookups=self.lookups)  # fmt: skip
        except NotFound as exc:
            raise _not_creatable() from exc
        clean, override = checked.clean, checked.override
        policy: dict[str, Any] = clean["policy"]  # the row _Preloaded gave
        unit_id, path = checked.unit
        claim_type, amount = clean["claim_type"], clean["amount_claimed"]
        insured, claimant = clean["insured"], clean["claimant"]
        incident, code, text = (
            clean["incident_date"],
            clean["diagnosis_code"],
            clean["diagnosis_text"],
        )
        checklist = self.checklists.get((policy["product_version_id"], claim_type), {})
        docs = _doc_codes(data, checklist)
        case = _Case(
            id=self._ids.next(), ref=ev.case, source_system=ev.source_system, number="",
            org_unit_id=unit_id, org_path=path, policy_id=policy["pk"],
            version_id=policy["product_version_id"], policy_end=policy["end_date"],
            term_years=policy["product_version__term_years"], channel=clean["channel"],
            fields={"claim_type": claim_type, "incident_date": incident, "diagnosis_code": code,
                    "diagnosis_text": text, "amount_claimed": amount, "received_at": ev.at,
                    "small_claim": amount <= self.small, "insured_id": insured,
                    "claimant_id": claimant, "outcome": "", "amount_approved": None,
                    "reason_code": "", "reason_text": "", "decided_at": None,
                    "decided_automatically": False, "human_review_requested_at": None,
                    "agreed_at": None, "closed_at": None, "retain_until": None,
                    "anonymised_at": None},
        )  # fmt: skip
        case.number = self.number(ev.at)
        case.clocks = self.effects(case, WORKFLOW.on_create, ev.at)
        if case.fields["small_claim"]:
            case.clocks[FAST_TRACK.code] = self.start(case, FAST_TRACK, ev.at)
        for c in docs:
            case.documents.setdefault(c, ev.at)
        case.last_at = ev.at
        opened: dict[str, Any] = {"channel": case.channel, "claim_type": claim_type}
        if override:
            opened["cover_override_reason"] = override
            cover_override_finding(number=case.number, org_path=case.org_path, case_id=case.id,
                                   by=actor.username)  # fmt: skip
        case.events.append(HeldEvent(case.id, case.org_path, "create", "", case.status, ev.at,
                                     ev.source_system, ev.external_id, opened))  # fmt: skip
        return case

    # -- any other action: the engine's executor on claims held in memory -------------------------

    def act(self, case: _Case, ev: ClaimEvent) -> None:
        """(The kernel's door has checked the order of the events.)"""
        checklist = self.checklists.get((case.version_id, case.fields["claim_type"]), {})
        docs = {c: ev.at for c in _doc_codes(ev.data, checklist) if c not in case.documents}
        before = case.documents
        if docs:  # what the core system has received by then (CL-1 works on it)
            case.documents = {**before, **docs}
        try:
            case_execute(kind=KIND, store=self.store, actor=self.actor, case=case,
                         action=ev.action, data=ev.data, at=ev.at, source=Source.IMPORT,
                         external=External(ev.source_system, ev.external_id))  # fmt: skip
        except BaseException:
            case.documents = before
            raise
        case.last_at = case.events[-1].at


_POLICY = ("pk", "number", "product_version_id", "product_version__claim_types",
           "product_version__term_years",
           "org_unit_id", "org_unit__path", "start_date", "end_date", "status", "holder_id")  # fmt: skip


class _Preloaded:
    """``ApplicationLookups`` on what ``EventRules.preload`` read for the chunk: a ``create``
    line is checked by ``claim_application_check`` itself, as on the single path."""

    __slots__ = ("rules",)

    def __init__(self, rules: EventRules) -> None:
        self.rules = rules

    def policy(self, ref: str, *, by_pk: bool) -> PolicyFacts | None:
        return (self.rules.policy_ids if by_pk else self.rules.policies).get(ref)

    def insured_ids(self, policy: PolicyFacts) -> set[Any]:
        return set(self.rules.insured.get(policy.pk, ()))

    def customer(self, pk: str) -> tuple[Any, Any, str] | None:
        key = uuid.UUID(pk)
        path = self.rules.customers.get(key)
        return None if path is None else (key, key, path)

    def policy_unit(self, policy: PolicyFacts) -> tuple[Any, str]:
        return policy.row["org_unit_id"], policy.path

    def unit(self, actor: Actor, code: str) -> tuple[Any, str]:
        unit = self.rules.units.get(code)
        if unit is None or not actor.can(HANDLE, unit[1]):
            raise NotFound()
        return unit


class _ClaimBatch(BatchStore):
    """The claims held in memory by a backfill, as the engine's executor reads and writes them;
    the action rules see each through a ``_HeldFile``."""

    def __init__(self, rules: EventRules) -> None:
        super().__init__(rules.actor, math=rules.clocks, begin=rules.start, copy=_Clock.copy)
        self.rules = rules

    def claim_file(self, case: _Case) -> _HeldFile:
        return _HeldFile(case, self.rules)

    def blocked(
        self, kind: CaseKind, case: Any, action: str, actor: Actor, at: datetime
    ) -> Refusal | None:
        return held(self.claim_file(case), action)


class _HeldFile:
    """A claim held in memory as the action rules read and change it (``actions.ClaimFile``)."""

    __slots__ = ("case", "rules")

    def __init__(self, case: _Case, rules: EventRules) -> None:
        self.case, self.rules = case, rules

    @property
    def id(self) -> Any:
        return self.case.id

    @property
    def number(self) -> str:
        return self.case.number

    @property
    def org_path(self) -> str:
        return self.case.org_path

    @property
    def outcome(self) -> str:
        return self.case.fields["outcome"]

    @property
    def amount_claimed(self) -> Decimal:
        return self.case.fields["amount_claimed"]

    @property
    def amount_approved(self) -> Decimal | None:
        return self.case.fields["amount_approved"]

    @property
    def decided_automatically(self) -> bool:
        return self.case.fields["decided_automatically"]

    @property
    def term_years(self) -> int:
        return self.case.term_years

    @property
    def policy_end(self) -> date:
        return self.case.policy_end

    def checklist(self) -> dict[str, tuple[str, bool]]:
        return self.rules.checklists.get((self.case.version_id, self.case.fields["claim_type"]), {})

    def documents(self) -> dict[str, datetime]:
        return self.case.documents

    def notices(self) -> list[HeldNotice]:
        return self.case.supplements

    def retention_years(self) -> int:
        return self.rules.retention[self.case.term_years > 1]

    def paid(self) -> Decimal:
        return sum((p[0] for p in self.case.payments), Decimal(0))

    def reference_taken(self, reference: str) -> bool:
        return reference in self.rules.paid_refs

    def notice_add(self, notice: HeldNotice) -> None:
        self.case.supplements.append(notice)

    def notice_delivered(self, notice: Notice, at: datetime) -> None:
        notice.delivered_at = at

    def notice_fulfilled(self, notice: Notice, at: datetime) -> None:
        notice.fulfilled_at = at
        for code in notice.items:
            self.case.documents.setdefault(code, at)

    def payment_add(self, amount: Decimal, channel: str, at: datetime, reference: str) -> None:
        self.rules.paid_refs.add(reference)
        self.case.payments.append((amount, channel, at, reference))

    def letter_issue(self, kind: str, at: datetime, context: dict[str, Any]) -> None:
        """Not for imported events: the core system sent its own notices."""
