"""Quality monitoring (issue 7 §2–§3): tiles read indicator rows with targets and status; the
indicator page draws a p-chart for proportions and an XmR chart for the rest, flags Western
Electric signals, and compares the units below on a funnel plot."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import indicator_rows_replace
from hiqc.quality.monitoring import control_chart, funnel, tiles

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=BEIJING)
MONTHS = [datetime(2026, m, 1, tzinfo=BEIJING) for m in range(1, 7)]


def seed(code, rows):
    indicator_rows_replace(code=code, granularity="month", start=MONTHS[0],
                           end=datetime(2026, 7, 1, tzinfo=BEIJING), rows=rows)  # fmt: skip


def test_tiles_show_the_latest_value_against_its_inherited_target(org):
    seed("claims.paid_on_time_rate", [(m, org["C1"].path, 99, 100) for m in MONTHS[:5]]
         + [(MONTHS[5], org["C1"].path, 90, 100)])  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        found = {
            t.indicator.code: t for t in tiles("0001/", granularity="month", periods=6, now=NOW)
        }
    paid = found["claims.paid_on_time_rate"]
    assert paid.value == pytest.approx(0.9) and paid.status == "red"
    assert (paid.moved, paid.trend) == ("down", "worse")
    assert paid.target is not None and paid.target.source_kind == "regulation"
    assert paid.spark == pytest.approx([0.99] * 5 + [0.9])
    assert found["surveys.csat"].value is None and found["surveys.csat"].status is None


def test_the_overview_looks_back_from_an_earlier_month_when_asked(client, personas, org):
    seed("claims.paid_on_time_rate", [(m, org["C1"].path, 99, 100) for m in MONTHS[:3]]
         + [(m, org["C1"].path, 90, 100) for m in MONTHS[3:]])  # fmt: skip
    client.force_login(personas["quality_lead"])
    with time_machine.travel(NOW, tick=False):
        latest = client.get("/quality/").content.decode()
        earlier = client.get("/quality/?asof=2026-03").content.decode()
        ignored = client.get("/quality/?asof=1999-01").content.decode()

    def tile(html):
        return html.split('id="tile-claimspaid_on_time_rate"')[1].split("</a>")[0]

    assert "90.0%" in tile(latest) and "2026-06" in tile(latest)
    assert "99.0%" in tile(earlier) and "2026-03" in tile(earlier)
    assert '<option value="2026-03" selected>' in earlier
    assert tile(ignored) == tile(latest)  # outside the choices: the current period


def test_p_chart_flags_the_month_beyond_its_limits(org):
    seed("claims.decided_on_time_rate", [(m, org["C1"].path, 98, 100) for m in MONTHS[:5]]
         + [(MONTHS[5], org["C1"].path, 70, 100)])  # fmt: skip
    chart = control_chart("claims.decided_on_time_rate", "0001/", granularity="month",
                          start=MONTHS[0], end=datetime(2026, 7, 1, tzinfo=BEIJING), on=NOW)  # fmt: skip
    assert chart.kind == "p"
    assert chart.centre == pytest.approx((98 * 5 + 70) / 600)
    last = chart.points[-1]
    assert last.lower is not None and last.value < last.lower and 1 in last.rules  # type: ignore[operator]
    assert [p.rules for p in chart.points[:4]] == [[]] * 4
    assert chart.points[4].rules == [3]  # 4 of 5 above +1σ: the outlier pulled the centre down


def test_durations_get_an_xmr_chart(org):
    seed("claims.days_to_payment", [(m, org["C1"].path, 6.0 * (i + 1) * 10, 10)
                                    for i, m in enumerate(MONTHS)])  # fmt: skip
    chart = control_chart("claims.days_to_payment", "0001/", granularity="month",
                          start=MONTHS[0], end=datetime(2026, 7, 1, tzinfo=BEIJING), on=NOW)  # fmt: skip
    assert chart.kind == "xmr" and chart.mr_bar == pytest.approx(6.0)
    assert chart.centre == pytest.approx(21.0)


def test_funnel_marks_the_unit_outside_the_limits(org):
    seed("surveys.csat", [(MONTHS[4], org["C1"].path, 90, 100), (MONTHS[4], org["C2"].path, 88, 100),
                          (MONTHS[4], org["P2"].path, 40, 100)])  # fmt: skip
    from hiqc.organisations.models import OrgUnit

    units = list(OrgUnit.objects.filter(parent=org["HO"]).order_by("path"))
    plot = funnel("surveys.csat", units, org["HO"].path, start=MONTHS[3],
                  end=datetime(2026, 7, 1, tzinfo=BEIJING))  # fmt: skip
    assert plot is not None and plot["outside"]
    assert {p.name for p in plot["points"]} >= {org["P1"].localized_name, org["P2"].localized_name}


def test_a_funnel_where_every_unit_is_on_time_is_the_target_line_not_a_server_error(org):
    from hiqc.organisations.models import OrgUnit

    # Given every decision on time at every unit (p0 = 1: no binomial spread to draw)
    seed("claims.decided_on_time_rate", [(MONTHS[4], org["C1"].path, 40, 40),
                                         (MONTHS[4], org["C2"].path, 25, 25)])  # fmt: skip
    units = list(OrgUnit.objects.filter(parent=org["HO"]).order_by("path"))
    plot = funnel("claims.decided_on_time_rate", units, org["HO"].path, start=MONTHS[3],
                  end=datetime(2026, 7, 1, tzinfo=BEIJING))  # fmt: skip
    assert plot is not None and plot["p0"] == 1 and plot["outside"] == []
    assert set(plot["lines"]["99.8"]) == {(1.0, 1.0)}


def test_quality_pages_follow_the_permission_matrix(client, personas, org):
    seed("surveys.csat", [(MONTHS[4], org["C1"].path, 80, 100)])
    for persona, code in {"quality_lead": 200, "branch_manager": 200, "claims": 403}.items():
        client.force_login(personas[persona])
        assert client.get("/quality/").status_code == code, persona
        assert client.get("/quality/indicators/surveys.csat/").status_code == code, persona
    client.force_login(personas["quality_lead"])
    assert client.get("/quality/indicators/nope/").status_code == 404
    sheet = client.get("/quality/indicators/surveys.csat/series.xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert client.get("/quality/indicators/").status_code == 200


def test_monthly_report_prints_indicators_breaches_and_plans(client, personas, org):
    """Given last month's rows, when the quality lead downloads the monthly report, then the PDF
    carries the indicators against their targets and the Excel the same tables."""
    pdfium = pytest.importorskip("pypdfium2")  # a development dependency (requirements/dev.in)
    seed("claims.paid_on_time_rate", [(m, org["C1"].path, 99, 100) for m in MONTHS[:5]]
         + [(MONTHS[5], org["C1"].path, 90, 100)])  # fmt: skip
    client.force_login(personas["quality_lead"])
    response = client.get("/quality/report.pdf?month=2026-06")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    document = pdfium.PdfDocument(response.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document.close()
    assert (
        "服务质量月报" in text and "赔款按时支付率" in text and "90.0%" in text and "未达标" in text
    )
    sheet = client.get("/quality/report.xlsx?month=2026-06")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    client.force_login(personas["claims"])
    assert client.get("/quality/report.pdf").status_code == 403


def test_a_figure_lists_the_cases_it_counted_breached_first(client, personas, org):
    import uuid

    from hiqc.core.models import Deadline

    closed = datetime(2026, 5, 20, 10, 0, tzinfo=BEIJING)
    for state in ("met", "breached", "met"):
        Deadline.objects.create(
            case_type="claims.claim", case_id=str(uuid.uuid4()), org_path=org["C1"].path,
            clock="claims.payment", label="赔款支付", source="CL-5", unit="calendar_days", amount=10,
            started_at=closed, due_at=closed, state=state, closed_at=closed,
        )  # fmt: skip
    client.force_login(personas["quality_lead"])
    page = client.get(f"/quality/indicators/claims.paid_on_time_rate/cases/?unit={org['P1'].pk}"
                      "&period=2026-05")  # fmt: skip
    assert page.status_code == 200
    table = page.content.decode().split('id="cases-table"')[1]
    assert table.count('href="/claims/') == 3 and table.index("超时") < table.index("按时")
    day = client.get(f"/quality/indicators/claims.paid_on_time_rate/cases/?unit={org['P1'].pk}"
                     "&period=2026-05-20")  # fmt: skip
    assert day.content.decode().split('id="cases-table"')[1].count('href="/claims/') == 3
    missing = client.get("/quality/indicators/claims.paid_on_time_rate/cases/")
    assert missing.status_code == 400 and "2026Q1" in missing.content.decode()
    sheet = client.get(f"/quality/indicators/claims.paid_on_time_rate/cases.xlsx?unit={org['P1'].pk}"
                       "&period=2026-05")  # fmt: skip
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(sheet.content)).active.iter_rows(min_row=3, values_only=True))
    assert [(r[4], r[5]) for r in rows] == [("超时", "是"), ("按时", None), ("按时", None)]
    bad = client.get("/quality/indicators/claims.paid_on_time_rate/cases/?period=2026-13")
    assert bad.status_code == 400 and "期间“2026-13”无法识别" in bad.content.decode()
    assert (
        client.get("/quality/indicators/claims.paid_on_time_rate/cases.xlsx?period=x").status_code
        == 400
    )


def test_the_cases_api_lists_a_figures_records_within_the_callers_scope(client, personas, org):
    import uuid

    from hiqc.core.models import Deadline

    closed = datetime(2026, 5, 20, 10, 0, tzinfo=BEIJING)
    for unit, state in (("C1", "met"), ("C1", "breached"), ("C2", "breached")):
        Deadline.objects.create(
            case_type="claims.claim", case_id=str(uuid.uuid4()), org_path=org[unit].path,
            clock="claims.payment", label="赔款支付", source="CL-5", unit="calendar_days", amount=10,
            started_at=closed, due_at=closed, state=state, closed_at=closed,
        )  # fmt: skip
    url = "/api/v1/indicators/claims.paid_on_time_rate/cases"
    client.force_login(personas["quality_lead"])
    everything = client.get(url, {"period": "2026-05"}).json()
    assert [c["bad"] for c in everything["cases"]] == [True, True, False]
    assert everything["org_unit_path"] == org["HO"].path
    assert len(client.get(url, {"period": "2026Q2"}).json()["cases"]) == 3
    assert client.get(url, {"period": "2026Q1"}).json()["cases"] == []

    client.force_login(personas["branch_manager"])  # 北京分公司 only
    mine = client.get(url, {"period": "2026-05-20"}).json()
    assert [(c["counted"], c["bad"]) for c in mine["cases"]] == [("超时", True), ("按时", False)]
    assert client.get(url, {"period": "2026-05", "org_unit": org["P2"].pk}).status_code in (
        403,
        404,
    )
    bad = client.get(url, {"period": "May"})
    assert bad.status_code == 422 and "period" in bad.json()["fields"]
    assert client.get("/api/v1/indicators/no.such/cases", {"period": "2026-05"}).status_code == 404


def test_the_quality_pages_speak_english_when_it_is_chosen(client, personas, org):
    seed("claims.paid_on_time_rate", [(m, org["C1"].path, 99, 100) for m in MONTHS])
    client.force_login(personas["quality_lead"])
    with time_machine.travel(NOW, tick=False):
        overview = client.get("/quality/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        page = client.get("/quality/indicators/claims.paid_on_time_rate/",
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()  # fmt: skip
    assert "Claims paid on time" in overview and "赔款按时支付率" not in overview
    assert "Claims paid on time" in page and '"centre": "Centre line"' in page


def test_every_indicator_names_the_role_accountable_for_it(client, personas, org):
    from hiqc.core.indicators import INDICATORS
    from hiqc.organisations.enums import Role

    assert {code for code, i in INDICATORS.items() if i.owner not in Role.values} == set()
    client.force_login(personas["quality_lead"])
    page = client.get("/quality/indicators/claims.paid_on_time_rate/").content.decode()
    assert '<dd id="owner">理赔审核</dd>' in page
    listed = client.get("/api/v1/indicators").json()
    assert {i["code"]: i["owner"] for i in listed}[
        "callcentre.service_level"
    ] == "call_centre_supervisor"


@pytest.mark.parametrize("param", ["unit", "org_unit"])
def test_an_indicator_page_for_another_branch_answers_exactly_as_a_missing_unit(
    client, personas, org, param
):
    import re
    import uuid

    def unmasked(r):  # the same page but for the per-response CSRF mask and the address asked
        return re.sub(
            rb'"X-CSRFToken": "[^"]+"|csrfmiddlewaretoken" value="[^"]+"|name="next" value="[^"]+"',
            b"",
            r.content,
        )

    client.force_login(personas["branch_manager"])  # 北京分公司 only
    for page in ("/quality/", "/quality/indicators/claims.paid_on_time_rate/"):
        assert client.get(page).status_code == 200
        other = client.get(page, {param: org["P2"].pk})
        missing = client.get(page, {param: uuid.uuid4()})
        assert other.status_code == missing.status_code == 404
        assert unmasked(other) == unmasked(missing)
