"""Property-based contract test: every operation, fed generated input, answers with a declared
status and a body matching its schema (schemathesis against our own OpenAPI, in-process)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application
from hiqc.organisations.services import api_token_create

EXAMPLES = int(os.environ.get("HIQC_CONTRACT_EXAMPLES", "8"))  # raise it for a deeper run
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_test_connection_open():
    """The WSGI handler closes the connection after each request; the test transaction needs it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auditor_token(personas, actors):
    return api_token_create(
        actor=actors["auditor"], user_id=personas["auditor"].pk, name="contract"
    )[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_honours_its_openapi_contract(case, auditor_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {auditor_token}"})
