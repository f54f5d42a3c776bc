"""Fixtures of the facilities tests: the outlet O1 (under C1, where the facility administrator
works) with a planned inspection, and a small PNG photo."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from hiqc.core.calendar import BEIJING
from hiqc.facilities.services import inspection_plan


@pytest.fixture
def planned(actors, org):
    today = timezone.now().astimezone(BEIJING).date()
    return inspection_plan(actor=actors["facility"], data={
        "org_unit": org["O1"].pk, "kind": "facility", "due_date": today.isoformat()})  # fmt: skip


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("门口.png", png_bytes(), content_type="image/png")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
