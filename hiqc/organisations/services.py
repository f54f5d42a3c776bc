"""Every write to the org tree, users, memberships and tokens (DESIGN rule 1)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, Grant, require
from hiqc.core.audit import audit_record
from hiqc.core.errors import ValidationFailed
from hiqc.core.rules import rule_value

from .enums import OrgLevel, Role
from .models import PATH_SEGMENT, ApiToken, Department, Membership, OrgUnit, User, UserSession
from .selectors import access_membership, access_org_unit, access_user

TOKEN_PREFIX = "hiqc"


def actor_for_user(user: User, *, request_id: str = "", ip: str = "") -> Actor:
    """Build the actor once per request (or explicitly for a job) from live memberships."""
    if not user.is_active:
        return Actor(user_id=None, username="anonymous", request_id=request_id, ip=ip)
    grants = tuple(
        Grant(role=m.role, path=m.org_unit.path)
        for m in user.memberships.select_related("org_unit").filter(org_unit__is_active=True)
    )
    return Actor(
        user_id=user.pk,
        username=user.username,
        grants=grants,
        home_path=user.org_unit.path if user.org_unit_id else "",  # type: ignore[union-attr]
        request_id=request_id,
        ip=ip,
    )


# --- org tree -------------------------------------------------------------------------------


def next_child_path(parent: OrgUnit | None) -> str:
    """The next free materialised path under ``parent`` ("0001/" for the first root)."""
    prefix = parent.path if parent else ""
    siblings = OrgUnit.objects.filter(parent=parent).values_list("path", flat=True)
    last = max((int(p[len(prefix) : len(prefix) + PATH_SEGMENT]) for p in siblings), default=0)
    return f"{prefix}{last + 1:0{PATH_SEGMENT}d}/"


@transaction.atomic
def org_unit_create(
    *, actor: Actor, code: str, name: str, level: int, parent_id: Any = None, name_en: str = ""
) -> OrgUnit:
    parent = access_org_unit(actor, parent_id, for_update=True) if parent_id else None
    require(actor, "org.manage", path=parent.path if parent else "")
    errors: dict[str, list[str]] = {}
    expected = OrgLevel.HEAD_OFFICE if parent is None else parent.level + 1
    if level != expected:
        errors["level"] = [
            _("层级应为 {level}（上级机构的下一级）。").format(level=OrgLevel(expected).label)
            if expected <= OrgLevel.OUTLET
            else _("营业网点下不能再设机构。")
        ]
    if not code.strip():
        errors["code"] = [_("请填写机构代码。")]
    elif OrgUnit.objects.filter(code=code.strip()).exists():
        errors["code"] = [_("机构代码已存在。")]
    if not name.strip():
        errors["name"] = [_("请填写名称。")]
    if errors:
        raise ValidationFailed(_("机构信息有误。"), fields=errors)
    unit = OrgUnit.objects.create(
        code=code.strip(),
        name=name.strip(),
        name_en=name_en.strip(),
        level=level,
        parent=parent,
        path=next_child_path(parent),
    )
    audit_record(
        actor=actor,
        action="org_unit.create",
        subject=unit,
        fields=["code", "name", "name_en", "level", "parent"],
    )
    return unit


@transaction.atomic
def department_create(
    *, actor: Actor, org_unit_id: Any, code: str, name: str, name_en: str = ""
) -> Department:
    unit = access_org_unit(actor, org_unit_id)
    require(actor, "org.manage", unit)
    if Department.objects.filter(org_unit=unit, code=code).exists():
        raise ValidationFailed(
            _("部门信息有误。"), fields={"code": [_("该机构下部门代码已存在。")]}
        )
    dept = Department.objects.create(org_unit=unit, code=code, name=name, name_en=name_en)
    audit_record(actor=actor, action="department.create", subject=dept, fields=["code", "name"])
    return dept


# --- users ----------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    org_unit_id: Any,
    display_name: str = "",
    email: str = "",
) -> User:
    unit = access_org_unit(actor, org_unit_id)
    require(actor, "org.manage", unit)
    errors: dict[str, list[str]] = {}
    username = username.strip()
    if not username:
        errors["username"] = [_("请填写用户名。")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("用户名已被使用。")]
    candidate = User(username=username, display_name=display_name, email=email, org_unit=unit)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(_("用户信息有误。"), fields=errors)
    candidate.set_password(password)
    candidate.save()
    audit_record(
        actor=actor,
        action="user.create",
        subject=candidate,
        fields=["username", "display_name", "email", "org_unit", "password"],
    )
    return candidate


def _end_sessions(user: User) -> int:
    """Delete the user's sessions through the session engine, so a cached copy goes too
    (production reads sessions through the cache: ``cached_db``)."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store().delete(key)
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, actor: Actor, user_id: Any) -> User:
    """Deactivate a user and end every session and token at once (6.2.3(4))."""
    user = access_user(actor, user_id, for_update=True)
    require(actor, "org.manage", user)
    if user.pk == actor.user_id:
        raise ValidationFailed(
            _("不能停用自己的账号。"), fields={"user": [_("不能停用自己的账号。")]}
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    sessions = _end_sessions(user)
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="user.deactivate",
        subject=user,
        fields=["is_active"],
        data={"sessions_ended": sessions, "tokens_revoked": tokens},
    )
    return user


