"""Persona × one consultation in C1 (complements tests/test_permission_matrix.py, whose rows have
no consultation id): out of scope is 404, in scope without the permission 403 (DESIGN rule 2)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import PERSONAS
from hiqc.consultations.services import consultation_capture

IN_SCOPE_VIEW = {
    "quality_lead",
    "branch_manager",
    "agent",
    "handler",
    "supervisor",
    "compliance",
    "auditor",
}
IN_SCOPE_HANDLE = {"agent", "handler", "supervisor"}


@pytest.fixture
def case(actors, org, capture_data):
    return consultation_capture(actor=actors["agent"], org_unit_id=org["C1"].pk, data=capture_data)


def _client(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_who_sees_the_consultation_page_and_api(personas, case, persona):
    client = _client(personas, persona)
    expected = 200 if persona in IN_SCOPE_VIEW else 404
    assert client.get(f"/consultations/{case.pk}/").status_code == expected
    assert client.get(f"/api/v1/consultations/{case.pk}").status_code == expected


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_who_may_answer_the_consultation(personas, case, persona):
    response = _client(personas, persona).post(
        f"/api/v1/consultations/{case.pk}/actions/answer",
        json.dumps({"version": 1, "data": {"answer": "已答复"}}),
        content_type="application/json",
    )
    if persona in IN_SCOPE_HANDLE:
        assert response.status_code == 200
    elif persona in IN_SCOPE_VIEW:
        assert response.status_code == 403
    else:
        assert response.status_code == 404
