"""Catalogue pages (issue 17 §1): who sees them, creating a product, editing its draft with
repeatable rows, errors at their fields, publishing, the PR-1 hint, the comparison and the
upload page."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hiqc.policies import catalogue, selectors

from .test_catalogue import published
from .test_catalogue_import import SAMPLE, product, version

pytestmark = pytest.mark.django_db


def client(personas, name: str) -> Client:
    c = Client()
    c.force_login(personas[name])
    return c


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict[str, object]:
    data: dict[str, object] = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data.update({f"{prefix}-{i}-{k}": v for k, v in item.items()})
    return data


def draft_form(**changes) -> dict[str, object]:
    data: dict[str, object] = {
        "term_years": "1", "premium_basis": "age_banded", "net_premium_yuan": "300",
        "waiting_period_days": "30", "renewal": "guaranteed",
        "claim_types": ["medical_reimbursement"], "change_summary": "首版",
        **rows("coverage", [{"name": "住院医疗费用"}, {"name": ""}]),
        **rows("sums", [{"amount": "2000000"}, {"amount": "4000000"}]),
        **rows("services", [{"name": "在线问诊", "cost_yuan": "30"}]),
        **rows("documents", [{"claim_type": "medical_reimbursement", "code": "form",
                              "name": "理赔申请书", "required": "on"},
                             {"claim_type": "medical_reimbursement", "code": "records",
                              "name": "门诊病历"}]),
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.mark.parametrize("name", ["quality_lead", "product_manager"])
def test_the_catalogue_pages_render_in_chinese_for_maintainers(personas, actors, name):
    published(actors["product_manager"])
    c = client(personas, name)
    html = c.get("/policies/products/").content.decode()
    assert "产品目录" in html and "新建产品" in html and "生效中" in html
    html = c.get("/policies/products/MED-V/").content.decode()
    assert "版本比较" not in html  # one version: nothing to compare
    assert "第1版条款" in html and "在线问诊" in html and "新建版本草稿" in html
    assert c.get("/policies/products/new/").status_code == 200
    assert "下载模板" in c.get("/policies/products/import/").content.decode()


@pytest.mark.parametrize("name", ["trainer", "facility", "nobody"])
def test_roles_without_policies_view_are_refused_the_catalogue(personas, actors, name):
    published(actors["product_manager"])
    c = client(personas, name)
    assert c.get("/policies/products/").status_code == 403
    assert c.get("/policies/products/MED-V/").status_code == 403


def test_a_branch_reader_sees_the_catalogue_but_cannot_change_it(personas, actors):
    published(actors["product_manager"])
    c = client(personas, "branch_manager")
    html = c.get("/policies/products/MED-V/").content.decode()
    assert "第1版条款" in html and "新建版本草稿" not in html
    assert c.get("/policies/products/new/").status_code == 403
    assert c.post("/policies/products/MED-V/versions/").status_code == 403
    assert c.get("/policies/products/import/").status_code == 403
    assert c.get("/policies/products/NOPE/").status_code == 404


def test_a_product_is_created_its_draft_edited_with_rows_and_published(personas):
    c = client(personas, "product_manager")
    # When a product is created, its first draft opens
    r = c.post(
        "/policies/products/new/", {"code": "MED-P", "name": "页面医疗险", "line": "medical"}
    )
    assert r.status_code == 302 and r["Location"].endswith("/policies/products/MED-P/versions/1/")
    assert "草稿" in c.get(r["Location"]).content.decode()
    # And the draft is filled in with rows (the blank row is left out)
    r = c.post("/policies/products/MED-P/versions/1/", draft_form())
    assert r.status_code == 302, r.content.decode()[-3000:]
    v1 = version("MED-P", 1)
    assert [x["name"] for x in v1.coverage] == ["住院医疗费用"]
    assert v1.sum_insured_options == [2_000_000, 4_000_000]
    assert [(d.code, d.required) for d in v1.documents.all()] == [
        ("form", True),
        ("records", False),
    ]
    # And it is published from a date
    r = c.post("/policies/products/MED-P/versions/1/publish/", {"effective_from": "2026-01-01"})
    assert r.status_code == 302
    html = c.get("/policies/products/MED-P/").content.decode()
    assert "生效中" in html and "2026-01-01" in html and "10.0%" in html


def test_draft_errors_are_shown_at_their_fields_and_nothing_is_saved(personas, actors):
    pm = actors["product_manager"]
    product = catalogue.product_create(pm, code="MED-E", name="医疗险", line="medical")
    catalogue.version_draft(pm, product)
    c = client(personas, "product_manager")
    bad = draft_form(term_years="0", **rows("services", [{"name": "体检", "cost_yuan": ""}]),
                     **rows("documents", [{"claim_type": "hospital_cash", "code": "a",
                                           "name": "住院证明"}]))  # fmt: skip
    r = c.post("/policies/products/MED-E/versions/1/", bad)
    assert r.status_code == 422
    html = r.content.decode()
    terms = html.split('id="section-terms"')[1].split("</fieldset>")[0]
    assert "保险期间须为1至100年" in terms.split('name="term_years"')[1].split('class="field')[0]
    assert "请选择本版本承保的理赔类型" in html.split('id="section-documents"')[1]
    # The catalogue's own checks land in their section too (a service without a cost)
    r = c.post("/policies/products/MED-E/versions/1/", draft_form(
        **rows("services", [{"name": "体检", "cost_yuan": ""}])))  # fmt: skip
    assert r.status_code == 422
    assert "健康管理服务须有名称" in r.content.decode().split('id="section-services"')[1]
    assert version("MED-E", 1).coverage == []


def test_publishing_an_incomplete_draft_says_what_is_missing(personas, actors):
    pm = actors["product_manager"]
    product = catalogue.product_create(pm, code="MED-I", name="医疗险", line="medical")
    catalogue.version_draft(pm, product)
    r = client(personas, "product_manager").post(
        "/policies/products/MED-I/versions/1/publish/", {"effective_from": "2026-01-01"}
    )
    assert r.status_code == 422
    html = r.content.decode().split('id="publish"')[1]
    assert "请至少填写一项保险责任" in html and "参考年净保费" in html


def test_a_new_version_is_compared_with_the_one_in_force_and_pr1_is_flagged(personas, actors):
    pm = actors["product_manager"]
    v1 = published(pm)
    v2 = catalogue.version_draft(pm, v1.product)
    catalogue.version_save(
        pm, v2, {"health_services": [{"name": "在线问诊", "cost_yuan": "60"}]},
        {"medical_reimbursement": [("form", "理赔申请书", True), ("invoice", "发票", True)]},
    )  # fmt: skip
    c = client(personas, "product_manager")
    html = c.get("/policies/products/MED-V/?v=2&base=1&other=2").content.decode()
    assert 'id="pr1-hint"' in html and "25.0%" in html  # 60 / 240
    changes = html.split('id="changes-table"')[1]
    assert (
        "+ 医疗费用报销：发票" in changes and "在线问诊：12.00 元 → 在线问诊：60.00 元" in changes
    )
    # And the draft can be discarded
    r = c.post("/policies/products/MED-V/versions/2/discard/")
    assert r.status_code == 302 and selectors.version_draft_of(product("MED-V")) is None


def test_the_upload_page_imports_a_file_and_lists_bad_rows(personas):
    c = client(personas, "product_manager")
    text = SAMPLE.read_text() + "BAD-1,坏产品,火星保险,,,,,,,,,,责任,,医疗费用报销,a:申请书,\n"
    upload = SimpleUploadedFile("products.csv", text.encode(), "text/csv")
    r = c.post("/policies/products/import/", {"file": upload})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="n-published">1<' in html and 'id="n-rejected">1<' in html and "火星保险" in html
    template = c.get("/policies/products/import/template.csv")
    assert template.status_code == 200 and "MED-2027" in template.content.decode("utf-8-sig")
    assert selectors.version_in_force(product("MED-2027"), date(2027, 1, 1))


def test_the_catalogue_is_in_the_menu_under_claims_and_product_design(personas):
    html = client(personas, "product_manager").get("/").content.decode()
    assert html.count('href="/policies/products/"') == 2 and "产品设计（第3章）" in html
    assert 'href="/policies/products/"' not in client(personas, "trainer").get("/").content.decode()