@transaction.atomic
def user_reactivate(*, actor: Actor, user_id: Any) -> User:
    user = access_user(actor, user_id, for_update=True)
    require(actor, "org.manage", user)
    user.is_active = True
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["is_active", "failed_logins", "locked_until"])
    audit_record(actor=actor, action="user.reactivate", subject=user, fields=["is_active"])
    return user


# --- memberships ----------------------------------------------------------------------------


@transaction.atomic
def membership_grant(*, actor: Actor, user_id: Any, role: str, org_unit_id: Any) -> Membership:
    user = access_user(actor, user_id)
    unit = access_org_unit(actor, org_unit_id)
    require(actor, "org.manage", unit)
    if role not in Role.values:
        raise ValidationFailed(
            _("角色无效。"), fields={"role": [_("未知的角色：{role}。").format(role=role)]}
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, role=role, org_unit=unit)
    except IntegrityError as exc:
        raise ValidationFailed(
            _("该授权已存在。"), fields={"role": [_("该用户在此机构已拥有此角色。")]}
        ) from exc
    audit_record(
        actor=actor,
        action="membership.grant",
        subject=membership,
        fields=["user", "role", "org_unit"],
        data={"role": role, "user": str(user.pk)},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership_id: Any) -> None:
    membership = access_membership(actor, membership_id, for_update=True)
    require(actor, "org.manage", membership)
    audit_record(
        actor=actor,
        action="membership.revoke",
        subject=membership,
        data={"role": membership.role, "user": str(membership.user_id)},
    )
    membership.delete()


# --- API tokens -----------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: Actor, user_id: Any, name: str, days: int = 90
) -> tuple[ApiToken, str]:
    """Create a token; the plaintext is returned once and never stored."""
    user = access_user(actor, user_id)
    if user.pk != actor.user_id:
        require(actor, "org.manage", user)
    max_days = rule_value("auth.token_max_days")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("请填写令牌用途。")]
    if not 1 <= days <= max_days:
        errors["days"] = [_("有效期应为 1 至 {max} 天。").format(max=max_days)]
    if not user.is_active:
        errors["user_id"] = [_("该用户已停用。")]
    if errors:
        raise ValidationFailed(_("令牌信息有误。"), fields=errors)
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        token_hash=_token_hash(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        subject=token,
        fields=["name", "expires_at"],
        data={"prefix": prefix, "user": str(user.pk)},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token_id: Any) -> ApiToken:
    from .selectors import access_api_token

    token = access_api_token(actor, token_id, for_update=True)
    if token.user_id != actor.user_id:
        require(actor, "org.manage", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="api_token.revoke",
            subject=token,
            fields=["revoked_at"],
            data={"prefix": token.prefix},
        )
    return token


def api_token_authenticate(raw: str) -> User | None:
    """Resolve a bearer token to its active user, or None (expired, revoked, inactive, unknown).

    A password lockout does not stop a token (docs/domains/organisations.md, "Lockout"): the
    lockout answers password guessing, which a token is not exposed to, and refusing tokens would
    let anyone who knows a username stop that user's integrations. A compromised account is
    deactivated, which revokes its tokens at once."""
    if not raw.startswith(f"{TOKEN_PREFIX}_"):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=_token_hash(raw)).first()
    if token is None or not token.is_live or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- sign-in bookkeeping ----------------------------------------------------------------------


