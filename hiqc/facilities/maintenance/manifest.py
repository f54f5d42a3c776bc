"""Preventive maintenance's part of the facilities manifest (issue 19 §4): its permission, role
grants, API router, daily job and navigation links; and what ``ready()`` registers (audit labels,
the job's system actor, the indicator). Kept apart so the app's manifest stays one readable
declaration while chapter 8 grows."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role

from ..enums import VIEW
from .enums import GENERATOR, MAINTAIN


def with_maintenance(manifest: Manifest) -> Manifest:
    roles = dict(manifest.roles)
    roles[Role.FACILITY_ADMIN] = (*roles.get(Role.FACILITY_ADMIN, ()), MAINTAIN)
    return replace(
        manifest,
        api_routers=(*manifest.api_routers, "hiqc.facilities.maintenance.api.router"),
        permissions={**manifest.permissions, MAINTAIN: _("登记设备保养（完成保养任务）")},
        roles=roles,
        periodic=(*manifest.periodic, Periodic(
            "facilities.maintenance_generate",
            "hiqc.facilities.tasks.maintenance_generate_job",
            daily_beijing(5, 40),
            "Create the next preventive-maintenance task of every plan and in-use item that is "
            "due within the plan's lead window or whose readings reached the due reading; "
            "catch-up-safe: one task per plan and item (issue 19 §4; standard 8.2.2).",
            _("生成设备保养任务"),
        )),
        nav=(*manifest.nav,
             NavLink("ch8", "facilities:maintenance_tasks", _("保养任务"), VIEW),
             NavLink("ch8", "facilities:maintenance_plans", _("保养计划"), VIEW)),
    )  # fmt: skip


def register() -> None:
    from django.utils.translation import gettext_noop

    from hiqc.core.audit_labels import register_audit_labels, register_system_actors
    from hiqc.core.casekinds import register_case_kind

    from . import indicators
    from .services import KIND, STEPS_EDITOR

    register_case_kind(KIND)
    register_audit_labels({
        "facilities.maintenance_plan.create": gettext_noop("创建保养计划"),
        "facilities.maintenance_plan.update": gettext_noop("修改保养计划"),
        # the engine's step records (ADR 0032); the two before it name the same steps
        "facilities.maintenancetask.complete": gettext_noop("登记设备保养"),
        "facilities.maintenancetask.cancel": gettext_noop("取消保养任务"),
        "facilities.maintenance_task.complete": gettext_noop("登记设备保养"),
        "facilities.maintenance_task.cancel": gettext_noop("取消保养任务"),
        "facilities.maintenance.generate": gettext_noop("生成设备保养任务"),
    })  # fmt: skip
    register_system_actors({
        GENERATOR: gettext_noop("每日作业（生成设备保养任务）"),
        STEPS_EDITOR: gettext_noop("保养计划（发布保养步骤新版本）"),
    })  # fmt: skip
    indicators.register()
