"""Policy import (issue 5 §1): one service for the page, the API and the command; customers found
by the keyed hash of their ID number; bad rows named by line, field and reason while the good rows
land; idempotent by policy number; rows outside the importer's scope refused."""

from __future__ import annotations

import codecs
import io
import uuid
from datetime import date

import pytest
from django.core.management import call_command

from hiqc.core.access import Actor, Grant
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.policies.models import Policy, PolicyInsured
from hiqc.policies.services import policies_import

from .factories import PREMIUM, csv_bytes, person, product, resident_id, row

pytestmark = pytest.mark.django_db
CHILD = resident_id(3, born="20150601")


@pytest.fixture
def family(actors, org):
    product()
    return {
        "holder": person(actors["agent"], org["C1"], "王建国", 1),
        "spouse": person(actors["agent"], org["C1"], "李秀英", 2),
        "child": person(actors["agent"], org["C1"], "王小明", 3, born="20150601"),
    }


def load(actor, rows, **kwargs):
    return policies_import(actor=actor, source=io.BytesIO(csv_bytes(rows)), **kwargs)


def test_given_known_customers_when_importing_then_policies_and_insured_persons_are_created(
    actors, family
):
    rows = [
        row("P-1"),  # holder insures themselves (empty insured column)
        row(
            "P-2",
            insured_id_numbers=f"{resident_id(1)};{resident_id(2)};{CHILD}",
            relation="self;配偶;child",
        ),
    ]
    report = load(actors["quality_lead"], rows)
    assert (report.rows_read, report.created, report.rejected_total) == (2, 2, 0), report.rejected
    one = Policy.objects.get(number="P-1")
    assert (one.holder, one.org_unit.code, one.premium_yuan) == (family["holder"], "C1", PREMIUM)
    assert (one.start_date, one.end_date, one.status) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        "in_force",
    )
    assert list(one.insured.values_list("customer", "relation")) == [(family["holder"].pk, "self")]
    two = PolicyInsured.objects.filter(policy__number="P-2")
    assert {(i.customer_id, i.relation) for i in two} == {
        (family["holder"].pk, "self"),
        (family["spouse"].pk, "spouse"),
        (family["child"].pk, "child"),
    }


def test_bad_rows_are_reported_with_line_field_and_reason_while_good_rows_land(actors, family):
    rows = [
        row("P-1"),  # line 2: good
        row(""),  # 3
        row("P-3", product="NOPE"),  # 4
        row("P-4", org_unit="XX"),  # 5
        row("P-5", holder_id_number=resident_id(99)),  # 6: no such customer
        row("P-6", insured_id_numbers=resident_id(2)),  # 7: not the holder, no relation
        row("P-7", insured_id_numbers=resident_id(2), relation="邻居"),  # 8
        row("P-8", start_date="2026-13-01"),  # 9
        row("P-9", end_date="2025-12-31"),  # 10: ends before it starts
        row("P-10", premium_yuan="-5"),  # 11
        row("P-11", status="active"),  # 12
        row("P-1"),  # 13: same number twice in one file
        row("P-13", insured_id_numbers=resident_id(98), relation="spouse"),  # 14
        row("P-14", insured_id_numbers=resident_id(2), relation="配偶", status="有效"),  # 15
    ]
    report = load(actors["quality_lead"], rows)
    assert {(r.line, r.field) for r in report.rejected} == {
        (3, "number"),
        (4, "product"),
        (5, "org_unit"),
        (6, "holder_id_number"),
        (7, "relation"),
        (8, "relation"),
        (9, "start_date"),
        (10, "end_date"),
        (11, "premium_yuan"),
        (12, "status"),
        (13, "number"),
        (14, "insured_id_numbers"),
    }
    assert all(r.problem for r in report.rejected)
    assert [r.line for r in report.rejected] == sorted(r.line for r in report.rejected)
    assert report.created == 2
    assert set(Policy.objects.values_list("number", flat=True)) == {"P-1", "P-14"}
    missing = next(r for r in report.rejected if r.line == 6)
    assert resident_id(99) not in missing.problem  # only the masked number is named
    assert resident_id(99)[-4:] in missing.problem


def test_given_a_file_imported_twice_when_reimported_then_nothing_is_duplicated(actors, family):
    rows = [row("P-1"), row("P-2", insured_id_numbers=resident_id(2), relation="spouse")]
    first = load(actors["quality_lead"], rows)
    again = load(actors["quality_lead"], rows)
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert Policy.objects.count() == 2
    assert PolicyInsured.objects.count() == 2


