"""Personal data declared where it is stored (standard 6.1.1, 6.1.3(1); PIPL arts. 13, 28–29;
issue 21 §1).

Every model field that holds personal data says what it is, why HIQC holds it, on which PIPL
art. 13 ground and for how long — next to the field, so the record of processing activities is
generated from the code and never hand-edited:

* a model declares its fields in ``personal_fields: ClassVar[dict[str, Declared]]``;
* fields that are the same everywhere are covered by one **convention** here: who did something
  (a ``…_by`` user name, ``actor_name``, a link to a user) is staff personal data kept for
  accountability; a link to a model registered with ``register_link_convention`` (the customers
  app registers its customer) is that person's data.
  A model's own declaration wins over a convention.

``undeclared(models)`` finds the fields that look personal — encrypted columns (always declared
explicitly), links to users and customers, and names such as ``mobile``, ``id_number``,
``address``, ``…_hash`` — and carry no declaration; the system check ``hiqc.E020`` fails on any,
and ``hiqc.E021`` on a declaration that names no field. ``inventory()`` lists every declared field
of every HIQC model (explicit and by convention) for the inventory page and export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .crypto import EncryptedTextField


class DataClass(models.TextChoices):
    """The classes of 6.1.3(1) ("对客户信息进行分类管理") in PIPL's terms."""

    SENSITIVE = "sensitive", _("敏感个人信息")  # PIPL art. 28: health, financial accounts, ID
    PERSONAL = "personal", _("个人信息")
    INTERNAL = "internal", _("内部信息")  # not about an identifiable person (here: declared so)
    PUBLIC = "public", _("公开信息")


class Basis(models.TextChoices):
    """The lawful grounds of PIPL art. 13 (first paragraph, items 1–7)."""

    CONSENT = "consent", _("取得个人同意（第十三条第一款第一项）")
    CONTRACT = "contract", _("订立、履行个人作为一方当事人的合同所必需（第一款第二项）")
    HR = "hr", _("实施人力资源管理所必需（第一款第二项）")
    LEGAL_DUTY = "legal_duty", _("履行法定职责或者法定义务所必需（第一款第三项）")
    VITAL = "vital", _("应对突发公共卫生事件或保护生命健康和财产安全所必需（第一款第四项）")
    PUBLISHED = "published", _("处理已合法公开的个人信息（第一款第六项）")
    NOT_PERSONAL = "none", _("不涉及个人信息")


@dataclass(frozen=True)
class Declared:
    """What a field holds and why: its class, purpose, lawful ground and how long it is kept
    (``retention`` in words; ``retention_rule`` the rule code that sets it, where one does)."""

    data_class: str
    purpose: str | Promise
    basis: str
    retention: str | Promise
    retention_rule: str = ""


SAME_AS_RECORD = _("与所属记录相同")

STAFF = Declared(
    DataClass.PERSONAL,
    _("记录经办人员，用于职责追溯、审计与考核"),
    Basis.HR,
    SAME_AS_RECORD,
)


def not_personal(why: str | Promise, *, public: bool = False) -> Declared:
    """For a field whose name looks personal but holds nothing about a person (an outlet's
    address, a survey's stratification key): classified, with the reason as its purpose."""
    return Declared(
        DataClass.PUBLIC if public else DataClass.INTERNAL, why, Basis.NOT_PERSONAL, SAME_AS_RECORD
    )


# Names that say "this is about a person" wherever they appear.
_PERSONAL_NAME = re.compile(
    r"(^|_)(mobile|phone|tel|email|address|id_number|birth_date|birthday|gender|bank_account|"
    r"passport|contact_name|respondent_name|display_name|first_name|last_name|username|ip|"
    r"diagnosis_code|diagnosis_text)$|_hash$"
)
_STAFF_NAME = re.compile(r"(_by|^actor_name)$")


# A link to one of these models is that person's data, declared once (the customers app
# registers its model: the kernel names no domain). Links to the user model are staff data.
LINKS: dict[str, Declared] = {}


