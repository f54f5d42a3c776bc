"""The demo's collection sources and data-quality cases (issue 21 §2, §3; ADR 0031).

* the bulk-loaded demo customers and policies get one collection record each (system feed, the
  contract as PIPL art. 13 ground); the calls import records its own;
* a few customers with missing, invalid (ID check digit, landline instead of mobile) and stale
  data, so the customer-data quality page has something to show, at 成都 and 广州;
* records past their retention, so the retention dry run lists consultations, call agents' ids
  and a customer: a consultation resolved six years ago and its customer, a customer named by
  nothing since, and three calls of three years ago, at 成都.

Runs only with the whole demo (not when a domain's demo test runs its hook alone: those count
their own records). The customers it adds are linked to the collection record of kind
``CASES_KIND`` so the demo's own checks can tell them from the valid bulk customers.

Dates derive from today with ``years_after`` (29 February safe). Idempotent: fixed numbers and
call ids, created once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hiqc.callcentre.ingest import slot_of
from hiqc.callcentre.models import CallRecord
from hiqc.consultations.models import Consultation, Topic
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING, years_after
from hiqc.core.collection import collection_record
from hiqc.core.models import CollectionRecord
from hiqc.customers.models import Customer
from hiqc.customers.selectors import id_number_hash, mobile_hash
from hiqc.customers.validation import resident_id_check_digit
from hiqc.organisations.models import OrgUnit

QUALITY_UNITS = ("SC-CD", "GD-GZ")
OLD_UNIT = "SC-CD"
OLD_CONSULTATION = "ZX-DEMO-RET-1"
OLD_CALL = "RET-DEMO-{n}"
CASES_KIND = "customers.demo_cases"
NEEDS = frozenset({"policies", "consultations", "callcentre"})  # the hooks that must have run


def _rid(n: int) -> str:
    first17 = f"51010419800101{n:03d}"
    return first17 + resident_id_check_digit(first17)


def _wrong_check_digit(n: int) -> str:
    good = _rid(n)
    return good[:17] + ("0" if good[17] != "0" else "1")


# (name, id number, mobile, address, years since the last update)
CASES: tuple[tuple[str, str, str, str, int], ...] = (
    ("严晓梅", "", "13880001001", "成都市锦江区红星路 1 号", 0),
    ("钟立新", _wrong_check_digit(901), "13880001002", "成都市武侯区人民南路 2 号", 0),
    ("汪德华", _rid(902), "028-86001234", "成都市青羊区东城根街 3 号", 0),
    ("韩素芬", _rid(903), "", "", 4),
    ("龚建国", _wrong_check_digit(904), "", "广州市天河区体育西路 5 号", 0),
    ("程美玲", _rid(905), "1388000100", "广州市越秀区北京路 6 号", 4),
)


def _demo_collections(actor: Actor) -> int:
    made = 0
    if not CollectionRecord.objects.filter(kind="customers.demo").exists():
        record = collection_record(
            actor=actor, kind="customers.demo", channel="system", basis="contract",
            source_system="演示数据（核心业务系统）",
            rows=Customer.objects.filter(collection__isnull=True).count(),
        )  # fmt: skip
        Customer.objects.filter(collection__isnull=True).update(collection=record)
        made += 1
    if not CollectionRecord.objects.filter(kind="policies.demo").exists():
        from hiqc.policies.models import Policy

        collection_record(
            actor=actor, kind="policies.demo", channel="system", basis="contract",
            source_system="演示数据（核心业务系统）", rows=Policy.objects.count(),
        )  # fmt: skip
        made += 1
    return made


def _cases_record(actor: Actor) -> CollectionRecord:
    record = CollectionRecord.objects.filter(kind=CASES_KIND).first()
    return record or collection_record(
        actor=actor,
        kind=CASES_KIND,
        channel="form",
        basis="contract",
        source_system="柜面（演示）",
        rows=len(CASES) + 2,
    )


def _quality_cases(units: Mapping[str, OrgUnit], actor: Actor, today: Any) -> int:
    made = 0
    record = _cases_record(actor)  # fmt: skip
    for i, (name, number, mobile, address, years) in enumerate(CASES):
        unit = units.get(QUALITY_UNITS[i // 3])
        if unit is None or Customer.objects.filter(name=name, org_unit=unit).exists():
            continue
        c = Customer.objects.create(
            org_unit=unit, name=name, id_number=number, id_number_hash=id_number_hash(number),
            mobile=mobile, mobile_hash=mobile_hash(mobile) if mobile else "", address=address,
            collection=record,
        )  # fmt: skip
        if years:
            stamp = datetime.combine(years_after(today, -years), time(10), tzinfo=BEIJING)
            Customer.objects.filter(pk=c.pk).update(updated_at=stamp, created_at=stamp)
        made += 1
    return made


def _past_retention(units: Mapping[str, OrgUnit], actor: Actor, today: Any) -> int:
    unit = units.get(OLD_UNIT)
    topic = Topic.objects.filter(is_active=True).order_by("code").first()
    if unit is None or topic is None or Consultation.objects.filter(number=OLD_CONSULTATION):
        return 0
    long_ago = datetime.combine(years_after(today, -6), time(10), tzinfo=BEIJING)
    record = _cases_record(actor)
    customer = Customer.objects.create(
        org_unit=unit,
        name="邹文静",
        id_number=_rid(906),
        id_number_hash=id_number_hash(_rid(906)),
        collection=record,
    )
    free = Customer.objects.create(
        org_unit=unit,
        name="贺永平",
        id_number=_rid(907),
        id_number_hash=id_number_hash(_rid(907)),
        collection=record,
    )  # named by nothing any more: listed for anonymisation by the dry run
    Customer.objects.filter(pk__in=[customer.pk, free.pk]).update(
        updated_at=long_ago, created_at=long_ago
    )
    Consultation.objects.create(
        number=OLD_CONSULTATION, org_unit=unit, channel="phone", customer=customer,
        contact_name="邹女士", contact_mobile="13880009906", topic=topic,
        question="住院医疗保险的等待期是多久？", answer="等待期 30 天，续保无等待期。",
        received_at=long_ago, answered_at=long_ago + timedelta(minutes=5),
        resolved_at=long_ago + timedelta(minutes=5), first_contact_resolution=True,
        status="resolved", recording_ref="REC-DEMO-RET-1",
    )  # fmt: skip
    three_years = datetime.combine(years_after(today, -3), time(10), tzinfo=BEIJING)
    for n in range(3):
        at = three_years + timedelta(minutes=7 * n)
        CallRecord.objects.create(
            call_id=OLD_CALL.format(n=n + 1), queue="consultation", org_unit=unit,
            offered_at=at, answered_at=at + timedelta(seconds=12),
            ended_at=at + timedelta(seconds=192), agent=f"SC{101 + n}", wait_s=12,
            handle_s=180, offered_slot=slot_of(at),
        )  # fmt: skip
    return 1


def load_collection(
    units: Mapping[str, OrgUnit], actor: Actor, *, ran: frozenset[str] | set[str] = NEEDS
) -> dict[str, int]:
    """``ran``: the labels of the domain hooks that ran; without the whole demo, nothing."""
    if not set(ran) >= NEEDS:
        return {}
    today = timezone.localdate()
    with transaction.atomic():
        return {
            "collection_records": _demo_collections(actor),
            "quality_cases": _quality_cases(units, actor, today),
            "retention_cases": _past_retention(units, actor, today),
        }