def test_a_reimport_updates_status_and_dates_in_place_and_adds_new_insured_persons(actors, family):
    load(actors["quality_lead"], [row("P-1")])
    before = Policy.objects.get(number="P-1")
    changed = row(
        "P-1",
        status="退保",
        end_date="2026-06-30",
        insured_id_numbers=f"{resident_id(1)};{CHILD}",
        relation="child",
    )
    report = load(actors["quality_lead"], [changed])
    after = Policy.objects.get(number="P-1")
    assert (report.created, report.updated, report.insured_added) == (0, 1, 1)
    assert after.pk == before.pk
    assert (after.status, after.end_date) == ("surrendered", date(2026, 6, 30))
    assert after.updated_at > before.updated_at
    assert after.insured.count() == 2


def test_a_reimport_may_not_move_a_policy_to_another_product_holder_or_unit(actors, family, org):
    load(actors["quality_lead"], [row("P-1")])
    product("MED-T2")
    for field, changed in (
        ("holder_id_number", row("P-1", holder_id_number=resident_id(2))),
        ("org_unit", row("P-1", org_unit="O1")),
        ("product", row("P-1", product="MED-T2")),
    ):
        report = load(actors["quality_lead"], [changed])
        assert [(r.line, r.field) for r in report.rejected] == [(2, field)]
    policy = Policy.objects.get(number="P-1")
    assert (policy.holder, policy.org_unit.code) == (family["holder"], "C1")


def test_rows_for_units_outside_the_importers_scope_are_refused_by_line(org, family):
    province_lead = Actor(
        user_id=uuid.uuid4(), username="ql_p1", grants=(Grant("quality_lead", org["P1"].path),)
    )
    report = load(province_lead, [row("P-1", org_unit="O1"), row("P-2", org_unit="C2")])
    assert [(r.line, r.field) for r in report.rejected] == [(3, "org_unit")]
    assert list(Policy.objects.values_list("number", flat=True)) == ["P-1"]


def test_only_policies_manage_may_import(actors, family):
    with pytest.raises(Forbidden):
        load(actors["claims"], [row("P-1")])
    assert not Policy.objects.exists()


def test_a_file_without_the_required_columns_is_refused_as_a_whole(actors, family):
    with pytest.raises(ValidationFailed) as exc:
        policies_import(actor=actors["quality_lead"], source=io.BytesIO(b"number,product\nP-1,X\n"))
    assert "file" in exc.value.fields


def test_a_gb18030_file_from_excel_is_read(actors, family):
    data = csv_bytes([row("P-1", status="有效", relation="本人")], encoding="gb18030")
    report = policies_import(actor=actors["quality_lead"], source=io.BytesIO(data))
    assert report.created == 1


def test_batches_cache_customers_and_write_in_bulk(actors, family, django_assert_max_num_queries):
    rows = [row(f"P-{i}") for i in range(60)]
    with django_assert_max_num_queries(30):  # a few queries per batch, never one per row
        report = load(actors["quality_lead"], rows, batch_rows=20)
    assert report.created == 60


def test_each_run_writes_one_audit_event_with_counts_only(actors, family):
    load(actors["quality_lead"], [row("P-1"), row("P-2", holder_id_number=resident_id(99))])
    event = AuditEvent.objects.get(action="policies.import")
    assert event.data["created"] == 1 and event.data["rejected"] == 1
    assert resident_id(1) not in str(event.data) and resident_id(99) not in str(event.data)


def test_the_command_imports_a_file_with_the_same_rules(tmp_path, family):
    path = tmp_path / "policies.csv"
    path.write_bytes(csv_bytes([row("P-1"), row("P-2", product="NOPE")]))
    out = io.StringIO()
    call_command("import_policies", str(path), stdout=out)
    text = out.getvalue()
    assert "created 1" in text and "rejected 1" in text
    assert "product" in text
    assert Policy.objects.filter(number="P-1").exists()


def test_a_utf16_file_with_a_bom_is_read(actors, family):
    data = codecs.BOM_UTF16_LE + csv_bytes([row("P-1")]).decode().encode("utf-16-le")
    report = policies_import(actor=actors["quality_lead"], source=io.BytesIO(data))
    assert report.created == 1


def test_a_utf16_file_without_a_bom_is_refused_naming_the_encoding(actors, family):
    """It was refused with "表头缺少列" (issue 14 §7): the columns were there, the encoding was not."""
    data = csv_bytes([row("P-1")]).decode().encode("utf-16-le")
    with pytest.raises(ValidationFailed) as refused:
        policies_import(actor=actors["quality_lead"], source=io.BytesIO(data))
    message = refused.value.fields["file"][0]
    assert "UTF-16" in message and "CSV UTF-8" in message and "表头缺少列" not in message
    assert not Policy.objects.exists()
