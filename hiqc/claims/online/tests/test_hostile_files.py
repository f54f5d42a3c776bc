"""Hostile files at the online-claim document doors (issue 14 §7): a polyglot is refused, not
stored as a PDF; a body too large for the per-file limit is refused with 413 before a byte of
it is read; extra files of one submission are named, never dropped unseen."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import resolve, reverse

from hiqc.claims.models import Claim, ClaimDocument
from hiqc.claims.online import services as online
from hiqc.core.bodylimit import registered_limits
from hiqc.core.errors import ValidationFailed
from hiqc.core.tests.hostile import SCRIPT, jpeg, pdf

from . import support
from .support import CLAIM, HOLDER_ID, JPEG, PDF, identify, last_code

pytestmark = pytest.mark.django_db
_online_defaults = support._online_defaults  # fixtures
family = support.family
MB = 1024 * 1024
POLYGLOT = b"%PDF-1.4\n" + SCRIPT  # the finding: stored as application/pdf by the magic bytes


class CountingInput(io.BytesIO):
    """A request body that records how much of it the server read."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def send(client: Client, path: str, fields: dict, **extra):
    """POST a multipart body whose reading is counted: (response, bytes read by the server)."""
    body = encode_multipart(BOUNDARY, fields)
    stream = CountingInput(body)
    environ: dict[str, Any] = {**extra, "wsgi.input": stream}
    response = client.generic("POST", path, body, content_type=MULTIPART_CONTENT, **environ)
    return response, stream.bytes_read


@pytest.fixture
def holder(family):
    return identify("OL-0001", HOLDER_ID)[0]


@pytest.fixture
def claim(holder):
    return online.online_claim_submit(session=holder, data=CLAIM, ip="10.0.0.1")


def api_token(client: Client) -> str:
    base = "/api/v1/online-claims"
    body = json.dumps({"policy_number": "OL-0001", "id_number": HOLDER_ID})
    challenge = client.post(f"{base}/code", body, content_type="application/json").json()
    body = json.dumps({"challenge_id": challenge["challenge_id"], "code": last_code()})
    return client.post(f"{base}/session", body, content_type="application/json").json()["token"]


def signed_in() -> Client:
    c = Client(REMOTE_ADDR="10.0.0.7")
    c.post("/online-claims/", {"policy_number": "OL-0001", "id_number": HOLDER_ID})
    c.post("/online-claims/verify/", {"code": last_code()})
    return c


# --- content ---------------------------------------------------------------------------------------


