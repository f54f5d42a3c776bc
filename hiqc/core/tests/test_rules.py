from __future__ import annotations

from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.core.rules import rule_value
from hiqc.core.services import rule_override_set


def test_legal_floor_can_be_raised_but_never_lowered(actors):
    with pytest.raises(ValidationFailed) as exc:
        rule_override_set(
            actor=actors["admin"], key="audit.retention_days", value=100, reason="节省存储空间"
        )
    assert "184" in exc.value.fields["value"][0]
    rule_override_set(
        actor=actors["admin"], key="audit.retention_days", value=365, reason="集团审计要求一年"
    )
    assert rule_value("audit.retention_days") == 365


def test_ceiling_can_be_lowered_but_never_raised(actors):
    with pytest.raises(ValidationFailed):
        rule_override_set(
            actor=actors["admin"], key="auth.lockout_threshold", value=10, reason="用户抱怨锁定"
        )
    rule_override_set(
        actor=actors["admin"], key="auth.lockout_threshold", value=3, reason="安全加固要求"
    )
    assert rule_value("auth.lockout_threshold") == 3


def test_setting_the_default_again_removes_the_override_and_every_change_is_audited(actors):
    rule_override_set(
        actor=actors["admin"], key="auth.lockout_minutes", value=30, reason="安全加固要求"
    )
    rule_override_set(
        actor=actors["admin"], key="auth.lockout_minutes", value=15, reason="恢复默认设置"
    )
    assert rule_value("auth.lockout_minutes") == 15
    changes = AuditEvent.objects.filter(action="rule.set").order_by("seq")
    assert [(e.data["from"], e.data["to"]) for e in changes] == [(15, 30), (30, 15)]


def test_only_head_office_rule_managers_may_change_rules(actors):
    for persona in ("quality_lead", "branch_manager", "auditor"):
        with pytest.raises(Forbidden):
            rule_override_set(
                actor=actors[persona], key="auth.lockout_minutes", value=30, reason="尝试修改参数"
            )


def test_lockout_follows_a_tightened_threshold(actors, personas):
    rule_override_set(
        actor=actors["admin"], key="auth.lockout_threshold", value=2, reason="安全加固要求"
    )
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "agent", "password": "wrong"})
    personas["agent"].refresh_from_db()
    assert personas["agent"].is_locked


def test_rules_page_shows_field_error_for_a_loosened_floor(personas):
    client = Client()
    client.force_login(personas["admin"])
    response = client.post(
        "/rules/", {"key": "audit.retention_days", "value": "30", "reason": "节省存储空间"}
    )
    assert response.status_code == 200
    assert "不得低于下限 184" in response.content.decode()


def test_audit_export_is_an_excel_file_of_the_filtered_log_and_is_itself_audited(personas, actors):
    rule_override_set(
        actor=actors["admin"], key="auth.lockout_minutes", value=30, reason="安全加固要求"
    )
    client = Client()
    client.force_login(personas["auditor"])
    response = client.get("/audit/export.xlsx?action=rule.set")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "动作"
    assert [r[3] for r in rows[1:]] == ["rule.set"]
    assert AuditEvent.objects.filter(action="audit.export", actor_name="auditor").exists()
    assert Client().get("/audit/export.xlsx").status_code == 302
    agent = Client()
    agent.force_login(personas["agent"])
    assert agent.get("/audit/export.xlsx").status_code == 403
