"""Online claims: submission, document upload validation, scope (issue 5 §5)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hiqc.claims.models import Claim, ClaimDocument
from hiqc.claims.online import services as online
from hiqc.claims.services import claim_act
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent, CaseEvent, Notification
from hiqc.core.tests import hostile

from . import support
from .support import (
    CHILD_ID,
    CLAIM,
    EXE,
    HOLDER_ID,
    JPEG,
    OTHER_ID,
    PDF,
    PNG,
    identify,
)

pytestmark = pytest.mark.django_db
_online_defaults = support._online_defaults  # fixtures
family = support.family


def upload(session, claim, content, *, name="scan.jpg", declared="image/jpeg", code="invoice"):
    return online.online_document_upload(
        session=session,
        claim_id=claim.pk,
        requirement_code=code,
        upload=SimpleUploadedFile(name, content, content_type=declared),
        request_id="req-upload-1",
        ip="10.0.0.1",
    )


@pytest.fixture
def holder(family):
    return identify("OL-0001", HOLDER_ID)[0]


@pytest.fixture
def claim(holder):
    return online.online_claim_submit(session=holder, data=CLAIM, request_id="req-submit-1",
                                      ip="10.0.0.1", )  # fmt: skip


# --- submission -----------------------------------------------------------------------------------


def test_given_a_verified_holder_when_a_claim_is_submitted_then_it_is_an_online_claim_by_the_system_actor(
    family, holder
):
    c = online.online_claim_submit(
        session=holder, data={**CLAIM, "insured_id": str(family["child"].pk)},
        request_id="req-submit-1", ip="10.0.0.1",
    )  # fmt: skip
    assert (c.channel, c.claimant, c.insured, c.policy) == (
        "online",
        family["holder"],
        family["child"],
        family["policy"],
    )
    event = CaseEvent.objects.get(case_id=str(c.pk), activity="create")
    assert (event.actor_name, event.source) == ("online-claims", "page")
    audit = AuditEvent.objects.get(action="claims.register", subject_id=str(c.pk))
    assert (audit.actor_name, audit.request_id, audit.ip) == ("online-claims", "req-submit-1",
                                                              "10.0.0.1")  # fmt: skip


def test_given_an_insured_child_then_they_claim_only_for_themselves(family):
    child = identify("OL-0001", CHILD_ID)[0]
    assert [p["id"] for p in online.insured_choices(child)] == [family["child"].pk]
    with pytest.raises(ValidationFailed) as exc:
        online.online_claim_submit(
            session=child, data={**CLAIM, "insured_id": str(family["holder"].pk)}
        )
    assert "insured_id" in exc.value.fields
    c = online.online_claim_submit(session=child, data=CLAIM)
    assert c.insured == c.claimant == family["child"]


def test_given_a_claim_type_the_product_does_not_cover_then_the_field_is_named(holder):
    with pytest.raises(ValidationFailed) as exc:
        online.online_claim_submit(session=holder, data={**CLAIM, "claim_type": "care",
                                                         "amount_claimed": "-3"})  # fmt: skip
    assert {"claim_type", "amount_claimed"} <= set(exc.value.fields)


def test_given_too_many_submissions_for_a_policy_then_429(holder, settings):
    settings.HIQC_ONLINE_CLAIMS_LIMITS = {"submit:policy": (1, 86400)}
    online.online_claim_submit(session=holder, data=CLAIM, ip="10.0.0.1")
    with pytest.raises(online.RateLimited):
        online.online_claim_submit(session=holder, data=CLAIM, ip="10.0.0.2")


# --- who sees what --------------------------------------------------------------------------------


def test_a_claimant_cannot_see_another_persons_claim(family, holder, claim):
    child = identify("OL-0001", CHILD_ID)[0]
    childs = online.online_claim_submit(session=child, data=CLAIM)
    stranger = identify("OL-0002", OTHER_ID)[0]
    assert online.online_claim_list(child) == [childs]
    with pytest.raises(NotFound):  # the holder's own claim: same policy, another person
        online.online_claim_get(child, claim.pk)
    with pytest.raises(NotFound):
        online.online_claim_get(stranger, claim.pk)
    with pytest.raises(NotFound):
        upload(stranger, claim, JPEG)
    # the holder sees their own claim and the one they did not file? no: only as claimant/insured
    assert online.online_claim_list(holder) == [claim]
    with pytest.raises(NotFound):
        online.online_claim_get(holder, "not-a-uuid")


# --- uploads --------------------------------------------------------------------------------------


def test_given_a_jpeg_then_it_is_stored_under_a_generated_name_with_its_sha256(holder, claim):
    doc = upload(holder, claim, JPEG, name="../../我的发票 <x>.jpg")
    assert (doc.content_type, doc.size, doc.sha256) == (
        "image/jpeg",
        len(JPEG),
        hashlib.sha256(JPEG).hexdigest(),
    )
    assert doc.name == "医疗费用发票" and doc.requirement_code == "invoice"
    assert "发票" not in doc.file.name and ".." not in doc.file.name
    assert doc.file.name.startswith("claims/") and doc.file.name.endswith(".jpg")
    assert Path(doc.file.path).read_bytes() == JPEG
    audit = AuditEvent.objects.get(action="claims.online.document")
    assert audit.request_id == "req-upload-1" and "我的发票" not in str(audit.data)


def test_given_a_pdf_disguised_as_jpg_then_it_is_accepted_as_pdf(holder, claim):
    doc = upload(holder, claim, PDF, name="photo.jpg", declared="image/jpeg")
    assert doc.content_type == "application/pdf" and doc.file.name.endswith(".pdf")


def test_given_a_png_then_its_type_comes_from_the_content(holder, claim):
    doc = upload(holder, claim, PNG, name="scan", declared="application/octet-stream")
    assert doc.content_type == "image/png" and doc.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "name", "declared"),
    [
        (EXE, "invoice.pdf", "application/pdf"),  # a Windows executable named as a PDF
        (b"GIF89a" + b"\x00" * 20, "a.gif", "image/gif"),
        (b"<html><script>alert(1)</script>", "a.png", "image/png"),
        (b"", "empty.jpg", "image/jpeg"),
    ],
    ids=["exe", "gif", "html", "empty"],
)
def test_given_content_that_is_not_jpeg_png_or_pdf_then_it_is_rejected(
    holder, claim, content, name, declared
):
    with pytest.raises(ValidationFailed) as exc:
        upload(holder, claim, content, name=name, declared=declared)
    assert exc.value.code == "file_type" and "file" in exc.value.fields
    assert not ClaimDocument.objects.exists()


def test_given_a_file_over_10_mb_then_it_is_rejected(holder, claim):
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationFailed, match="10 MB") as exc:
        upload(holder, claim, big, name="big.pdf")
    assert exc.value.code == "file_too_large"
    exactly = hostile.pdf(pad_to=10 * 1024 * 1024)  # a real PDF of exactly the limit
    assert upload(holder, claim, exactly, name="ok.pdf").size == 10 * 1024 * 1024


def test_the_size_limit_is_a_setting(holder, claim, settings):
    settings.HIQC_ONLINE_CLAIMS_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationFailed, match="不超过"):
        upload(holder, claim, JPEG)


def test_given_an_item_not_on_the_checklist_or_a_repeat_then_it_is_rejected(holder, claim):
    with pytest.raises(ValidationFailed) as exc:
        upload(holder, claim, JPEG, code="passport")
    assert "requirement_code" in exc.value.fields
    upload(holder, claim, JPEG)
    with pytest.raises(ValidationFailed, match="已经上传"):
        upload(holder, claim, JPEG, code="form")


def test_given_too_many_uploads_then_429(holder, claim, settings):
    settings.HIQC_ONLINE_CLAIMS_LIMITS = {"upload:ip": (1, 3600)}
    upload(holder, claim, JPEG)
    with pytest.raises(online.RateLimited):
        upload(holder, claim, PNG)


def test_given_a_claim_awaiting_supplements_then_uploads_are_recorded_for_the_handler(
    actors, holder, claim
):
    now = timezone.now()
    for action, data in [
        ("start_review", {}),
        ("request_supplement", {"items": ["form", "invoice", "discharge"]}),
        ("notice_delivered", {}),
    ]:
        claim_act(actor=actors["claims"], claim_id=claim.pk, action=action, data=data, at=now)
    view = online.online_claim_view(holder, online.online_claim_get(holder, claim.pk))
    assert [i["code"] for i in view["checklist"] if i["requested"]] == [
        "form",
        "invoice",
        "discharge",
    ]
    assert [letter.kind for letter in view["letters"]] == ["supplement"]
    for code, content in [("form", PDF), ("invoice", JPEG), ("discharge", PNG)]:
        upload(holder, claim, content, code=code)
    audit = AuditEvent.objects.filter(action="claims.online.document").first()
    assert audit is not None and audit.data["supplement"] is True
    # the handler then records that the documents reached the insurer (CL-3)
    c = claim_act(actor=actors["claims"], claim_id=claim.pk, action="supplement_received",
                  at=now + timedelta(minutes=5))  # fmt: skip
    assert c.status == "review" and ClaimDocument.objects.filter(claim=c).count() == 3
    view = online.online_claim_view(holder, c)
    assert not view["missing"]
    _, body = online.online_letter_read(session=holder, claim=c, letter_id=view["letters"][0].pk)
    assert "出院小结" in body


def test_given_a_decided_claim_then_no_more_uploads(actors, holder, claim):
    now = timezone.now()
    for code in ("form", "invoice", "discharge"):
        claim.documents.create(requirement_code=code, name=code, received_at=now)
    for action, data in [
        ("start_review", {}),
        ("documents_complete", {}),
        ("decide", {"outcome": "approve", "amount_approved": "5200"}),
    ]:
        claim_act(actor=actors["claims"], claim_id=claim.pk, action=action, data=data, at=now)
    with pytest.raises(Conflict):
        upload(holder, claim, JPEG)


# --- the handler hears of online uploads ------------------------------------------------------------


def _assign(claim, user):
    Claim.objects.filter(pk=claim.pk).update(assignee=user)
    claim.refresh_from_db()
    return claim


def test_handler_is_notified_when_claimant_uploads_supplement_online(
    actors, personas, holder, claim
):
    _assign(claim, personas["claims"])
    now = timezone.now()
    for action, data in [
        ("start_review", {}),
        ("request_supplement", {"items": ["form", "invoice", "discharge"]}),
        ("notice_delivered", {}),
    ]:
        claim_act(actor=actors["claims"], claim_id=claim.pk, action=action, data=data, at=now)
    upload(holder, claim, JPEG, code="invoice")
    note = Notification.objects.get()
    assert (note.user, note.kind) == (personas["claims"], "documents_received")
    assert claim.number in note.title and "医疗费用发票" in note.title and "补充" in note.title
    assert note.url == f"/claims/{claim.pk}/" and note.case_id == str(claim.pk)
    # nothing personal: not the claimant's name, nor the file name they sent
    assert "王五" not in note.title + note.body and "scan" not in note.title + note.body


def test_each_online_upload_notifies_the_handler_once(personas, holder, claim):
    _assign(claim, personas["claims"])
    upload(holder, claim, JPEG, code="invoice")
    upload(holder, claim, PDF, code="form")
    notes = Notification.objects.filter(user=personas["claims"]).order_by("created_at", "id")
    assert ["医疗费用发票" in n.title for n in notes] == [True, False]
    assert "理赔申请书" in notes[1].title and "上传" in notes[1].title  # not awaiting supplements


def test_nobody_is_notified_when_an_unassigned_claim_receives_documents_online(holder, claim):
    assert claim.assignee_id is None
    upload(holder, claim, JPEG)
    assert not Notification.objects.exists()


def test_a_refused_upload_notifies_nobody(personas, holder, claim):
    _assign(claim, personas["claims"])
    with pytest.raises(ValidationFailed):
        upload(holder, claim, EXE)
    assert not Notification.objects.exists()
