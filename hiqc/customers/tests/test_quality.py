"""Minimal collection and accuracy (standard 6.1.1, 6.1.2; PIPL art. 13; issue 21 §3; ADR
0031): where customer data came from and on which ground, and a per-unit data-quality view."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.models import CollectionRecord
from hiqc.customers.models import Customer
from hiqc.customers.quality import data_quality, problem_customers, quality_tally_run
from hiqc.customers.services import customer_create, customer_update

VALID_ID = "11010519491231002X"
BAD_CHECK_DIGIT = "110105194912310021"
OLD = datetime(2021, 6, 1, 9, 0, tzinfo=BEIJING)


def _as(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


@pytest.fixture
def customers(org):
    """At C1: one complete, one with a wrong check digit and a landline, one with nothing but a
    name and not updated since 2021; at C2: one complete."""

    def make(unit, name, **values):
        return Customer.objects.create(org_unit=unit, name=name, **values)

    good = dict(id_number=VALID_ID, mobile="13812345678", address="北京市朝阳区1号")
    out = {
        "good": make(org["C1"], "甲", birth_date=datetime(1949, 12, 31).date(), **good),
        "bad": make(
            org["C1"],
            "乙",
            id_number=BAD_CHECK_DIGIT,
            mobile="01088886666",
            address="北京市",
            birth_date=datetime(1949, 12, 31).date(),
        ),
        "empty": make(org["C1"], "丙"),
        "theirs": make(org["C2"], "丁", birth_date=datetime(1949, 12, 31).date(), **good),
    }
    Customer.objects.filter(pk=out["empty"].pk).update(updated_at=OLD)
    return out


def test_quality_counts_missing_invalid_and_stale_fields_per_unit(customers, actors, org):
    with time_machine.travel(datetime(2026, 12, 7, 10, tzinfo=BEIJING), tick=False):
        quality_tally_run()
        units = {u.unit_id: u for u in data_quality(actors["quality_lead"])}
    c1 = units[org["C1"].pk]
    assert (c1.total, c1.with_problem, c1.clean_rate) == (3, 2, 33.3)
    assert c1.counts == {
        "missing_id_number": 1,
        "missing_mobile": 1,
        "missing_birth_date": 1,
        "missing_address": 1,
        "invalid_id_number": 1,
        "invalid_mobile": 1,
        "stale": 1,
    }
    assert c1.rate("invalid_id_number") == 33.3
    assert units[org["C2"].pk].clean_rate == 100.0


def test_a_record_is_stale_only_after_three_years_without_update(customers, actors, org):
    # last written 2021-06-01: still current on 2024-06-01, stale from 2024-06-02
    with time_machine.travel(datetime(2024, 6, 1, 23, tzinfo=BEIJING), tick=False):
        quality_tally_run()
        c1 = {u.unit_id: u for u in data_quality(actors["quality_lead"])}[org["C1"].pk]
    assert c1.counts["stale"] == 0
    with time_machine.travel(datetime(2024, 6, 2, 0, 30, tzinfo=BEIJING), tick=False):
        quality_tally_run()
        c1 = {u.unit_id: u for u in data_quality(actors["quality_lead"])}[org["C1"].pk]
    assert c1.counts["stale"] == 1


def test_anonymised_customers_and_units_out_of_scope_are_not_counted(customers, actors, org):
    Customer.objects.filter(pk=customers["bad"].pk).update(anonymised_at=OLD)
    quality_tally_run()
    units = {u.unit_id: u for u in data_quality(actors["branch_manager"])}  # P1 only
    assert set(units) == {org["C1"].pk}
    assert units[org["C1"].pk].total == 2


def test_drill_down_lists_the_customers_and_answers_other_units_as_missing(customers, actors, org):
    _unit, rows = problem_customers(
        actors["branch_manager"], unit_id=org["C1"].pk, problem="invalid_mobile"
    )
    assert [c.name for c in rows] == ["乙"]
    with pytest.raises(NotFound) as theirs:
        problem_customers(actors["branch_manager"], unit_id=org["C2"].pk, problem="stale")
    with pytest.raises(NotFound) as missing:
        problem_customers(
            actors["branch_manager"], unit_id="00000000-0000-0000-0000-000000000000",
            problem="stale",
        )  # fmt: skip
    assert str(theirs.value) == str(missing.value)


def test_the_quality_pages_show_figures_and_masked_customers_only(customers, personas, org):
    client = _as(personas, "quality_lead")
    assert "尚无统计" in client.get("/customers/quality/").content.decode()  # before any tally
    with time_machine.travel(datetime(2026, 12, 7, 4, 40, tzinfo=BEIJING), tick=False):
        quality_tally_run()
    page = client.get("/customers/quality/").content.decode()
    assert "客户数据质量" in page and "33.3%" in page
    assert "统计日期：2026-12-07" in page
    detail = client.get(f"/customers/quality/{org['C1'].pk}/invalid_id_number/")
    html = detail.content.decode()
    assert detail.status_code == 200 and "乙" in html
    assert BAD_CHECK_DIGIT not in html and "110105********0021" in html
    assert client.get(f"/customers/quality/{org['C1'].pk}/nonsense/").status_code == 404


def test_the_quality_api_answers_per_unit_figures(customers, personas, org):
    assert _as(personas, "quality_lead").get("/api/v1/customer-data-quality").json() == []
    with time_machine.travel(datetime(2026, 12, 7, 4, 40, tzinfo=BEIJING), tick=False):
        quality_tally_run()
    body = _as(personas, "quality_lead").get("/api/v1/customer-data-quality").json()
    c1 = next(u for u in body if u["org_unit_id"] == str(org["C1"].pk))
    assert (c1["customers"], c1["invalid_mobile"], c1["rates"]["stale"]) == (3, 1, 33.3)
    assert c1["as_of"] == "2026-12-07"
    assert _as(personas, "nobody").get("/api/v1/customer-data-quality").status_code == 403


def test_a_registered_customer_records_its_source_and_legal_basis(actors, org):
    c = customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={"name": "张三", "id_number": VALID_ID},
        basis="consent",
        channel="form",
        source_system="柜面",
    )
    record = c.collection
    assert record is not None
    assert (record.kind, record.channel, record.basis, record.source_system) == (
        "customers.form",
        "form",
        "consent",
        "柜面",
    )
    assert record.actor_name == "agent" and record.org_path == org["C1"].path
    # an update that changes personal data records its own collection
    updated = customer_update(
        actor=actors["agent"], customer_id=c.pk, data={"mobile": "13812345678"}
    )
    assert updated.collection_id != record.pk


def test_an_unknown_legal_basis_is_refused_at_its_field(actors, org):
    with pytest.raises(ValidationFailed) as err:
        customer_create(
            actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "张三"}, basis="whim"
        )
    assert "collection_basis" in err.value.fields
    assert not Customer.objects.exists() and not CollectionRecord.objects.exists()


def test_the_api_validates_the_basis_and_shows_the_source(personas, org):
    client = _as(personas, "agent")
    bad = client.post(
        "/api/v1/customers",
        {"org_unit_id": str(org["C1"].pk), "name": "张三", "collection_basis": "whim"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "collection_basis" in bad.content.decode()
    ok = client.post(
        "/api/v1/customers",
        {"org_unit_id": str(org["C1"].pk), "name": "张三", "source_system": "核心业务系统"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    source = ok.json()["source"]
    assert (source["basis"], source["channel"], source["source_system"]) == (
        "contract",
        "api",
        "核心业务系统",
    )
    detail = client.get(f"/customers/{ok.json()['id']}/").content.decode()
    assert "核心业务系统" in detail and "订立、履行个人作为一方当事人的合同所必需" in detail
