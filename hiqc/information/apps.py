from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role

from .enums import AUDIT_VIEW, RECERTIFY, REMEDIATE, SECURITY, VIEW
from .sharing.enums import SHARE_APPROVE, SHARE_COMPLIANCE, SHARE_REQUEST


class InformationConfig(AppConfig):
    """Information management and confidentiality (standard chapter 6; issue 21 §4, §5, §7,
    §8; ADRs 0026, 0030): quarterly access recertification cases, dormant accounts disabled by
    rule, the reveal anomaly report, security role holders per unit, the yearly security
    self-evaluation on the kernel's checklist with remediation cases; data sharing under
    agreements with masking profiles (share cases on the engine, the record of what was sent),
    incoming exchanges and personal-information impact assessments."""

    name = "hiqc.information"
    label = "information"
    verbose_name = "信息管理与保密"
    manifest = Manifest(
        urls=(("information/", "hiqc.information.urls"),),
        api_routers=("hiqc.information.api.router", "hiqc.information.sharing.api.router"),
        permissions={
            VIEW: _("查看权限复核、长期未登录账号、安全职责与信息安全自评估"),
            RECERTIFY: _("复核本机构人员的角色授权（确认或撤销）"),
            SECURITY: _("信息安全负责人：指定安全职责人，组织信息安全自评估并验证整改"),
            REMEDIATE: _("登记信息安全整改措施"),
            SHARE_REQUEST: _("申请数据共享、按脱敏规则导出并登记发送，登记数据接收"),
            SHARE_APPROVE: _("数据负责人：审批数据共享申请"),
            SHARE_COMPLIANCE: _(
                "合规负责人：登记共享对象与协议、影响评估，审批涉及敏感个人信息的共享"
            ),
        },
        roles={
            Role.COMPLIANCE_OFFICER: (VIEW, RECERTIFY, SECURITY, SHARE_REQUEST, SHARE_COMPLIANCE),
            Role.QUALITY_LEAD: (VIEW, RECERTIFY, SHARE_REQUEST, SHARE_APPROVE),
            Role.BRANCH_MANAGER: (VIEW, RECERTIFY, REMEDIATE, SHARE_REQUEST, SHARE_APPROVE),
            Role.SYSTEM_ADMIN: (VIEW, REMEDIATE),
            Role.AUDITOR: (VIEW,),
        },
        periodic=(
            Periodic(
                "information.recertification_open",
                "hiqc.information.tasks.recertification_open_job",
                daily_beijing(6, 0),
                "Open the current Beijing quarter's access recertification round and a case for "
                "every unit with members that has none yet (catch-up safe; 6.2.1(4), 6.2.3(4)).",
                _("季度权限复核发起"),
            ),
            Periodic(
                "information.dormant_disable",
                "hiqc.information.tasks.dormant_disable_job",
                daily_beijing(4, 0),
                "Disable accounts with no sign-in for information.dormant_days (6.2.3(4)).",
                _("长期未登录账号停用"),
            ),
            Periodic(
                "information.share_schedule",
                "hiqc.information.tasks.shares_schedule_job",
                daily_beijing(5, 30),
                "Request the share of the period each agreement in force with a regular frequency "
                "calls for, once per period (6.3).",
                _("按协议频率申请数据共享"),
            ),
        ),
        # the kernel already declares the chapter-6 section (信息管理与保密（第6章）, before ch7): the
        # pages go there beside the audit log and the backups (ADR 0026)
        nav=(
            NavLink("ch6", "information:recertifications", _("权限复核"), VIEW),
            NavLink("ch6", "information:dormant", _("长期未登录账号"), VIEW),
            NavLink("ch6", "information:anomalies", _("敏感信息查看异常"), AUDIT_VIEW),
            NavLink("ch6", "information:roles", _("安全职责"), VIEW),
            NavLink("ch6", "information:evaluations", _("信息安全自评估"), VIEW),
            NavLink("ch6", "information:remediations", _("信息安全整改"), VIEW),
            NavLink("ch6", "information:agreements", _("数据共享协议"), VIEW),
            NavLink("ch6", "information:shares", _("数据共享"), VIEW),
            NavLink("ch6", "information:incoming", _("数据接收登记"), VIEW),
            NavLink("ch6", "information:assessments", _("个人信息保护影响评估"), VIEW),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors
        from hiqc.core.casekinds import register_case_kind
        from hiqc.core.rules import register_rules

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .rules import RULES
        from .security.services import KIND as REMEDIATION_KIND
        from .services import KIND as RECERT_KIND
        from .sharing.services import AGREEMENT_KIND
        from .sharing.services import KIND as SHARE_KIND
        from .sharing.services import RULES as SHARING_RULES

        register_case_kind(RECERT_KIND)
        register_case_kind(REMEDIATION_KIND)
        register_case_kind(SHARE_KIND)
        register_case_kind(AGREEMENT_KIND)
        register_rules(*RULES, *SHARING_RULES)
        register_system_actors(
            {
                "information.recertification_open": gettext_noop("季度权限复核发起任务"),
                "information.recertification": gettext_noop("权限复核（执行撤销）"),
                "information.dormant_disable": gettext_noop("长期未登录账号停用任务"),
                "information.seed": gettext_noop("信息安全自评估清单初始化"),
                "information.share_schedule": gettext_noop("按协议频率申请数据共享任务"),
            }
        )
        register_audit_labels(
            {
                "information.dormant.disable": gettext_noop("停用长期未登录账号"),
                "information.security_role.assign": gettext_noop("指定安全职责人"),
                "information.security_role.end": gettext_noop("终止安全职责"),
                "information.evaluation.perform": gettext_noop("完成信息安全自评估"),
                "information.partner.create": gettext_noop("登记数据共享对象"),
                "information.agreement.create": gettext_noop("登记数据共享协议"),
                "information.agreement.activate": gettext_noop("数据共享协议生效"),
                "information.consent.record": gettext_noop("登记单独同意"),
                "information.datashare.produce": gettext_noop("生成数据共享文件"),
                "information.datashare.download": gettext_noop("下载数据共享文件"),
                "information.incoming.record": gettext_noop("登记数据接收"),
                "information.pia.record": gettext_noop("登记个人信息保护影响评估"),
            }
        )
