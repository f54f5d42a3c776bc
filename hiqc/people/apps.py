from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink, Periodic, daily_beijing
from hiqc.organisations.enums import Role

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
        api_routers=("hiqc.people.api.router",),
        permissions={
            "training.view": _("查看培训计划、课程、场次与出勤"),
            "training.manage": _("制定培训计划、课程与场次，登记报名与出勤，上传培训资料"),
            "exams.take": _("参加在线考试"),
            "exams.manage": _("维护题库、设置考试、人工评阅简答题"),
            "certificates.view": _("查看资格证书"),
            "certificates.manage": _("登记资格证书"),
            "training.attend": _("报名或取消参加本机构的培训场次"),
            "certificates.reassign": _("将资格失效人员的在办案件改派他人"),
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
            ),
            Role.BRANCH_MANAGER: ("training.view", "certificates.view", "certificates.reassign"),
            Role.CALL_CENTRE_SUPERVISOR: (
                "training.view",
                "certificates.view",
                "certificates.reassign",
            ),
            Role.AUDITOR: ("training.view", "certificates.view"),
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
        ),
        nav_sections=(("ch7", _("人员培训与资格（第7章）"), "ch10"),),
        nav=(
            NavLink("ch7", "people:plans", _("培训计划"), "training.view"),
            NavLink("ch7", "people:exams", _("在线考试"), "exams.take"),
            NavLink("ch7", "people:bank", _("题库与考试"), "exams.manage"),
            NavLink("ch7", "people:certificates", _("资格证书"), "certificates.view"),
            NavLink("ch7", "people:my_training", _("我的培训"), "training.attend"),
            NavLink("ch7", "people:reassign", _("资格失效待改派"), "certificates.reassign"),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.bodylimit import MB, body_limit_register

        from . import indicators, renewal
        from .gate import register_gate
        from .services import MATERIAL_MAX_BYTES

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
            }
        )
        register_gate()
        renewal.register()
        indicators.register()

        def hint() -> str:
            return _("每个文件不超过 {n} MB。").format(n=MATERIAL_MAX_BYTES // MB)

        body_limit_register("api:people_material_upload", lambda: MATERIAL_MAX_BYTES + 64 * 1024,
                            hint=hint)  # fmt: skip
