from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role


class ClaimAuditConfig(AppConfig):
    name = "hiqc.claimaudit"
    label = "claimaudit"
    verbose_name = "理赔准确性审计"
    manifest = Manifest(
        urls=(("claim-audits/", "hiqc.claimaudit.urls"),),
        api_routers=("hiqc.claimaudit.api.router",),
        permissions={
            "claims.audit": _("理赔质量抽检（准确性审计）"),
        },
        roles={
            Role.QUALITY_LEAD: ("claims.audit",),
            Role.CLAIMS_REVIEWER: ("claims.audit",),
        },
        nav=(NavLink("ch5", "claimaudit:list", _("理赔质量抽检"), "claims.audit"),),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)

        register_audit_labels(
            {
                "claimaudit.errors": gettext_noop("判定差错"),
                "claimaudit.readjudicate": gettext_noop("盲审复核结论"),
                "claimaudit.round_complete": gettext_noop("完成抽检"),
                "claimaudit.round_create": gettext_noop("创建抽检"),
            }
        )

        from hiqc.core.casekinds import register_case_kind
        from hiqc.core.readguards import register_list_guard, register_read_guard

        from . import indicators  # declares claims.accuracy_rate
        from .selectors import blind_pending_claim_ids, claim_read_guard
        from .services import ITEM_KIND, ROUND_KIND

        indicators.register_person_measures()  # accuracy in the staff assessment (5.3.3)
        register_case_kind(ROUND_KIND)  # rounds and sampled claims: workflow.py
        register_case_kind(ITEM_KIND)
        # blind re-adjudication (standard 5.1.2(3)), and the decision hidden in claim lists
        register_read_guard("claims.claim", claim_read_guard)
        register_list_guard("claims.claim", blind_pending_claim_ids)
