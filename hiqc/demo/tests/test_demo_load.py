from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hiqc.core.audit import verify_chain
from hiqc.core.models import AuditEvent
from hiqc.customers.models import Customer
from hiqc.customers.selectors import id_number_hash, mobile_hash
from hiqc.customers.services import EDITABLE, customer_clean
from hiqc.customers.validation import (
    is_mobile,
    resident_id_birth_date,
    resident_id_gender,
    resident_id_problem,
)
from hiqc.demo.collection import CASES_KIND
from hiqc.demo.customers import identities
from hiqc.demo.people import DEFAULT_PASSWORD, PASSWORD_ENV, PERSONAS
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Department, Membership, OrgUnit, User

PATH = re.compile(r"^(\d{4}/)+$")


def _snapshot() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "customers": Customer.objects.count(),  # with the data-quality cases (a rerun adds none)
    }


def _load(**options) -> str:
    out = StringIO()
    call_command("demo_load", stdout=out, **options)
    return out.getvalue()


def _assert_tree() -> None:
    by_level = {level: OrgUnit.objects.filter(level=level).count() for level in OrgLevel.values}
    assert by_level == {
        OrgLevel.HEAD_OFFICE: 1,
        OrgLevel.PROVINCE: 3,
        OrgLevel.CITY: 10,
        OrgLevel.OUTLET: 30,
    }
    ho = OrgUnit.objects.get(code="HO")
    assert (ho.name, ho.path, ho.parent_id) == ("总公司", "0001/", None)
    for unit in OrgUnit.objects.select_related("parent"):
        assert unit.name_en, unit.code
        assert PATH.match(unit.path), unit.path
        if unit.parent:
            assert unit.level == unit.parent.level + 1
            assert unit.path.startswith(unit.parent.path)
            assert len(unit.path) == len(unit.parent.path) + 5
    provinces = OrgUnit.objects.filter(level=OrgLevel.PROVINCE).values_list("name", flat=True)
    assert set(provinces) == {"北京分公司", "广东分公司", "四川分公司"}
    ho_depts = set(Department.objects.filter(org_unit=ho).values_list("name", flat=True))
    assert ho_depts == {
        "质量管理部", "客户服务部", "理赔部", "合规部", "风险管理部", "产品开发部", "信息技术部"
    }  # fmt: skip
    for province in OrgUnit.objects.filter(level=OrgLevel.PROVINCE):
        names = set(province.departments.values_list("name", flat=True))
        assert names == {"客户服务部", "理赔部"}


def _assert_personas() -> None:
    memberships = Membership.objects.select_related("user", "org_unit")
    assert {m.role for m in memberships} == set(Role.values)
    for persona in PERSONAS:
        user = User.objects.get(username=persona.username)
        assert user.display_name == persona.display_name
        assert user.check_password(DEFAULT_PASSWORD)
        held = memberships.get(user=user)
        assert (held.role, held.org_unit.code) == (persona.role, persona.unit)
        assert user.org_unit_id == held.org_unit_id
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    beijing = OrgUnit.objects.get(code="BJ").path
    for username in (
        "branch_manager_bj",
        "agent_bj",
        "complaint_handler_bj",
        "claims_handler_bj",
        "facility_bj",
    ):
        assert Membership.objects.get(user__username=username).org_unit.path.startswith(beijing)


def _bulk_customers():
    """The bulk-loaded customers: all valid (the data-quality demo cases are not, on purpose)."""
    return Customer.objects.exclude(collection__kind=CASES_KIND)


def _assert_customers(expected: int) -> None:
    customers = list(_bulk_customers().select_related("org_unit"))
    assert len(customers) == expected
    for c in customers:
        assert resident_id_problem(c.id_number) is None
        assert c.birth_date == resident_id_birth_date(c.id_number)
        assert c.gender == resident_id_gender(c.id_number)
        assert c.id_number_hash == id_number_hash(c.id_number)
        assert c.mobile_hash == mobile_hash(c.mobile)
        assert not c.mobile or is_mobile(c.mobile)
        assert not c.bank_account or (c.bank_account.isdigit() and 16 <= len(c.bank_account) <= 19)
        assert not c.email or c.email.rsplit("@", 1)[1].startswith("example.")
        assert c.kinds
        assert c.org_unit.level in (OrgLevel.CITY, OrgLevel.OUTLET)
        _, errors = customer_clean({f: getattr(c, f) for f in EDITABLE})
        assert errors == {}
    assert len({c.org_unit_id for c in customers}) > 20  # spread over the tree


