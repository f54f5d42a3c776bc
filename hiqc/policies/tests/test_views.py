"""Policy pages (issue 5 §1): search by number, detail with masked ID numbers, the product
catalogue with its checklists, and the upload page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hiqc.policies.models import Policy

from .factories import csv_bytes, person, product, resident_id, row

pytestmark = pytest.mark.django_db


def client(personas, name: str) -> Client:
    c = Client()
    c.force_login(personas[name])
    return c


def test_the_list_page_searches_by_number(personas, policy):
    c = client(personas, "claims")
    html = c.get("/policies/?number=P-2026").content.decode()
    assert "P-2026-0001" in html and "王建国" in html and "王小明" in html
    assert "P-2026-0001" not in c.get("/policies/?number=X").content.decode()


def test_the_detail_page_masks_id_numbers_and_shows_the_checklist(personas, policy):
    html = client(personas, "claims").get(f"/policies/{policy.pk}/").content.decode()
    assert resident_id(1) not in html
    assert resident_id(1)[-4:] in html
    assert "理赔申请书" in html and "医疗费用报销" in html
    assert client(personas, "outsider_agent").get(f"/policies/{policy.pk}/").status_code == 404


def test_the_catalogue_page_shows_lines_claim_types_and_checklists(personas, policy):
    html = client(personas, "auditor").get("/policies/products/").content.decode()
    for text in ("MED-T1", "医疗保险", "住院津贴", "生效中"):
        assert text in html
    html = client(personas, "auditor").get("/policies/products/MED-T1/").content.decode()
    for text in ("住院津贴", "理赔申请书", "视情况提供"):
        assert text in html


def test_the_upload_page_imports_and_lists_bad_rows_by_line(personas, actors, org):
    product()
    person(actors["agent"], org["C1"], "王建国", 1)
    upload = SimpleUploadedFile(
        "p.csv", csv_bytes([row("P-1"), row("P-2", start_date="昨天")]), "text/csv"
    )
    response = client(personas, "quality_lead").post("/policies/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="n-created">1<' in html
    assert "start_date" in html and "日期格式应为" in html
    assert Policy.objects.filter(number="P-1").exists()


def test_navigation_shows_the_policy_links_by_permission(personas):
    claims = client(personas, "claims").get("/").content.decode()
    assert 'href="/policies/"' in claims and 'href="/policies/import/"' not in claims
    quality = client(personas, "quality_lead").get("/").content.decode()
    assert 'href="/policies/import/"' in quality


def test_a_bad_list_filter_is_shown_at_its_field_and_the_good_ones_still_apply(personas, policy):
    c = client(personas, "claims")
    # When the list is searched by a number that matches nothing and a status that does not exist
    html = c.get("/policies/?number=X&status=bogus").content.decode()
    # Then the status is refused beside its field, and the number filter still applies
    assert '<span class="error">' in html.split('name="status"')[1].split("</form>")[0]
    assert "P-2026-0001" not in html
