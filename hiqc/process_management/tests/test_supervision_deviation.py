"""A conformance deviation group opens a prefilled supervision finding (issue 16 §6)."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import PLAN

pytestmark = pytest.mark.django_db
NOV = "start=2026-11-01&end=2026-11-30"


def test_a_supervisor_registers_a_finding_from_a_deviation_with_the_form_prefilled(
    personas, org, plans
):
    # Given the process page with a deviation (p3 of P2 checked without starting)
    client = Client()
    client.force_login(personas["quality_lead"])
    text = client.get(f"/process-management/{PLAN}/?{NOV}&unit={org['P2'].pk}").content.decode()
    # Then each deviation row offers "登记监督发现" to a supervisor, naming the deviation and unit
    link = "/process-management/supervision/findings/new/?process=quality.improvementplan"
    assert link in text and "deviation=check%7Cskipped%7Cplan" in text
    assert f"org_unit={org['P2'].pk}" in text
    # When they follow it, Then the form carries the deviation and the unit
    form = client.get(
        f"{link}&deviation=check%7Cskipped%7Cplan&org_unit={org['P2'].pk}"
    ).content.decode()
    assert 'value="check|skipped|plan"' in form and "selected" in form


def test_a_viewer_who_does_not_supervise_is_not_offered_the_button(personas, plans):
    client = Client()
    client.force_login(personas["auditor"])
    text = client.get(f"/process-management/{PLAN}/?{NOV}").content.decode()
    assert "跳过步骤" in text and "/supervision/findings/new/" not in text
