from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "hiqc.claims"
    label = "claims"
    verbose_name = "理赔"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from hiqc.core.casework import register_case_kind
        from hiqc.core.deadlines import deadline_warned
        from hiqc.core.navigation import register_link

        from . import indicators, rules  # noqa: F401  (indicators register on import)
        from .services import KIND, on_claim_deadline

        rules.register()
        register_case_kind(KIND)
        deadline_warned.connect(on_claim_deadline, dispatch_uid="hiqc.claims.deadlines")
        register_link("claims", "claims:list", _("理赔案件"), "claims.view")
        register_link("claims", "claims:timeliness", _("理赔时效看板"), "claims.view")
        register_link("quality", "findings", _("合规事项"), "findings.view")
