"""Process management's evidence for the standard (issue 22 §2; ADR 0034): 2.1.2(2)(3) a published
process version in force for every process (the flowchart and the handbook are generated from
it); 2.1.2(1) (and 6.1.3(2), customer needs mined from the data to shape the service) a needs
analysis behind each process version in force."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.evidence import RECORD, Evidence, evidence_rule, ratio_evidence
from hiqc.core.processes import process_version_in_force


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
