"""Personal data is declared next to the field that holds it (standard 6.1.1, 6.1.3(1); issue 21
§1): the system check names any personal-looking field without a declaration, and the inventory
is generated from the declarations."""

from __future__ import annotations

from typing import ClassVar

from django.apps.registry import Apps
from django.core import checks
from django.db import models

from hiqc.core.crypto import EncryptedTextField
from hiqc.core.personaldata import (
    LINKS,
    STAFF,
    Basis,
    DataClass,
    Declared,
    convention,
    hiqc_models,
    inventory,
    looks_personal,
    not_personal,
    stale,
    undeclared,
)


def test_every_personal_field_of_hiqc_is_declared() -> None:
    assert undeclared(hiqc_models()) == []
    assert stale(hiqc_models()) == []


def test_the_system_check_is_registered_and_passes() -> None:
    messages = checks.run_checks()
    assert not [m for m in messages if m.id in ("hiqc.E020", "hiqc.E021")]


def test_a_planted_undeclared_field_fails_and_names_model_and_field() -> None:
    # given a model (in a registry of its own) with a mobile number, an encrypted note, an
    # "e-mail me" flag and the declaration of a field it does not have
    class Planted(models.Model):
        mobile = models.CharField(max_length=20)
        note = EncryptedTextField()
        title = models.CharField(max_length=20)
        email = models.BooleanField(default=True)
        done_by = models.CharField(max_length=150)
        personal_fields: ClassVar[dict[str, Declared]] = {"nothing": not_personal("x")}

        class Meta:
            app_label = "planted"
            apps = Apps()

        def __str__(self) -> str:
            return self.title

    # then the mobile and the encrypted note are named; the title, the flag and the user name
    # (covered by the staff convention) are not; the declaration of a missing field is stale
    assert sorted(name for _m, name in undeclared([Planted])) == ["mobile", "note"]
    assert [name for _m, name in stale([Planted])] == ["nothing"]


def test_conventions_cover_staff_and_customer_links_but_never_an_encrypted_column() -> None:
    from hiqc.claims.models import Claim
    from hiqc.customers.models import Customer
    from hiqc.facilities.models import EquipmentEvent

    def field(model: type[models.Model], name: str) -> models.Field:
        return model._meta.get_field(name)  # type: ignore[return-value]

    assert convention(field(EquipmentEvent, "recorded_by")) is STAFF  # a user name, "…_by"
    assert convention(field(Claim, "assignee")) is STAFF  # a link to a user
    assert convention(field(Claim, "claimant")) is LINKS["customers.Customer"]
    assert convention(field(Customer, "id_number")) is None  # encrypted: declared one by one
    assert looks_personal(field(Customer, "id_number"))


def test_inventory_lists_sensitive_fields_with_purpose_basis_and_retention() -> None:
    rows = {(r.model, r.field): r for r in inventory()}
    id_number = rows[("customers.Customer", "id_number")]
    assert id_number.data_class == DataClass.SENSITIVE
    assert id_number.encrypted and id_number.source == "model"
    assert id_number.basis == Basis.LEGAL_DUTY
    assert id_number.retention_rule == "claims.retention_years_long"
    assert rows[("claims.Claim", "diagnosis_text")].data_class == DataClass.SENSITIVE
    # a convention row: who recorded an equipment entry
    recorded_by = rows[("facilities.EquipmentEvent", "recorded_by")]
    assert recorded_by.source == "convention" and recorded_by.basis == Basis.HR
    # not personal, yet classified: an outlet's address is public
    assert rows[("facilities.OutletFacility", "address")].data_class == DataClass.PUBLIC


def test_inventory_filters_by_class() -> None:
    sensitive = inventory(DataClass.SENSITIVE)
    assert sensitive and {r.data_class for r in sensitive} == {DataClass.SENSITIVE}
    assert all(r.encrypted for r in sensitive), "every sensitive field is encrypted at rest"
