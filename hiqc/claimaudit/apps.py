from django.apps import AppConfig


class ClaimAuditConfig(AppConfig):
    name = "hiqc.claimaudit"
    label = "claimaudit"
    verbose_name = "理赔准确性审计"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.navigation import register_link

        from . import indicators  # noqa: F401  (declares claims.accuracy_rate)

        register_link("claims", "claimaudit:list", _("理赔质量抽检"), "claims.audit")
