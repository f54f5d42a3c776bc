"""The yearly information-security self-evaluation checklist, version 1, as data (standard
6.2.1(4), 6.2.3(1); issue 21 §5). Seeded by the migration ``0002_security_checklist`` into the
kernel's ``Checklist`` (ADR 0023, purpose ``information.security``). Critical items fail the
evaluation whatever its score."""

from __future__ import annotations

from hiqc.core.checklists import ItemSpec

DUTY, DATA, ACCESS, CONTINUITY, PEOPLE = (
    "职责与制度",
    "数据保护",
    "访问控制",
    "连续性与应急",
    "人员",
)

NAME = "信息安全年度自评估清单"
PASS_PERCENT = 80

SECURITY_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(DUTY, "明确信息安全负责人、数据保护负责人、系统管理员、安全审计员并在岗", 3, True, "6.2.3(1)"),
    ItemSpec(DUTY, "信息安全管理制度齐备并在本年度内复审", 2, False, "6.2.1(1)"),
    ItemSpec(DATA, "敏感个人信息加密存储，密钥按期轮换", 3, True, "6.2.2(1)"),
    ItemSpec(DATA, "页面与导出默认脱敏显示客户信息", 2, False, "6.2.3(3)"),
    ItemSpec(DATA, "查看明文须说明用途并留痕，审计日志完整可校验", 3, True, "6.2.3(3)"),
    ItemSpec(ACCESS, "本年度各季度权限复核均已完成，撤销项已执行", 3, True, "6.2.3(4)"),
    ItemSpec(ACCESS, "长期未登录账号按规则停用，离岗人员账号及时注销", 2, False, "6.2.3(4)"),
    ItemSpec(ACCESS, "敏感信息查看异常已由安全负责人核查", 2, False, "6.2.3(3)"),
    ItemSpec(CONTINUITY, "数据备份按期执行，本年度至少一次恢复演练成功", 3, True, "6.2.2(4)"),
    ItemSpec(CONTINUITY, "信息安全事件应急预案已制定并演练", 2, False, "6.2.3(2)"),
    ItemSpec(CONTINUITY, "系统漏洞按期检查并修复", 2, False, "6.2.2(3)"),
    ItemSpec(PEOPLE, "员工完成年度信息安全与保密培训", 2, False, "6.2.3(1)"),
    ItemSpec(PEOPLE, "员工签署保密承诺", 1, False, "6.2.1(2)"),
)  # fmt: skip
