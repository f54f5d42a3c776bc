from django.apps import AppConfig


class CallCentreConfig(AppConfig):
    name = "hiqc.callcentre"
    label = "callcentre"
    verbose_name = "呼叫中心"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        register_link("service", "callcentre:staffing", _("坐席排班测算"))
