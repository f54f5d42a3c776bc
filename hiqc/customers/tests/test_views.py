from __future__ import annotations

from django.test import Client

from hiqc.customers.models import Customer


def _as(personas, name):
    client = Client()
    client.force_login(personas[name])
    return client


FORM = {
    "name": "钱七",
    "id_type": "resident_id",
    "id_number": "110101199003074477",
    "gender": "U",
    "mobile": "13900001111",
    "kinds": ["policyholder", "insured"],
}


def test_agent_registers_a_customer_and_lands_on_the_masked_detail_page(personas, org):
    response = _as(personas, "agent").post(
        "/customers/new/", {**FORM, "org_unit": str(org["C1"].pk)}, follow=True
    )
    customer = Customer.objects.get()
    assert customer.org_unit == org["C1"]
    assert str(customer.birth_date) == "1990-03-07"
    html = response.content.decode()
    assert "139****1111" in html
    assert "13900001111" not in html


def test_wrong_check_digit_is_shown_next_to_the_id_number_and_nothing_is_saved(personas, org):
    response = _as(personas, "agent").post(
        "/customers/new/",
        {**FORM, "id_number": "110101199003074470", "org_unit": str(org["C1"].pk)},
    )
    assert response.status_code == 200
    assert "校验位不正确" in response.content.decode()
    assert not Customer.objects.exists()


def test_a_unit_outside_the_agents_scope_cannot_be_chosen(personas, org):
    response = _as(personas, "agent").post(
        "/customers/new/", {**FORM, "org_unit": str(org["C2"].pk)}
    )
    assert response.status_code == 200
    assert not Customer.objects.exists()


def test_read_only_roles_cannot_open_the_registration_page(personas):
    assert _as(personas, "auditor").get("/customers/new/").status_code == 403


def test_the_register_button_shows_only_to_those_who_may_register(personas):
    assert 'href="/customers/new/"' in _as(personas, "agent").get("/customers/").content.decode()
    assert (
        'href="/customers/new/"' not in _as(personas, "auditor").get("/customers/").content.decode()
    )


def test_a_bad_list_filter_is_shown_at_its_field_not_ignored(personas, org):
    # Given one registered customer
    client = _as(personas, "agent")
    client.post("/customers/new/", {**FORM, "org_unit": str(org["C1"].pk)})
    # When the list is searched with a text longer than a search may be
    page = client.get("/customers/?q=" + "钱" * 61).content.decode()
    # Then the search is refused beside its field (it once listed everyone without a word)
    assert '<span class="error">' in page.split('name="q"')[1].split("</form>")[0]