def test_a_pdf_signature_followed_by_html_and_script_is_refused_and_nothing_is_stored(
    holder, claim
):
    with pytest.raises(ValidationFailed) as refused:
        online.online_document_upload(
            session=holder, claim_id=claim.pk, requirement_code="invoice",
            upload=SimpleUploadedFile("invoice.pdf", POLYGLOT, "application/pdf"),
        )  # fmt: skip
    assert refused.value.code == "file_polyglot"
    assert "第 9 字节处的“<html>”" in refused.value.message
    assert refused.value.fields == {"file": [refused.value.message]}
    assert not ClaimDocument.objects.exists()
    assert not list(Path(django_settings.MEDIA_ROOT).glob("**/*.*"))


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (jpeg() + SCRIPT, "file_polyglot"),
        (
            pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
            "file_active_content",
        ),
        (pdf()[:250] + b"\n%%EOF\n", "file_damaged"),
    ],
    ids=["jpeg-with-html", "pdf-with-javascript", "truncated-pdf"],
)
def test_the_app_gets_422_saying_what_is_wrong_with_the_file(family, content, code):
    c = Client(REMOTE_ADDR="10.0.0.8")
    token = api_token(c)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    claim = c.post("/api/v1/online-claims/claims", json.dumps(CLAIM),
                   content_type="application/json", **auth).json()  # fmt: skip
    response = c.post(
        f"/api/v1/online-claims/claims/{claim['id']}/documents",
        {"requirement_code": "invoice", "file": SimpleUploadedFile("a.pdf", content)},
        **auth,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["fields"]["file"] == [body["message"]]
    assert not ClaimDocument.objects.exists()


def test_the_page_names_the_refused_file_and_keeps_the_good_ones(family):
    c = signed_in()
    c.post("/online-claims/claims/new/", {**CLAIM, "insured_id": ""})
    claim = Claim.objects.get()
    response = c.post(
        f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice",
         "file": [SimpleUploadedFile("bill.pdf", PDF), SimpleUploadedFile("trap.pdf", POLYGLOT)]},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "已上传 1 个文件" in page and "trap.pdf：文件中含有网页代码" in page
    assert ClaimDocument.objects.get().content_type == "application/pdf"


# --- size before the body ------------------------------------------------------------------------


def test_an_api_body_over_the_per_file_limit_gets_413_before_it_is_read(family):
    c = Client(REMOTE_ADDR="10.0.0.9")
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {api_token(c)}"}
    claim = c.post("/api/v1/online-claims/claims", json.dumps(CLAIM),
                   content_type="application/json", **auth).json()  # fmt: skip
    big = pdf(pad_to=12 * MB)
    response, read = send(
        c,
        f"/api/v1/online-claims/claims/{claim['id']}/documents",
        {"requirement_code": "invoice", "file": SimpleUploadedFile("big.pdf", big)},
        **auth,
    )
    assert response.status_code == 413 and read == 0
    body = response.json()
    assert body["code"] == "too_large"
    assert "上限 10.1 MB" in body["message"] and "未接收任何内容" in body["message"]
    assert body["fields"] == {"file": ["每个文件不超过 10 MB。"]}
    assert not ClaimDocument.objects.exists()


def test_a_page_body_over_the_limit_gets_a_413_page_with_the_way_back(family, settings):
    settings.HIQC_ONLINE_CLAIMS_MAX_UPLOAD_BYTES = MB
    settings.HIQC_ONLINE_CLAIMS_MAX_FILES_PER_UPLOAD = 2
    c = signed_in()
    c.post("/online-claims/claims/new/", {**CLAIM, "insured_id": ""})
    claim = Claim.objects.get()
    detail = f"http://testserver/online-claims/claims/{claim.pk}/"
    files = [pdf(pad_to=MB - i) for i in range(3)]  # three distinct files of about 1 MB
    response, read = send(
        c, f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice",
         "file": [SimpleUploadedFile(f"{i}.pdf", f) for i, f in enumerate(files)]},
        HTTP_REFERER=detail,
    )  # fmt: skip
    assert response.status_code == 413 and read == 0
    page = response.content.decode()
    assert "上传的内容过大" in page and "上限 2.1 MB" in page
    assert "每个文件不超过 1 MB，每次最多 2 个文件。" in page and f'href="{detail}"' in page
    assert not ClaimDocument.objects.exists()
    # within the limit, the same door reads and stores the files
    response, read = send(
        c, f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice",
         "file": [SimpleUploadedFile(f"{i}.pdf", f) for i, f in enumerate(files[:2])]},
    )  # fmt: skip
    assert response.status_code == 302 and read > 2 * MB
    assert ClaimDocument.objects.count() == 2


def test_a_referer_from_elsewhere_is_not_offered_as_the_way_back(family, settings):
    settings.HIQC_ONLINE_CLAIMS_MAX_UPLOAD_BYTES = 1000
    c = signed_in()
    c.post("/online-claims/claims/new/", {**CLAIM, "insured_id": ""})
    claim = Claim.objects.get()
    response, _read = send(
        c, f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice", "file": SimpleUploadedFile("a.pdf", pdf(pad_to=200_000))},
        HTTP_REFERER="https://evil.example/phish",
    )  # fmt: skip
    assert response.status_code == 413
    assert "evil.example" not in response.content.decode()


def test_files_beyond_the_number_per_submission_are_named_not_dropped(family, settings):
    settings.HIQC_ONLINE_CLAIMS_MAX_FILES_PER_UPLOAD = 2
    c = signed_in()
    c.post("/online-claims/claims/new/", {**CLAIM, "insured_id": ""})
    claim = Claim.objects.get()
    files = [SimpleUploadedFile("a.jpg", JPEG), SimpleUploadedFile("b.pdf", PDF),
             SimpleUploadedFile("c.jpg", jpeg(color="red"))]  # fmt: skip
    page = c.post(
        f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice", "file": files},
        follow=True,
    ).content.decode()
    assert "已上传 2 个文件" in page
    assert "c.jpg：未上传（每次最多上传 2 个文件），请再次上传。" in page
    assert ClaimDocument.objects.count() == 2


def test_the_registered_limits_name_real_doors_and_follow_the_per_file_setting(settings):
    limits = registered_limits()
    for name in ("claims_online:upload", "api:online_claim_document_upload"):
        assert name in limits
    path = reverse("api:online_claim_document_upload",
                   kwargs={"claim_id": "00000000-0000-0000-0000-000000000000"})  # fmt: skip
    assert resolve(path).view_name == "api:online_claim_document_upload"
    settings.HIQC_ONLINE_CLAIMS_MAX_UPLOAD_BYTES = 3 * MB
    settings.HIQC_ONLINE_CLAIMS_MAX_FILES_PER_UPLOAD = 4
    assert limits["api:online_claim_document_upload"].limit() == 3 * MB + 64 * 1024
    assert limits["claims_online:upload"].limit() == 12 * MB + 64 * 1024
