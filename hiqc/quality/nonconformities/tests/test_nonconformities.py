"""Nonconformities (issue 7 §4): opened once per indicator × unit × month × kind when a target is
missed or a control chart signals, or by hand with a clear error; worked on the case engine by
the unit's owner."""

from __future__ import annotations

from datetime import datetime

import pytest

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Forbidden, NotFound, ValidationFailed
from hiqc.core.findings import finding_record
from hiqc.core.indicators import indicator_rows_replace
from hiqc.core.models import Deadline
from hiqc.quality.models import Nonconformity
from hiqc.quality.nonconformities.services import (
    nonconformities_detect,
    nonconformity_act,
    nonconformity_open,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 7, 3, 9, 0, tzinfo=BEIJING)
MONTHS = [datetime(2026, m, 1, tzinfo=BEIJING) for m in range(1, 7)]


def seed(code, path, values):
    indicator_rows_replace(code=code, granularity="month", start=MONTHS[0],
                           end=datetime(2026, 7, 1, tzinfo=BEIJING),
                           rows=[(m, path, n, 100) for m, n in zip(MONTHS, values, strict=True)])  # fmt: skip


def test_a_month_below_target_opens_one_nonconformity_for_the_owner(org, personas):
    seed("claims.paid_on_time_rate", org["C1"].path, [100, 100, 100, 100, 100, 90])
    first = nonconformities_detect(now=NOW)
    ncs = list(Nonconformity.objects.filter(indicator_code="claims.paid_on_time_rate"))
    breach = [n for n in ncs if n.source == "indicator_breach"]
    assert {n.org_unit.code for n in breach} == {"HO", "P1", "C1"}  # the unit and those above
    c1 = next(n for n in breach if n.org_unit_id == org["C1"].pk)
    assert c1.period_start == MONTHS[5] and c1.evidence["value"] == pytest.approx(0.9)
    assert c1.assignee_id == personas["branch_manager"].pk  # P1's branch manager owns C1
    assert (
        Deadline.objects.filter(case_type="quality.nonconformity", case_id=str(c1.pk)).count() == 2
    )
    again = nonconformities_detect(now=NOW)
    assert again.opened == [] and len(first.opened) == len(ncs)


def test_a_control_chart_signal_opens_its_own_nonconformity(org):
    seed("claims.days_to_payment", org["C1"].path, [500, 510, 490, 505, 495, 1500])
    nonconformities_detect(now=NOW)
    signal = Nonconformity.objects.get(indicator_code="claims.days_to_payment",
                                       org_unit=org["C1"], source="control_signal")  # fmt: skip
    assert 1 in signal.evidence["rules"]


def test_opening_by_hand_checks_every_field_and_links_the_finding(actors, org):
    lead = actors["quality_lead"]
    with pytest.raises(ValidationFailed) as exc:
        nonconformity_open(actor=lead, org_unit_id=org["C1"].pk,
                           data={"source": "indicator_breach", "title": "", "description": ""})  # fmt: skip
    assert set(exc.value.fields) == {"source", "title", "description"}
    finding = finding_record(rule="CL-8", kind="claims.decide.breach", title="超时",
                             org_path=org["C1"].path, dedupe_key="t:1")  # fmt: skip
    assert finding is not None
    nc = nonconformity_open(actor=lead, org_unit_id=org["C1"].pk, data={
        "source": "finding", "title": "核定超时", "description": "30 日内未核定", "finding": str(finding.pk),
    })  # fmt: skip
    assert nc.finding_id == finding.pk and nc.status == "open" and nc.number.startswith("BF")
    with pytest.raises(ValidationFailed) as exc:
        nonconformity_open(actor=lead, org_unit_id=org["P2"].pk, data={
            "source": "finding", "title": "x", "description": "y", "finding": str(finding.pk),
        })  # fmt: skip
    assert "finding" in exc.value.fields  # a finding of another unit is not linked


def test_the_owner_works_it_through_analysis_to_closure(actors, org):
    nc = nonconformity_open(actor=actors["quality_lead"], org_unit_id=org["C1"].pk, data={
        "source": "onsite", "title": "柜面未一次性告知", "description": "现场检查发现",
    })  # fmt: skip
    manager = actors["branch_manager"]
    nonconformity_act(actor=manager, nc_id=nc.pk, action="start_analysis", data={})
    with pytest.raises(ValidationFailed) as exc:
        nonconformity_act(
            actor=manager, nc_id=nc.pk, action="record_cause", data={"root_cause": "培训不足"}
        )
    assert set(exc.value.fields) == {"correction"}
    nonconformity_act(actor=manager, nc_id=nc.pk, action="record_cause",
                      data={"root_cause": "培训不足", "correction": "专项培训"})  # fmt: skip
    closed = nonconformity_act(actor=manager, nc_id=nc.pk, action="close",
                               data={"verification": "复查合格"})  # fmt: skip
    assert closed.status == "closed" and closed.closed_at is not None
    states = set(Deadline.objects.filter(case_type="quality.nonconformity",
                                         case_id=str(nc.pk)).values_list("state", flat=True))  # fmt: skip
    assert states == {"met"}
    with pytest.raises(NotFound):
        nonconformity_act(actor=actors["outsider_agent"], nc_id=nc.pk, action="close", data={})


