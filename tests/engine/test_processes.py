"""Process configuration (issue 3 §9): versions per org subtree with effective dates; a new version
never changes clocks already running."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import Deadline
from hiqc.core.processes import process_version_in_force
from hiqc.core.services import process_version_publish

from .probe import KIND, probe_create

pytestmark = pytest.mark.django_db

PARAMS = {
    "steps": {
        "decide": {
            "owner_role": "complaint_handler",
            "target_amount": 10,
            "target_unit": "working_days",
        }
    },
    "warning_fractions": [0.3, 0.6, 0.9],
}


def publish(actor, org_path="", on=date(2026, 3, 1), params=PARAMS):
    return process_version_publish(
        actor=actor,
        process=KIND.label,
        org_path=org_path,
        effective_from=on,
        parameters=params,
        note="内部时限收紧",
    )


def test_the_most_specific_version_in_force_wins(actors, org):
    publish(actors["quality_lead"])
    branch = publish(actors["quality_lead"], org_path=org["P1"].path, on=date(2026, 4, 1))
    assert process_version_in_force(KIND.label, org["C1"].path, date(2026, 3, 15)).org_path == ""
    assert process_version_in_force(KIND.label, org["C1"].path, date(2026, 4, 2)) == branch
    assert process_version_in_force(KIND.label, org["C2"].path, date(2026, 4, 2)).org_path == ""


def test_a_new_version_does_not_change_a_running_clock(actors, org):
    first = probe_create(
        actor=actors["agent"],
        org_unit=org["C1"],
        title="旧版本",
        at=datetime(2026, 3, 2, tzinfo=BEIJING),
    )
    publish(actors["quality_lead"])
    second = probe_create(
        actor=actors["agent"],
        org_unit=org["C1"],
        title="新版本",
        at=datetime(2026, 3, 2, tzinfo=BEIJING),
    )
    old = Deadline.objects.get(case_id=str(first.pk))
    new = Deadline.objects.get(case_id=str(second.pk))
    assert old.warning_fractions == [0.5, 0.8]
    assert new.warning_fractions == [0.3, 0.6, 0.9]
    assert [w["level"] for w in new.warning_times] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"steps": {"nonexistent": {}}}, "steps.nonexistent"),
        ({"steps": {"decide": {"owner_role": "janitor"}}}, "steps.decide.owner_role"),
        (
            {"steps": {"decide": {"target_amount": 0, "target_unit": "working_days"}}},
            "steps.decide.target_amount",
        ),
        ({"warning_fractions": [0.9, 0.5]}, "warning_fractions"),
    ],
)
def test_invalid_parameters_are_named_field_by_field(actors, params, field):
    with pytest.raises(ValidationFailed) as exc:
        publish(actors["quality_lead"], params=params)
    assert field in exc.value.fields


def test_only_process_managers_publish(actors):
    with pytest.raises(Forbidden):
        publish(actors["agent"])


def test_the_process_page_renders_the_flowchart_with_owner_and_target(personas, actors):
    publish(actors["quality_lead"])
    client = Client()
    client.force_login(personas["quality_lead"])
    response = client.get("/processes/", {"process": KIND.label})
    html = response.content.decode()
    assert "flowchart LR" in html
    assert "投诉处理专员" in html and "目标 10 工作日" in html
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    form = {
        "org_path": "",
        "effective_from": "2026-05-01",
        "steps.decide.owner_role": "complaint_handler",
        "steps.decide.target_amount": "10",
        "steps.decide.target_unit": "working_days",
        "warning_fractions": ["30", "60", "90"],
        "note": "第二次收紧",
    }
    posted = client.post(f"/processes/?process={KIND.label}", form)
    assert posted.status_code == 302
    bad = client.post(
        f"/processes/?process={KIND.label}", {**form, "steps.decide.target_amount": "-1"}
    )
    assert "须为 1 到 999 之间的整数" in bad.content.decode()


def test_a_clock_can_have_its_own_thresholds(actors, org):
    publish(
        actors["quality_lead"],
        params={
            "warning_fractions": [0.5],
            "clocks": {"probe.decide": {"warning_fractions": [0.25, 0.75]}},
        },
    )
    case = probe_create(
        actor=actors["agent"],
        org_unit=org["C1"],
        title="按时限",
        at=datetime(2026, 3, 2, tzinfo=BEIJING),
    )
    assert Deadline.objects.get(case_id=str(case.pk)).warning_fractions == [0.25, 0.75]
    with pytest.raises(ValidationFailed) as exc:
        publish(actors["quality_lead"], params={"clocks": {"nope": {"warning_fractions": [0.5]}}})
    assert "clocks.nope" in exc.value.fields
