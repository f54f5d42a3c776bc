"""Business volume import (CP-11 denominators): good lines kept, bad lines reported, re-runs
update in place."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from hiqc.core.errors import ValidationFailed
from hiqc.organisations.models import BusinessVolume
from hiqc.organisations.volumes import volume_import_text

pytestmark = pytest.mark.django_db

GOOD = """org_unit,month,premium_yuan,policies_in_force,insured_persons
C1,2026-03,"150,000,000.00",60000,90000
C2,2026-03,50000000,40000,60000
"""


def test_good_lines_are_kept_and_bad_lines_reported_by_line_and_field(actors, org):
    text = GOOD + "ZZ,2026-03,1,1,1\nC1,2026-13,-5,x,1\n"
    report = volume_import_text(actor=actors["quality_lead"], text=text)
    assert (report.created, report.updated) == (2, 0)
    assert {(r["line"], r["field"]) for r in report.rejected} == {
        (4, "org_unit"),
        (5, "month"),
        (5, "premium_yuan"),
        (5, "policies_in_force"),
    }
    c1 = BusinessVolume.objects.get(org_unit=org["C1"], month=date(2026, 3, 1))
    assert c1.premium_yuan == Decimal("150000000.00")


def test_re_running_the_same_file_changes_nothing_and_a_correction_updates(actors, org):
    volume_import_text(actor=actors["quality_lead"], text=GOOD)
    again = volume_import_text(actor=actors["quality_lead"], text=GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    fixed = volume_import_text(
        actor=actors["quality_lead"], text=GOOD.replace("60000,90000", "61000,90000")
    )
    assert (fixed.updated, fixed.unchanged) == (1, 1)
    assert BusinessVolume.objects.count() == 2


def test_units_outside_the_importers_scope_are_rejected(actors, org):
    report = volume_import_text(actor=actors["branch_manager"], text=GOOD)  # no complaints.report
    assert report.created == 0 and len(report.rejected) == 2


def test_a_file_without_the_columns_is_refused_at_line_1(actors):
    with pytest.raises(ValidationFailed) as exc:
        volume_import_text(actor=actors["quality_lead"], text="unit,month\nC1,2026-03\n")
    assert "premium_yuan" in exc.value.message and "line 1" in exc.value.fields


def test_the_api_imports_csv_and_lists_volumes(personas, org):
    client = Client()
    client.force_login(personas["quality_lead"])
    response = client.post("/api/v1/business-volumes/import", GOOD, content_type="text/csv")
    assert response.status_code == 200 and response.json()["created"] == 2
    listed = client.get("/api/v1/business-volumes?month=2026-03-01").json()
    assert {r["org_unit_code"] for r in listed["items"]} == {"C1", "C2"}


def test_volume_is_kept_on_one_level_per_month_so_nothing_counts_twice(actors, org):
    volume_import_text(actor=actors["quality_lead"], text=GOOD)  # C1 and C2, March
    nested = GOOD.replace("C1,2026-03", "P1,2026-03").replace("C2,2026-03", "O1,2026-03")
    report = volume_import_text(actor=actors["quality_lead"], text=nested)
    assert report.created == 0
    assert {(r["line"], r["field"]) for r in report.rejected} == {(2, "org_unit"), (3, "org_unit")}
    april = GOOD.replace("2026-03", "2026-04").replace("C1,", "P1,")
    assert volume_import_text(actor=actors["quality_lead"], text=april).created == 2


def test_a_file_that_is_not_csv_is_refused_with_its_line_not_a_server_error(actors):
    with pytest.raises(ValidationFailed):
        volume_import_text(actor=actors["quality_lead"], text='\r"[ \x08=\xf3(\u00d7`')
    broken = GOOD + 'C1,2026-04,"1\n'
    report = volume_import_text(actor=actors["quality_lead"], text=broken)
    assert report.created == 2


def test_the_api_reads_gb18030_and_utf16_with_a_bom_and_names_a_workbook(personas, org):
    client = Client()
    client.force_login(personas["quality_lead"])
    url = "/api/v1/business-volumes/import"
    for body in (GOOD.encode("utf-16"), GOOD.encode("gb18030")):
        response = client.post(url, body, content_type="text/csv")
        assert response.status_code == 200, response.content
    assert BusinessVolume.objects.count() == 2  # the second run updated in place
    workbook = b"PK\x03\x04" + b"\x00" * 64  # an .xlsx is a zip
    refused = client.post(url, workbook, content_type="text/csv")
    assert refused.status_code == 422
    assert "CSV" in refused.json()["message"] and "body" in refused.json()["fields"]
