"""The conformance API and pages (issue 22 §6): who may read, the same 404 for another branch's
unit as for a missing one, the period validated naming the field, and the pages render."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from django.test import Client

from hiqc.conformance import coverage
from hiqc.conformance.periods import last_complete_quarter, parse_period
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db
API = "/api/v1/conformance"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_quality_lead_auditor_compliance_and_branch_manager_read_others_are_refused(personas):
    for name in ("quality_lead", "auditor", "compliance", "branch_manager"):
        c = client_for(personas[name])
        assert c.get(f"{API}/clauses").status_code == 200, name
    for name in ("claims", "agent", "nobody"):
        c = client_for(personas[name])
        assert c.get(f"{API}/clauses").status_code == 403, name
        assert c.get(f"{API}/status?period=2026-Q1").status_code == 403, name


def test_clauses_lists_every_clause_with_capability_rules_and_pending(personas):
    rows = client_for(personas["auditor"]).get(f"{API}/clauses").json()
    by_code = {r["code"]: r for r in rows}
    assert len(rows) == 298 and rows[0]["code"] == "1"
    assert [r["code"] for r in by_code["5.1.2(1)"]["rules"]] == ["claims.online_claims"]
    assert by_code["3.1.2(2)"]["rules"] == [] and by_code["3.1.2(2)"]["rules_from"] == "3.1.2"
    assert by_code["1.2"]["not_applicable_reason"]
    assert all(by_code[code]["pending"] for code in coverage.PENDING)
    assert "telephony" in by_code["4.1.3(1)"]["capability"]


def test_status_per_clause_for_the_unit_and_period(personas, org):
    body = (
        client_for(personas["branch_manager"])
        .get(f"{API}/status?org_unit={org['C1'].pk}&period=2026-07")
        .json()
    )
    assert (body["period"], body["period_start"], body["period_end"]) == (
        "2026-07",
        "2026-07-01",
        "2026-08-01",
    )
    assert body["org_unit_name"] == org["C1"].name and len(body["clauses"]) == 298
    row = next(c for c in body["clauses"] if c["code"] == "6.1.1(3)")
    assert (
        row["status"] == "conforming"
        and row["evidence"][0]["rule"] == "core.personal_fields_declared"
    )
    parents = {c["code"].rsplit(".", 1)[0].split("(")[0] for c in body["clauses"]}
    assert 0 < sum(body["summary"].values()) < 298 - len(parents & {"1", "2", "3"})


def test_another_branchs_unit_is_the_same_404_as_a_missing_one(personas, org):
    c = client_for(personas["branch_manager"])  # P1
    other = c.get(f"{API}/status?org_unit={org['P2'].pk}")
    missing = c.get(f"{API}/status?org_unit={uuid.uuid4()}")
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content


def test_a_malformed_period_is_refused_naming_the_field(personas):
    c = client_for(personas["quality_lead"])
    for bad in ("2026-Q5", "2026-13", "26-Q1", "2026/07", "1999-Q1"):
        r = c.get(f"{API}/status?period={bad}")
        assert r.status_code == 422 and "period" in r.json()["fields"], bad


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-12-31 23:00", "2026-Q3"), ("2027-01-01 00:30", "2026-Q4"),
    ("2028-02-29 12:00", "2027-Q4"), ("2026-09-30 23:59", "2026-Q2"),
    ("2026-04-01 00:00", "2026-Q1"),
])  # fmt: skip
def test_default_period_is_the_last_complete_quarter_in_beijing_time(today, expected):
    from datetime import datetime

    with time_machine.travel(datetime.fromisoformat(today).replace(tzinfo=BEIJING), tick=False):
        assert last_complete_quarter().label == expected


def test_quarters_and_months_parse_to_their_dates():
    q = parse_period("2026-Q4")
    assert (q.start.isoformat(), q.end.isoformat()) == ("2026-10-01", "2027-01-01")
    m = parse_period("2028-02")
    assert (m.start.isoformat(), m.end.isoformat()) == ("2028-02-01", "2028-03-01")
    with pytest.raises(ValidationFailed):
        parse_period("2026-Q0")


def test_the_clause_tree_and_a_clause_page_render_with_statuses(personas, org):
    c = client_for(personas["quality_lead"])
    page = c.get("/conformance/?period=2026-Q3").content.decode()
    assert "4.1.3(1)" in page and 'data-status="not_applicable"' in page
    clause = c.get("/conformance/clauses/6.1.1(3)/?period=2026-Q3").content.decode()
    assert "core.personal_fields_declared" in clause and "不得收集与业务无关的个人信息" in clause
    assert c.get("/conformance/clauses/99.9/").status_code == 404
    branch = client_for(personas["branch_manager"])
    assert branch.get(f"/conformance/?unit={org['P2'].pk}").status_code == 404
    assert client_for(personas["claims"]).get("/conformance/").status_code == 403