def test_nonconformity_pages_follow_the_permission_matrix(client, personas, actors, org):
    nc = nonconformity_open(actor=actors["quality_lead"], org_unit_id=org["C1"].pk, data={
        "source": "remote", "title": "录音抽查", "description": "远程监测发现",
    })  # fmt: skip
    for persona, code in {"quality_lead": 200, "branch_manager": 200, "auditor": 200,
                          "claims": 403}.items():  # fmt: skip
        client.force_login(personas[persona])
        assert client.get("/quality/nonconformities/").status_code == code, persona
    client.force_login(personas["auditor"])
    assert client.get(f"/quality/nonconformities/{nc.pk}/").status_code == 200
    assert client.get("/quality/nonconformities/new/").status_code == 403
    client.force_login(personas["branch_manager"])
    page = client.post(f"/quality/nonconformities/{nc.pk}/actions/cancel/",
                       {"version": nc.version, "reason": "误报"})  # fmt: skip
    assert page.status_code == 403  # only those who open nonconformities cancel them
    client.force_login(personas["quality_lead"])
    page = client.post(f"/quality/nonconformities/{nc.pk}/actions/start_analysis/",
                       {"version": nc.version})  # fmt: skip
    assert page.status_code == 302
    page = client.post(f"/quality/nonconformities/{nc.pk}/actions/record_cause/",
                       {"version": nc.version + 1, "root_cause": "流程缺陷"})  # fmt: skip
    assert page.status_code == 422 and "流程缺陷" in page.content.decode()
    with pytest.raises(Forbidden):
        nonconformity_open(actor=actors["auditor"], org_unit_id=org["C1"].pk, data={})


def test_the_api_follows_the_case_contract(client, personas, org):
    client.force_login(personas["quality_lead"])
    created = client.post("/api/v1/nonconformities", {
        "org_unit": str(org["C1"].pk), "source": "customer_feedback", "title": "回访不满",
        "description": "客户反馈等待过长"}, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and "start_analysis" in body["allowed_actions"]
    assert {d["clock"] for d in body["deadlines"]} == {"quality.nc_analysis", "quality.nc_closure"}
    nc_id, version = body["id"], body["version"]
    stale = client.post(f"/api/v1/nonconformities/{nc_id}/actions/start_analysis",
                        {"version": version + 5, "data": {}}, content_type="application/json")  # fmt: skip
    assert stale.status_code == 409
    moved = client.post(f"/api/v1/nonconformities/{nc_id}/actions/start_analysis",
                        {"version": version, "data": {}}, content_type="application/json")  # fmt: skip
    assert moved.status_code == 200 and moved.json()["status"] == "analysing"
    missing = client.post(f"/api/v1/nonconformities/{nc_id}/actions/record_cause",
                          {"data": {"root_cause": "x"}}, content_type="application/json")  # fmt: skip
    assert missing.status_code == 422 and "correction" in missing.json()["fields"]
    assert client.get("/api/v1/nonconformities").json()["count"] == 1
    bad = client.post("/api/v1/nonconformities", {"org_unit": str(org["C1"].pk), "source": "x",
                                                  "title": "", "description": ""},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and {"source", "title", "description"} <= set(
        bad.json()["fields"]
    )


def test_a_median_over_its_target_opens_a_nonconformity_and_has_its_own_page(
    org, client, personas, monkeypatch
):
    """Percentile indicators store no rows; they are read from their values, so their targets are
    checked and their page drawn like the others."""
    from datetime import date

    from hiqc.core.indicators import INDICATORS, Indicator
    from hiqc.core.models import IndicatorTarget

    def samples(path, start, end):
        if not org["C1"].path.startswith(path):  # C1's values, read for C1 and the units above
            return []
        return [(m, 4.0 if m < MONTHS[5] else 12.0) for m in MONTHS if start <= m < end
                for _ in range(5)]  # fmt: skip

    monkeypatch.setitem(INDICATORS, "test.median_days", Indicator(
        "test.median_days", "测试中位天数", "Test median days", "days", "lower_better", ("5.2.1",),
        "median", "test", samples=samples, percentile=50))  # fmt: skip
    IndicatorTarget.objects.create(code="test.median_days", org_path="", valid_from=date(2020, 1, 1),
                                   target=10, warning=11, source_kind="internal", source="test",
                                   set_by="test")  # fmt: skip

    nonconformities_detect(now=NOW)

    opened = Nonconformity.objects.filter(indicator_code="test.median_days",
                                          source="indicator_breach", org_unit=org["C1"])  # fmt: skip
    assert opened.count() == 1 and opened.get().evidence["value"] == pytest.approx(12.0)
    client.force_login(personas["quality_lead"])
    page = client.get(f"/quality/indicators/test.median_days/?unit={org['C1'].pk}")
    assert page.status_code == 200 and "测试中位天数" in page.content.decode()


def test_a_bad_list_filter_is_shown_at_its_field_and_the_good_ones_still_apply(
    client, personas, actors, org
):
    # Given one nonconformity from remote monitoring, listed
    nc = nonconformity_open(actor=actors["quality_lead"], org_unit_id=org["C1"].pk, data={
        "source": "remote", "title": "录音抽查", "description": "远程监测发现",
    })  # fmt: skip
    client.force_login(personas["quality_lead"])
    assert nc.number in client.get("/quality/nonconformities/").content.decode()
    # When the list is filtered by a status that does not exist and another source
    html = client.get("/quality/nonconformities/?status=bogus&source=audit").content.decode()
    # Then the status is refused beside its field, and the source filter still applies
    assert '<span class="error">' in html.split('name="status"')[1].split("<label")[0]
    assert nc.number not in html.split('id="nc-table"')[1]
