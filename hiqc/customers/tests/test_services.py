from __future__ import annotations

import pytest

from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.models import AuditEvent
from hiqc.customers.models import RevealRecord
from hiqc.customers.selectors import customer_list
from hiqc.customers.services import customer_create, customer_reveal, customer_update

VALID_ID = "11010519491231002X"  # GB 11643 example, check digit X
VALID_MOBILE = "13812345678"


def make(actor, unit, **over):
    data = {
        "name": "张三",
        "id_number": VALID_ID,
        "mobile": VALID_MOBILE,
        "email": "zs@example.com",
        "address": "北京市朝阳区望京街道1号",
        "bank_account": "6222020200112233445",
        "kinds": ["insured"],
    }
    data.update(over)
    return customer_create(actor=actor, org_unit_id=unit.pk, data=data)


def test_create_derives_birth_date_and_gender_from_resident_id(actors, org):
    c = make(actors["agent"], org["C1"])
    assert str(c.birth_date) == "1949-12-31"
    assert c.gender == "F"


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("id_number", "110105194912310021", "校验位"),
        ("id_number", "1101051949123100", "18 位"),
        ("id_number", "110105194913310029", "出生日期"),
        ("mobile", "12812345678", "手机号码"),
        ("bank_account", "12ab", "银行账号"),
        ("email", "not-an-email", "邮箱"),
    ],
)
def test_invalid_identity_and_contact_give_field_errors(actors, org, field, value, fragment):
    with pytest.raises(ValidationFailed) as exc:
        make(actors["agent"], org["C1"], **{field: value})
    assert fragment in " ".join(exc.value.fields[field])


def test_birth_date_inconsistent_with_id_is_rejected(actors, org):
    with pytest.raises(ValidationFailed) as exc:
        make(actors["agent"], org["C1"], birth_date="1950-01-01")
    assert "birth_date" in exc.value.fields


def test_same_identity_twice_is_rejected(actors, org):
    make(actors["agent"], org["C1"])
    with pytest.raises(ValidationFailed) as exc:
        make(actors["agent"], org["C1"], name="李四")
    assert "id_number" in exc.value.fields


def test_exact_lookup_by_id_number_or_mobile_uses_keyed_hash(actors, org):
    c = make(actors["agent"], org["C1"])
    make(
        actors["agent"],
        org["C1"],
        name="李四",
        id_number="110101199003074477",
        mobile="13900001111",
    )
    assert list(customer_list(actors["agent"], q=VALID_ID.lower())) == [c]
    assert list(customer_list(actors["agent"], q="+86 138-1234-5678")) == [c]
    assert list(customer_list(actors["agent"], q="张")) == [c]


def test_customers_outside_scope_are_invisible_and_not_found(actors, org):
    c = make(actors["agent"], org["C1"])
    assert list(customer_list(actors["outsider_agent"])) == []
    with pytest.raises(NotFound):
        customer_reveal(
            actor=actors["outsider_agent"], customer_id=c.pk, field="mobile", purpose="核对身份信息"
        )


def test_reveal_needs_purpose_and_writes_access_record_and_audit(actors, org):
    c = make(actors["agent"], org["C1"])
    with pytest.raises(ValidationFailed) as exc:
        customer_reveal(actor=actors["agent"], customer_id=c.pk, field="mobile", purpose=" ")
    assert "purpose" in exc.value.fields
    value = customer_reveal(
        actor=actors["agent"], customer_id=c.pk, field="mobile", purpose="回访核对联系方式"
    )
    assert value == VALID_MOBILE
    record = RevealRecord.objects.get()
    assert (record.field, record.actor_name) == ("mobile", "agent")
    event = AuditEvent.objects.filter(action="customer.reveal").get()
    assert event.fields == ["mobile"]
    assert VALID_MOBILE not in str(event.data)


def test_update_records_changed_field_names_only(actors, org):
    c = make(actors["agent"], org["C1"])
    customer_update(actor=actors["agent"], customer_id=c.pk, data={"mobile": "13900002222"})
    event = AuditEvent.objects.filter(action="customer.update").get()
    assert event.fields == ["mobile"]
    assert "13900002222" not in str(event.data)
    assert list(customer_list(actors["agent"], q="13900002222")) == [c]
