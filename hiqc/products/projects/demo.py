"""Product R&D demo (issue 17 §7): an update project of 百万医疗险 (MED-BW01) half way through
its gates — needs analysis and design signed by the product manager, the risk assessment signed
by the risk manager, now at 合规审查 with the checklist's automatic items computed and the manual
ones waiting for the compliance officer. Everything through the services and the engine; nothing
is created twice; no fixed dates (the clocks run from the load)."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.core.files.uploadedfile import SimpleUploadedFile

from hiqc.core.access import Actor
from hiqc.organisations.models import OrgUnit, User
from hiqc.policies import selectors as policy_selectors

from .models import Gate
from .selectors import projects
from .services import attachment_add, project_act, project_open

PRODUCT = "MED-BW01"


def demo_file(text: str, seed: int = 0) -> SimpleUploadedFile:
    """A small real PNG (a scanned page stands in for the document), different per ``text``."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 120), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 315, 115), outline=(11, 46, 85))
    draw.text((12, 40), text.encode("ascii", "replace").decode(), fill=(0, 0, 0))
    draw.point((seed % 300 + 10, 100), fill=(0, 0, 1))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{text}.png", out.getvalue(), content_type="image/png")


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    product = policy_selectors.product_get(PRODUCT)
    system = Actor.system("demo")
    if (
        product is None
        or "product_manager" not in users
        or projects(system, product=PRODUCT).exists()
    ):
        return {}
    # the personas' names on the events (the demo acts for them, as the other domains' demos)
    pm, risk = Actor.system("product_manager"), Actor.system("risk")
    project = project_open(
        actor=pm,
        data={
            "kind": "update",
            "product": PRODUCT,
            "title": "百万医疗险 2027 版：增加住院垫付与在线问诊",
            "reason": "近两个季度该产品投诉中“住院押金垫付”类占比上升，客户调研希望增加在线问诊服务。",
        },
    )
    pid = project.pk
    project_act(
        actor=pm,
        project_id=pid,
        action="record_needs",
        data={
            "needs_analysis": "客户调研 1,200 份：62% 希望住院费用直付，48% 希望在线问诊；"
            "同业 5 款同类产品中 4 款已提供垫付服务。",
        },
    )
    attachment_add(
        actor=pm,
        project_id=pid,
        gate=Gate.NEEDS,
        upload=demo_file("survey", seed),
        name="客户需求调研报告",
    )
    project_act(actor=pm, project_id=pid, action="pass_needs", data={})
    project = project_act(
        actor=pm,
        project_id=pid,
        action="record_design",
        data={
            "design_summary": "保留原保险责任，新增住院费用垫付服务与在线问诊；净保费不变。",
            "net_premium_yuan": "300",
            "health_services": "在线问诊 | 30\n住院垫付服务 | 24",
            "change_summary": "新增住院垫付与在线问诊健康管理服务",
        },
    )
    attachment_add(
        actor=pm,
        project_id=pid,
        gate=Gate.DESIGN,
        upload=demo_file("design", seed),
        name="产品设计方案",
    )
    project_act(actor=pm, project_id=pid, action="pass_design", data={})
    project_act(
        actor=pm,
        project_id=pid,
        action="record_risk",
        data={
            "risks": [
                {"risk": "垫付资金无法收回", "control": "垫付限额 5 万元，出院结算时抵扣"},
                {
                    "risk": "健康管理服务成本超出预算",
                    "control": "按季度监测服务成本占净保费比例（PR-1）",
                },
            ]
        },
    )
    attachment_add(
        actor=pm,
        project_id=pid,
        gate=Gate.RISK,
        upload=demo_file("risk", seed),
        name="风险评估报告",
    )
    project_act(actor=risk, project_id=pid, action="pass_risk", data={})
    return {"projects": 1}
