from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "hiqc.customers"
    label = "customers"
    verbose_name = "客户"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        register_link("service", "customers:list", _("客户"), "customers.view")
        register_link("security", "audit", _("审计日志"), "audit.view")
        register_link("security", "customers:reveals", _("敏感信息查看记录"), "audit.view")
