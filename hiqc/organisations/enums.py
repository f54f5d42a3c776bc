from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgLevel(models.IntegerChoices):
    HEAD_OFFICE = 1, _("总公司")
    PROVINCE = 2, _("省级分公司")
    CITY = 3, _("中心支公司")
    OUTLET = 4, _("营业网点")


class Role(models.TextChoices):
    QUALITY_LEAD = "quality_lead", _("质量管理负责人")
    BRANCH_MANAGER = "branch_manager", _("分公司服务经理")
    CONSULTATION_AGENT = "consultation_agent", _("坐席")
    COMPLAINT_HANDLER = "complaint_handler", _("投诉处理专员")
    CLAIMS_HANDLER = "claims_handler", _("理赔专员")
    CLAIMS_REVIEWER = "claims_reviewer", _("理赔审核")
    CALL_CENTRE_SUPERVISOR = "call_centre_supervisor", _("呼叫中心主管")
    COMPLIANCE_OFFICER = "compliance_officer", _("合规负责人")
    RISK_MANAGER = "risk_manager", _("风险管理")
    PRODUCT_MANAGER = "product_manager", _("产品经理")
    TRAINER = "trainer", _("培训管理员")
    FACILITY_ADMIN = "facility_admin", _("设施管理员")
    AUDITOR = "auditor", _("审计（只读）")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
