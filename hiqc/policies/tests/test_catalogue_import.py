"""The catalogue import (issue 17 §1): CSV and Excel rows of product versions, bad rows by line
and field while the good ones are kept, and a re-run that changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.core.spreadsheets import table_rows, xlsx_rows
from hiqc.policies import selectors
from hiqc.policies.catalogue_import import COLUMNS, catalogue_import
from hiqc.policies.models import DocumentRequirement, Product, ProductVersion

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS) + "\n"
SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "samples" / "products.csv"


def product(code: str) -> Product:
    found = selectors.product_get(code)
    assert found is not None, code
    return found


def version(code: str, number: int) -> ProductVersion:
    found = selectors.version_get(product(code), number)
    assert found is not None, (code, number)
    return found


def run(actor, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return catalogue_import(actor=actor, source=io.BytesIO(data), origin="test")


def test_the_sample_file_imports_a_published_version_and_a_draft(actors):
    # When the documented sample is imported
    report = run(actors["product_manager"], SAMPLE.read_bytes())
    # Then one product is published and the other kept as a draft, with their checklists
    assert report.rejected == []
    assert (report.products_created, report.versions_created, report.versions_published) == (
        2, 2, 1)  # fmt: skip
    v1 = version("MED-2027", 1)
    assert v1.is_published and v1.premium_basis == "age_banded" and v1.renewal == "non_guaranteed"
    assert v1.claim_types == ["medical_reimbursement", "hospital_cash"]
    assert v1.health_services == [{"name": "在线问诊", "cost_yuan": "18.00"},
                                  {"name": "体检", "cost_yuan": "40.00"}]  # fmt: skip
    assert [d.code for d in selectors.checklist(v1, "medical_reimbursement")] == [
        "form", "invoice", "records"]  # fmt: skip
    assert not selectors.checklist(v1, "medical_reimbursement")[2].required
    ci = selectors.version_draft_of(product("CI-2027"))
    assert ci is not None and [d.name for d in ci.documents.all()][-1] == "病理报告"


def test_re_running_the_same_file_changes_nothing(actors):
    pm = actors["product_manager"]
    run(pm, SAMPLE.read_bytes())
    versions = ProductVersion.objects.count()
    documents = list(DocumentRequirement.objects.values_list("id", flat=True).order_by("id"))
    # When the same file is imported again
    again = run(pm, SAMPLE.read_bytes())
    # Then every row is unchanged and nothing was written
    assert (again.unchanged, again.versions_created, again.versions_updated) == (2, 0, 0)
    assert again.rejected == [] and ProductVersion.objects.count() == versions
    assert (
        list(DocumentRequirement.objects.values_list("id", flat=True).order_by("id")) == documents
    )
    # And each run left one audit event with counts only
    events = AuditEvent.objects.filter(action="products.catalogue.import").order_by("seq")
    assert events.count() == 2
    last = events.last()
    assert last is not None and last.data["unchanged"] == 2 and "MED-2027" not in str(last.data)


def test_a_row_differing_from_a_published_version_is_refused_and_good_rows_are_kept(actors):
    pm = actors["product_manager"]
    run(pm, SAMPLE.read_bytes())
    text = SAMPLE.read_text().replace(
        "2027-01-01,1,按年龄分档费率,320", "2027-01-01,1,按年龄分档费率,330"
    )
    text += "NEW-1,新产品,护理保险,,,,,,,,,,护理责任,,护理给付,f:申请书,\n"
    report = run(pm, text)
    assert [(r.line, r.field) for r in report.rejected] == [(2, "version")]
    assert "已发布的版本不可修改" in report.rejected[0].problem
    assert report.products_created == 1 and product("NEW-1") is not None


def test_bad_rows_are_reported_by_line_and_field(actors):
    rows = [
        "A-1,产品,火星保险,,,,,,,,,,责任,,医疗费用报销,a:申请书,",  # line
        "A-2,产品,医疗保险,,,2026-13-01,,,,,,,责任,,医疗费用报销,a:申请书,",  # date
        "A-3,产品,医疗保险,,,,0,,,,,,责任,,医疗费用报销,a:申请书,",  # term
        "A-4,产品,医疗保险,,,,,,,,,,责任,,瞬移给付,a:申请书,",  # claim type
        "A-5,产品,医疗保险,,,,,,,,,,责任,体检,医疗费用报销,a:申请书,",  # service without cost
        "A-6,产品,医疗保险,,,,,,,,,,责任,,医疗费用报销;住院津贴,a:申请书,",  # doc w/o type
        "A-7,产品,医疗保险,,,2026-01-01,,,,,,,责任,,医疗费用报销,,",  # cannot publish
        "A-8,产品,医疗保险,,,,,,,,,,责任,,医疗费用报销,a:申请书,",  # good
    ]
    report = run(actors["product_manager"], HEADER + "\n".join(rows) + "\n")
    assert [(r.line, r.field) for r in report.rejected] == [
        (2, "line"), (3, "effective_from"), (4, "term_years"), (5, "claim_types"),
        (6, "health_services"), (7, "documents"), (8, "documents"), (8, "net_premium_yuan"),
    ]  # fmt: skip
    assert report.rejected_total == 7 and report.versions_created == 1
    assert list(Product.objects.values_list("code", flat=True)) == ["A-8"]


def test_a_file_without_the_required_columns_is_refused_as_a_whole(actors):
    with pytest.raises(ValidationFailed) as err:
        run(actors["product_manager"], "code,name\nX,Y\n")
    assert "file" in err.value.fields and "coverage" in err.value.fields["file"][0]


def test_only_head_office_maintainers_may_import(actors):
    with pytest.raises(Forbidden):
        run(actors["branch_manager"], SAMPLE.read_bytes())


def _workbook(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_excel_workbook_is_read_like_the_csv(actors):
    from datetime import datetime

    header: list[object] = list(COLUMNS)
    row: dict[str, object] = dict.fromkeys(COLUMNS, None)
    row.update(code="XL-1", name="表格产品", line="医疗保险", version=1,
               effective_from=datetime(2026, 3, 1), net_premium_yuan=250.0, term_years=1,
               coverage="住院", claim_types="医疗费用报销", documents="a:申请书",
               sum_insured_options="1000000")  # fmt: skip
    data = _workbook([list(header), [row[c] for c in COLUMNS], [None] * 3])
    # The kernel's reader turns numbers and dates into the text a person sees
    lines = list(xlsx_rows(io.BytesIO(data)))
    assert lines[1][0] == 2 and "2026-03-01" in lines[1][1] and "250" in lines[1][1]
    assert [n for n, _ in table_rows(io.BytesIO(data))] == [1, 2]
    report = run(actors["product_manager"], data)
    assert report.rejected == [] and report.versions_published == 1
    v = version("XL-1", 1)
    assert str(v.effective_from) == "2026-03-01" and v.sum_insured_options == [1_000_000]
    assert run(actors["product_manager"], data).unchanged == 1


def test_a_broken_workbook_is_named_as_such(actors):
    with pytest.raises(ValidationFailed) as err:
        run(actors["product_manager"], b"PK\x03\x04 not really a zip")
    assert "Excel" in err.value.fields["file"][0]


def test_a_gb18030_csv_is_read(actors):
    text = HEADER + "GB-1,国标产品,医疗保险,,,,,,,,,,住院,,医疗费用报销,a:申请书,\n"
    report = run(actors["product_manager"], text.encode("gb18030"))
    assert report.rejected == [] and product("GB-1").name == "国标产品"


def test_a_file_with_two_versions_of_a_product_publishes_both_and_re_runs_unchanged(actors):
    pm = actors["product_manager"]
    text = HEADER + (
        "TWO,双版本,医疗保险,,1,2026-01-01,,,300,,,,住院,,医疗费用报销,a:申请书,首版\n"
        "TWO,双版本,医疗保险,,2,2026-07-01,,,320,,,,住院;门诊,,医疗费用报销,a:申请书,提价\n"
        "TWO,双版本,医疗保险,,,,,,330,,,,住院;门诊,,医疗费用报销,a:申请书,草稿\n"
    )
    first = run(pm, text)
    assert first.rejected == []
    assert (first.versions_created, first.versions_published) == (3, 2)
    assert version("TWO", 2).net_premium_yuan == 320 and version("TWO", 3).effective_from is None
    again = run(pm, text)
    assert (again.unchanged, again.versions_created, again.versions_updated) == (3, 0, 0)
    # A later date for the draft row publishes it (found as the draft, blank number)
    third = run(pm, text.replace("医疗保险,,,,,,330,", "医疗保险,,,2027-01-01,,,330,"))
    assert third.versions_published == 1 and version("TWO", 3).is_published


def test_the_command_imports_a_file_as_the_system_and_says_what_it_did(tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_products", str(SAMPLE), stdout=out)
    assert "products created 2" in out.getvalue() and "published 1" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Z-1,产品,火星保险,,,,,,,,,,责任,,医疗费用报销,a:申请书,\n")
    out = io.StringIO()
    call_command("import_products", str(bad), stdout=out)
    assert "rejected 1" in out.getvalue() and "line 2 line" in out.getvalue()
    event = AuditEvent.objects.filter(action="products.catalogue.import").order_by("seq").first()
    assert event is not None and event.actor_name == "import_products"
