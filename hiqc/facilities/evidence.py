"""Facilities' evidence for the standard (issue 22 §2; ADR 0034), chapter 8: 8.1 outlets fitted
out as the standard lists (register) and inspected; 8.2.1 equipment available (indicator); 8.2.2
preventive maintenance done on time; 8.2.3 faults answered within their clocks; 8.2.4 equipment
files; 8.2.5 safety certification; 8.2.6 operators qualified; 8.3 environment inspections.
Imported by ``FacilitiesConfig.ready``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import (
    INDICATOR,
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    indicator_evidence,
    ratio_evidence,
    record_evidence,
)
from hiqc.core.evidence_clocks import clock_evidence

from .enums import EquipmentState, InspectionKind


def _late(done: datetime | None, due: date) -> bool:
    return done is None or done.astimezone(BEIJING).date() > due


def _inspections(kind: str, org_path: str, start: date, end: date) -> Evidence:
    """Inspections of ``kind`` due in [start, end): failing = not performed by their due date,
    or failed (below the pass mark)."""
    from .models import Inspection

    rows = list(
        Inspection.objects.filter(
            kind=kind, org_unit__path__startswith=org_path, due_date__gte=start, due_date__lt=end
        ).values_list("due_date", "performed_at", "passed")
    )
    late = sum(1 for due, done, _p in rows if _late(done, due))
    failed = sum(1 for due, done, passed in rows if not _late(done, due) and passed is False)
    note = f"逾期或未检查 {late} 次，不合格 {failed} 次" if rows else ""
    return ratio_evidence(len(rows), late + failed, url=reverse("facilities:inspections"),
                          note=note)  # fmt: skip


@evidence_rule(
    "facilities.outlets_equipped", clauses=("8.1",), kind=RECORD,
    name=gettext_noop("营业网点设施配置齐全"),
    description=gettext_noop("网点设施档案中的每个网点均设有客户接待区、业务办理区（含独立办理窗口）、"
                             "休息区（含饮水设备）、咨询区与指示标识，并有无障碍设计（8.1.2–8.1.7）。"),
)  # fmt: skip
def outlets_equipped(org_path: str, start: date, end: date) -> Evidence:
    """8.1.2–8.1.7: every outlet in the register has every area and fitting the standard lists
    (``OutletFacility.gaps``). The register is read as it stands (it keeps no history)."""
    from .models import OutletFacility

    outlets = list(OutletFacility.objects.filter(org_unit__path__startswith=org_path))
    lacking = [o for o in outlets if o.gaps()]
    note = f"{len(lacking)} 个网点设施不全" if lacking else ""
    return ratio_evidence(len(outlets), len(lacking), url=reverse("facilities:outlets"),
                          note=note)  # fmt: skip


@evidence_rule(
    "facilities.facility_inspections", clauses=("8.1",), kind=RECORD,
    name=gettext_noop("服务设施检查按期实施且合格"),
    description=gettext_noop("本期应完成的服务设施检查均按计划日期实施，且得分达到合格线。"),
)  # fmt: skip
def facility_inspections(org_path: str, start: date, end: date) -> Evidence:
    """8.1: the facility inspections due in the period were performed by their day and passed."""
    return _inspections(InspectionKind.FACILITY, org_path, start, end)


@evidence_rule(
    "facilities.environment_inspections", clauses=("8.3",), kind=RECORD,
    name=gettext_noop("服务环境整治检查按期实施且合格"),
    description=gettext_noop("本期应完成的服务环境整治检查均按计划日期实施，且得分达到合格线"
                             "（8.3.4 定期环境整治；检查清单覆盖服务氛围、效率与设施更新）。"),
)  # fmt: skip
def environment_inspections(org_path: str, start: date, end: date) -> Evidence:
    """8.3 (8.3.4 regular tidying): the environment inspections due in the period were performed
    by their day and passed."""
    return _inspections(InspectionKind.ENVIRONMENT, org_path, start, end)


@evidence_rule(
    "facilities.availability", clauses=("8.2.1",), kind=INDICATOR,
    name=gettext_noop("服务设备可用率达标"),
    description=gettext_noop("设备可用率（在用时间扣除故障停机）对照本机构的目标。"),
)  # fmt: skip
def availability(org_path: str, start: date, end: date) -> Evidence:
    """8.2.1 keep the service facilities running: ``facilities.availability`` vs its target."""
    return indicator_evidence("facilities.availability", org_path, start, end)


@evidence_rule(
    "facilities.maintenance_on_time", clauses=("8.2.2",), kind=RECORD,
    name=gettext_noop("设备定期保养按时完成"),
    description=gettext_noop("本期到期的设备保养任务（未取消的）均在应保养日期前完成。"),
)  # fmt: skip
def maintenance_on_time(org_path: str, start: date, end: date) -> Evidence:
    """8.2.2 regular checks and maintenance: the tasks due in the period (not cancelled) were done
    by their due day."""
    from .maintenance.enums import TaskState
    from .models import MaintenanceTask

    due = MaintenanceTask.objects.filter(
        equipment__org_unit__path__startswith=org_path, due_on__gte=start, due_on__lt=end
    ).exclude(status=TaskState.CANCELLED)
    late = Q(completed_on__isnull=True) | Q(on_time=False)
    return record_evidence(due, late, url=reverse("facilities:maintenance_tasks"))


@evidence_rule(
    "facilities.faults_on_time", clauses=("8.2.3",), kind=RECORD,
    name=gettext_noop("故障设备在时限内响应与修复"),
    description=gettext_noop("本期到期的故障响应与修复时限均未超时。"),
)  # fmt: skip
def faults_on_time(org_path: str, start: date, end: date) -> Evidence:
    """8.2.3 prompt repair: the fault tickets' clocks (response, repair) due in the period were
    met; a clock still running past its due time counts as breached."""
    from .faults.workflow import PROCESS

    return clock_evidence(PROCESS, org_path, start, end, url=reverse("facilities:faults"))


def _equipment(org_path: str, end: date) -> QuerySet[Any]:
    """The equipment of the subtree on the books at the period's end (not disposed)."""
    from .models import Equipment

    _lo, hi = beijing_bounds(end, end)
    return Equipment.objects.filter(org_unit__path__startswith=org_path, created_at__lt=hi).exclude(
        state=EquipmentState.DISPOSED
    )


