"""The org tree (clause 1.2: an insurer and its branches), users, memberships and API tokens."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hiqc.core.models import BaseModel
from hiqc.core.personaldata import Basis, DataClass, Declared, not_personal

from .enums import OrgLevel, Role

PATH_SEGMENT = 4  # digits per level: "0001/0003/0012/"


class OrgUnit(BaseModel):
    """A node of 总公司 → 省级分公司 → 中心支公司 → 营业网点, with a materialised path."""

    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=OrgLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)

    scope_path: ClassVar[str | None] = "path"

    class Meta:
        ordering = ("path",)
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> str:
        """The English name when the page is in English and one is recorded."""
        return self.name_en if self.name_en and get_language() == "en" else self.name

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_SEGMENT + 1)


class Department(BaseModel):
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(_("部门代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("org_unit__path", "code")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "code"], name="department_code_unique")
        ]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return f"{self.org_unit.name} · {self.name}"


class User(AbstractUser):
    """A staff member. Lockout counters live here; roles come from memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    language = models.CharField(_("界面语言"), max_length=10, default="zh-hans")

    scope_path: ClassVar[str | None] = "org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "username": Declared(
            DataClass.PERSONAL,
            _("员工登录账号，用于身份认证与职责追溯"),
            Basis.HR,
            _("账号存续期间；停用后保留，以追溯其经办的记录"),
        ),
        "display_name": Declared(
            DataClass.PERSONAL,
            _("在页面与文书中显示经办人员姓名"),
            Basis.HR,
            _("账号存续期间；停用后保留，以追溯其经办的记录"),
        ),
        "first_name": Declared(
            DataClass.PERSONAL,
            _("员工姓名"),
            Basis.HR,
            _("账号存续期间；停用后保留，以追溯其经办的记录"),
        ),
        "last_name": Declared(
            DataClass.PERSONAL,
            _("员工姓名"),
            Basis.HR,
            _("账号存续期间；停用后保留，以追溯其经办的记录"),
        ),
        "email": Declared(
            DataClass.PERSONAL,
            _("向员工发送工作通知"),
            Basis.HR,
            _("账号存续期间；停用后保留，以追溯其经办的记录"),
        ),
    }
    unscoped: ClassVar[str | None] = None

    class Meta:
        ordering = ("username",)
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Membership(BaseModel):
    """Grants one role over the subtree rooted at ``org_unit``."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=40, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("授权范围"), on_delete=models.PROTECT, related_name="memberships"
    )

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("user__username", "role")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org_unit"], name="membership_unique")
        ]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.org_unit}"


class ApiToken(BaseModel):
    """A personal API token: shown once, stored as a SHA-256 hash, with expiry and revocation."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    scope_path: ClassVar[str | None] = "user__org_unit__path"
    personal_fields: ClassVar[dict[str, Declared]] = {
        "token_hash": not_personal(_("接口令牌的散列，不含个人信息")),
    }

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class UserSession(models.Model):
    """Which sessions belong to which user, so deactivation can end them at once (6.2.3(4))."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)

    unscoped: ClassVar[str | None] = "session bookkeeping, never listed"

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class BusinessVolume(BaseModel):
    """Business volume of one org unit's own book in one month: the denominators of the complaint
    rates (CP-11) and, later, of the claims ratios. Imported from the policy system."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="volumes"
    )
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    premium_yuan = models.DecimalField(_("保费收入（元）"), max_digits=18, decimal_places=2)
    policies_in_force = models.PositiveIntegerField(_("有效保单件数"))
    insured_persons = models.PositiveIntegerField(_("有效被保险人数"))

    scope_path: ClassVar[str | None] = "org_unit__path"

    class Meta:
        ordering = ("-month", "org_unit__path")
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "month"], name="volume_unit_month_unique")
        ]
        verbose_name = _("业务规模")
        verbose_name_plural = _("业务规模")

    def __str__(self) -> str:
        return f"{self.org_unit_id} {self.month:%Y-%m}"