def session_register(*, user: User, session_key: str) -> None:
    UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def login_failed(*, username: str, ip: str, request_id: str) -> None:
    """Count a failed sign-in; lock the account for ``auth.lockout_minutes`` once
    ``auth.lockout_threshold`` failures follow one another.

    An attempt while the account is locked (right or wrong password: the backend refuses both) is
    recorded but neither counted nor allowed to extend the lock, so nobody can keep someone else's
    account locked by trying it. A lock that has ended is cleared before counting: the count
    starts again from zero, and one typo after a lock does not lock again."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        data: dict[str, Any] = {"username": username}
        if user is not None and user.locked_until and user.locked_until > timezone.now():
            data["during_lock"] = True
            data["locked_until"] = user.locked_until.isoformat()
        elif user is not None:
            if user.locked_until is not None:  # a lock that has ended
                user.failed_logins = 0
                user.locked_until = None
            user.failed_logins += 1
            if user.failed_logins >= rule_value("auth.lockout_threshold"):
                user.locked_until = timezone.now() + timedelta(
                    minutes=rule_value("auth.lockout_minutes")
                )
                data["locked_until"] = user.locked_until.isoformat()
            user.save(update_fields=["failed_logins", "locked_until"])
        audit_record(
            actor=Actor(user_id=None, username="anonymous", request_id=request_id, ip=ip),
            action="auth.login_failed",
            subject_type="organisations.user",
            subject_id=str(user.pk) if user else "",
            org_path=user.org_unit.path if user and user.org_unit else "",
            data=data,
        )


def session_expired(*, user: Any, ip: str, request_id: str) -> None:
    """Record an idle session ended by the timeout (its row goes with the logout)."""
    audit_record(
        actor=actor_for_user(user, request_id=request_id, ip=ip),
        action="auth.session_expired",
        subject=user,
    )


def login_succeeded(*, user: User, ip: str, request_id: str) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        audit_record(
            actor=actor_for_user(user, request_id=request_id, ip=ip),
            action="auth.login",
            subject=user,
        )


# --- first install ----------------------------------------------------------------------------


@transaction.atomic
def install_bootstrap(
    *,
    head_office_code: str,
    head_office_name: str,
    admin_username: str,
    password: str,
    head_office_name_en: str = "",
    admin_display_name: str = "",
) -> dict[str, bool]:
    """Create the head office and its first system administrator on an empty install.

    Idempotent: a second run with the same head-office code creates only what is missing and never
    changes an existing user's password. An existing user without any role (made by
    ``createsuperuser``, say) becomes the administrator. Refused when a head office with another
    code exists, or when the username belongs to someone holding other roles. The administrator may
    also use the (read-only) Django admin. Returns what was created.
    """
    actor = Actor.system("bootstrap")
    code, name, username = (
        head_office_code.strip(),
        head_office_name.strip(),
        admin_username.strip(),
    )
    errors: dict[str, list[str]] = {}
    if not code:
        errors["head_office_code"] = [_("请填写总公司机构代码。")]
    if not name:
        errors["head_office_name"] = [_("请填写总公司名称。")]
    if not username:
        errors["admin"] = [_("请填写管理员用户名。")]
    head = (
        OrgUnit.objects.select_for_update()
        .filter(level=OrgLevel.HEAD_OFFICE, parent=None)
        .order_by("path")
        .first()
    )
    if head is not None and head.code != code and code:
        errors["head_office_code"] = [
            _("已存在总公司（机构代码 {code}），不能再初始化另一个总公司。").format(code=head.code)
        ]
    if head is None and code and OrgUnit.objects.filter(code=code).exists():
        errors["head_office_code"] = [_("机构代码已存在。")]
    user = User.objects.filter(username__iexact=username).first() if username else None
    if user is None and username:
        try:
            validate_password(password, user=User(username=username))
        except DjangoValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(_("初始化信息有误。"), fields=errors)

    created = {"head_office": False, "admin": False, "membership": False}
    if head is None:
        head = org_unit_create(
            actor=actor, code=code, name=name, name_en=head_office_name_en,
            level=OrgLevel.HEAD_OFFICE,
        )  # fmt: skip
        created["head_office"] = True
    if user is None:
        user = User(
            username=username,
            display_name=admin_display_name.strip() or username,
            org_unit=head,
            is_staff=True,
            is_superuser=True,
        )
        user.set_password(password)
        user.save()
        audit_record(
            actor=actor, action="user.create", subject=user,
            fields=["username", "display_name", "org_unit", "password"],
        )  # fmt: skip
        created["admin"] = True
    is_admin = user.memberships.filter(role=Role.SYSTEM_ADMIN, org_unit=head).exists()
    if not is_admin and user.memberships.exists():
        raise ValidationFailed(
            _("初始化信息有误。"),
            fields={"admin": [_("用户名已被使用，且该用户不是总公司的系统管理员。")]},
        )
    if not is_admin:  # new, or made by createsuperuser before the install had a head office
        if user.org_unit_id is None:
            user.org_unit = head
            user.save(update_fields=["org_unit"])
        membership_grant(actor=actor, user_id=user.pk, role=Role.SYSTEM_ADMIN, org_unit_id=head.pk)
        created["membership"] = True
    audit_record(actor=actor, action="install.bootstrap", subject=head, data=created)
    return created


def install_needed() -> bool:
    """True until the first org unit exists (then the first-run page answers 404 for good)."""
    return not OrgUnit.objects.exists()