def register_link_convention(model_label: str, declared: Declared) -> None:
    LINKS[model_label] = declared


def _user_model() -> str:
    return str(settings.AUTH_USER_MODEL)


def _linked(field: models.Field) -> Declared | None:
    related = getattr(field, "related_model", None)
    if not field.is_relation or related is None or isinstance(related, str):
        return None
    label = related._meta.label
    return STAFF if label == _user_model() else LINKS.get(label)


def convention(field: models.Field) -> Declared | None:
    """The declaration a field gets by convention, if any."""
    if isinstance(field, EncryptedTextField):
        return None  # encrypted columns are declared one by one
    linked = _linked(field)
    if linked is not None:
        return linked
    if isinstance(field, models.CharField) and _STAFF_NAME.search(field.name):
        return STAFF
    return None


def looks_personal(field: models.Field) -> bool:
    """Whether a field must carry a declaration (explicit or by convention)."""
    return (
        isinstance(field, EncryptedTextField)
        or _linked(field) is not None
        or (not isinstance(field, models.BooleanField) and bool(_PERSONAL_NAME.search(field.name)))
        or (isinstance(field, models.CharField) and bool(_STAFF_NAME.search(field.name)))
    )


def declared(model: type[models.Model]) -> Mapping[str, Declared]:
    found = getattr(model, "personal_fields", None)
    return found if isinstance(found, Mapping) else {}


def declaration(model: type[models.Model], field: models.Field) -> tuple[Declared, str] | None:
    """(declaration, "model" | "convention") for a field, or None."""
    own = declared(model).get(field.name)
    if own is not None:
        return own, "model"
    conv = convention(field)
    return (conv, "convention") if conv is not None else None


def hiqc_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("hiqc.")]


def undeclared(models_: Iterable[type[models.Model]]) -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every personal-looking field without a declaration."""
    out: list[tuple[type[models.Model], str]] = []
    for model in models_:
        for field in model._meta.concrete_fields:
            if looks_personal(field) and declaration(model, field) is None:
                out.append((model, field.name))
    return out


def stale(models_: Iterable[type[models.Model]]) -> list[tuple[type[models.Model], str]]:
    """(model, name) for every declaration that names no concrete field of its model."""
    out: list[tuple[type[models.Model], str]] = []
    for model in models_:
        names = {f.name for f in model._meta.concrete_fields}
        out.extend((model, name) for name in declared(model) if name not in names)
    return out


@dataclass(frozen=True)
class Row:
    """One line of the record of processing activities."""

    app_label: str
    app_name: str
    model: str
    model_name: str
    field: str
    field_name: str
    data_class: str
    purpose: str
    basis: str
    retention: str
    retention_rule: str
    encrypted: bool
    source: str  # "model" | "convention"

    def data_class_label(self) -> str:
        return str(DataClass(self.data_class).label)

    def basis_label(self) -> str:
        return str(Basis(self.basis).label)


def inventory(data_class: str = "") -> list[Row]:
    """Every declared field of every HIQC model, by app and model, optionally of one class."""
    rows: list[Row] = []
    for model in hiqc_models():
        meta: Any = model._meta
        for field in meta.concrete_fields:
            found = declaration(model, field)
            if found is None:
                continue
            dec, source = found
            if data_class and dec.data_class != data_class:
                continue
            rows.append(
                Row(
                    app_label=meta.app_label,
                    app_name=str(meta.app_config.verbose_name),
                    model=meta.label,
                    model_name=str(meta.verbose_name),
                    field=field.name,
                    field_name=str(field.verbose_name),
                    data_class=str(dec.data_class),
                    purpose=str(dec.purpose),
                    basis=str(dec.basis),
                    retention=str(dec.retention),
                    retention_rule=dec.retention_rule,
                    encrypted=isinstance(field, EncryptedTextField),
                    source=source,
                )
            )
    rows.sort(key=lambda r: (r.app_label, r.model, r.field))
    return rows
