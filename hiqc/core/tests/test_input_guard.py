"""NUL at the door (issue 14 §1): refused with the field named, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

NAMED_QUERIES = [
    ("/api/v1/customers", "q"),
    ("/api/v1/complaints", "q"),
    ("/api/v1/complaints", "status"),
    ("/api/v1/claims", "q"),
    ("/api/v1/users", "q"),
    ("/api/v1/consultations", "org_unit_path"),
    ("/api/v1/inspection/tasks", "status"),
    ("/api/v1/audit-events", "action"),
]


@pytest.fixture
def head_office(personas) -> Client:
    client = Client()
    client.force_login(personas["admin"])
    return client


@pytest.mark.parametrize(("path", "param"), NAMED_QUERIES)
def test_a_nul_in_a_query_parameter_is_refused_with_422_naming_it(head_office, path, param):
    response = head_office.get(path, {param: "a\x00b"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [param]
    assert "NUL" in body["fields"][param][0]


def test_a_nul_in_a_json_body_is_refused_naming_the_field(head_office):
    response = head_office.post(
        "/api/v1/tokens", json.dumps({"name": "a\u0000b"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["name"]


def test_nested_json_paths_and_ndjson_lines_are_named(rf):
    from hiqc.core.inputguard import _bad_fields_in_body

    nested = rf.post(
        "/api/v1/x",
        json.dumps({"items": [{"ok": "fine"}, {"note": "nul\u0000"}]}),
        content_type="application/json",
    )
    assert _bad_fields_in_body(nested) == ["items.1.note"]
    lines = "\n".join(json.dumps(r) for r in ({"a": "1"}, {"a": "2\u0000"}))
    ndjson = rf.post("/api/v1/x", lines, content_type="application/x-ndjson")
    assert _bad_fields_in_body(ndjson) == ["line 2: a"]


def test_tabs_line_breaks_and_other_control_characters_are_ordinary_text(personas):
    client = Client()
    client.force_login(personas["quality_lead"])
    response = client.get("/api/v1/complaints", {"q": "一行\t二行\r\n三行\x0c\x07"})
    assert response.status_code == 200


def test_a_page_with_a_nul_in_its_query_answers_400_naming_the_field(head_office):
    response = head_office.get("/claims/", {"q": "\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“q”" in page and "NUL" in page


def test_a_nul_in_the_path_answers_exactly_as_a_missing_object(personas):
    head_office = Client()
    head_office.force_login(personas["quality_lead"])
    missing = head_office.get("/api/v1/indicators/no-such-code/values")
    with_nul = head_office.get("/api/v1/indicators/no-such%00code/values")
    assert with_nul.status_code == missing.status_code == 404
    assert with_nul.content == missing.content
    assert with_nul["Content-Type"] == missing["Content-Type"]
    assert head_office.get("/quality/indicators/x%00y/").status_code == 404
