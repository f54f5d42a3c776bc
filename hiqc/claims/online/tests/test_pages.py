"""Online claims: the public pages (no HIQC login; Chinese; CSRF; 429) (issue 5 §5)."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hiqc.claims.models import Claim, ClaimDocument
from hiqc.core.models import Notification

from . import support
from .support import (
    CHILD_ID,
    CLAIM,
    EXE,
    HOLDER_ID,
    JPEG,
    PDF,
    PNG,
    last_code,
)

pytestmark = pytest.mark.django_db
_online_defaults = support._online_defaults  # fixtures
family = support.family


def signed_in(id_number=HOLDER_ID, policy="OL-0001", **client_kwargs) -> Client:
    c = Client(REMOTE_ADDR="10.0.0.7", **client_kwargs)
    response = c.post("/online-claims/", {"policy_number": policy, "id_number": id_number})
    assert response.status_code == 302 and response["Location"] == "/online-claims/verify/"
    response = c.post("/online-claims/verify/", {"code": last_code()})
    assert response.status_code == 302 and response["Location"] == "/online-claims/claims/"
    return c


def test_the_public_pages_open_without_an_hiqc_login(family):
    response = Client().get("/online-claims/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "在线申请理赔" in html and 'name="csrfmiddlewaretoken"' in html
    assert '<meta name="viewport"' in html and "<script>" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_behind_identification_send_visitors_back_to_it(family):
    for path in ("/online-claims/claims/", "/online-claims/claims/new/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"] == "/online-claims/"
    assert Client().get("/online-claims/verify/")["Location"] == "/online-claims/"


def test_a_wrong_id_number_is_shown_on_the_form(family):
    response = Client().post("/online-claims/", {"policy_number": "OL-0001", "id_number": "123"})
    assert response.status_code == 200
    assert "请输入 18 位居民身份证号码" in response.content.decode()
    response = Client().post("/online-claims/", {"policy_number": "OL-0002", "id_number": CHILD_ID})
    assert response.status_code == 200 and "不匹配" in response.content.decode()


def test_forms_refuse_a_post_without_the_csrf_token(family):
    c = Client(enforce_csrf_checks=True)
    response = c.post("/online-claims/", {"policy_number": "OL-0001", "id_number": HOLDER_ID})
    assert response.status_code == 403


def test_a_wrong_code_is_explained_and_a_new_one_can_be_asked_for(family):
    c = Client()
    c.post("/online-claims/", {"policy_number": "OL-0001", "id_number": HOLDER_ID})
    wrong = "999999" if last_code() != "999999" else "888888"
    response = c.post("/online-claims/verify/", {"code": wrong})
    assert response.status_code == 200 and "还可尝试 4 次" in response.content.decode()
    response = c.post("/online-claims/verify/resend/")  # inside the 60-second cooldown
    assert response.status_code == 429 and "秒后再重新获取" in response.content.decode()
    assert response["Retry-After"]


def test_too_many_code_requests_get_429_with_a_chinese_message(family, settings):
    settings.HIQC_ONLINE_CLAIMS_LIMITS = {"code:ip": (2, 3600)}
    c = Client(REMOTE_ADDR="10.3.3.3")
    for _ in range(2):
        c.post("/online-claims/", {"policy_number": "OL-0001", "id_number": CHILD_ID[:-1]})
    response = c.post("/online-claims/", {"policy_number": "OL-0001", "id_number": HOLDER_ID})
    assert response.status_code == 429
    assert "操作过于频繁，请稍后再试" in response.content.decode()


def test_a_claimant_submits_a_claim_uploads_documents_and_reads_the_status(family):
    c = signed_in()
    html = c.get("/online-claims/claims/").content.decode()
    assert "OL-0001" in html and "王五" in html
    html = c.get("/online-claims/claims/new/").content.decode()
    assert "医疗费用报销" in html and "王*" in html  # the child's name masked for the holder
    response = c.post("/online-claims/claims/new/", {**CLAIM, "insured_id": ""})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{claim.pk}/")
    assert claim.channel == "online" and claim.insured == family["holder"]
    page = c.get(response["Location"]).content.decode()
    assert claim.number in page and "已受理" in page and "未收到" in page
    response = c.post(
        f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice",
         "file": [SimpleUploadedFile("bill.jpg", PDF, content_type="image/jpeg"),
                  SimpleUploadedFile("virus.pdf", EXE, content_type="application/pdf")]},
    )  # fmt: skip
    assert response.status_code == 302
    page = c.get(response["Location"]).content.decode()
    assert "已上传 1 个文件" in page and "virus.pdf：只接受 JPEG、PNG 图片或 PDF 文件" in page
    doc = ClaimDocument.objects.get()
    assert doc.content_type == "application/pdf" and "bill" not in doc.file.name


def test_a_claimant_cannot_open_another_persons_claim_page(family):
    holder = signed_in()
    holder.post("/online-claims/claims/new/", CLAIM)
    claim = Claim.objects.get()
    child = signed_in(CHILD_ID)
    assert child.get(f"/online-claims/claims/{claim.pk}/").status_code == 404
    response = child.post(
        f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 404 and not ClaimDocument.objects.exists()
    assert claim.number not in child.get("/online-claims/claims/").content.decode()


def test_logging_out_ends_the_session(family):
    c = signed_in()
    c.post("/online-claims/logout/")
    assert c.get("/online-claims/claims/")["Location"] == "/online-claims/"


def test_handler_gets_one_notification_for_several_files_uploaded_at_once_on_the_page(
    family, personas
):
    c = signed_in()
    c.post("/online-claims/claims/new/", CLAIM)
    claim = Claim.objects.get()
    Claim.objects.filter(pk=claim.pk).update(assignee=personas["claims"])
    response = c.post(
        f"/online-claims/claims/{claim.pk}/documents/",
        {"requirement_code": "invoice",
         "file": [SimpleUploadedFile("p1.jpg", JPEG), SimpleUploadedFile("p2.png", PNG),
                  SimpleUploadedFile("virus.pdf", EXE)]},
    )  # fmt: skip
    assert response.status_code == 302 and ClaimDocument.objects.count() == 2
    note = Notification.objects.get(user=personas["claims"])
    assert note.kind == "documents_received" and claim.number in note.title
    assert "医疗费用发票" in note.title and "2 个文件" in note.body


def test_the_handler_sees_and_opens_what_the_claimant_uploaded_and_an_outsider_cannot(
    family, personas, org
):
    from hiqc.core.models import AuditEvent
    from hiqc.organisations.enums import Role
    from hiqc.organisations.models import Membership, User

    # Given a claimant who uploaded a photo of an invoice online
    c = signed_in()
    c.post("/online-claims/claims/new/", CLAIM)
    claim = Claim.objects.get()
    c.post(f"/online-claims/claims/{claim.pk}/documents/",
           {"requirement_code": "invoice", "file": [SimpleUploadedFile("p1.jpg", JPEG)]})  # fmt: skip
    doc = ClaimDocument.objects.get()
    staff = Client()
    staff.force_login(personas["claims"])
    # When the claims handler opens the claim page, then the document is listed with a link
    page = staff.get(f"/claims/{claim.pk}/").content.decode()
    assert 'id="documents"' in page and f'id="document-{doc.pk}"' in page
    # and the file opens, as an audited download
    response = staff.get(f"/claims/documents/{doc.pk}/")
    assert response.status_code == 200 and response.getvalue() == JPEG
    assert f"{claim.number}-invoice.jpg" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="claims.document.open", subject_id=str(doc.pk)).exists()
    # A handler of another branch gets the same answer as for a document that does not exist
    other = User.objects.create_user(username="sh_claims", org_unit=org["P2"])
    Membership.objects.create(user=other, role=Role.CLAIMS_HANDLER, org_unit=org["P2"])
    outsider = Client()
    outsider.force_login(other)
    theirs = outsider.get(f"/claims/documents/{doc.pk}/")
    missing = outsider.get(f"/claims/documents/{uuid.uuid4()}/")
    assert theirs.status_code == missing.status_code == 404

    # the same page but for the per-response CSRF mask and the address asked for
    def unmasked(r):
        return re.sub(
            rb'"X-CSRFToken": "[^"]+"|csrfmiddlewaretoken" value="[^"]+"|name="next" value="[^"]+"',
            b"",
            r.content,
        )

    assert unmasked(theirs) == unmasked(missing)
