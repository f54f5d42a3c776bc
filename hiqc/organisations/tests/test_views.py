from __future__ import annotations

from django.test import Client

from hiqc.core.models import AuditEvent
from hiqc.organisations.models import Membership, OrgUnit, User


def _as(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


def test_admin_provisions_a_user_who_starts_without_roles(personas, org):
    response = _as(personas, "admin").post(
        "/organisations/users/",
        {
            "username": "new_agent",
            "display_name": "新坐席",
            "email": "",
            "org_unit": str(org["C1"].pk),
            "password": "a-long-enough-passphrase",
        },
    )
    user = User.objects.get(username="new_agent")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/users/{user.pk}/"
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="user.create", subject_id=str(user.pk)).exists()


def test_weak_password_and_taken_username_are_reported_next_to_their_fields(personas, org):
    response = _as(personas, "admin").post(
        "/organisations/users/",
        {
            "username": "agent",
            "display_name": "重复",
            "org_unit": str(org["C1"].pk),
            "password": "123",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名已被使用" in html
    assert "密码" in html and "error" in html


def test_only_administrators_may_provision_users(personas, org):
    response = _as(personas, "branch_manager").post(
        "/organisations/users/",
        {
            "username": "x_user",
            "display_name": "x",
            "org_unit": str(org["C1"].pk),
            "password": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="x_user").exists()


def test_admin_adds_an_outlet_under_a_city_branch_with_the_next_path(personas, org):
    _as(personas, "admin").post(
        "/organisations/units/",
        {"parent": str(org["C1"].pk), "code": "O2", "name": "三里屯营业部", "name_en": "Sanlitun"},
    )
    unit = OrgUnit.objects.get(code="O2")
    assert unit.level == 4
    assert unit.path == "0001/0001/0001/0002/"


def test_duplicate_unit_code_is_refused_with_a_field_error(personas, org):
    response = _as(personas, "admin").post(
        "/organisations/units/", {"parent": str(org["C1"].pk), "code": "O1", "name": "重复网点"}
    )
    assert "机构代码已存在" in response.content.decode()


def test_admin_deactivates_a_user_from_their_page(personas):
    target = personas["facility"]
    response = _as(personas, "admin").post(f"/organisations/users/{target.pk}/deactivate")
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
