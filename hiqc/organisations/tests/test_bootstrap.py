"""A real install's first hour (issue 13 §3): ``manage.py bootstrap`` and the first-run page
create the head office and the first system administrator, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hiqc.core.models import AuditEvent
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User
from hiqc.organisations.services import actor_for_user

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Bootstrap-Admin-2026!"


def _bootstrap(monkeypatch, code="HO", name="示例健康保险股份有限公司", admin="it_admin") -> str:
    monkeypatch.setenv("HIQC_ADMIN_PASSWORD", GOOD_PASSWORD)
    out = StringIO()
    call_command("bootstrap", head_office_code=code, head_office_name=name, admin=admin, stdout=out)
    return out.getvalue()


def test_bootstrap_creates_the_head_office_and_an_administrator_who_can_work(monkeypatch, client):
    out = _bootstrap(monkeypatch)
    assert "it_admin" in out
    head = OrgUnit.objects.get()
    assert (head.code, head.level, head.parent_id, head.path) == (
        "HO",
        OrgLevel.HEAD_OFFICE,
        None,
        "0001/",
    )
    admin = User.objects.get(username="it_admin")
    assert admin.check_password(GOOD_PASSWORD) and admin.is_superuser and admin.org_unit == head
    assert Membership.objects.get(user=admin).role == Role.SYSTEM_ADMIN
    assert actor_for_user(admin).can("org.manage", head.path)
    assert AuditEvent.objects.filter(action="install.bootstrap").count() == 1
    # and the administrator's pages answer (not 403 as for a bare createsuperuser)
    client.force_login(admin)
    assert client.get("/organisations/units/").status_code == 200
    assert client.get("/organisations/users/").status_code == 200


def test_bootstrap_run_twice_changes_nothing_and_keeps_the_password(monkeypatch):
    _bootstrap(monkeypatch)
    monkeypatch.setenv("HIQC_ADMIN_PASSWORD", "another-Password-99")
    out = StringIO()
    call_command(
        "bootstrap", head_office_code="HO", head_office_name="示例健康保险股份有限公司",
        admin="it_admin", stdout=out,
    )  # fmt: skip
    assert "nothing to do" in out.getvalue()
    assert OrgUnit.objects.count() == 1 and Membership.objects.count() == 1
    assert User.objects.get(username="it_admin").check_password(GOOD_PASSWORD)


def test_bootstrap_refuses_a_second_head_office_with_another_code(monkeypatch):
    _bootstrap(monkeypatch)
    with pytest.raises(CommandError, match="HO"):
        _bootstrap(monkeypatch, code="HQ2")
    assert OrgUnit.objects.count() == 1


def test_bootstrap_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setenv("HIQC_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError, match="password"):
        call_command("bootstrap", head_office_code="HO", head_office_name="总公司", admin="it")
    assert not OrgUnit.objects.exists() and not User.objects.exists()


def test_bootstrap_without_a_password_source_says_how_to_give_one(monkeypatch):
    monkeypatch.delenv("HIQC_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="HIQC_ADMIN_PASSWORD"):
        call_command("bootstrap", head_office_code="HO", head_office_name="总公司", admin="it")
    assert not OrgUnit.objects.exists()


def test_bootstrap_makes_a_createsuperuser_account_the_administrator(monkeypatch):
    User.objects.create_superuser(username="root_it", password="whatever-Long-123")
    _bootstrap(monkeypatch, admin="root_it")
    user = User.objects.get(username="root_it")
    assert user.check_password("whatever-Long-123")  # kept
    assert Membership.objects.get(user=user).role == Role.SYSTEM_ADMIN


def test_bootstrap_refuses_a_username_that_already_holds_other_roles(monkeypatch, org, personas):
    with pytest.raises(CommandError, match="admin"):
        _bootstrap(monkeypatch, code="HO", admin="agent")
    assert not Membership.objects.filter(user__username="agent", role=Role.SYSTEM_ADMIN).exists()


# --- the first-run page ------------------------------------------------------------------------


@pytest.fixture
def token_file(settings, tmp_path):
    settings.HIQC_FIRST_RUN_TOKEN_FILE = str(tmp_path / "first-run.token")
    return tmp_path / "first-run.token"


def _form(token: str, **changes) -> dict[str, str]:
    data = {
        "token": token, "head_office_code": "HO", "head_office_name": "示例健康保险股份有限公司",
        "head_office_name_en": "", "admin": "it_admin", "admin_name": "王工",
        "password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD,
    }  # fmt: skip
    return {**data, **changes}


def test_the_login_page_of_an_empty_install_points_to_the_first_run_page(client, token_file):
    page = client.get("/accounts/login/").content.decode()
    assert 'id="first-run-notice"' in page and "/first-run/" in page


def test_the_first_run_page_wants_the_token_from_the_server_then_bootstraps(client, token_file):
    page = client.get("/first-run/")
    assert page.status_code == 200
    assert str(token_file) in page.content.decode()
    assert token_file.stat().st_mode & 0o777 == 0o600
    token = token_file.read_text().strip()

    wrong = client.post("/first-run/", _form("not-the-token"))
    assert wrong.status_code == 200 and "安装口令不正确" in wrong.content.decode()
    differ = client.post("/first-run/", _form(token, password_again="x" + GOOD_PASSWORD))
    assert "两次输入的密码不一致" in differ.content.decode()
    assert not OrgUnit.objects.exists()

    done = client.post("/first-run/", _form(token))
    assert done.status_code == 302 and done["Location"].endswith("/accounts/login/")
    assert OrgUnit.objects.get().code == "HO"
    assert User.objects.get(username="it_admin").memberships.get().role == Role.SYSTEM_ADMIN
    assert not token_file.exists()


def test_the_first_run_page_is_gone_once_any_org_unit_exists(client, org, token_file):
    assert client.get("/first-run/").status_code == 404
    assert client.post("/first-run/", _form("anything")).status_code == 404
    assert not token_file.exists()
    assert 'id="first-run-notice"' not in client.get("/accounts/login/").content.decode()
