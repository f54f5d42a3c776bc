"""Every indicator's formula (口径) and data source read in the page's language (issue 13): Chinese
by default — no English developer text on the Chinese pages — and, when English is chosen, the
English wording the figures have always had. Formulas shared by a family (claim steps, clocks,
percentiles) are one msgid whose placeholders are filled after translation."""

from __future__ import annotations

import html
import re
from io import BytesIO

import pytest
from django.utils import translation

from hiqc.core.indicators import INDICATORS

pytestmark = pytest.mark.django_db

# Latin letters a Chinese formula or source may hold: the thresholds T and S (seconds), clause
# codes (CC-2), and abbreviations an analyst reads as they are
ALLOWED_LATIN = {"T", "S", "CC", "IVR", "NPS", "QA", "CSAT", "UUID"}
LATIN_WORD = re.compile(r"[A-Za-z]+")
CJK = re.compile(r"[\u3400-\u9fff]")
ROW = re.compile(
    r'<div class="mono small muted">(?P<code>[^<]+)</div>.*?'
    r'<td class="small">(?P<formula>[^<]*)<div class="muted">(?P<source>.*?) · ',
    re.S,
)


def _catalogue(client, **headers) -> dict[str, tuple[str, str]]:
    """code → (formula, source) as the catalogue page shows them."""
    page = client.get("/quality/indicators/", **headers)
    assert page.status_code == 200
    rows = {
        m["code"]: (html.unescape(m["formula"]).strip(), html.unescape(m["source"]).strip())
        for m in ROW.finditer(page.content.decode())
    }
    assert set(rows) == set(INDICATORS)
    return rows


def test_the_chinese_catalogue_shows_every_formula_and_source_in_chinese(client, personas, org):
    client.force_login(personas["quality_lead"])
    rows = _catalogue(client)
    for code, (formula, source) in rows.items():
        for text in (formula, source):
            assert CJK.search(text), (code, text)
            assert set(LATIN_WORD.findall(text)) <= ALLOWED_LATIN, (code, text)
            assert "{" not in text and "}" not in text, (code, text)  # placeholders filled
    step = rows["claims.step.review.median_waiting_days"][0]
    assert (
        step
        == "本机构及下级机构本期结束资料审核环节的理赔案件，其等待客户补充资料天数按最近秩法计算的中位数"
    )
    assert rows["claims.decided_on_time_rate"][0] == (
        "本期在法定时限内完成的理赔核定时限数 ÷ 本期结束（按时完成或超时）的理赔核定时限数"
    )
    assert "第 90 百分位数" in rows["claims.p90_days_to_payment"][0]
    assert rows["callcentre.service_level.claims"] == rows["callcentre.service_level"]


def test_the_english_catalogue_shows_the_english_formulas(client, personas, org):
    client.force_login(personas["quality_lead"])
    rows = _catalogue(client, HTTP_ACCEPT_LANGUAGE="en")
    for code, (formula, source) in rows.items():
        assert not CJK.search(formula) and not CJK.search(source), (code, formula, source)
        assert "{" not in formula, (code, formula)
    assert rows["core.deadlines_met_rate"] == (
        "clocks closed on time in the period ÷ clocks closed in the period (cancelled excluded)",
        "HIQC case engine (Deadline rows)",
    )
    assert rows["claims.step.review.waiting_days"][0] == (
        "Σ(waiting for the claimant days of the review step) ÷ claims whose step ended in the "
        "period; waiting = notice delivered → documents received, working = the rest"
    )
    assert rows["claims.fast_track_on_time_rate"][0] == (
        "fast-track clocks closed within the commitment limit ÷ fast-track clocks closed (met or "
        "breached) in the period"
    )
    assert rows["claims.median_days_to_payment"][0].startswith("nearest-rank 50th percentile of")
    assert rows["callcentre.service_level.complaint"][0].startswith(
        "human calls answered within T s ÷ human calls offered"
    )
    assert rows["surveys.mystery_score"][1] == (
        "HIQC mystery shopping (MysteryVisit, scored against the scenario's checklist)"
    )


def test_the_indicator_page_and_its_export_show_the_formula_in_the_chosen_language(
    client, personas, org
):
    from openpyxl import load_workbook

    indicator = INDICATORS["claims.step.adjudication.working_days"]
    with translation.override("zh-hans"):
        chinese = indicator.formula_text()
    with translation.override("en"):
        english = indicator.formula_text()
    assert chinese.startswith("Σ 本期结束核定环节的") and english.startswith(
        "Σ(working days of the adjudication step)"
    )
    client.force_login(personas["quality_lead"])
    url = f"/quality/indicators/{indicator.code}/"
    assert f"<dd>{chinese}</dd>" in html.unescape(client.get(url).content.decode())
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<dd>{english}</dd>" in html.unescape(page)
    for headers, formula in (({}, chinese), ({"HTTP_ACCEPT_LANGUAGE": "en"}, english)):
        sheet = client.get(f"{url}series.xlsx", **headers)
        assert load_workbook(BytesIO(sheet.content)).active["C1"].value == formula


def test_the_catalogue_names_a_targets_source_kind_not_its_code(client, personas):
    client.force_login(personas["quality_lead"])
    page = client.get("/quality/indicators/").content.decode()
    for code in ("regulation：", "standard：", "internal："):
        assert code not in page
    english = client.get("/quality/indicators/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "regulation：" not in english
