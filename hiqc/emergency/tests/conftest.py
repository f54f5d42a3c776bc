"""Fixtures of the emergency tests: an approved plan at P1 (the branch manager's province) with
three steps, and a branch manager of P2 (another branch)."""

from __future__ import annotations

import pytest
from django.test import Client

from hiqc.emergency.services import plan_create
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User

STEPS = [
    {"title": "确认事件并启动预案", "owner_role": "risk_manager", "target_minutes": 15},
    {"title": "切换备用系统", "owner_role": "system_admin", "target_minutes": 60},
    {"title": "通知客户与监管", "owner_role": "compliance_officer", "target_minutes": 120},
]


def plan_data(unit, **extra) -> dict:
    return {"org_unit": unit.pk, "scenario": "core_system", "title": "核心系统中断应急预案",
            "steps": STEPS, "rto_minutes": 240, "rpo_minutes": 15, "approve": True,
            "roles": [{"role": "risk_manager", "duty": "总指挥"}],
            "contacts": [{"level": 1, "role": "risk_manager", "person": ""},
                         {"level": 2, "role": "branch_manager", "person": "branch_manager"}],
            **extra}  # fmt: skip


@pytest.fixture
def plan(actors, org):
    return plan_create(actor=actors["risk"], data=plan_data(org["P1"]))


@pytest.fixture
def other_branch(org):
    user = User.objects.create_user(username="bm_p2", password="x" * 20, org_unit=org["P2"],
                                    display_name="p2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.BRANCH_MANAGER, org_unit=org["P2"])
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
