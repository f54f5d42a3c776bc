"""Process management's evidence for the standard (issue 22 §2; ADR 0034): 2.1.2(2)(3) a published
process version in force for every process (the flowchart and the handbook are generated from
it); 2.1.2(1) (and 6.1.3(2), customer needs mined from the data to shape the service) a needs
analysis behind each process version in force; 2.1.1 cases follow the designed (standard) process;
2.2.1 the per-process cycle time and touches against their targets; 2.2.2 process changes made
through an improvement plan; 2.3.2 supervision findings closed with their correction verified."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.evidence import (
    INDICATOR,
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    indicators_evidence,
    ratio_evidence,
    record_evidence,
)
from hiqc.core.models import ProcessVersion
from hiqc.core.processes import ancestor_paths, process_version_in_force


def _in_force(org_path: str, end: date) -> dict[str, object]:
    on = end - timedelta(days=1)
    return {code: process_version_in_force(code, org_path, on) for code in sorted(CASE_KINDS)}


@evidence_rule(
    "process_management.versions_in_force", clauses=("2.1.2(2)", "2.1.2(3)"), kind=RECORD,
    name=gettext_noop("每个流程均有生效的流程版本（流程图与说明文档由其生成）"),
    description=gettext_noop("期末每个服务流程对本机构都有已发布并生效的流程版本；"
                             "流程图与流程说明文档由流程定义生成。"),
)  # fmt: skip
def versions_in_force(org_path: str, start: date, end: date) -> Evidence:
    found = _in_force(org_path, end)
    missing = [code for code, v in found.items() if v is None]
    return ratio_evidence(len(found), len(missing), url=reverse("process_management:list"),
                          note=", ".join(missing[:3]))  # fmt: skip


@evidence_rule(
    "process_management.needs_analysed", clauses=("2.1.2(1)", "6.1.3(2)"), kind=RECORD,
    name=gettext_noop("生效流程版本均有客户需求分析"),
    description=gettext_noop("期末生效的每个流程版本都附有客户需求分析记录。"),
)  # fmt: skip
def needs_analysed(org_path: str, start: date, end: date) -> Evidence:
    from .models import NeedsAnalysis

    versions = [v for v in _in_force(org_path, end).values() if v is not None]
    analysed = set(
        NeedsAnalysis.objects.filter(version__in=versions).values_list("version_id", flat=True)
    )
    missing = [v for v in versions if v.pk not in analysed]  # type: ignore[attr-defined]
    return ratio_evidence(len(versions), len(missing), url=reverse("process_management:list"))


@evidence_rule(
    "process_management.cases_follow_design", clauses=("2.1.1",), kind=RECORD,
    name=gettext_noop("案件按设计的标准流程运行"),
    description=gettext_noop("本期开始的案件，其每一步流转均符合已发布的流程设计（流程挖掘的一致性检查），"
                             "流程统一、标准化执行。"),
)  # fmt: skip
def cases_follow_design(org_path: str, start: date, end: date) -> Evidence:
    """2.1.1 (1)–(3) customer-centred, simple, standardised processes: the catalogue defines each
    process once and the engine enforces it; the evidence is the cases started in the period, a
    case counting against it when one of its moves does not fit the designed process (mining
    conformance: ``fitting < moves``). Reads the mining tables the event-log job keeps."""
    from .models import MiningTrace

    lo, hi = beijing_bounds(start, end)
    traces = MiningTrace.objects.filter(
        org_path__startswith=org_path, started_at__gte=lo, started_at__lt=hi
    )
    found = record_evidence(traces, Q(fitting__lt=F("moves")),
                            url=reverse("process_management:list"))  # fmt: skip
    return Evidence(found.status, found.records, found.failing, found.url,
                    f"{found.failing} 件案件偏离设计流程" if found.records else found.note)  # fmt: skip


def cycle_indicators() -> list[str]:
    """Per process: its cycle time (efficiency, waiting) and touches per case (cost)."""
    return [f"process.{code}.{m}" for code in sorted(CASE_KINDS) for m in ("cycle_days", "touches")]


@evidence_rule(
    "process_management.cycle_targets", clauses=("2.2.1",), kind=INDICATOR,
    name=gettext_noop("流程周期与处理次数达到目标"),
    description=gettext_noop("设有目标的各流程指标（案件周期天数、每案处理次数）本期均达到目标。"),
)  # fmt: skip
def cycle_targets(org_path: str, start: date, end: date) -> Evidence:
    """2.2.1 (1)(2) shorter waits, lower cost: each process's cycle days and touches per case
    against the targets set for them (indicators without a target are not counted)."""
    return indicators_evidence(cycle_indicators(), org_path, start, end,
                               url=reverse("process_management:list"))  # fmt: skip


@evidence_rule(
    "process_management.changes_planned", clauses=("2.2.2",), kind=RECORD,
    name=gettext_noop("流程优化均通过改进计划实施并跟踪"),
    description=gettext_noop("本期生效的流程变更（新流程版本）均关联改进计划：问题分析、改进措施与"
                             "变更前后同一指标的效果评估记录在计划中。"),
)  # fmt: skip
def changes_planned(org_path: str, start: date, end: date) -> Evidence:
    """2.2.2 (1)–(3) analyse, improve, implement and track: each process change that took effect
    in the period for the unit (a version after the first, at the unit, above it or below it) is
    linked to the improvement plan that analysed the problem and measures the effect."""
    applies = Q(org_path__in=ancestor_paths(org_path)) | Q(org_path__startswith=org_path)
    changes = ProcessVersion.objects.filter(
        applies, number__gt=1, effective_from__gte=start, effective_from__lt=end
    )
    return record_evidence(changes, Q(improvement_plan_id__isnull=True),
                           url=reverse("process_management:list"))  # fmt: skip


@evidence_rule(
    "process_management.findings_verified", clauses=("2.3.2",), kind=RECORD,
    name=gettext_noop("监督发现均已整改并验证效果"),
    description=gettext_noop("本期关闭的流程监督发现均有整改答复与效果验证记录。"),
)  # fmt: skip
def findings_verified(org_path: str, start: date, end: date) -> Evidence:
    """2.3.2 (1)–(3) improvement planned, implemented and its effect evaluated: every supervision
    finding closed in the period carries the owner's correction (response) and its verification."""
    from .supervision.models import SupervisionFinding

    lo, hi = beijing_bounds(start, end)
    closed = SupervisionFinding.objects.filter(
        org_unit__path__startswith=org_path, closed_at__gte=lo, closed_at__lt=hi
    )
    return record_evidence(closed, Q(response="") | Q(verification=""),
                           url=reverse("process_management:supervision_findings"))  # fmt: skip
