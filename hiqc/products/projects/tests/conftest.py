"""Fixtures of the R&D project tests: product managers (one at head office, one at a branch), a
product with a published version 1, complete terms for a draft, and small real files."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from hiqc.core.access import Actor
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.policies import catalogue
from hiqc.policies.models import PremiumBasis, Renewal

CODE = "MED-T01"


def terms(**over):
    """Terms that leave nothing for ``version_problems`` to report."""
    data = {
        "coverage": [{"code": "HOSP", "name": "住院医疗", "description": "住院医疗费用"}],
        "sum_insured_options": [1_000_000, 2_000_000],
        "term_years": 1,
        "premium_basis": PremiumBasis.values[0],
        "net_premium_yuan": Decimal("300"),
        "waiting_period_days": 30,
        "renewal": Renewal.values[0],
        "health_services": [{"name": "在线问诊", "cost_yuan": "30"}],
        "claim_types": ["medical_reimbursement"],
        "change_summary": "首版",
    }
    return {**data, **over}


def complete(version, **over):
    system = Actor.system("test")
    catalogue.version_update(system, version, terms(**over))
    catalogue.version_set_checklist(
        system, version, "medical_reimbursement", [("INVOICE", "医疗费用发票", True)]
    )
    version.refresh_from_db()
    return version


def png(text: str = "doc", size: int = 64) -> SimpleUploadedFile:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", (size, size), (255, 255, 255))
    info = PngInfo()
    info.add_text("Title", text)  # distinct texts, distinct files (the same file twice is refused)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return SimpleUploadedFile(f"{text}.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def pm_users(org, personas):
    """product_manager@HO (the shared persona), and pm_branch@P1 (a product manager over a branch
    only)."""
    user = User.objects.create_user(
        username="pm_branch", password=PASSWORD, org_unit=org["P1"], display_name="pm_branch"
    )
    Membership.objects.create(user=user, role=Role.PRODUCT_MANAGER, org_unit=org["P1"])
    return {"product_manager": personas["product_manager"], "pm_branch": user}


@pytest.fixture
def pm(actors):
    return actors["product_manager"]


@pytest.fixture
def product(db):
    """A medical product with version 1 in force since 30 days ago."""
    system = Actor.system("test")
    p = catalogue.product_create(system, code=CODE, name="测试医疗险", line="medical")
    v1 = complete(catalogue.version_draft(system, p))
    catalogue.version_publish(system, v1, effective_from=timezone.localdate() - timedelta(days=30))
    return p


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
