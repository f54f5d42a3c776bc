"""Shared fixtures: an org tree, persona users for every role, and actors for them.

Personas (username → role @ unit):
  quality_lead@HO, admin@HO (system_admin), auditor@HO,
  branch_manager@P1 (province 1), agent@C1 (city 1 under P1), handler@C1 (complaint_handler),
  claims@C1 (claims_handler), reviewer@HO (claims_reviewer), supervisor@P1 (call-centre),
  compliance@HO, risk@HO, product_manager@HO, trainer@HO, facility@C1, nobody (no membership),
  outsider_agent@P2.
"""

from __future__ import annotations

import os

import pytest

from hiqc.core.access import Actor
from hiqc.organisations.enums import OrgLevel, Role
from hiqc.organisations.models import Membership, OrgUnit, User
from hiqc.organisations.services import actor_for_user

PASSWORD = "correct-horse-battery-staple"

# ``make test`` runs the suite in two phases (``scripts/pytest-phases``): every test that uses the
# database inside a rolled-back transaction first, then the transactional ones (browser tests,
# migration tests), which leave the database flushed — without the migrations' seeded rows. On
# several workers (pytest-xdist) a worker that has run a transactional test may be handed more
# tests; only the phases keep a flushed database away from the tests that need the seeds.
PHASE = os.environ.get("HIQC_TEST_PHASE", "")


def _transactional(item: pytest.Item) -> bool:
    """As pytest-django orders tests: a ``django_db(transaction=True)`` (or reset_sequences)
    marker, or the ``transactional_db`` / ``live_server`` fixtures."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PHASE not in ("db", "transactional"):
        return
    wanted = PHASE == "transactional"
    keep = [i for i in items if _transactional(i) == wanted]
    dropped = [i for i in items if _transactional(i) != wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


PERSONAS: dict[str, tuple[str | None, str]] = {
    "quality_lead": (Role.QUALITY_LEAD, "HO"),
    "admin": (Role.SYSTEM_ADMIN, "HO"),
    "auditor": (Role.AUDITOR, "HO"),
    "branch_manager": (Role.BRANCH_MANAGER, "P1"),
    "agent": (Role.CONSULTATION_AGENT, "C1"),
    "handler": (Role.COMPLAINT_HANDLER, "C1"),
    "claims": (Role.CLAIMS_HANDLER, "C1"),
    "reviewer": (Role.CLAIMS_REVIEWER, "HO"),
    "supervisor": (Role.CALL_CENTRE_SUPERVISOR, "P1"),
    "compliance": (Role.COMPLIANCE_OFFICER, "HO"),
    "risk": (Role.RISK_MANAGER, "HO"),
    "product_manager": (Role.PRODUCT_MANAGER, "HO"),
    "trainer": (Role.TRAINER, "HO"),
    "facility": (Role.FACILITY_ADMIN, "C1"),
    "nobody": (None, "C1"),
    "outsider_agent": (Role.CONSULTATION_AGENT, "P2"),
}


def _unit(code: str, name: str, level: int, parent: OrgUnit | None, path: str) -> OrgUnit:
    return OrgUnit.objects.create(
        code=code, name=name, name_en=code, level=level, parent=parent, path=path
    )


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test sees the holiday calendar and role holders of its own database state."""
    from hiqc.core.calendar import clear_year_cache
    from hiqc.core.notifications import clear_recipient_cache

    clear_year_cache()
    clear_recipient_cache()
    yield
    clear_year_cache()
    clear_recipient_cache()


@pytest.fixture
def org(db) -> dict[str, OrgUnit]:
    """HO → P1 → C1 → O1, and HO → P2 → C2."""
    ho = _unit("HO", "总公司", OrgLevel.HEAD_OFFICE, None, "0001/")
    p1 = _unit("P1", "北京分公司", OrgLevel.PROVINCE, ho, "0001/0001/")
    c1 = _unit("C1", "朝阳中心支公司", OrgLevel.CITY, p1, "0001/0001/0001/")
    o1 = _unit("O1", "望京营业部", OrgLevel.OUTLET, c1, "0001/0001/0001/0001/")
    p2 = _unit("P2", "上海分公司", OrgLevel.PROVINCE, ho, "0001/0002/")
    c2 = _unit("C2", "浦东中心支公司", OrgLevel.CITY, p2, "0001/0002/0001/")
    return {"HO": ho, "P1": p1, "C1": c1, "O1": o1, "P2": p2, "C2": c2}


@pytest.fixture
def personas(org) -> dict[str, User]:
    users = {}
    for username, (role, unit_code) in PERSONAS.items():
        user = User.objects.create_user(
            username=username, password=PASSWORD, org_unit=org[unit_code], display_name=username
        )
        if role:
            Membership.objects.create(user=user, role=role, org_unit=org[unit_code])
        users[username] = user
    return users


@pytest.fixture
def actors(personas) -> dict[str, Actor]:
    return {name: actor_for_user(user) for name, user in personas.items()}


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("test")
