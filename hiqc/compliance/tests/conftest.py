"""Fixtures of the compliance tests: a page/API client per persona and a small PNG."""

from __future__ import annotations

import io

from django.test import Client

# the claims and complaints tests' fixtures: a policy to claim on, a complainant, a second handler
# and a complaint assigned to them (the controls read what those processes record)
from hiqc.claims.tests.test_claim_process import policy  # noqa: F401
from hiqc.complaints.tests.test_complaint_process import (  # noqa: F401
    colleague,
    complaint,
    customer,
)


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 30)).save(out, format="PNG")
    return out.getvalue()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
