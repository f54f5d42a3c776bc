from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "hiqc.consultations"
    label = "consultations"
    verbose_name = "咨询"

    def ready(self) -> None:
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
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.casework import register_case_kind
        from hiqc.core.navigation import register_link

        from . import indicators
        from .services import KIND, SUGGESTION_KIND

        register_case_kind(KIND)
        register_case_kind(SUGGESTION_KIND)  # suggestions: workflow.SUGGESTION
        indicators.register()
        register_link("service", "consultations:create", _("登记咨询"), "consultations.handle")
        register_link("service", "consultations:list", _("咨询记录"), "consultations.view")
        register_link("service", "consultations:suggestions", _("客户建议"), "consultations.view")
        register_link(
            "service", "consultations:topics", _("咨询主题分类"), "consultations.configure"
        )
