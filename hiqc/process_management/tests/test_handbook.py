"""The process handbook (2.1.2(2)(3)): generated from the workflow, the version in force and the
owner's operating requirements; revised with history; printed as a PDF."""

from __future__ import annotations

import pytest

from hiqc.core.models import AuditEvent
from hiqc.process_management.models import StepGuidance

from .conftest import PLAN, client_for

pytestmark = pytest.mark.django_db
COMPLAINT = "complaints.complaint"
URL = f"/process-management/{PLAN}/handbook/"


def test_the_handbook_shows_every_step_its_responsible_roles_and_each_clock_with_its_source(
    personas,
):
    page = client_for(personas["auditor"]).get(f"/process-management/{COMPLAINT}/handbook/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="mermaid"' in text and "flowchart LR" in text
    assert 'id="step-assign"' in text
    assert "投诉处理专员" in text  # the role holding complaints.handle
    assert "《银行保险机构消费者权益保护管理办法》" in text or "办法" in text  # a clock's source
    assert "修订操作要求" not in text  # an auditor reads, never edits


def test_a_process_owner_revises_a_step_and_the_handbook_keeps_each_revision(personas):
    client = client_for(personas["quality_lead"])
    for n, text in ((1, "核对计划目标与责任人。"), (2, "核对计划目标、责任人与完成日期。")):
        answer = client.post(URL, {"step": "start", "requirements": text,
                                   "documents": "改进计划书", "note": f"第{n}次修订说明"})  # fmt: skip
        assert answer.status_code == 302
    page = client.get(URL).content.decode()
    assert "核对计划目标、责任人与完成日期。" in page
    assert [g.number for g in StepGuidance.objects.filter(process=PLAN, step="start")] == [2, 1]
    assert "第1次修订说明" in page and "第2次修订说明" in page  # the change history
    assert AuditEvent.objects.filter(action="processes.guidance").count() == 2


def test_a_revision_without_its_note_is_refused_at_the_field_and_saves_nothing(personas):
    answer = client_for(personas["quality_lead"]).post(
        URL, {"step": "start", "requirements": "x", "documents": "", "note": "短"}
    )
    assert answer.status_code == 422
    assert "至少 4 个字" in answer.content.decode()
    assert not StepGuidance.objects.exists()


def test_a_step_the_process_lacks_is_refused(personas):
    answer = client_for(personas["quality_lead"]).post(
        URL, {"step": "fly", "requirements": "x", "documents": "", "note": "新增步骤说明"}
    )
    assert answer.status_code == 422
    assert not StepGuidance.objects.exists()


def test_only_a_head_office_process_owner_may_revise_the_handbook(personas):
    answer = client_for(personas["branch_manager"]).post(
        URL, {"step": "start", "requirements": "x", "documents": "", "note": "分公司修订"}
    )
    assert answer.status_code == 403
    assert not StepGuidance.objects.exists()


def test_the_handbook_pdf_is_printed_in_chinese_with_the_owners_requirements(personas):
    pdfium = pytest.importorskip("pypdfium2")  # a development dependency (requirements/dev.in)
    client = client_for(personas["quality_lead"])
    client.post(URL, {"step": "check", "requirements": "对照目标检查效果。", "documents": "",
                      "note": "检查步骤说明"})  # fmt: skip
    response = client.get(f"/process-management/{PLAN}/handbook.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    document = pdfium.PdfDocument(response.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    document.close()
    flat = "".join(text.split())  # a table cell wraps its text across lines
    assert "流程手册" in flat and "对照目标检查效果" in flat
