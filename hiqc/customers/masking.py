"""How personal values look by default: masked (standard 6.1, PIPL art. 51)."""

from __future__ import annotations


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
