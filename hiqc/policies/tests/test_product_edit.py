"""Changing a product itself (issue 17 §1): its name, description and whether it is on sale at
any time; its line only until a version is published; its code never, and never a word the
catalogue's own pages use. Head office product maintainers only."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hiqc.core.errors import ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.policies import catalogue
from hiqc.policies.models import Product

from .test_catalogue_api import BODY, client, post

pytestmark = pytest.mark.django_db


def patch(c: Client, code: str, body: dict):
    return c.patch(f"/api/v1/products/{code}", json.dumps(body), content_type="application/json")


def test_a_product_is_renamed_and_taken_off_sale_and_the_change_is_audited(personas):
    # given a published product
    pm = client(personas, "product_manager")
    assert post(pm, "/api/v1/products", {**BODY, "effective_from": "2026-01-01"}).status_code == 201
    # when its maintainer renames it and takes it off sale
    r = patch(pm, "MED-API", {"name": "安康医疗险（2026版）", "active": False})
    # then both change, the rest stays, and the audit names the fields (never their values)
    assert r.status_code == 200, r.content
    assert (r.json()["name"], r.json()["active"], r.json()["line"]) == (
        "安康医疗险（2026版）", False, "medical")  # fmt: skip
    event = AuditEvent.objects.filter(action="products.catalogue.product_update").get()
    assert sorted(event.fields) == ["active", "name"]


def test_the_line_of_a_published_product_cannot_change_but_a_drafts_can(personas):
    pm = client(personas, "product_manager")
    post(pm, "/api/v1/products", {**BODY, "effective_from": "2026-01-01"})
    refused = patch(pm, "MED-API", {"line": "critical_illness"})
    assert refused.status_code == 422 and "line" in refused.json()["fields"]
    assert Product.objects.get(code="MED-API").line == "medical"
    # a product whose first version is still a draft may be filed under another line
    post(pm, "/api/v1/products", {**BODY, "code": "MED-DRAFT"})
    ok = patch(pm, "MED-DRAFT", {"line": "critical_illness", "description": "改为疾病保险"})
    assert ok.status_code == 200 and ok.json()["line"] == "critical_illness"


def test_every_bad_change_is_named_by_field_and_nothing_is_saved(personas, actors):
    pm = client(personas, "product_manager")
    post(pm, "/api/v1/products", BODY)
    r = patch(pm, "MED-API", {"name": "  ", "line": "space"})
    assert r.status_code == 422 and set(r.json()["fields"]) == {"name", "line"}
    assert Product.objects.get(code="MED-API").name == "安康医疗险"
    # the code itself is not a field that changes
    with pytest.raises(ValidationFailed) as exc:
        catalogue.product_update(actors["product_manager"], Product.objects.get(code="MED-API"),
                                 {"code": "OTHER"})  # fmt: skip
    assert "code" in exc.value.fields


def test_a_branch_reader_cannot_change_a_product(personas):
    pm = client(personas, "product_manager")
    post(pm, "/api/v1/products", BODY)
    r = patch(client(personas, "branch_manager"), "MED-API", {"name": "x"})
    assert r.status_code == 403
    assert Product.objects.get(code="MED-API").name == "安康医疗险"


@pytest.mark.parametrize("code", ["new", "import", "NEW"])
def test_a_product_may_not_take_a_word_the_catalogue_pages_use_as_its_code(personas, code):
    r = post(client(personas, "product_manager"), "/api/v1/products", {**BODY, "code": code})
    assert r.status_code == 422 and "保留字" in r.json()["fields"]["code"][0]
    assert not Product.objects.filter(code=code).exists()


def test_the_edit_page_saves_and_locks_the_line_once_published(personas):
    pm = client(personas, "product_manager")
    post(pm, "/api/v1/products", {**BODY, "effective_from": "2026-01-01"})
    page = pm.get("/policies/products/MED-API/edit/")
    html = page.content.decode()
    assert page.status_code == 200 and "修改产品信息" in html
    assert 'name="line"' in html and "disabled" in html.split('name="line"')[1].split(">")[0]
    # a posted line is ignored once published; the name and sale status are saved
    r = pm.post("/policies/products/MED-API/edit/",
                {"name": "安康医疗险（新）", "line": "critical_illness", "description": ""})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == "/policies/products/MED-API/"
    got = Product.objects.get(code="MED-API")
    assert (got.name, got.line, got.active) == ("安康医疗险（新）", "medical", False)
    # an empty name comes back at its field
    bad = pm.post("/policies/products/MED-API/edit/", {"name": "", "line": "medical"})
    assert bad.status_code == 422 and "has-error" in bad.content.decode()
    # a reader without the maintenance right gets no form
    assert (
        client(personas, "branch_manager").get("/policies/products/MED-API/edit/").status_code
        == 403
    )