def _assert_quality_tally() -> None:
    """The load ends with the customers' data-quality tally: the page and the evidence of
    6.1.1(1) have figures before the first night, the data-quality cases among them."""
    from django.db.models import Sum

    from hiqc.customers.models import CustomerQualityTally

    tallied = CustomerQualityTally.objects.aggregate(total=Sum("total"), bad=Sum("inaccurate"))
    assert tallied["total"] == Customer.objects.filter(anonymised_at__isnull=True).count()
    assert tallied["bad"] >= 4  # the demo's cases with a missing or invalid field
    assert CustomerQualityTally.objects.values("day").distinct().count() == 1


@pytest.mark.django_db
def test_demo_load_builds_the_demo_and_a_rerun_adds_nothing(monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    out = _load(customers=200)
    assert "rows/s" in out
    assert "complaint_handler_bj" in out

    _assert_tree()
    _assert_personas()
    _assert_customers(200)
    _assert_quality_tally()
    first = _snapshot()

    _load(customers=200)
    assert _snapshot() == first
    _assert_quality_tally()  # the rerun replaced the day's tally

    runs = list(AuditEvent.objects.filter(action="demo.load").order_by("seq"))
    assert len(runs) == 2
    assert runs[0].data["customers_created"] == 200
    assert runs[0].data["org_units_created"] == 44
    assert {k: v for k, v in runs[1].data.items() if k.endswith("_created")} == {
        "org_units_created": 0,
        "departments_created": 0,
        "users_created": 0,
        "memberships_created": 0,
        "customers_created": 0,
    }
    assert runs[1].data["customers_skipped"] == 200
    assert verify_chain().ok

    # Prefix-stable: a larger run adds only the new identities.
    _load(customers=230, verbosity=0)
    assert _bulk_customers().count() == 230


def test_identities_are_prefix_stable_and_unique():
    short = [i.id_number for i in identities(50, 7)]
    long = [i.id_number for i in identities(500, 7)]
    assert long[:50] == short
    assert len(set(long)) == 500
    assert [i.id_number for i in identities(50, 8)] != short


@pytest.mark.django_db
def test_refuses_production_settings(settings):
    settings.SETTINGS_MODULE = "config.settings.prod"
    with pytest.raises(CommandError, match="production"):
        _load(customers=0)
    assert not OrgUnit.objects.exists()


@pytest.mark.django_db
def test_the_demo_history_fills_nobody_s_inbox_but_what_follows_still_notifies(
    django_capture_on_commit_callbacks,
):
    from datetime import datetime, timedelta

    import time_machine

    from hiqc.core.calendar import BEIJING
    from hiqc.core.deadlines import deadlines_sweep
    from hiqc.core.models import Deadline, Notification

    loaded_at = datetime(2026, 12, 6, 11, 0, tzinfo=BEIJING)
    # Given the demo loaded (its history holds breaches and passed warning times)
    with time_machine.travel(loaded_at, tick=False):
        # the on-commit callbacks (where people are told) run after the load, outside it
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _load(customers=200, verbosity=0)
        assert callbacks  # the history raised levels; they were told to nobody
        # Then nobody was notified of that history, and a sweep right after finds nothing new
        assert Deadline.objects.filter(state=Deadline.State.BREACHED).exists()
        assert Notification.objects.count() == 0
        assert deadlines_sweep() == {"warnings": 0, "breaches": 0}
    # When the clock moves on, what falls due from now on notifies as usual
    running = Deadline.objects.filter(state=Deadline.State.RUNNING, closed_at=None)
    soonest = running.exclude(next_warning_at=None).order_by("next_warning_at").first()
    assert soonest is not None and soonest.next_warning_at is not None
    assert soonest.next_warning_at > loaded_at
    later = soonest.next_warning_at + timedelta(seconds=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        raised = deadlines_sweep()
    assert raised["warnings"] + raised["breaches"] >= 1
    assert Notification.objects.exists()


def test_the_process_demo_tells_the_claims_demo_s_story():
    """The process-management demo imports no domain: its copy of the claims demo's slow city
    and improvement date must stay the claims demo's."""
    from hiqc.claims import demo as claims_demo
    from hiqc.process_management import demo as process_demo

    assert process_demo.SLOW_CITY == claims_demo.SLOW_CITY
    assert process_demo.IMPROVED_DAYS == claims_demo.IMPROVED_DAYS
