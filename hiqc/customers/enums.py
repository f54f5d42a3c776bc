from django.db import models
from django.utils.translation import gettext_lazy as _


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAU_PERMIT = "hk_macau_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_RESIDENT = "foreign_resident", _("外国人永久居留身份证")
    OTHER = "other", _("其他")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
    UNKNOWN = "U", _("未说明")


class CustomerKind(models.TextChoices):
    POLICYHOLDER = "policyholder", _("投保人")
    INSURED = "insured", _("被保险人")
    BENEFICIARY = "beneficiary", _("受益人")
    CLAIMANT = "claimant", _("理赔申请人")
    COMPLAINANT = "complainant", _("投诉人")


class RevealableField(models.TextChoices):
    ID_NUMBER = "id_number", _("证件号码")
    MOBILE = "mobile", _("手机号码")
    EMAIL = "email", _("电子邮箱")
    ADDRESS = "address", _("联系地址")
    BANK_ACCOUNT = "bank_account", _("银行账号")


class Channel(models.TextChoices):
    """How a customer reached us (glossary: 渠道) — shared by consultations and complaints."""

    PHONE = "phone", _("电话")
    ONLINE_CHAT = "online_chat", _("在线客服")
    EMAIL = "email", _("电子邮件")
    WEBSITE = "website", _("网站表单")
    WECHAT = "wechat", _("微信/社交媒体")
    COUNTER = "counter", _("柜面")
    LETTER = "letter", _("信函")
