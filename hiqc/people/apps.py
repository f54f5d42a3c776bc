from dataclasses import replace

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role

from .promotion import permissions as promotion

STAFF = (Role.CONSULTATION_AGENT, Role.COMPLAINT_HANDLER, Role.CLAIMS_HANDLER,
         Role.CLAIMS_REVIEWER)  # fmt: skip
ASSESSMENT_MANAGERS = ("assessments.view", "assessments.manage", "assessments.appeal_decide",
                       "assessments.incentives")  # fmt: skip


class PeopleConfig(AppConfig):
    """Staff training, exams and the qualifications that gate the work (standard chapter 7 with
    4.1.2, 4.2.2, 5.3.3, 8.2.6; issue 18 §1–§3; ADR 0020). Assessment, incentives, promotion and
    the indicators (§4–§6, §8) come later."""

    name = "hiqc.people"
    label = "people"
    verbose_name = "人员培训与资格"
    manifest = Manifest(
        urls=(("people/", "hiqc.people.urls"),),
        api_routers=(
            "hiqc.people.api.router",
            "hiqc.people.assessment.api.router",
            "hiqc.people.promotion.api.router",
        ),
        permissions={
            "training.view": _("查看培训计划、课程、场次与出勤"),
            "training.manage": _("制定培训计划、课程与场次，登记报名与出勤，上传培训资料"),
            "exams.take": _("参加在线考试"),
            "exams.manage": _("维护题库、设置考试、人工评阅简答题"),
            "certificates.view": _("查看资格证书"),
            "certificates.manage": _("登记资格证书"),
            "training.attend": _("报名或取消参加本机构的培训场次"),
            "certificates.reassign": _("将资格失效人员的在办案件改派他人"),
            # assessment and incentives (issue 18 §4–§5; ADR 0021)
            "assessments.view": _("查看考核周期与考核结果（含业绩依据）"),
            "assessments.manage": _("制定与公布考核方案、指定 360 度评价人、计算与确定考核结果"),
            "assessments.appeal_decide": _("处理考核结果申诉（不得处理本人或本人计算的结果）"),
            "assessments.incentives": _("登记荣誉与奖励"),
            **promotion.PERMISSIONS,
        },
        roles={
            Role.TRAINER: (
                "training.view",
                "training.manage",
                "exams.manage",
                "certificates.view",
                "certificates.manage",
            ),
            Role.QUALITY_LEAD: (
                "training.view",
                "training.manage",
                "exams.manage",
                "certificates.view",
                "certificates.manage",
                "certificates.reassign",
                *ASSESSMENT_MANAGERS,
            ),
            Role.BRANCH_MANAGER: (
                "training.view",
                "certificates.view",
                "certificates.reassign",
                *ASSESSMENT_MANAGERS,
            ),
            Role.CALL_CENTRE_SUPERVISOR: (
                "training.view",
                "certificates.view",
                "certificates.reassign",
                "assessments.view",
            ),
            Role.AUDITOR: ("training.view", "certificates.view", "assessments.view"),
            **{role: ("exams.take", "training.attend") for role in STAFF},
        },
        periodic=(
            Periodic(
                "people.renewal_reminders",
                "hiqc.people.tasks.renewal_reminders_job",
                daily_beijing(7, 30),
                "Tell holders and their unit's trainers and managers of certificates running out "
                "within people.renewal.first_days / second_days (issue 18 §3).",
                _("资格证书续期提醒"),
            ),
            Periodic(
                "people.assessment_finalise",
                "hiqc.people.tasks.assessment_finalise_job",
                daily_beijing(6, 10),
                "Finalise the assessment cycles whose appeal window has closed with every appeal "
                "decided (issue 18 §4; people.assessment.appeal_days).",
                _("确定申诉期已满的考核结果"),
            ),
        ),
        nav_sections=(("ch7", _("人员培训与资格（第7章）"), "ch10"),),
        nav=(
            NavLink("ch7", "people:plans", _("培训计划"), "training.view"),
            NavLink("ch7", "people:exams", _("在线考试"), "exams.take"),
            NavLink("ch7", "people:bank", _("题库与考试"), "exams.manage"),
            NavLink("ch7", "people:certificates", _("资格证书"), "certificates.view"),
            NavLink("ch7", "people:my_training", _("我的培训"), "training.attend"),
            NavLink("ch7", "people:reassign", _("资格失效待改派"), "certificates.reassign"),
            NavLink("ch7", "people:my_assessments", _("我的考核与评价")),
            NavLink("ch7", "people:cycles", _("考核与激励"), "assessments.view"),
            NavLink("ch7", "people:notices", _("晋升公示"), promotion.NOTICE_READ),
            NavLink("ch7", "people:promotions", _("晋升管理"), promotion.VIEW),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels, register_system_actors
        from hiqc.core.bodylimit import MB, body_limit_register
        from hiqc.core.casekinds import register_case_kind
        from hiqc.core.deadlines import window_ended

        from . import evidence, indicators, renewal, topics  # noqa: F401  (evidence: ADR 0034)
        from .assessment.rules import register_rules as register_assessment_rules
        from .assessment.services import CYCLE_KIND, FINALISER
        from .gate import register_gate
        from .promotion.rules import register_rules as register_promotion_rules
        from .promotion.services import KIND as PROMOTION_KIND
        from .promotion.services import on_window_ended
        from .services import MATERIAL_MAX_BYTES

        topics.register()
        register_audit_labels(
            {
                "people.plan.create": gettext_noop("制定培训计划"),
                "people.course.create": gettext_noop("添加培训课程"),
                "people.session.create": gettext_noop("安排培训场次"),
                "people.enrol": gettext_noop("培训报名"),
                "people.attendance": gettext_noop("登记培训出勤"),
                "people.material.upload": gettext_noop("上传培训资料"),
                "people.question.create": gettext_noop("添加试题"),
                "people.exam.create": gettext_noop("设置考试"),
                "people.attempt.start": gettext_noop("开始考试"),
                "people.attempt.submit": gettext_noop("提交试卷"),
                "people.attempt.mark": gettext_noop("评阅试卷"),
                "people.certificate.issue": gettext_noop("颁发资格证书"),
                "people.enrol.self": gettext_noop("本人报名培训"),
                "people.enrol.cancel": gettext_noop("取消培训报名"),
                "people.required.set": gettext_noop("设定岗位必修培训"),
                "people.assessment.raters": gettext_noop("指定 360 度评价人"),
                "people.assessment.rate": gettext_noop("提交 360 度评价"),
                "people.assessment.appeal": gettext_noop("提出考核结果申诉"),
                "people.assessment.appeal_decide": gettext_noop("处理考核结果申诉"),
                "people.assessment.incentive": gettext_noop("登记荣誉与奖励"),
                "people.promotion.objection": gettext_noop("对晋升公示提出异议"),
            }
        )
        register_system_actors({FINALISER: gettext_noop("每日作业（确定考核结果）")})
        register_gate()
        register_case_kind(CYCLE_KIND)  # the assessment cycle: assessment/workflow.py
        register_assessment_rules()
        renewal.register()
        indicators.register()

        def hint() -> str:
            return _("每个文件不超过 {n} MB。").format(n=MATERIAL_MAX_BYTES // MB)

        body_limit_register("api:people_material_upload", lambda: MATERIAL_MAX_BYTES + 64 * 1024,
                            hint=hint)  # fmt: skip
        register_case_kind(PROMOTION_KIND)
        register_promotion_rules()
        window_ended.connect(on_window_ended, dispatch_uid="hiqc.people.promotion.notice")


# promotion with public notice (issue 18 §6): its permissions added to the roles above
PeopleConfig.manifest = replace(
    PeopleConfig.manifest, roles=promotion.with_promotion(dict(PeopleConfig.manifest.roles))
)
