from dataclasses import replace

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role

from .promotion import permissions as promotion

STAFF = (Role.CONSULTATION_AGENT, Role.COMPLAINT_HANDLER, Role.CLAIMS_HANDLER,
         Role.CLAIMS_REVIEWER)  # fmt: skip


class PeopleConfig(AppConfig):
    """Staff training, exams and the qualifications that gate the work (standard chapter 7 with
    4.1.2, 4.2.2, 5.3.3, 8.2.6; issue 18 §1–§3; ADR 0020). Assessment, incentives, promotion and
    the indicators (§4–§6, §8) come later."""

    name = "hiqc.people"
    label = "people"
    verbose_name = "人员培训与资格"
    manifest = Manifest(
        urls=(("people/", "hiqc.people.urls"),),
        api_routers=("hiqc.people.api.router", "hiqc.people.promotion.api.router"),
        permissions={
            "training.view": _("查看培训计划、课程、场次与出勤"),
            "training.manage": _("制定培训计划、课程与场次，登记报名与出勤，上传培训资料"),
            "exams.take": _("参加在线考试"),
            "exams.manage": _("维护题库、设置考试、人工评阅简答题"),
            "certificates.view": _("查看资格证书"),
            "certificates.manage": _("登记资格证书"),
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
            ),
            Role.BRANCH_MANAGER: ("training.view", "certificates.view"),
            Role.CALL_CENTRE_SUPERVISOR: ("training.view", "certificates.view"),
            Role.AUDITOR: ("training.view", "certificates.view"),
            **{role: ("exams.take",) for role in STAFF},
        },
        nav_sections=(("ch7", _("人员培训与资格（第7章）"), "ch10"),),
        nav=(
            NavLink("ch7", "people:plans", _("培训计划"), "training.view"),
            NavLink("ch7", "people:exams", _("在线考试"), "exams.take"),
            NavLink("ch7", "people:bank", _("题库与考试"), "exams.manage"),
            NavLink("ch7", "people:certificates", _("资格证书"), "certificates.view"),
            NavLink("ch7", "people:notices", _("晋升公示"), promotion.NOTICE_READ),
            NavLink("ch7", "people:promotions", _("晋升管理"), promotion.VIEW),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.casekinds import register_case_kind
        from hiqc.core.deadlines import window_ended

        from .gate import register_gate
        from .promotion.rules import register_rules as register_promotion_rules
        from .promotion.services import KIND as PROMOTION_KIND
        from .promotion.services import on_window_ended

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
                "people.promotion.objection": gettext_noop("对晋升公示提出异议"),
            }
        )
        register_gate()
        register_case_kind(PROMOTION_KIND)
        register_promotion_rules()
        window_ended.connect(on_window_ended, dispatch_uid="hiqc.people.promotion.notice")


# promotion with public notice (issue 18 §6): its permissions added to the roles above
PeopleConfig.manifest = replace(
    PeopleConfig.manifest, roles=promotion.with_promotion(dict(PeopleConfig.manifest.roles))
)
