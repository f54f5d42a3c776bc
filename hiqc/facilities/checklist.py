"""The outlet facility and environment checklist, version 1, as data (standard 8.1.1–8.1.7,
8.3.4; issue 19 §1). Seeded by the migration ``0002_outlet_checklist`` into the kernel's
``Checklist`` (ADR 0023); later versions are edited on the checklist page and published there.
Critical items fail an inspection whatever its score (safety, privacy, barrier-free access)."""

from __future__ import annotations

from hiqc.core.checklists import ItemSpec

# The areas of 8.1.2 as the checklist's categories (stored data, in Chinese like the items)
RECEPTION, BUSINESS, REST, CONSULTATION = "客户接待区", "业务办理区", "休息区", "咨询区"
GENERAL = "无障碍与整体环境"

NAME = "网点服务设施与环境检查清单"
PASS_PERCENT = 80

OUTLET_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(RECEPTION, "接待区设置舒适、整洁的座椅，数量满足日常客流", 2, False, "8.1.3"),
    ItemSpec(RECEPTION, "配备必要的办公设备（电脑、打印机、复印机等）且运行正常", 2, False, "8.1.3"),
    ItemSpec(BUSINESS, "设置独立的业务办理窗口", 3, True, "8.1.4"),
    ItemSpec(BUSINESS, "办理窗口有隐私保护措施（隔断、一米线），客户信息不外露", 3, True, "8.1.4"),
    ItemSpec(REST, "休息区提供沙发、茶几等休息设施", 2, False, "8.1.5"),
    ItemSpec(REST, "配备饮水设备，饮用水卫生、滤芯和水桶在有效期内", 2, False, "8.1.5"),
    ItemSpec(REST, "提供报刊杂志或业务宣传资料", 1, False, "8.1.5"),
    ItemSpec(CONSULTATION, "设置明显的指示牌，业务咨询指引清晰", 2, False, "8.1.6"),
    ItemSpec(CONSULTATION, "咨询区有人员值守，或公示咨询电话", 1, False, "8.1.6"),
    ItemSpec(GENERAL, "无障碍通道（坡道、扶手）畅通", 3, True, "8.1.7"),
    ItemSpec(GENERAL, "配备无障碍设施（爱心座椅、低位窗口、助听或放大设备等）", 2, False, "8.1.7"),
    ItemSpec(GENERAL, "环境整洁，地面、台面无杂物", 2, False, "8.3.4"),
    ItemSpec(GENERAL, "照明、空调、通风正常", 1, False, "8.3.4"),
    ItemSpec(GENERAL, "服务设施设备完好，无破损", 2, False, "8.3.4"),
    ItemSpec(GENERAL, "消防通道畅通，应急设施完好", 3, True, "8.1.1"),
)  # fmt: skip