@evidence_rule(
    "facilities.equipment_files", clauses=("8.2.4",), kind=RECORD,
    name=gettext_noop("设备档案记录采购信息"),
    description=gettext_noop("期末在册（未报废）的设备均在设备档案中记录了购置日期与供应商，"
                             "使用、保养与维修记录随业务自动写入设备履历。"),
)  # fmt: skip
def equipment_files(org_path: str, start: date, end: date) -> Evidence:
    """8.2.4 equipment files: every item on the books records its purchase (date, supplier); its
    use, maintenance and repairs are written to its history by the workflows."""
    missing = Q(purchase_date__isnull=True) | Q(supplier="")
    return record_evidence(_equipment(org_path, end), missing, url=reverse("facilities:equipment"))


@evidence_rule(
    "facilities.equipment_certified", clauses=("8.2.5",), kind=RECORD,
    name=gettext_noop("设备具备安全认证"),
    description=gettext_noop("期末在册（未报废）的设备均在设备档案中登记了安全认证。"),
)  # fmt: skip
def equipment_certified(org_path: str, start: date, end: date) -> Evidence:
    """8.2.5 safe equipment under national and industry rules: every item on the books records its
    safety certification."""
    return record_evidence(_equipment(org_path, end), Q(safety_certificate=""),
                           url=reverse("facilities:equipment"))  # fmt: skip


@evidence_rule(
    "facilities.operators_qualified", clauses=("8.2.6",), kind=RECORD,
    name=gettext_noop("设备操作人员持有所需资格"),
    description=gettext_noop("期末在册、设定了操作资格要求的设备，其指定操作人员均持有有效资格证书。"),
)  # fmt: skip
def operators_qualified(org_path: str, start: date, end: date) -> Evidence:
    """8.2.6 trained operators: on the period's last day, every operator named for an item that
    requires a qualification holds it, valid that day (``hiqc.core.qualifications``)."""
    from hiqc.core.qualifications import (
        CURRENT,
        EXPIRING,
        qualification_holdings,
        qualification_state,
    )

    from .models import EquipmentOperator
    from .operators import required_qualifications

    day = end - timedelta(days=1)
    equipment = list(_equipment(org_path, end))
    required = required_qualifications(equipment)
    pairs = list(
        EquipmentOperator.objects.filter(equipment_id__in=list(required)).values_list(
            "equipment_id", "user_id"
        )
    )
    holdings = qualification_holdings({u for _e, u in pairs}, set(required.values()), day)
    bad = 0
    for item, user in pairs:
        holding = holdings.get((str(user), required[item]))
        bad += qualification_state(holding, day) not in (CURRENT, EXPIRING)
    return ratio_evidence(len(pairs), bad, url=reverse("facilities:operators"))
