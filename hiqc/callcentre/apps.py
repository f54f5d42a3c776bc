from django.apps import AppConfig


class CallCentreConfig(AppConfig):
    name = "hiqc.callcentre"
    label = "callcentre"
    verbose_name = "呼叫中心"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "calls.import": gettext_noop("导入话务数据"),
            }
        )
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.jobs import register_job
        from hiqc.core.navigation import register_link

        register_job("callcentre.calls_indicators", _("话务指标重算（导入后）"))

        from . import indicators  # noqa: F401  (registers the call-centre indicators)
        from .rules import register_rules

        register_rules()
        register_link("service", "callcentre:dashboard", _("呼叫中心看板"), "calls.view")
        register_link("service", "callcentre:staffing", _("坐席排班测算"))
        register_link("service", "callcentre:import", _("话务数据导入"), "calls.import")
