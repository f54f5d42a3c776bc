from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hiqc.demo"
    label = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors

        register_audit_labels({"demo.load": gettext_noop("加载演示数据")})
        register_system_actors(
            {
                "demo": gettext_noop("演示数据"),
                "demo_load": gettext_noop("演示数据"),
            }
        )
