"""Demo personas: one login per role (plus four outside Beijing, to show scoping).

=====================  ==========  ======================  =====================================
username               name        role                    scope (membership over)
=====================  ==========  ======================  =====================================
quality_lead           李明华      质量管理负责人          总公司 · 质量管理部
branch_manager_bj      王建国      分公司服务经理          北京分公司
agent_bj               张晓燕      坐席                    朝阳中心支公司 (北京)
complaint_handler_bj   刘婷        投诉处理专员            北京分公司 · 客户服务部
claims_handler_bj      陈磊        理赔专员                北京分公司 · 理赔部
claims_reviewer        赵敏        理赔审核                总公司 · 理赔部
cc_supervisor          孙丽娟      呼叫中心主管            总公司 · 客户服务部 (95xxx 热线)
compliance             周志强      合规负责人              总公司 · 合规部
risk                   吴海涛      风险管理                总公司 · 风险管理部
trainer                郑雪梅      培训管理员              总公司 · 质量管理部
facility_bj            马志远      设施管理员              朝阳中心支公司 (北京)
auditor                黄静        审计（只读）            总公司
admin                  林涛        系统管理员              总公司 · 信息技术部 (Django admin)
branch_manager_gd      何嘉欣      分公司服务经理          广东分公司 (sees nothing in Beijing)
agent_gd               梁志文      坐席                    广州中心支公司 (sees nothing in Beijing)
complaint_handler_gd   罗嘉慧      投诉处理专员            广东分公司 · 客户服务部
complaint_handler_sc   杨帆        投诉处理专员            四川分公司 · 客户服务部
=====================  ==========  ======================  =====================================

Every persona's password is ``$HIQC_DEMO_PASSWORD`` (default ``hiqc-demo-2026``). Users are keyed
by username: an existing user is left as it is (password included); missing memberships are added.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User

from .org import OrgTree

DEFAULT_PASSWORD = "hiqc-demo-2026"
PASSWORD_ENV = "HIQC_DEMO_PASSWORD"


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    role: Role
    unit: str  # org unit code the membership is held over (and the user's home unit)
    department: str = ""  # department code within that unit
    superuser: bool = False


PERSONAS: tuple[Persona, ...] = (
    Persona("quality_lead", "李明华", Role.QUALITY_LEAD, "HO", "QM"),
    Persona("branch_manager_bj", "王建国", Role.BRANCH_MANAGER, "BJ"),
    Persona("agent_bj", "张晓燕", Role.CONSULTATION_AGENT, "BJ-CY"),
    Persona("complaint_handler_bj", "刘婷", Role.COMPLAINT_HANDLER, "BJ", "CS"),
    Persona("claims_handler_bj", "陈磊", Role.CLAIMS_HANDLER, "BJ", "CL"),
    Persona("claims_reviewer", "赵敏", Role.CLAIMS_REVIEWER, "HO", "CL"),
    Persona("cc_supervisor", "孙丽娟", Role.CALL_CENTRE_SUPERVISOR, "HO", "CS"),
    Persona("compliance", "周志强", Role.COMPLIANCE_OFFICER, "HO", "CO"),
    Persona("risk", "吴海涛", Role.RISK_MANAGER, "HO", "RM"),
    Persona("product_manager", "许婉清", Role.PRODUCT_MANAGER, "HO", "PD"),
    Persona("trainer", "郑雪梅", Role.TRAINER, "HO", "QM"),
    Persona("facility_bj", "马志远", Role.FACILITY_ADMIN, "BJ-CY"),
    Persona("auditor", "黄静", Role.AUDITOR, "HO"),
    Persona("admin", "林涛", Role.SYSTEM_ADMIN, "HO", "IT", superuser=True),
    Persona("branch_manager_gd", "何嘉欣", Role.BRANCH_MANAGER, "GD"),
    Persona("agent_gd", "梁志文", Role.CONSULTATION_AGENT, "GD-GZ"),
    # the demo complaints of Guangdong and Sichuan are theirs (assigning one needs an eligible
    # handler over its unit, CP-6)
    Persona("complaint_handler_gd", "罗嘉慧", Role.COMPLAINT_HANDLER, "GD", "CS"),
    Persona("complaint_handler_sc", "杨帆", Role.COMPLAINT_HANDLER, "SC", "CS"),
)


@dataclass
class PeopleResult:
    users: dict[str, User]
    created_users: int = 0
    created_memberships: int = 0


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


def load_personas(tree: OrgTree, *, password: str | None = None) -> PeopleResult:
    """Create the missing persona users and memberships. Call inside a transaction."""
    usernames = [p.username for p in PERSONAS]
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    result = PeopleResult(users={})
    hashed = ""  # hashed once per run: every persona shares the documented demo password
    for persona in PERSONAS:
        unit = tree.units[persona.unit]
        user = existing.get(persona.username)
        if user is None:
            hashed = hashed or make_password(password or demo_password())
            dept = (
                tree.departments[(persona.unit, persona.department)] if persona.department else None
            )
            user = User.objects.create(
                username=persona.username,
                password=hashed,
                display_name=persona.display_name,
                email=f"{persona.username}@example.com",
                org_unit=unit,
                department=dept,
                is_staff=persona.superuser,
                is_superuser=persona.superuser,
            )
            result.created_users += 1
        _, created = Membership.objects.get_or_create(user=user, role=persona.role, org_unit=unit)
        result.created_memberships += created
        result.users[persona.username] = user
    return result


def login_rows(tree: OrgTree) -> list[tuple[str, str, str, str]]:
    """(username, name, role, scope) for the closing table of the command."""
    rows = []
    for p in PERSONAS:
        scope = tree.units[p.unit].name
        if p.department:
            scope += f" · {tree.departments[(p.unit, p.department)].name}"
        if p.superuser:
            scope += " (Django admin)"
        rows.append((p.username, p.display_name, str(p.role.label), scope))
    return rows
