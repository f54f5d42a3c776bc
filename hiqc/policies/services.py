"""Writes of products and policies (issue 5 §1).

``policies_import`` is the one code path behind the upload page (``/policies/import/``),
``POST /api/v1/policies/import`` and ``manage.py import_policies``. It streams the CSV, checks every
row with ``ingest.PolicyChecker`` and works in batches:

* units and products are read once per file; customers are found through the keyed hash of their
  ID number (``hiqc.customers.selectors.id_number_hash``), one query per batch for the hashes not
  seen before in the file (the answers are cached for the rest of the file);
* the policy numbers of a batch are looked up in one query: a new number is created, a known one
  is updated in place (status, dates, premium; insured persons missing from it are added, none
  is removed) — re-running a file never duplicates;
* new policies and their insured persons are written with ``bulk_create``, changed ones with
  ``bulk_update``, one transaction per batch.

Every bad row is reported with its line, field and reason while the good rows are kept. One audit
event (counts only, no personal data) records each run. ``policies_bulk_create`` is shared with
the demo data.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.collection import clean_basis, collection_record, hashing
from hiqc.core.errors import ValidationFailed
from hiqc.core.personaldata import Basis
from hiqc.customers.enums import IdType
from hiqc.customers.models import Customer
from hiqc.organisations.selectors import unit_codes

from .ingest import CheckedPolicy, FileProblem, PolicyChecker, Rejection, UnitRef, read_rows
from .models import Policy, PolicyInsured
from .selectors import product_refs

MANAGE = "policies.manage"
BATCH_ROWS = 5_000
REJECTED_KEPT = 1_000  # rejections listed in full; the rest are counted
UPDATABLE = ("start_date", "end_date", "premium_yuan", "status")


@dataclass(frozen=True)
class NewPolicy:
    """A policy ready to write: every reference resolved, every rule checked."""

    number: str
    product_id: uuid.UUID
    product_version_id: uuid.UUID
    holder_id: uuid.UUID
    org_unit_id: uuid.UUID
    start_date: date
    end_date: date
    premium_yuan: Decimal
    status: str
    insured: tuple[tuple[uuid.UUID, str], ...]  # (customer id, relation)


@dataclass
class PolicyImportReport:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    insured_added: int = 0
    rejected_total: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0
    collection_id: Any = None  # the CollectionRecord of this run (6.1.2)

    @property
    def rejected_more(self) -> int:
        return self.rejected_total - len(self.rejected)

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0

    def reject(self, rejection: Rejection) -> None:
        self.rejected_total += 1
        if len(self.rejected) < REJECTED_KEPT:
            self.rejected.append(rejection)


def policies_bulk_create(rows: Sequence[NewPolicy], *, batch_size: int = BATCH_ROWS) -> int:
    """Write new policies and their insured persons with two ``bulk_create`` calls; returns the
    number of insured rows. The caller has checked every row and holds the transaction."""
    policies: list[Policy] = []
    insured: list[PolicyInsured] = []
    for r in rows:
        policy = Policy(
            number=r.number,
            product_id=r.product_id,
            product_version_id=r.product_version_id,
            holder_id=r.holder_id,
            org_unit_id=r.org_unit_id,
            start_date=r.start_date,
            end_date=r.end_date,
            premium_yuan=r.premium_yuan,
            status=r.status,
        )
        policies.append(policy)
        insured.extend(
            PolicyInsured(policy=policy, customer_id=customer_id, relation=relation)
            for customer_id, relation in r.insured
        )
    Policy.objects.bulk_create(policies, batch_size=batch_size)
    PolicyInsured.objects.bulk_create(insured, batch_size=batch_size)
    return len(insured)


class _Customers:
    """Customer ids by the keyed hash of the ID number, cached for the whole file."""

    def __init__(self) -> None:
        self._ids: dict[str, uuid.UUID | None] = {}

    def load(self, hashes: Iterable[str]) -> None:
        wanted = {h for h in hashes if h not in self._ids}
        if not wanted:
            return
        found: dict[str, uuid.UUID] = {}
        rows = Customer.objects.filter(id_number_hash__in=wanted).values_list(
            "id_number_hash", "id", "id_type"
        )
        for hashed, pk, _id_type in sorted(rows, key=lambda r: r[2] != IdType.RESIDENT_ID):
            found.setdefault(hashed, pk)  # a resident ID first, if one number has two types
        for h in wanted:
            self._ids[h] = found.get(h)

    def get(self, hashed: str) -> uuid.UUID | None:
        return self._ids.get(hashed)


def _apply(batch: list[CheckedPolicy], customers: _Customers, report: PolicyImportReport) -> None:
    if not batch:
        return
    customers.load(h for c in batch for h in (c.holder_hash, *(p.id_hash for p in c.insured)))
    existing = {
        p.number: p
        for p in Policy.objects.filter(number__in=[c.number for c in batch]).only(
            "id", "number", "product_id", "holder_id", "org_unit_id", *UPDATABLE
        )
    }
    covered = set(
        PolicyInsured.objects.filter(policy_id__in=[p.pk for p in existing.values()]).values_list(
            "policy_id", "customer_id"
        )
    )
    to_create: list[NewPolicy] = []
    to_update: list[Policy] = []
    insured_added: list[PolicyInsured] = []
    now = timezone.now()
    for c in batch:
        holder_id = customers.get(c.holder_hash)
        if holder_id is None:
            report.reject(_missing(c.line, "holder_id_number", c.holder_masked))
            continue
        insured: list[tuple[uuid.UUID, str]] = []
        for person in c.insured:
            customer_id = customers.get(person.id_hash)
            if customer_id is None:
                report.reject(_missing(c.line, "insured_id_numbers", person.id_masked))
                break
            insured.append((customer_id, person.relation))
        else:
            policy = existing.get(c.number)
            if policy is None:
                to_create.append(
                    NewPolicy(
                        number=c.number,
                        product_id=c.product_id,
                        product_version_id=c.product_version_id,
                        holder_id=holder_id,
                        org_unit_id=c.org_unit_id,
                        start_date=c.start_date,
                        end_date=c.end_date,
                        premium_yuan=c.premium_yuan,
                        status=c.status,
                        insured=tuple(insured),
                    )
                )
                continue
            for name, attr, value in (
                ("product", "product_id", c.product_id),
                ("holder_id_number", "holder_id", holder_id),
                ("org_unit", "org_unit_id", c.org_unit_id),
            ):
                if getattr(policy, attr) != value:
                    report.reject(
                        Rejection(c.line, name, _("与已导入的同号保单不一致（不可更改）"))
                    )
                    break
            else:
                new = {
                    "start_date": c.start_date,
                    "end_date": c.end_date,
                    "premium_yuan": c.premium_yuan,
                    "status": c.status,
                }
                changed = any(getattr(policy, k) != v for k, v in new.items())
                if changed:
                    for k, v in new.items():
                        setattr(policy, k, v)
                    policy.updated_at = now
                    to_update.append(policy)
                added = [
                    PolicyInsured(policy_id=policy.pk, customer_id=cid, relation=rel)
                    for cid, rel in insured
                    if (policy.pk, cid) not in covered
                ]
                insured_added.extend(added)
                if changed or added:
                    report.updated += 1
                else:
                    report.unchanged += 1
    with transaction.atomic():
        report.insured_added += policies_bulk_create(to_create)
        if to_update:
            Policy.objects.bulk_update(to_update, [*UPDATABLE, "updated_at"], batch_size=500)
        PolicyInsured.objects.bulk_create(insured_added, batch_size=BATCH_ROWS)
    report.created += len(to_create)
    report.insured_added += len(insured_added)


def _missing(line: int, field: str, id_masked: str) -> Rejection:
    return Rejection(
        line,
        field,
        _("未找到证件号码为 {number} 的客户，请先登记客户").format(number=id_masked),
    )


def policies_import(
    *,
    actor: Actor,
    source: Any,
    origin: str = "api",
    file_name: str = "",
    on_progress: Callable[[int], None] | None = None,
    batch_rows: int = BATCH_ROWS,
    basis: str = Basis.CONTRACT,
    source_system: str = "",
) -> PolicyImportReport:
    """Import policies from a CSV with a header row (columns: ``ingest.COLUMNS``). Needs
    ``policies.manage``; rows for units outside its scope are rejected by line. ``source`` is
    anything with ``read(n)`` or an iterable of byte chunks; ``on_progress`` receives the bytes
    read since its last call."""
    require(actor, MANAGE)
    basis = clean_basis(basis)  # holders and insured named for the contract (PIPL art. 13(2))
    source = hashing(source)  # the file's SHA-256, read once (6.1.2; ADR 0031)
    started = time.perf_counter()
    units = {code: UnitRef(pk, path) for code, (pk, path) in unit_codes(active=True).items()}
    products = product_refs()
    checker = PolicyChecker(
        units=units, products=products, may_import=lambda path: actor.can(MANAGE, path)
    )
    customers = _Customers()
    report = PolicyImportReport()
    batch: list[CheckedPolicy] = []
    try:
        for line, row in read_rows(source, on_bytes=on_progress):
            report.rows_read += 1
            result = row if isinstance(row, Rejection) else checker.check(line, row)
            if isinstance(result, Rejection):
                report.reject(result)
                continue
            batch.append(result)
            if len(batch) >= batch_rows:
                _apply(batch, customers, report)
                batch = []
        _apply(batch, customers, report)
    except FileProblem as exc:
        raise ValidationFailed(str(exc), fields={"file": [str(exc)]}) from exc
    finally:
        report.seconds = time.perf_counter() - started
    report.rejected.sort(key=lambda r: r.line)
    collection = collection_record(
        actor=actor,
        kind="policies.import",
        channel=origin,
        basis=basis,
        source_system=source_system,
        file_name=file_name,
        file_sha256=source.hexdigest(),
        rows=report.created + report.updated,
    )
    report.collection_id = collection.pk
    audit_record(
        actor=actor,
        action="policies.import",
        subject_type="policies.Policy",
        data={
            "origin": origin,
            "file_name": file_name[:200],
            "file_sha256": collection.file_sha256,
            "basis": basis,
            "rows_read": report.rows_read,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "insured_added": report.insured_added,
            "rejected": report.rejected_total,
        },
    )
    return report
