"""Claims worked in the core claims system and monitored here (issue 5 §7; standard 5.1, 5.2).

The core system reports what happens to its claims as JSON lines, one event a line, following the
case-engine contract (docs/architecture.md §9)::

    {"source_system": "CORE", "external_id": "EV-1", "claim": "<core claim number>",
     "action": "create" | <a workflow action>, "at": "2026-03-02T10:00:00+08:00", "data": {...}}

``create`` carries what ``claim_register`` needs (``policy_number``, ``claim_type``,
``incident_date``, ``amount_claimed``, ``diagnosis_code``, ``diagnosis_text``, optionally
``insured_id``, ``claimant_id``, ``org_unit`` — a unit code — and ``channel``, how the claimant
applied: online, app, counter or agent, else ``core_system``); the claim keeps the core system's
number as ``external_ref``. Any event may list in
``data.documents`` the checklist codes the core system has received by then (CL-1 works on them).

Both paths are the kernel's one events door, ``case_events_import`` (``hiqc.core.eventsdoor``):
it parses, checks scope first, finds duplicates, detects events out of order and reports; claims
declare their part on it (``single.py``: the ``claim`` reference, ``create``, the documents
received; ``bulk.py``: the backfill).

* ``claim_events_import`` — ``bulk=False``: one event at a time through ``claim_register`` /
  ``case_transition`` (the same services as the pages), each line its own transaction: the API
  and the command.
* ``claim_events_import_bulk`` — ``bulk=True`` for backfills (``--bulk``): the engine's own
  executor on claims held in memory (``EventRules`` in ``rules.py`` runs ``case_execute`` on a
  claims ``BatchStore``, with the action rules of ``hiqc.claims.actions``; a ``create`` line is
  checked by ``claim_application_check`` on the chunk's preloaded look-ups; the tests run both
  paths on the same input and compare every state, clock and event), written in batches with
  ``COPY`` (PostgreSQL) or ``executemany`` (SQLite). Claims that already exist in the database
  continue from their stored state through the single path.

Idempotent by (source_system, external_id): a re-sent event is a duplicate and changes nothing.
An impossible or out-of-order event is rejected with its line number, the claim, the event and
the claim's state; the other lines still apply.

Scope before anything is said (DESIGN rule 2): a claim number, an event id or a policy that
exists only outside the importer's scope is answered exactly as a missing one. An event on
another branch's claim is "not found"; an event id logged on another branch's claim is not a
duplicate for the importer (the line is checked as if the id were new and refused "not found"
where it would apply); a ``create`` whose claim number or event id is taken elsewhere is checked
like any application and then refused as one naming a unit outside the importer's scope
(``_not_creatable``) — never "案号已存在", which only a claim the importer may see gets.
"""

from .bulk import claim_events_import_bulk
from .contract import ClaimEvent, ImportReport
from .rules import EventRules
from .single import claim_events_import
from .write import BulkWriter

__all__ = [
    "BulkWriter",
    "ClaimEvent",
    "EventRules",
    "ImportReport",
    "claim_events_import",
    "claim_events_import_bulk",
]
