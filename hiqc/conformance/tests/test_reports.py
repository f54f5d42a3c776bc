"""Conformance reports (issue 22 §5): the round's report as PDF (its text read back with
pypdfium2) and Excel, the management-review pack against the previous signed-off round, and the
clause coverage matrix for auditors — page and Excel; another branch's round is the same 404 as
a missing one."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from hiqc.conformance import report, selectors
from hiqc.conformance.models import Clause, RoundClause
from hiqc.conformance.services import clause_judge, round_act, round_create
from hiqc.core.calendar import BEIJING

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 12, 10, 0, tzinfo=BEIJING)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _signed_round(actors, unit, period, judgements=()):
    """A round of ``unit`` for ``period`` judged as given, submitted and signed off."""
    assessor, lead = actors["branch_manager"], actors["quality_lead"]
    with time_machine.travel(NOW, tick=False):
        case = round_create(actor=assessor, data={"org_unit": str(unit.pk), "period": period})
        for code, judgement, reason in judgements:
            clause_judge(actor=assessor, round_id=case.pk, code=code,
                         data={"judgement": judgement, "reason": reason})  # fmt: skip
        case.refresh_from_db()
        case = round_act(actor=assessor, round_id=case.pk, action="submit",
                         data={"summary": f"{period} 自评估完成"}, version=case.version)  # fmt: skip
        return round_act(actor=lead, round_id=case.pk, action="sign_off", data={},
                         version=case.version)  # fmt: skip


def _pdf_text(content: bytes) -> str:
    pdfium = pytest.importorskip("pypdfium2")  # a development dependency (requirements/dev.in)
    document = pdfium.PdfDocument(content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document.close()
    return text


def test_a_chapters_rate_counts_partly_against_and_leaves_out_what_is_not_judged():
    assert report.rate({"conforming": 3, "partly": 1, "not_applicable": 5,
                        "not_yet_assessable": 2}) == 75.0  # fmt: skip
    assert report.rate({"not_applicable": 2, "not_yet_assessable": 1}) is None


def test_the_report_compares_each_chapter_with_the_previous_signed_off_round(org, actors):
    # given P1's Q2 round conforming in 9.3.2, and its Q3 round judging 9.3.2 not conforming
    q2 = _signed_round(actors, org["P1"], "2026-Q2",
                       [("9.3.2", "conforming", "演练已按计划完成")])  # fmt: skip
    q3 = _signed_round(actors, org["P1"], "2026-Q3",
                       [("9.3.2", "not_conforming", "第三季度演练逾期未做")])  # fmt: skip
    built = report.build(q3)
    # then the previous round is Q2 and chapter 9 lost exactly the one leaf 9.3.2
    assert built.previous == q2
    nine = next(c for c in built.chapters if c.chapter == 9)
    q3_rows = {r.clause.code: r for r in selectors.round_clauses(q3)}
    assert q3_rows["9.3.2"].judgement == "not_conforming"
    assert nine.counts["not_conforming"] >= 1 and nine.change is not None and nine.change < 0
    assert "9.3.2" in [r.clause.code for r in built.nonconformities]
    assert sum(built.summary.values()) == sum(sum(c.counts.values()) for c in built.chapters)
    assert built.previous_rate == report.rate(
        selectors.judgement_summary(selectors.round_clauses(q2)))  # fmt: skip
    # and the Q2 report has no earlier round to compare with
    assert (report.build(q2).previous, report.build(q2).previous_rate) == (None, None)


def test_the_round_report_prints_chapters_overrides_and_nonconformities(personas, org, actors):
    _signed_round(actors, org["P1"], "2026-Q2")
    case = _signed_round(actors, org["P1"], "2026-Q3",
                         [("9.3.2", "not_conforming", "第三季度演练逾期未做")])  # fmt: skip
    nc = RoundClause.objects.get(round=case, clause__code="9.3.2").nonconformity
    assert nc is not None
    client = _client(personas["branch_manager"])
    response = client.get(f"/conformance/rounds/{case.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert (
        response["Content-Disposition"] == f'attachment; filename="conformance-{case.number}.pdf"'
    )
    text = _pdf_text(response.content)
    for expected in ("北京分公司 服务质量标准符合性自评估报告", "各章符合情况", "第9章", "9.3.2",
                     "第三季度演练逾期未做", nc.number, "2026-Q2", "2026-Q3 自评估完成"):  # fmt: skip
        assert expected in text, expected
    # the workbook: chapters, every clause, the nonconformity opened
    sheet = client.get(f"/conformance/rounds/{case.pk}/report.xlsx")
    assert sheet.status_code == 200
    wb = load_workbook(BytesIO(sheet.content))
    assert wb.sheetnames == ["各章概况", "条款评定", "不符合项"]
    rows = {r[0]: r for r in wb["条款评定"].iter_rows(min_row=2, values_only=True)}
    assert len(rows) == Clause.objects.count()
    assert rows["9.3.2"][6] == "不符合" and rows["9.3.2"][8] == "第三季度演练逾期未做"
    assert rows["9.3.2"][11] == nc.number
    opened = [r[1] for r in wb["不符合项"].iter_rows(min_row=2, values_only=True)]
    assert nc.number in opened and len(opened) == RoundClause.objects.filter(
        round=case, nonconformity__isnull=False).count()  # fmt: skip
    assert wb["各章概况"].max_row == 1 + Clause.objects.filter(level=1).count()


def test_the_management_review_pack_lists_the_trend_open_nonconformities_and_indicators(
    personas, org, actors
):
    _signed_round(actors, org["P1"], "2026-Q2")
    case = _signed_round(actors, org["P1"], "2026-Q3",
                         [("9.3.2", "not_conforming", "第三季度演练逾期未做")])  # fmt: skip
    nc = RoundClause.objects.get(round=case, clause__code="9.3.2").nonconformity
    assert nc is not None
    response = _client(personas["quality_lead"]).get(f"/conformance/rounds/{case.pk}/review.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    for expected in ("服务质量管理评审材料", "要点", "末级条款符合率", "未关闭的不符合项", nc.number,
                     "改进计划与效果", "关键指标与目标（2026年9月）", "第9章"):  # fmt: skip
        assert expected in text, expected
    assert "上一轮已签署的自评估" in text


def _unmasked(response) -> bytes:
    """The page but for the per-response CSRF mask and the address asked (the "next" field)."""
    return re.sub(rb'"X-CSRFToken": "[^"]+"|csrfmiddlewaretoken" value="[^"]+"|name="next" '
                  rb'value="[^"]+"', b"", response.content)  # fmt: skip


def test_another_branchs_round_report_is_the_same_404_as_a_missing_one(personas, org, actors):
    # given 上海's round (P2), opened by the quality lead: not the P1 branch manager's
    with time_machine.travel(NOW, tick=False):
        case = round_create(actor=actors["quality_lead"],
                            data={"org_unit": str(org["P2"].pk), "period": "2026-Q3"})  # fmt: skip
    outsider = _client(personas["branch_manager"])
    for suffix in ("report.pdf", "report.xlsx", "review.pdf"):
        theirs = outsider.get(f"/conformance/rounds/{case.pk}/{suffix}")
        missing = outsider.get(f"/conformance/rounds/{uuid.uuid4()}/{suffix}")
        assert theirs.status_code == missing.status_code == 404, suffix
        assert _unmasked(theirs) == _unmasked(missing), suffix


def test_the_coverage_matrix_names_every_clause_its_rules_and_why_some_have_none(personas, client):
    client.force_login(personas["quality_lead"])
    with time_machine.travel(NOW, tick=False):
        page = client.get("/conformance/matrix/?period=2026-Q3")
        sheet = client.get("/conformance/matrix.xlsx?period=2026-Q3")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="coverage-matrix"' in html and "core.processing_automated" in html
    assert "沿用" in html  # a leaf judged by the rule of the clause above it
    wb = load_workbook(BytesIO(sheet.content))
    ws = wb["条款覆盖矩阵"]
    assert ws["B1"].value == "总公司" and ws["D1"].value == "2026-Q3"
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert {r[0] for r in rows} == set(Clause.objects.values_list("code", flat=True))
    by_rule = {r[4]: r for r in rows if r[4]}
    assert by_rule["claims.digital_uptake"][0] == "10.3.3"
    na = {r[0]: r[1] for r in wb["不适用条款"].iter_rows(min_row=2, values_only=True)}
    assert set(na) == {"1.2", "3.2.1", "9.1.1"} and all(na.values())
