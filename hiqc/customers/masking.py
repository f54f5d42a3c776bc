"""How personal values look by default: masked (standard 6.1, PIPL art. 51)."""

from __future__ import annotations

import re


def mask_id_number(value: str) -> str:
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_mobile(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_address(value: str) -> str:
    keep = max(0, min(6, len(value) - 4))
    return value[:keep] + "****"


def mask_bank_account(value: str) -> str:
    return "**** " + value[-4:] if len(value) > 4 else "****"


def mask_diagnosis(value: str) -> str:
    """Health data (an ICD-10 code or a diagnosis): only its first character shows."""
    return value[:1] + "****" if value else ""


MASKS = {
    "diagnosis": mask_diagnosis,
    "id_number": mask_id_number,
    "mobile": mask_mobile,
    "email": mask_email,
    "address": mask_address,
    "bank_account": mask_bank_account,
}


def masked(field: str, value: str | None) -> str:
    return MASKS[field](value) if value else ""


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_EMAIL_IN_TEXT = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_personal_text(text: str) -> str:
    """Free text as shown by default: resident ID numbers, mobile numbers and e-mail addresses a
    customer typed are masked in place (issue 6 §7)."""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return _EMAIL_IN_TEXT.sub(lambda m: m.group(1) + "***" + m.group(2), text)
