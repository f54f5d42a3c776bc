from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from hiqc.core.manifest import Manifest, NavLink
from hiqc.organisations.enums import Role

EVALUATE = "products.evaluate"
SCORE = "products.evaluation.score"


class ProductsConfig(AppConfig):
    """Product design (standard chapter 3): R&D projects through stage gates with the compliance
    review checklist, adaptability evaluation and in-market monitoring (issue 17; ADR 0019). The
    catalogue itself (products, versions, claim checklists) is ``hiqc.policies``."""

    name = "hiqc.products"
    label = "products"
    verbose_name = "产品设计与管理"
    manifest = Manifest(
        urls=(("products/", "hiqc.products.urls"),),
        api_routers=(
            "hiqc.products.api.router",
            "hiqc.products.projects.api.router",
            "hiqc.products.evaluation.api.router",
            "hiqc.products.monitoring.api.router",
        ),
        permissions={
            "products.view": _("查看产品研发、适应性评价与产品监测"),
            "products.develop": _(
                "产品研发（立项、录入各阶段资料，签批需求分析、产品设计、产品测试）"
            ),
            "products.signoff.risk": _("签批产品研发的风险评估阶段"),
            "products.signoff.compliance": _("产品合规审查（答复审查清单并签批合规审查阶段）"),
            "products.launch": _("批准产品上线（发布产品版本）"),
            EVALUATE: _("组织产品适应性评价"),
            SCORE: _("担任产品适应性评价专家"),
        },
        roles={
            Role.QUALITY_LEAD: ("products.view", "products.launch", EVALUATE, SCORE),
            Role.PRODUCT_MANAGER: (
                "products.view",
                "products.develop",
                "products.launch",
                EVALUATE,
                SCORE,
            ),
            Role.COMPLIANCE_OFFICER: ("products.view", "products.signoff.compliance", SCORE),
            Role.RISK_MANAGER: ("products.view", "products.signoff.risk", SCORE),
            Role.BRANCH_MANAGER: ("products.view", SCORE),
            Role.AUDITOR: ("products.view",),
        },
        nav_sections=(("ch3", _("产品设计（第3章）"), "ch4"),),
        nav=(
            NavLink("ch3", "products:projects", _("产品研发项目"), "products.view"),
            NavLink("ch3", "products:evaluations", _("适应性评价"), "products.view"),
            NavLink("ch3", "products:monitoring", _("产品监测"), "products.view"),
        ),
    )

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from hiqc.core.audit_labels import register_audit_labels
        from hiqc.core.casekinds import register_case_kind

        from . import evidence  # noqa: F401  (evidence rules for the standard, ADR 0034)
        from .evaluation.services import ROUND_KIND
        from .monitoring.targets import register_rules
        from .projects.services import KIND

        register_case_kind(KIND)
        register_case_kind(ROUND_KIND)
        register_rules()
        _register_upload_limits()
        register_audit_labels(
            {
                "products.project.attachment": gettext_noop("上传产品研发项目附件"),
                "products.project.attachment_open": gettext_noop("查看产品研发项目附件"),
                "products.evaluation.score": gettext_noop("保存产品适应性评价评分"),
                "products.evaluation.submit": gettext_noop("提交产品适应性评价评分"),
            }
        )


def _register_upload_limits() -> None:
    """The project attachment doors (page and API) refuse a body larger than one file of the
    attachment limit before reading it (``hiqc.core.bodylimit``)."""
    from django.utils.translation import gettext as _

    from hiqc.core.bodylimit import body_limit_register

    from .projects.services import MAX_ATTACHMENT_BYTES, MB

    def limit() -> int:
        return MAX_ATTACHMENT_BYTES + 64 * 1024  # one file and the form's other fields

    def hint() -> str:
        return _("每个文件不超过 {n} MB。").format(n=MAX_ATTACHMENT_BYTES // MB)

    body_limit_register("products:attachment_upload", limit, hint=hint)
    body_limit_register("api:product_project_attachment_upload", limit, hint=hint)
