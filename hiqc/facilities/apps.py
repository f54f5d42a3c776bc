from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role

from .enums import CHECKLISTS, INSPECT, MANAGE, RECTIFY, RENEWAL_APPROVE, VIEW
from .faults.enums import FAULT_REPAIR, FAULT_REPORT
from .maintenance.manifest import with_maintenance


class FacilitiesConfig(AppConfig):
    """Service facilities, equipment and environment (standard chapter 8; issue 19 §1–§3; ADR
    0023): the outlet register, facility and environment inspections on the kernel's scored
    checklist, rectification tasks with a clock, equipment files with their history and import.
    Fault tickets with severity clocks and downtime, availability figures (§5–§6): ``faults/``.
    Preventive maintenance (§4): ``maintenance/`` — tasks and renewal plans are case kinds on the
    engine (ADR 0032); operators (§7) and renewal plans (§8) beside them."""

    name = "hiqc.facilities"
    label = "facilities"
    verbose_name = "服务设施与设备"
    manifest = Manifest(
        urls=(("facilities/", "hiqc.facilities.urls"),),
        api_routers=(
            "hiqc.facilities.api.router",
            "hiqc.facilities.faults.api.router",
            "hiqc.facilities.operators_api.router",
        ),
        permissions={
            VIEW: _("查看网点设施档案、设施环境检查、整改任务与设备档案"),
            MANAGE: _("维护网点设施档案与设备档案（含导入、设备履历）"),
            INSPECT: _("安排并实施设施环境检查，验证整改结果"),
            RECTIFY: _("登记设施整改措施"),
            CHECKLISTS: _("编辑并发布网点设施检查清单"),
            FAULT_REPORT: _("报告设备故障，确认修复或退回维修"),
            FAULT_REPAIR: _("响应设备故障并登记修复"),
            RENEWAL_APPROVE: _("批准或退回设备更新计划"),
        },
        roles={
            Role.FACILITY_ADMIN: (VIEW, MANAGE, INSPECT, RECTIFY, FAULT_REPORT, FAULT_REPAIR),
            Role.BRANCH_MANAGER: (VIEW, INSPECT, RECTIFY, FAULT_REPORT, RENEWAL_APPROVE),
            Role.QUALITY_LEAD: (VIEW, INSPECT, CHECKLISTS),
            # the call centre's telephony: its supervisor sees and reports faults (8.2.3)
            Role.CALL_CENTRE_SUPERVISOR: (VIEW, FAULT_REPORT),
            Role.AUDITOR: (VIEW,),
        },
        nav_sections=(("ch8", _("服务设施与设备（第8章）"), "ch10"),),
        nav=(
            NavLink("ch8", "facilities:outlets", _("网点设施"), VIEW),
            NavLink("ch8", "facilities:inspections", _("设施环境检查"), VIEW),
            NavLink("ch8", "facilities:rectifications", _("整改任务"), VIEW),
            NavLink("ch8", "facilities:equipment", _("设备档案"), VIEW),
            NavLink("ch8", "facilities:checklist", _("检查清单"), VIEW),
            NavLink("ch8", "facilities:faults", _("设备故障单"), VIEW),
            NavLink("ch8", "facilities:operators", _("设备操作人员"), VIEW),
            NavLink("ch8", "facilities:renewal", _("设备更新计划"), VIEW),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.casekinds import register_case_kind

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .maintenance.manifest import register as register_maintenance
        from .services import KIND

        register_case_kind(KIND)
        register_maintenance()
        _register_upload_limits()
        _register_faults()
        _register_operators_and_renewal()
        register_audit_labels(
            {
                "facilities.outlet.save": gettext_noop("保存网点设施档案"),
                "facilities.inspection.plan": gettext_noop("安排设施环境检查"),
                "facilities.inspection.perform": gettext_noop("实施设施环境检查"),
                "facilities.equipment.create": gettext_noop("登记设备档案"),
                "facilities.equipment.update": gettext_noop("修改设备档案"),
                "facilities.equipment.event": gettext_noop("登记设备履历"),
                "facilities.equipment.import": gettext_noop("导入设备清单"),
                "facilities.equipment.operators": gettext_noop("指定设备操作人员"),
                "facilities.operators.requirement": gettext_noop("设定设备操作资格要求"),
                "facilities.renewal.create": gettext_noop("制定设备更新计划"),
                "facilities.renewal.update": gettext_noop("修改设备更新计划"),
            }
        )


# preventive maintenance (issue 19 §4): its permission, grants, router, job and links
FacilitiesConfig.manifest = with_maintenance(FacilitiesConfig.manifest)


def _register_faults() -> None:
    """Fault tickets (issue 19 §5–§6): the case kind, its targets as rules, the availability
    indicators and the downtime the call centre and the outlet page draw (the kernel's
    downtime registry: the call-centre app does not import this one)."""
    from hiqc.core.audit_labels import register_audit_labels
    from hiqc.core.casekinds import register_case_kind
    from hiqc.core.downtime import register_downtime_provider
    from hiqc.core.rules import register_rules

    from .faults import indicators
    from .faults.selectors import downtime
    from .faults.services import AUDIT_LABELS, KIND, RULES

    register_case_kind(KIND)
    register_rules(*RULES)
    indicators.register()
    register_downtime_provider("facilities.faults", downtime)
    register_audit_labels(AUDIT_LABELS)


def _register_upload_limits() -> None:
    """The inspection form page refuses a body larger than its photos may be before
    reading it (``hiqc.core.bodylimit``)."""
    from django.utils.translation import gettext as _

    from hiqc.core.bodylimit import body_limit_register

    from .services import MB, max_photo_bytes, max_photos

    def limit() -> int:
        return max_photo_bytes() * max_photos() + 256 * 1024  # the photos and the marks

    def hint() -> str:
        return _("每张照片不超过 {n} MB，每次最多 {k} 张。").format(
            n=max_photo_bytes() // MB, k=max_photos()
        )

    body_limit_register("facilities:inspection", limit, field="photos", hint=hint)


def _register_operators_and_renewal() -> None:
    """Operators (8.2.6) and renewal plans (8.3.6): their rules, and who needs which qualification
    because of the equipment they run (read by the people app through the kernel)."""
    from django.utils.translation import gettext_noop

    from hiqc.core.audit_labels import register_audit_labels
    from hiqc.core.casekinds import register_case_kind
    from hiqc.core.qualifications import register_qualification_demand

    from . import operators, renewal

    operators.register()
    renewal.register()
    register_case_kind(renewal.KIND)  # ADR 0032: its steps on the engine
    register_audit_labels({
        "facilities.renewalplan.approve": gettext_noop("批准设备更新计划"),
        "facilities.renewalplan.send_back": gettext_noop("退回设备更新计划"),
        "facilities.renewalplan.drop": gettext_noop("取消设备更新计划"),
        "facilities.renewalplan.withdraw": gettext_noop("撤销已批准的设备更新计划"),
        "facilities.renewalplan.complete": gettext_noop("完成设备更新计划"),
    })  # fmt: skip
    register_qualification_demand("facilities.operators", operators.operator_demands)
