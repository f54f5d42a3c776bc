"""Quarterly statistics and the regulator workbook (CP-10, CP-11; issue 4 §6, §8)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from hiqc.complaints.services import complaint_act, complaint_register
from hiqc.complaints.stats import quarter_bounds, quarter_stats
from hiqc.core.calendar import BEIJING
from hiqc.core.indicators import percentile
from hiqc.core.models import AuditEvent
from hiqc.customers.services import customer_create
from hiqc.organisations.models import BusinessVolume

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 7, 6, 10, 0, tzinfo=BEIJING)


def test_p90_is_the_nearest_rank_of_the_underlying_values():
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile([5.0], 90) == 5.0
    assert percentile([], 90) is None


def test_quarter_bounds_are_beijing_calendar_quarters():
    start, end, months = quarter_bounds(2026, 4)
    assert (start, end) == (
        datetime(2026, 10, 1, tzinfo=BEIJING),
        datetime(2027, 1, 1, tzinfo=BEIJING),
    )
    assert months == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    with pytest.raises(ValueError, match="quarter"):
        quarter_bounds(2026, 5)


@pytest.fixture
def quarter(actors, org):
    customer = customer_create(
        actor=actors["agent"], org_unit_id=org["C1"].pk, data={"name": "赵六"}
    )
    base = {
        "customer_id": str(customer.pk), "channel": "phone", "request": "r", "facts": "f",
        "product_line": "medical", "nature": "contract_dispute", "respondent_kind": "branch",
    }  # fmt: skip
    for i, dispute in enumerate(["claims", "claims", "sales"]):
        at = T0 + timedelta(days=i)
        with time_machine.travel(at, tick=False):
            c = complaint_register(actor=actors["handler"], org_unit_id=org["C1"].pk,
                                   data={**base, "dispute_type": dispute})  # fmt: skip
            complaint_act(actor=actors["branch_manager"], complaint_id=c.pk, action="assign",
                          data={"assignee": str(actors["handler"].user_id)}, at=at)  # fmt: skip
        decided = at + timedelta(days=[2, 4, 20][i])
        with time_machine.travel(decided, tick=False):
            complaint_act(
                actor=actors["handler"], complaint_id=c.pk, action="decide", at=decided,
                data={"outcome": "upheld", "root_cause": "claims.delay", "facts_found": "x",
                      "basis": "y", "decision_text": "z"},
            )  # fmt: skip
    for month in (7, 8, 9):
        BusinessVolume.objects.create(org_unit=org["C1"], month=date(2026, month, 1),
                                      premium_yuan=Decimal("100000000"), policies_in_force=30000,
                                      insured_persons=100000)  # fmt: skip
    return customer


def test_quarter_rates_sum_premium_and_average_the_stocks(actors, org, quarter):
    s = quarter_stats(actors["quality_lead"], year=2026, quarter=3)
    assert s.received == 3 and s.decided == 3 and s.on_time == 2  # the 20-day one was late
    assert s.rates["per_100m_premium"] == pytest.approx(3 / 3)  # ¥300M in the quarter
    assert s.rates["per_10k_policies"] == pytest.approx(3 / 3)  # 30,000 in force on average
    assert s.rates["per_10k_insured"] == pytest.approx(3 / 10)
    assert s.p90_days == pytest.approx(20)
    assert dict((v, n) for v, _l, n in s.by_dispute)["claims"] == 2


def test_the_regulator_workbook_has_the_dimensions_and_is_audited(personas, org, quarter):
    client = Client()
    client.force_login(personas["quality_lead"])
    response = client.get("/complaints/statistics/export.xlsx?year=2026&quarter=3")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["汇总", "按争议类型", "按险种", "按机构"]
    summary = [row for row in book["汇总"].iter_rows(values_only=True)]
    assert ("亿元保费投诉量", 1.0, 1.59) in summary
    assert AuditEvent.objects.filter(action="complaints.statistics.export").exists()


def test_the_statistics_page_shows_the_medians(personas, quarter):
    client = Client()
    client.force_login(personas["compliance"])
    page = client.get("/complaints/statistics/?year=2026&quarter=3").content.decode()
    assert "行业中位数" in page and "1.59" in page and "stats-data" in page


def test_only_reporting_roles_can_export(personas, quarter):
    client = Client()
    client.force_login(personas["handler"])
    assert client.get("/complaints/statistics/export.xlsx?year=2026&quarter=3").status_code == 403


def test_a_quarter_with_a_month_of_volume_missing_shows_no_rate(actors, org, quarter):
    BusinessVolume.objects.filter(month=date(2026, 9, 1)).delete()
    s = quarter_stats(actors["quality_lead"], year=2026, quarter=3)
    assert s.rates["per_10k_policies"] is None  # not three times the true rate
    assert all(r.rates["per_100m_premium"] is None for r in s.units)


def test_complaints_handled_at_the_chosen_unit_itself_get_their_own_row(actors, org, quarter):
    s = quarter_stats(actors["quality_lead"], year=2026, quarter=3, root=org["C1"])
    assert [(r.own_only, r.received) for r in s.units] == [(True, 3), (False, 0)]  # C1, O1
    assert s.units[0].name.endswith("（本级）")
