from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role


class ClaimsConfig(AppConfig):
    name = "hiqc.claims"
    label = "claims"
    verbose_name = "理赔"
    manifest = Manifest(
        urls=(
            ("claims/", "hiqc.claims.urls"),
            ("online-claims/", "hiqc.claims.online.urls"),
        ),
        api_routers=(
            "hiqc.claims.api.router",
            "hiqc.claims.events.api.router",
            "hiqc.claims.online.api.router",
        ),
        permissions={
            "claims.view": _("查看理赔案件"),
            "claims.handle": _("受理、审核资料、核定与支付理赔"),
            "claims.override": _("一次性告知的例外补充请求审批、复核自动核定"),
        },
        roles={
            Role.QUALITY_LEAD: ("claims.view",),
            Role.BRANCH_MANAGER: ("claims.view", "claims.override"),
            Role.CONSULTATION_AGENT: ("claims.view",),
            Role.COMPLAINT_HANDLER: ("claims.view",),
            Role.CLAIMS_HANDLER: ("claims.view", "claims.handle"),
            Role.CLAIMS_REVIEWER: ("claims.view", "claims.handle", "claims.override"),
            Role.CALL_CENTRE_SUPERVISOR: ("claims.view",),
            Role.COMPLIANCE_OFFICER: ("claims.view",),
            Role.RISK_MANAGER: ("claims.view",),
            Role.AUDITOR: ("claims.view",),
        },
        nav=(
            NavLink("ch5", "claims:list", _("理赔案件"), "claims.view"),
            NavLink("ch5", "claims:timeliness", _("理赔时效看板"), "claims.view"),
            NavLink("ch10", "findings", _("合规事项"), "findings.view"),
        ),
    )

    def ready(self) -> None:
        from hiqc.core.retention import register_retention

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .retention import POLICY as RETENTION_POLICY

        register_retention(RETENTION_POLICY)  # issue 21 §2: removed by the kernel's job
        from hiqc.core.retention import register_reference

        from .retention import customers_needed

        # its customers are kept while the file is (ADR 0031)
        register_reference("customers.Customer", "claims.files", customers_needed)
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import (
            register_audit_labels,
            register_finding_kinds,
            register_system_actors,
        )

        register_finding_kinds(
            {
                "claims.audit_error": gettext_noop("理赔抽检发现差错"),
                "claims.cover_override": gettext_noop("保单可能不承保，经例外受理"),
                "claims.supplement_override": gettext_noop("首次通知后再次要求补充材料（经批准）"),
            }
        )
        register_audit_labels(
            {
                "claims.register": gettext_noop("受理理赔"),
                "claims.advance_pay": gettext_noop("先予支付"),
                "claims.diagnosis.reveal": gettext_noop("查看诊断明文"),
                "claims.document.open": gettext_noop("打开理赔材料"),
                "claims.events.import": gettext_noop("导入核心系统理赔事件"),
                "claims.letter.issue": gettext_noop("出具理赔通知书"),
                "claims.letter.read": gettext_noop("查阅理赔通知书"),
                "claims.online.code_failed": gettext_noop("在线理赔验证码错误"),
                "claims.online.code_sent": gettext_noop("发送在线理赔验证码"),
                "claims.online.document": gettext_noop("在线上传理赔材料"),
                "claims.online.session_end": gettext_noop("在线理赔会话结束"),
                "claims.online.verified": gettext_noop("在线理赔身份验证通过"),
            }
        )
        register_system_actors(
            {
                "import_claim_events": gettext_noop("命令行（导入理赔事件）"),
            }
        )

        from hiqc.core.casekinds import register_case_kind
        from hiqc.core.deadlines import deadline_warned

        from . import indicators, rules  # noqa: F401  (indicators register on import)
        from .services import KIND, on_claim_deadline

        rules.register()
        register_case_kind(KIND)
        from .events import single  # noqa: F401  (the claims' events door registers on import)

        _register_upload_limits()
        deadline_warned.connect(on_claim_deadline, dispatch_uid="hiqc.claims.deadlines")


def _register_upload_limits() -> None:
    """The online-claim document doors refuse a body that cannot hold files within the per-file
    limit before reading it (``hiqc.core.bodylimit``; issue 14 §7): one file through the API, up
    to ``HIQC_ONLINE_CLAIMS_MAX_FILES_PER_UPLOAD`` through the page."""
    from django.utils.translation import gettext as _

    from hiqc.core.bodylimit import body_limit_register

    from .online import services as online

    def hint(files: int) -> str:
        n = online.max_upload_bytes() // online.MB or 1
        if files == 1:
            return _("每个文件不超过 {n} MB。").format(n=n)
        return _("每个文件不超过 {n} MB，每次最多 {files} 个文件。").format(n=n, files=files)

    body_limit_register(
        "claims_online:upload",
        lambda: online.upload_body_limit(files=online.max_files_per_upload()),
        hint=lambda: hint(online.max_files_per_upload()),
    )
    body_limit_register(
        "api:online_claim_document_upload",
        lambda: online.upload_body_limit(files=1),
        hint=lambda: hint(1),
    )
