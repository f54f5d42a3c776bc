"""Indicator targets (issue 7 §1): inherited down the tree, dated, with red / amber / green."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import indicator_rows_replace, rolled_up
from hiqc.core.models import IndicatorTarget
from hiqc.core.targets import status, target_for

pytestmark = pytest.mark.django_db


def test_a_unit_inherits_the_nearest_target_up_the_tree_in_force_on_the_day(org):
    code = "surveys.csat"
    default = target_for(code, org["O1"].path, date(2026, 5, 1))
    assert default is not None and default.target == 0.85 and default.org_path == ""
    IndicatorTarget.objects.create(code=code, org_path=org["P1"].path, target=0.9, warning=0.85,
                                   source_kind="internal", source="北京分公司目标",
                                   valid_from=date(2026, 4, 1))  # fmt: skip
    assert target_for(code, org["O1"].path, date(2026, 5, 1)).target == 0.9  # type: ignore[union-attr]
    assert target_for(code, org["O1"].path, date(2026, 3, 31)).target == 0.85  # type: ignore[union-attr]
    assert target_for(code, org["P2"].path, date(2026, 5, 1)).target == 0.85  # type: ignore[union-attr]


def test_status_follows_the_indicators_direction():
    from hiqc.core.targets import Target

    higher = Target("surveys.csat", "", 0.85, 0.80, "internal", "", date(2020, 1, 1))
    assert [status("surveys.csat", v, higher) for v in (0.9, 0.85, 0.82, 0.7)] == [
        "green", "green", "amber", "red"
    ]  # fmt: skip
    lower = Target("callcentre.abandon_rate", "", 0.05, 0.08, "internal", "", date(2020, 1, 1))
    assert [status("callcentre.abandon_rate", v, lower) for v in (0.03, 0.07, 0.1)] == [
        "green", "amber", "red"
    ]  # fmt: skip
    assert (
        status("surveys.csat", None, higher) is None and status("surveys.csat", 0.5, None) is None
    )


def test_quarter_values_sum_their_months(org):
    jan, feb, apr = (datetime(2026, m, 1, tzinfo=BEIJING) for m in (1, 2, 4))
    indicator_rows_replace(code="surveys.csat", granularity="month", start=jan,
                           end=datetime(2026, 5, 1, tzinfo=BEIJING),
                           rows=[(jan, org["C1"].path, 8, 10), (feb, org["C1"].path, 1, 10),
                                 (apr, org["C2"].path, 3, 4)])  # fmt: skip
    rows = rolled_up("surveys.csat", granularity="quarter", org_path="0001/", start=jan,
                     end=datetime(2026, 7, 1, tzinfo=BEIJING))  # fmt: skip
    assert [(r["period_start"].month, r["numerator"], r["denominator"]) for r in rows] == [
        (1, 9, 20), (4, 3, 4)
    ]  # fmt: skip


def test_values_api_returns_target_and_status(client, personas, org):
    jan = datetime(2026, 1, 1, tzinfo=BEIJING)
    indicator_rows_replace(code="surveys.csat", granularity="month", start=jan,
                           end=datetime(2026, 2, 1, tzinfo=BEIJING),
                           rows=[(jan, org["C1"].path, 82, 100)])  # fmt: skip
    client.force_login(personas["quality_lead"])
    body = client.get("/api/v1/indicators/surveys.csat/values?granularity=quarter"
                      "&from=2026-01-01T00:00:00%2B08:00&to=2026-04-01T00:00:00%2B08:00").json()  # fmt: skip
    [row] = body["values"]
    assert (row["target"], row["warning"], row["status"]) == (0.85, 0.8, "amber")


def test_the_quality_lead_sets_a_unit_target_with_its_source_and_it_is_audited(
    client, personas, org
):
    from hiqc.core.models import AuditEvent

    client.force_login(personas["quality_lead"])
    bad = client.post("/quality/targets/", {"code": "surveys.csat", "org_unit": org["P1"].pk,
                                            "target": "0.9", "warning": "0.95",
                                            "source_kind": "internal", "source": "",
                                            "valid_from": "2026-13-01"})  # fmt: skip
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "预警值应比目标宽松" in html and "请写明依据" in html and "请输入生效日期" in html
    good = client.post("/quality/targets/", {"code": "surveys.csat", "org_unit": org["P1"].pk,
                                             "target": "0.9", "warning": "0.85",
                                             "source_kind": "internal", "source": "分公司年度目标",
                                             "valid_from": "2026-01-01"})  # fmt: skip
    assert good.status_code == 302
    assert target_for("surveys.csat", org["C1"].path, date(2026, 6, 1)).target == 0.9  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="quality.target.set").count() == 1
    everyone = client.post("/quality/targets/", {"code": "surveys.nps", "target": "0.3",
                                                 "warning": "0.2", "source_kind": "internal",
                                                 "source": "总公司年度目标", "valid_from": "2026-01-01"})  # fmt: skip
    assert everyone.status_code == 302  # head office sets a target for every unit
    assert target_for("surveys.nps", org["O1"].path, date(2026, 6, 1)).org_path == ""  # type: ignore[union-attr]
    client.force_login(personas["branch_manager"])
    assert client.get("/quality/targets/").status_code == 200
    assert client.post("/quality/targets/", {"code": "surveys.csat"}).status_code == 403
