from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from hiqc.core.crypto import decrypt, encrypt, key_id_of, keyed_hash, reset_keyring_cache
from hiqc.customers.models import Customer
from hiqc.customers.services import customer_create

ID = "11010519491231002X"
MOBILE = "13812345678"
ACCOUNT = "6222020200112233445"


def test_ciphertext_names_its_key_and_is_bound_to_its_field():
    token = encrypt("secret", context="a.b.c")
    assert token.startswith("v1:t1:")
    assert decrypt(token, context="a.b.c") == "secret"
    with pytest.raises(InvalidTag):
        decrypt(token, context="a.b.other")


def test_same_plaintext_encrypts_differently_but_hashes_the_same():
    assert encrypt("x", context="c") != encrypt("x", context="c")
    assert (
        keyed_hash("x", context="c") == keyed_hash("x", context="c") != keyed_hash("x", context="d")
    )


@pytest.fixture
def customer(actors, org):
    return customer_create(
        actor=actors["agent"],
        org_unit_id=org["C1"].pk,
        data={
            "name": "王五",
            "id_number": ID,
            "mobile": MOBILE,
            "bank_account": ACCOUNT,
            "email": "ww@example.com",
            "address": "北京市朝阳区",
        },
    )


def test_raw_storage_holds_no_plaintext_id_mobile_or_account(customer):
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM customers_customer")
        raw = repr(cur.fetchall())
    for secret in (ID, MOBILE, ACCOUNT, "ww@example.com"):
        assert secret not in raw
    if connection.vendor == "sqlite":
        connection.close()  # flush WAL so the file itself can be read
        db_file = Path(connection.settings_dict["NAME"])
        blob = db_file.read_bytes() + (
            db_file.with_name(db_file.name + "-wal").read_bytes()
            if db_file.with_name(db_file.name + "-wal").exists()
            else b""
        )
    else:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT encode(convert_to(t::text, 'UTF8'), 'escape') FROM customers_customer t"
            )
            blob = repr(cur.fetchall()).encode()
    for secret in (ID, MOBILE, ACCOUNT):
        assert secret.encode() not in blob


def test_rotate_keys_reencrypts_to_the_new_key_and_resumes(customer, tmp_path, settings):
    ring = json.loads(settings.HIQC_FIELD_KEYS)
    ring["keys"]["t2"] = base64.b64encode(b"n" * 32).decode()
    ring["current"] = "t2"
    with override_settings(HIQC_FIELD_KEYS=json.dumps(ring)):
        reset_keyring_cache()
        try:
            call_command("rotate_keys")
            with connection.cursor() as cur:
                cur.execute("SELECT id_number, mobile, bank_account FROM customers_customer")
                row = cur.fetchone()
            assert {key_id_of(v) for v in row} == {"t2"}
            assert Customer.objects.get().mobile == MOBILE
            call_command("rotate_keys")  # nothing left to do: a re-run is harmless
            assert Customer.objects.get().id_number == ID
        finally:
            reset_keyring_cache()
    reset_keyring_cache()
