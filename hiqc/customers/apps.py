from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "hiqc.customers"
    label = "customers"
    verbose_name = "客户"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        register_audit_labels(
            {
                "customer.create": gettext_noop("登记客户"),
                "customer.update": gettext_noop("修改客户信息"),
                "customer.reveal": gettext_noop("查看客户敏感信息明文"),
            }
        )
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        register_link("service", "customers:list", _("客户"), "customers.view")
        register_link("security", "audit", _("审计日志"), "audit.view")
        register_link("security", "customers:reveals", _("敏感信息查看记录"), "audit.view")
