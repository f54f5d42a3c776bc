"""Process management demo step (issue 16 §9; runs after every domain's demo, quality's too): the
catalogue's facts for claims, complaints and consultations; 成都's document-review change as a
claims process version of its own with the handbook's requirements for the step; and the needs
analysis behind that version, citing complaints and nonconformities of the demo through the
kernel (case kinds and the event log — this app imports no domain, not even its demo).

Then the supervision demo (``supervision/demo.py``). Idempotent: each piece is written only when
missing. Dates derive from "now" in Beijing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.db.models import Min, QuerySet
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.errors import ValidationFailed
from hiqc.core.models import CaseEvent, ProcessVersion
from hiqc.core.plan_links import plans_at_unit
from hiqc.core.services import process_version_publish
from hiqc.organisations.models import OrgUnit, User

from .models import NeedsAnalysis, ProcessProfile, StepGuidance
from .services import analysis_create, guidance_save, profile_save
from .supervision.demo import demo_load as supervision_demo_load

CLAIMS = "claims.claim"
# The claims demo's story (hiqc.claims.demo; pinned equal by hiqc/demo/tests): 成都 reviews
# documents slowly until its improvement took effect IMPROVED_DAYS before the demo's end.
SLOW_CITY = "SC-CD"
IMPROVED_DAYS = 90
REVIEW_STEP = "documents_complete"  # start_review → documents_complete: the document review
EVIDENCE_EACH = 3  # cases cited per kind

PROFILES = {
    CLAIMS: ("claims_reviewer", "被保险人、受益人及其代理人；团体保单的投保单位",
             "线上理赔（APP、微信）、柜面、邮寄、合作医院直付", "演示：登记理赔流程目录信息"),
    "complaints.complaint": ("complaint_handler", "投保人、被保险人、受益人及其他消费者",
                             "客服电话、网站与APP、柜面、信函、监管转办", "演示：登记投诉流程目录信息"),
    "consultations.consultation": ("call_centre_supervisor", "客户及潜在客户",
                                   "客服电话、在线客服、柜面", "演示：登记咨询流程目录信息"),
}  # fmt: skip


def demo_load(
    *, seed: int, org_units: Mapping[str, OrgUnit], users: Mapping[str, User], actor: Actor
) -> dict[str, int]:
    counts = _catalogue(org_units, actor)
    counts.update(supervision_demo_load(seed=seed, org_units=org_units, users=users, actor=actor))
    return counts


def _catalogue(org_units: Mapping[str, OrgUnit], actor: Actor) -> dict[str, int]:
    counts = {"profiles": 0, "versions": 0, "guidance": 0, "needs_analyses": 0, "evidence": 0}
    for process, (role, customers, channels, note) in PROFILES.items():
        if process in CASE_KINDS and not ProcessProfile.objects.filter(process=process).exists():
            profile_save(actor=actor, process=process, owner_role=role, customers=customers,
                         channels=channels, note=note)  # fmt: skip
            counts["profiles"] += 1
    unit = org_units.get(SLOW_CITY)
    if CLAIMS not in CASE_KINDS or unit is None:
        return counts
    if not StepGuidance.objects.filter(process=CLAIMS, step=REVIEW_STEP).exists():
        guidance_save(
            actor=actor, process=CLAIMS, step=REVIEW_STEP,
            requirements="收到材料当日核对单证清单；缺件一次性告知全部所需材料，不得分次补要；"
            "材料齐全的案件在 2 个工作日内完成审核。",
            documents="理赔申请书、身份证明、医疗费用发票及清单、诊断证明、银行账户信息",
            note="演示：单证审核操作要求",
        )  # fmt: skip
        counts["guidance"] += 1
    # the change implements 成都's document-review improvement plan (the quality demo runs
    # first), linked by the plan's case identity (issue 16 §7)
    plan_id = next(iter(plans_at_unit(unit.path)), None)
    version = ProcessVersion.objects.filter(process=CLAIMS, org_path=unit.path).first()
    if version is None:
        today = timezone.now().astimezone(BEIJING).date()
        version = process_version_publish(
            actor=actor, process=CLAIMS, org_path=unit.path,
            effective_from=today - timedelta(days=IMPROVED_DAYS),
            parameters={"steps": {REVIEW_STEP: {
                "owner_role": "claims_reviewer", "target_amount": 2, "target_unit": "working_days"}}},
            note="演示：成都单证审核改进（一次性告知、2 个工作日内审核）",
            improvement_plan_id=plan_id,
        )  # fmt: skip
        counts["versions"] += 1
    elif plan_id and version.improvement_plan_id is None:  # loaded before versions were linked
        counts["plan_links"] = ProcessVersion.objects.filter(
            pk=version.pk, improvement_plan_id__isnull=True
        ).update(improvement_plan_id=plan_id)
    if not NeedsAnalysis.objects.filter(process=CLAIMS).exists():
        evidence = _evidence(unit.path)
        try:
            analysis_create(
                actor=actor, process=CLAIMS, version_id=str(version.pk),
                summary="成都中心支公司单证审核耗时约一周，为全公司最慢；相关投诉集中在"
                "“多次补交材料”“审核进度不明”，不符合项指向理赔时效。",
                needs="一次性告知全部所需材料；审核进度可查询；材料齐全后尽快审核。",
                other_evidence="满意度调查（理赔回访）意见：“补材料跑了三趟”“不知道审到哪一步”。",
                evidence=evidence,
            )  # fmt: skip
        except ValidationFailed:  # a case gone since it was read: the analysis without links
            analysis_create(actor=actor, process=CLAIMS, version_id=str(version.pk),
                            summary="成都中心支公司单证审核耗时约一周，为全公司最慢。",
                            needs="一次性告知全部所需材料；材料齐全后尽快审核。")  # fmt: skip
            evidence = []
        counts["needs_analyses"] += 1
        counts["evidence"] += len(evidence)
    return counts


def _evidence(path: str) -> list[tuple[str, str]]:
    """A few complaints and nonconformities of the unit (else of the whole demo), the earliest
    first, read from the event log: cited by kind and id, never copied."""
    out: list[tuple[str, str]] = []
    for case_type in ("complaints.complaint", "quality.nonconformity"):
        if case_type not in CASE_KINDS:
            continue
        events = CaseEvent.objects.filter(case_type=case_type)
        ids = _first(events.filter(org_path__startswith=path)) or _first(events)
        out += [(case_type, case_id) for case_id in ids]
    return out


def _first(events: QuerySet[CaseEvent]) -> list[str]:
    rows = events.values("case_id").annotate(first=Min("at")).order_by("first", "case_id")
    return [r["case_id"] for r in rows[:EVIDENCE_EACH]]
