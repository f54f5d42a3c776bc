from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "hiqc.policies"
    label = "policies"
    verbose_name = "保单与产品"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "policies.import": gettext_noop("导入保单"),
            }
        )
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        register_link("claims", "policies:list", _("保单查询"), "policies.view")
        register_link("claims", "policies:products", _("产品目录"), "policies.view")
        register_link("claims", "policies:import", _("保单导入"), "policies.manage")
