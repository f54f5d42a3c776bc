"""Every write to customers, and the reveal of a personal field (DESIGN rules 1 and 6)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require
from hiqc.core.audit import audit_record
from hiqc.core.collection import Channel, clean_basis, collection_record
from hiqc.core.errors import ValidationFailed
from hiqc.core.personaldata import Basis
from hiqc.organisations.selectors import unit_in_scope

from .enums import CustomerKind, Gender, IdType, RevealableField
from .models import Customer, RevealRecord
from .selectors import access_customer, id_number_hash, mobile_hash
from .validation import (
    is_mobile,
    normalise_id_number,
    normalise_mobile,
    resident_id_birth_date,
    resident_id_gender,
    resident_id_problem,
)

# Computed once: TextChoices.values builds a new list on every access (hot in bulk paths).
ID_TYPES = frozenset(IdType.values)
GENDERS = frozenset(Gender.values)
KINDS = frozenset(CustomerKind.values)
REVEALABLE = frozenset(RevealableField.values)

EDITABLE = (
    "name",
    "id_type",
    "id_number",
    "birth_date",
    "gender",
    "mobile",
    "email",
    "address",
    "bank_account",
    "kinds",
)


def customer_clean(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate and normalise customer fields. Shared by the single and the bulk paths.

    Returns (clean values, errors by field). Only keys present in ``data`` are checked, so the
    same function serves partial updates.
    """
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            err("name", _("请填写姓名。"))
        elif len(name) > 100:
            err("name", _("姓名不能超过 100 个字符。"))
        out["name"] = name
    id_type = data.get("id_type") or IdType.RESIDENT_ID
    if "id_type" in data:
        if id_type not in ID_TYPES:
            err("id_type", _("证件类型无效。"))
        out["id_type"] = id_type
    if "id_number" in data:
        number = normalise_id_number(str(data["id_number"] or ""))
        if number and id_type == IdType.RESIDENT_ID:
            problem = resident_id_problem(number)
            if problem == "format":
                err("id_number", _("居民身份证号码应为 18 位：17 位数字加 1 位数字或 X。"))
            elif problem == "birth_date":
                err("id_number", _("身份证号码中的出生日期（第 7–14 位）不是有效日期。"))
            elif problem == "check_digit":
                err("id_number", _("身份证号码校验位不正确（GB 11643），请核对每一位数字。"))
        elif number and not 5 <= len(number) <= 30:
            err("id_number", _("证件号码长度应为 5–30 个字符。"))
        out["id_number"] = number
    if "birth_date" in data and data["birth_date"] not in (None, ""):
        born = data["birth_date"]
        if isinstance(born, str):
            try:
                born = date.fromisoformat(born)
            except ValueError:
                err("birth_date", _("出生日期格式应为 YYYY-MM-DD。"))
                born = None
        out["birth_date"] = born
    number = out.get("id_number", "")
    if number and id_type == IdType.RESIDENT_ID and "id_number" not in errors:
        from_id = resident_id_birth_date(number)
        if out.get("birth_date") and out["birth_date"] != from_id:
            err("birth_date", _("出生日期与身份证号码不一致（身份证显示 {d}）。").format(d=from_id))
        out["birth_date"] = from_id
        if data.get("gender") in (None, "", Gender.UNKNOWN):
            out["gender"] = resident_id_gender(number)
        elif data["gender"] != resident_id_gender(number):
            err("gender", _("性别与身份证号码不一致。"))
    if "gender" in data and "gender" not in out and data["gender"] not in (None, ""):
        if data["gender"] not in GENDERS:
            err("gender", _("性别无效。"))
        out["gender"] = data["gender"]
    if "mobile" in data:
        mobile = normalise_mobile(str(data["mobile"] or ""))
        if mobile and not is_mobile(mobile):
            err("mobile", _("手机号码应为 11 位中国大陆号码，以 13–19 开头。"))
        out["mobile"] = mobile
    if "email" in data:
        email = str(data["email"] or "").strip()
        if email and ("@" not in email or "." not in email.partition("@")[2] or len(email) > 254):
            err("email", _("电子邮箱格式不正确。"))
        out["email"] = email
    if "address" in data:
        address = str(data["address"] or "").strip()
        if len(address) > 300:
            err("address", _("地址不能超过 300 个字符。"))
        out["address"] = address
    if "bank_account" in data:
        account = str(data["bank_account"] or "").replace(" ", "")
        if account and not (account.isdigit() and 12 <= len(account) <= 30):
            err("bank_account", _("银行账号应为 12–30 位数字。"))
        out["bank_account"] = account
    if "kinds" in data:
        kinds = list(dict.fromkeys(data["kinds"] or []))
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            err("kinds", _("未知的客户身份：{k}。").format(k=", ".join(map(str, bad))))
        out["kinds"] = kinds
    return out, errors


