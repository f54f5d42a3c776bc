"""Identity and contact validation: GB 11643-1999 resident ID, mainland mobile numbers."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def resident_id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def resident_id_problem(value: str) -> str | None:
    """None when ``value`` is a valid 18-digit resident ID, otherwise what is wrong (English key)."""
    if not _RESIDENT_ID.match(value):
        return "format"
    if resident_id_birth_date(value) is None:
        return "birth_date"
    if resident_id_check_digit(value[:17]) != value[17]:
        return "check_digit"
    return None


def resident_id_birth_date(value: str) -> date | None:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    if born.year < 1900 or born > timezone.localdate():
        return None
    return born


def resident_id_gender(value: str) -> str:
    return "M" if int(value[16]) % 2 == 1 else "F"


def is_mobile(value: str) -> bool:
    return bool(_MOBILE.match(value))
