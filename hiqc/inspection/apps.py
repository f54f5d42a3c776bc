from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role


class InspectionConfig(AppConfig):
    name = "hiqc.inspection"
    label = "inspection"
    verbose_name = "质检"
    manifest = Manifest(
        urls=(("inspection/", "hiqc.inspection.urls"),),
        api_routers=("hiqc.inspection.api.router",),
        permissions={
            "qa.view": _("查看质检结果"),
            "qa.inspect": _("质检抽样与评分、裁决申诉"),
            "qa.configure": _("维护质检评分表"),
            "qa.dispute": _("对本人的质检评分提出申诉"),
        },
        roles={
            Role.QUALITY_LEAD: ("qa.view", "qa.inspect", "qa.configure"),
            Role.BRANCH_MANAGER: ("qa.view",),
            Role.CONSULTATION_AGENT: ("qa.dispute",),
            Role.COMPLAINT_HANDLER: ("qa.dispute",),
            Role.CALL_CENTRE_SUPERVISOR: ("qa.view", "qa.inspect"),
            Role.COMPLIANCE_OFFICER: ("qa.view",),
            Role.TRAINER: ("qa.view",),
            Role.AUDITOR: ("qa.view",),
        },
        nav=(
            NavLink("ch10", "inspection:queue", _("质检任务"), "qa.inspect"),
            NavLink("ch10", "inspection:sample", _("质检抽样"), "qa.inspect"),
            NavLink("ch10", "inspection:disputes", _("质检申诉裁决"), "qa.inspect"),
            NavLink("ch10", "inspection:results", _("质检结果"), "qa.view"),
            NavLink("ch10", "inspection:sheets", _("质检评分表"), "qa.view"),
            NavLink("ch10", "inspection:my_scores", _("我的质检评分"), "qa.dispute"),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "inspection.dispute": gettext_noop("提出质检申诉"),
                "inspection.dispute_decide": gettext_noop("处理质检申诉"),
                "inspection.sample": gettext_noop("质检抽样"),
                "inspection.score": gettext_noop("质检评分"),
                "inspection.sheet_active": gettext_noop("启用或停用评分表"),
                "inspection.sheet_publish": gettext_noop("发布评分表"),
            }
        )

        from hiqc.core.casekinds import register_case_kind
        from hiqc.core.deadlines import window_ended

        from . import indicators  # declares the QA indicators
        from .rules import register_rules
        from .services import DISPUTE_KIND, SCORE_KIND, TASK_KIND, on_window_ended

        register_rules()
        indicators.register_person_measures()  # the QA score in the staff assessment
        for kind in (TASK_KIND, SCORE_KIND, DISPUTE_KIND):
            register_case_kind(kind)
        # a dispute window that runs out confirms its score
        window_ended.connect(on_window_ended, dispatch_uid="hiqc.inspection.window")
