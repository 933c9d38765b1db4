"""The home page after logging in shows where to go next, for residents and for staff."""

from __future__ import annotations


def test_a_resident_sees_their_balance_and_the_time_bank_cards(client, make, login):
    resident = make.resident()
    login(resident)
    client.post("/taal", data={"locale": "en"})
    page = client.get("/").get_data(as_text=True)
    assert f"Hello {resident.display_name}" in page
    assert "Balance" in page and "0 min" in page
    assert "My time credits" in page and 'href="/tijdbank/"' in page
    assert "Time bank (staff)" not in page
    assert "Management" not in page


def test_a_coordinator_and_an_admin_see_their_own_menu(client, make, login):
    coordinator = make.coordinator()
    login(coordinator)
    client.post("/taal", data={"locale": "en"})
    assert "Time bank (staff)" in client.get("/").get_data(as_text=True)
    client.post("/uitloggen")
    admin = make.admin()
    login(admin)
    client.post("/taal", data={"locale": "en"})
    page = client.get("/").get_data(as_text=True)
    assert "Management" in page
    assert "Time bank (staff)" not in page


def test_dutch_is_the_default_language(client, make, login):
    login(make.resident())
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Mijn account" in page


def test_a_field_without_a_hint_or_error_has_no_aria_describedby(client):
    page = client.get("/inloggen").get_data(as_text=True)
    assert 'aria-describedby="None"' not in page
    assert 'aria-describedby=""' not in page
    register = client.get("/aanmelden").get_data(as_text=True)
    assert 'aria-describedby="display_name-hint"' in register
