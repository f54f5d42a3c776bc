"""The R&D project pages (issue 17 §4) and the demo (§7)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hiqc.core.access import Actor
from hiqc.core.models import Deadline
from hiqc.organisations.services import actor_for_user
from hiqc.policies.tests.factories import catalogue_product
from hiqc.products import demo
from hiqc.products.projects.models import Gate, ProductProject
from hiqc.products.projects.services import attachment_add, project_act, project_open

from .conftest import CODE, client_for, png

pytestmark = pytest.mark.django_db


def opened(personas):
    actor = actor_for_user(personas["product_manager"])
    return project_open(
        actor=actor,
        data={"kind": "update", "product": CODE, "title": "更新项目", "reason": "投诉率上升"},
    )


def test_the_new_project_form_is_prefilled_from_the_monitoring_link(personas, product):
    pm = client_for(personas["product_manager"])
    page = pm.get(
        reverse("products:project_new") + f"?product={CODE}&kind=update&reason=投诉率超目标"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        f'<option value="{CODE}" selected>' in html and '<option value="update" selected>' in html
    )
    assert "投诉率超目标" in html
    # When it is posted without a title: the form comes back with the error at its field
    bad = pm.post(
        reverse("products:project_new"),
        {"kind": "update", "product": CODE, "reason": "投诉率超目标"},
    )
    assert bad.status_code == 422 and "请填写项目名称" in bad.content.decode()
    done = pm.post(
        reverse("products:project_new"),
        {"kind": "update", "product": CODE, "reason": "投诉率超目标", "title": "更新"},
    )
    assert done.status_code == 302
    assert ProductProject.objects.get().status == Gate.NEEDS


def test_the_list_filters_by_gate_kind_and_product(personas, product):
    project = opened(personas)
    pm = client_for(personas["product_manager"])
    html = pm.get(reverse("products:projects")).content.decode()
    assert project.number in html and 'id="new-project"' in html
    assert (
        project.number not in pm.get(reverse("products:projects") + "?gate=design").content.decode()
    )
    assert (
        project.number
        in pm.get(reverse("products:projects") + f"?product={CODE}&kind=update").content.decode()
    )
    bad = pm.get(reverse("products:projects") + "?gate=nowhere").content.decode()
    assert project.number in bad and 'class="error"' in bad  # the bad filter named, others apply
    branch = client_for(personas["branch_manager"]).get(reverse("products:projects"))
    assert branch.status_code == 200 and project.number not in branch.content.decode()
    assert client_for(personas["agent"]).get(reverse("products:projects")).status_code == 403


def test_the_project_page_shows_the_gates_and_refuses_an_incomplete_sign_off(personas, product):
    project = opened(personas)
    pm = client_for(personas["product_manager"])
    url = reverse("products:project", args=[project.pk])
    html = pm.get(url).content.decode()
    assert 'id="gates"' in html and html.count('class="step ') == 6
    assert 'class="step current" id="gate-needs"' in html
    assert "缺少市场调研与需求分析" in html  # what the current gate lacks
    assert 'id="upload"' in html
    # When the sign-off is posted anyway (a stale page): 409 with the reason, nothing changes
    response = pm.post(
        reverse("products:project_action", args=[project.pk, "pass_needs"]),
        {"version": project.version},
    )
    assert response.status_code == 409 and "缺少附件" in response.content.decode()
    # When the needs analysis is saved and a file uploaded through the page
    saved = pm.post(
        reverse("products:project_action", args=[project.pk, "record_needs"]),
        {"version": project.version, "needs_analysis": "调研结论"},
    )
    assert saved.status_code == 302
    up = pm.post(
        reverse("products:attachment_upload", args=[project.pk]), {"gate": "needs", "file": png()}
    )
    assert up.status_code == 302
    html = pm.get(url).content.decode()
    assert "调研结论" in html and 'id="action-pass_needs"' in html
    doc = ProductProject.objects.get().attachments.get()
    got = pm.get(reverse("products:attachment", args=[doc.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    # another reader without the right: the same 404 as a missing file
    other = client_for(personas["branch_manager"])
    assert other.get(reverse("products:attachment", args=[doc.pk])).status_code == 404
    assert other.get(url).status_code == 404


def test_the_compliance_gate_shows_the_checklist_with_the_automatic_results(personas, product):
    project = opened(personas)
    pm = actor_for_user(personas["product_manager"])
    project_act(
        actor=pm, project_id=project.pk, action="record_needs", data={"needs_analysis": "x"}
    )
    attachment_add(actor=pm, project_id=project.pk, gate="needs", upload=png("a"))
    project_act(actor=pm, project_id=project.pk, action="pass_needs", data={})
    project_act(
        actor=pm,
        project_id=project.pk,
        action="record_design",
        data={"net_premium_yuan": "1000", "health_services": "问诊 | 200.10"},
    )
    html = (
        client_for(personas["product_manager"])
        .get(reverse("products:project", args=[project.pk]))
        .content.decode()
    )
    assert 'id="check-PR-1"' in html and "20.01%" in html and 'id="f-coverage"' in html


def test_the_demo_leaves_an_update_project_at_the_compliance_review_and_reruns_add_nothing(
    org, personas
):
    catalogue_product(
        code="MED-BW01", name="百万医疗险", documents=[("claim_form", "理赔申请书", True)]
    )
    counts = demo.demo_load(seed=1, org_units=org, users=personas, actor=Actor.system("demo"))
    assert counts["projects"] == 1
    project = ProductProject.objects.get()
    assert project.status == Gate.COMPLIANCE and project.kind == "update"
    assert set(project.signoffs) == {"needs", "design", "risk"}
    running = Deadline.objects.filter(case_id=str(project.pk), state="running")
    assert [d.clock for d in running] == ["products.gate_compliance"]
    rerun = demo.demo_load(seed=1, org_units=org, users=personas, actor=Actor.system("demo"))
    assert not any(rerun.values())
    assert ProductProject.objects.count() == 1
