"""The personal-data inventory page, export and API (standard 6.1.1, 6.1.3(1); issue 21 §1, §9):
generated from the declarations, filtered by class, for the holders of privacy.view."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from hiqc.core.personaldata import DataClass, inventory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_inventory_page_lists_sensitive_fields_for_compliance(personas):
    page = _client(personas["compliance"]).get("/privacy/inventory/?class=sensitive")
    assert page.status_code == 200
    text = page.content.decode()
    assert "证件号码" in text and "银行账号" in text and "敏感个人信息" in text
    assert "备注" not in text  # only declared fields, of the chosen class


def test_the_export_has_one_row_per_declared_field(personas):
    response = _client(personas["auditor"]).get("/privacy/inventory/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "模块" and len(rows) == len(inventory()) + 1


def test_the_inventory_is_not_for_everyone(personas):
    assert _client(personas["claims"]).get("/privacy/inventory/").status_code == 403
    assert _client(personas["claims"]).get("/api/v1/data-inventory").status_code == 403


def test_the_inventory_api_filters_by_class(personas):
    rows = _client(personas["compliance"]).get("/api/v1/data-inventory?data_class=sensitive").json()
    assert rows and {r["data_class"] for r in rows} == {DataClass.SENSITIVE}
    assert all(r["encrypted"] for r in rows)
