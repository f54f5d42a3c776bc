from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import HomeCount, Manifest, NavLink

from . import roles


class OrganisationsConfig(AppConfig):
    name = "hiqc.organisations"
    label = "organisations"
    verbose_name = "机构与人员"
    manifest = Manifest(
        urls=(("organisations/", "hiqc.organisations.urls"),),
        api_routers=("hiqc.organisations.api.router",),
        permissions=roles.PERMISSIONS,
        roles=roles.ROLES,
        home_counts=(
            HomeCount("organisations.User", "org.view", "organisations:users", _("范围内用户")),
        ),
        nav=(
            NavLink("work", "home", _("首页")),
            NavLink("work", "my_work", _("我的待办")),
            NavLink("admin", "organisations:users", _("用户与授权"), "org.view"),
            NavLink("admin", "organisations:org_units", _("机构"), "org.view"),
            NavLink("admin", "organisations:tokens", _("API 令牌")),
            NavLink("admin", "rules", _("规则参数"), "rules.view"),
            NavLink("ch10", "processes", _("流程与版本")),
            NavLink("admin", "calendar", _("节假日日历")),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors

        register_audit_labels(
            {
                "api_token.create": gettext_noop("创建 API 令牌"),
                "api_token.revoke": gettext_noop("吊销 API 令牌"),
                "auth.login": gettext_noop("登录"),
                "auth.login_failed": gettext_noop("登录失败"),
                "auth.session_expired": gettext_noop("会话超时退出"),
                "department.create": gettext_noop("新建部门"),
                "install.bootstrap": gettext_noop("系统初始化（总公司与管理员）"),
                "membership.grant": gettext_noop("授予角色"),
                "membership.revoke": gettext_noop("撤销角色"),
                "org_unit.create": gettext_noop("新建机构"),
                "organisations.business_volume.import": gettext_noop("导入业务规模数据"),
                "user.create": gettext_noop("新建用户"),
                "user.deactivate": gettext_noop("停用用户"),
                "user.reactivate": gettext_noop("启用用户"),
            }
        )
        register_system_actors(
            {
                "import_business_volume": gettext_noop("命令行（导入业务规模）"),
            }
        )
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from hiqc.core.access import register_roles
        from hiqc.core.notifications import QUALITY, SUPERVISOR, set_recipient_resolver

        from . import signals
        from .enums import Role
        from .selectors import users_holding_roles_over

        escalation = {SUPERVISOR: [Role.BRANCH_MANAGER], QUALITY: [Role.QUALITY_LEAD]}
        set_recipient_resolver(
            lambda path, purpose: users_holding_roles_over(path, escalation[purpose])
        )
        # permissions and who holds them come from every app's manifest (hiqc.core.manifest)
        register_roles({}, dict(Role.choices))
        user_logged_in.connect(signals.on_login, dispatch_uid="hiqc.login")
        user_login_failed.connect(signals.on_login_failed, dispatch_uid="hiqc.login_failed")
