"""Property-based contract test: every operation, fed generated input, answers with a declared
status and a body matching its schema (schemathesis against our own OpenAPI, in-process)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from config.wsgi import application
from hiqc.organisations.services import api_token_create

EXAMPLES = int(os.environ.get("HIQC_CONTRACT_EXAMPLES", "8"))  # raise it for a deeper run
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# text never holds NUL: every door refuses it with 422 (hiqc.core.inputguard, the API description)
schema.config.generation.update(allow_x00=False)
# JSON-lines import bodies are declared as strings: send them as the text they are
schemathesis.serializer.alias("application/x-ndjson", "text/plain")


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
    case.call_and_validate(
        headers={"Authorization": f"Bearer {auditor_token}"}, excluded_checks=_text_body(case)
    )


def _text_body(case) -> list:
    """A file body (CSV, JSON lines) is text whatever schemathesis generated for it: "a wrong
    type" cannot be told from a file with bad lines, which the import reports line by line."""
    return [negative_data_rejection] if case.media_type in TEXT_BODIES else []


TEXT_BODIES = {"text/csv", "application/x-ndjson"}

WRITERS = {  # the persona whose grants reach deepest into each group of write endpoints
    "/api/v1/claims/events/import": "claims",  # JSON lines (test_openapi_responses.py: a real file)
    "/api/v1/complaints": "handler",
    "/api/v1/consultations": "agent",
    "/api/v1/inspection": "quality_lead",
    "/api/v1/business-volumes": "quality_lead",
    "/api/v1/calls": "supervisor",
    "/api/v1/faults": "facility",
}


@pytest.mark.django_db
@schema.include(method="POST").parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_writes_honour_the_contract_for_someone_allowed_to_write(case, personas, actors):
    """The same check with a persona that passes the permission gate, so generated bodies reach
    the validation and the services behind it. Rules the schema cannot state (a forwarded
    complaint needs its forwarding date, a referenced customer must exist) answer 422 to bodies
    the schema allows, so positive-data acceptance is not checked here; everything else is."""
    prefix = next((p for p in WRITERS if case.path.startswith(p)), None)
    name = WRITERS.get(prefix or "", "quality_lead")
    token = api_token_create(actor=actors[name], user_id=personas[name].pk, name="contract")[1]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance, *_text_body(case)],
    )