def _apply_hashes(customer: Customer, values: Mapping[str, Any]) -> None:
    if "id_number" in values:
        customer.id_number_hash = id_number_hash(values["id_number"])
    if "mobile" in values:
        customer.mobile_hash = mobile_hash(values["mobile"])


def _duplicate_identity() -> ValidationFailed:
    msg = _("已有相同证件的客户。")
    return ValidationFailed(msg, fields={"id_number": [msg]})


def _basis(value: Any, errors: dict[str, list[str]]) -> str:
    try:
        return clean_basis(value, field="collection_basis")
    except ValidationFailed as exc:
        errors.update(exc.fields)
        return ""


@transaction.atomic
def customer_create(
    *,
    actor: Actor,
    org_unit_id: Any,
    data: Mapping[str, Any],
    basis: str = Basis.CONTRACT,
    channel: str = Channel.API,
    source_system: str = "",
) -> Customer:
    """Register a customer. ``basis`` is the PIPL art. 13 ground of the collection, recorded
    with the channel and source (6.1.2; ADR 0031)."""
    unit = unit_in_scope(actor, org_unit_id, "customers.edit")
    values, errors = customer_clean({"name": "", **data})
    basis = _basis(basis, errors)
    if errors:
        raise ValidationFailed(_("客户信息有误。"), fields=errors)
    record = collection_record(
        actor=actor,
        kind="customers.form" if channel == Channel.FORM else "customers.api",
        channel=channel,
        basis=basis,
        source_system=source_system.strip(),
        rows=1,
        org_path=unit.path,
    )
    customer = Customer(org_unit=unit, collection=record, **values)
    _apply_hashes(customer, values)
    try:
        with transaction.atomic():
            customer.save(force_insert=True)
    except IntegrityError as exc:
        raise _duplicate_identity() from exc
    audit_record(actor=actor, action="customer.create", subject=customer, fields=values.keys())
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: Actor,
    customer_id: Any,
    data: Mapping[str, Any],
    basis: str = Basis.CONTRACT,
    channel: str = Channel.API,
) -> Customer:
    customer = access_customer(actor, customer_id, for_update=True)
    require(actor, "customers.edit", customer)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            _("客户信息有误。"), fields={k: [_("不可修改的字段。")] for k in unknown}
        )
    merged = dict(data)
    if "id_number" in data and "id_type" not in data:
        merged["id_type"] = customer.id_type
    values, errors = customer_clean(merged)
    basis = _basis(basis, errors)
    if errors:
        raise ValidationFailed(_("客户信息有误。"), fields=errors)
    changed = [k for k, v in values.items() if getattr(customer, k) != v]
    if not changed:
        return customer
    for k in changed:
        setattr(customer, k, values[k])
    _apply_hashes(customer, {k: values[k] for k in changed})
    customer.collection = collection_record(
        actor=actor,
        kind="customers.form" if channel == Channel.FORM else "customers.api",
        channel=channel,
        basis=basis,
        rows=1,
        org_path=customer.org_unit.path,
    )
    update_fields = [
        *changed,
        *(f"{k}_hash" for k in changed if k in ("id_number", "mobile")),
        "collection",
    ]
    try:
        with transaction.atomic():
            customer.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise _duplicate_identity() from exc
    audit_record(actor=actor, action="customer.update", subject=customer, fields=changed)
    return customer


@transaction.atomic
def customer_reveal(*, actor: Actor, customer_id: Any, field: str, purpose: str) -> str:
    """Return one personal field in clear. Needs customers.reveal and a stated purpose; writes an
    access record and an audit event (never the value itself)."""
    customer = access_customer(actor, customer_id)
    require(actor, "customers.reveal", customer)
    errors: dict[str, list[str]] = {}
    if field not in REVEALABLE:
        errors["field"] = [_("该字段不可查看。")]
    purpose = (purpose or "").strip()
    if len("".join(purpose.split())) < 4:
        errors["purpose"] = [_("请说明查看用途（至少 4 个字）。")]
    elif len(purpose) > 200:
        errors["purpose"] = [_("查看用途不能超过 200 个字。")]
    if errors:
        raise ValidationFailed(_("无法查看明文。"), fields=errors)
    RevealRecord.objects.create(
        customer=customer,
        field=field,
        purpose=purpose,
        actor_id=actor.user_id,
        actor_name=actor.username,
        request_id=actor.request_id,
        ip=actor.ip,
    )
    audit_record(
        actor=actor,
        action="customer.reveal",
        subject=customer,
        fields=[field],
        data={"purpose": purpose},
    )
    return str(getattr(customer, field) or "")
