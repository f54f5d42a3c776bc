from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role


class ConsultationsConfig(AppConfig):
    name = "hiqc.consultations"
    label = "consultations"
    verbose_name = "咨询"
    manifest = Manifest(
        urls=(("consultations/", "hiqc.consultations.urls"),),
        api_routers=("hiqc.consultations.api.router",),
        permissions={
            "consultations.view": _("查看咨询记录"),
            "consultations.handle": _("登记、答复与办结咨询"),
            "consultations.configure": _("维护咨询主题分类"),
        },
        roles={
            Role.QUALITY_LEAD: ("consultations.view", "consultations.configure"),
            Role.BRANCH_MANAGER: ("consultations.view",),
            Role.CONSULTATION_AGENT: ("consultations.view", "consultations.handle"),
            Role.COMPLAINT_HANDLER: ("consultations.view", "consultations.handle"),
            Role.CALL_CENTRE_SUPERVISOR: ("consultations.view", "consultations.handle"),
            Role.COMPLIANCE_OFFICER: ("consultations.view",),
            Role.AUDITOR: ("consultations.view",),
        },
        nav=(
            NavLink("ch4", "consultations:create", _("登记咨询"), "consultations.handle"),
            NavLink("ch4", "consultations:list", _("咨询记录"), "consultations.view"),
            NavLink("ch4", "consultations:suggestions", _("客户建议"), "consultations.view"),
            NavLink("ch4", "consultations:topics", _("咨询主题分类"), "consultations.configure"),
        ),
    )

    def ready(self) -> None:
        from hiqc.core.retention import register_reference, register_retention
        from hiqc.core.rules import register_rules

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .retention import POLICY as RETENTION_POLICY
        from .retention import RETENTION_YEARS, customers_needed

        register_rules(RETENTION_YEARS)
        register_retention(RETENTION_POLICY)  # issue 21 §2: removed by the kernel's job
        register_reference("customers.Customer", "consultations.records", customers_needed)
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "consultation.create": gettext_noop("登记咨询"),
                "suggestion.create": gettext_noop("登记建议"),
                "suggestion.decide": gettext_noop("处理建议"),
                "consultation_category.create": gettext_noop("新建咨询类别"),
                "consultation_topic.create": gettext_noop("新建咨询主题"),
                "consultation_category.activate": gettext_noop("启用咨询类别"),
                "consultation_category.deactivate": gettext_noop("停用咨询类别"),
                "consultation_topic.activate": gettext_noop("启用咨询主题"),
                "consultation_topic.deactivate": gettext_noop("停用咨询主题"),
            }
        )

        from hiqc.core.casekinds import register_case_kind

        from . import indicators
        from .services import KIND, SUGGESTION_KIND

        register_case_kind(KIND)
        register_case_kind(SUGGESTION_KIND)  # suggestions: workflow.SUGGESTION
        indicators.register()
        indicators.register_person_measures()
