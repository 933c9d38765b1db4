"""What a resident does, in a real headless Chromium against the real server."""

from __future__ import annotations

import pytest

from tests.browser.audit import navigation
from tests.browser.helpers import (
    CONSENT,
    go,
    link_in_mail,
    log_in_through_form,
    log_out,
    main_text,
    path_of,
    register_through_form,
    screenshot,
    translations_compiled,
    ui,
)

pytestmark = pytest.mark.browser


def test_register_see_home_log_out_and_log_in_again(page, watch, person, live_mailbox):
    register_through_form(page, person, live_mailbox)
    assert person.name in page.get_by_role("heading", level=1).inner_text()
    assert person.name in main_text(page)  # the welcome message names them too
    screenshot(page, "home")

    log_out(page)
    assert person.name not in page.locator("body").inner_text()
    nav = page.get_by_role("navigation")
    assert nav.get_by_role("link", name=ui("Log in"), exact=True).is_visible()

    log_in_through_form(page, person)
    assert person.name in page.get_by_role("heading", level=1).inner_text()
    with navigation(page):
        page.get_by_role("navigation").get_by_role("link", name=ui("My account")).click()
    assert path_of(page) == "/account"
    assert person.email in main_text(page)
    watch.assert_clean()


def test_a_registration_with_errors_explains_them_and_keeps_what_was_typed(
    page, watch, person, live_mailbox
):
    go(page, "/aanmelden")
    with navigation(page):
        page.get_by_role("button", name=ui("Create my account")).click()
    summary = page.locator(".error-summary")
    assert path_of(page) == "/aanmelden"
    assert summary.get_attribute("role") == "alert"
    # The script moves focus to the summary, so a screen reader reads it out first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    targets = [a.get_attribute("href") for a in summary.get_by_role("link").all()]
    for field_id in ("display_name", "email", "password", "postcode", "house_number"):
        assert f"#{field_id}" in targets, targets
    assert "#privacy_consent" in targets, targets
    for href in targets:  # every link leads to a field in the form
        assert page.locator(f"form {href}").count() == 1, href
        assert page.locator(f"form {href}").get_attribute("aria-invalid") == "true"

    # Following a link puts the keyboard on that field.
    summary.get_by_role("link").filter(has_text=ui("Postcode")).click()
    assert page.evaluate("document.activeElement.id") == "postcode"

    # Fix some fields, leave others: what was typed (but the password) comes back.
    page.get_by_label(ui("Your name"), exact=True).fill(person.name)
    page.get_by_label(ui("E-mail address"), exact=True).fill(person.email)
    page.get_by_label(ui("Password"), exact=True).fill(person.password)
    page.get_by_label(ui("Postcode"), exact=True).fill(person.postcode)
    with navigation(page):
        page.get_by_role("button", name=ui("Create my account")).click()
    assert path_of(page) == "/aanmelden"
    assert page.get_by_label(ui("Your name"), exact=True).input_value() == person.name
    assert page.get_by_label(ui("E-mail address"), exact=True).input_value() == person.email
    assert page.get_by_label(ui("Postcode"), exact=True).input_value() == person.postcode
    assert page.get_by_label(ui("Password"), exact=True).input_value() == ""
    remaining = [a.get_attribute("href") for a in page.locator(".error-summary a").all()]
    assert sorted(remaining) == ["#house_number", "#privacy_consent"]
    screenshot(page, "register-errors")

    page.get_by_label(ui("Password"), exact=True).fill(person.password)
    page.get_by_label(ui("House number"), exact=True).fill(person.house_number)
    page.get_by_label(ui(CONSENT)).check()
    with navigation(page):
        page.get_by_role("button", name=ui("Create my account")).click()
    assert path_of(page) == "/aanmelden/kijk-in-je-mail", main_text(page)
    assert link_in_mail(live_mailbox, person.email, "/aanmelden/bevestigen/")
    watch.assert_clean()


def _switch_language(page, button_name: str) -> None:
    with navigation(page):
        page.get_by_role("navigation").get_by_role("button", name=button_name).click()


def test_switching_to_english_and_back(page, watch):
    go(page, "/inloggen")
    assert page.get_attribute("html", "lang") == "nl"

    _switch_language(page, "English")
    assert path_of(page) == "/inloggen"  # we stay on the same page
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"
    assert page.get_by_label("E-mail address", exact=True).is_visible()
    assert page.get_by_role("navigation").get_by_role("button", name="Nederlands").is_visible()
    go(page, "/privacy")  # the choice sticks for the visit
    assert page.get_attribute("html", "lang") == "en"

    _switch_language(page, "Nederlands")
    assert path_of(page) == "/privacy"
    assert page.get_attribute("html", "lang") == "nl"
    assert page.get_by_role("navigation").get_by_role("button", name="English").is_visible()
    watch.assert_clean()


def test_dutch_is_the_default_and_really_dutch(page):
    if not translations_compiled("nl"):
        pytest.skip("Dutch catalogue not compiled: make translations (pybabel compile)")
    go(page, "/inloggen")
    assert page.get_attribute("html", "lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == ui("Log in")
    assert ui("Log in") != "Log in"  # "Inloggen": the catalogue really translates it
    _switch_language(page, "English")
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"
    _switch_language(page, "Nederlands")
    assert page.get_by_role("heading", level=1).inner_text() == ui("Log in")


def test_the_site_works_without_javascript(new_context, person, live_mailbox):
    page = new_context(java_script_enabled=False).new_page()
    go(page, "/aanmelden")
    assert page.evaluate("1 + 1") == 2  # Playwright's own evaluate still works
    # An empty form still explains itself, without the script.
    with navigation(page):
        page.get_by_role("button", name=ui("Create my account")).click()
    assert page.locator(".error-summary").is_visible()

    register_through_form(page, person, live_mailbox)
    assert person.name in page.get_by_role("heading", level=1).inner_text()
    log_out(page)
    log_in_through_form(page, person)
    assert person.name in page.get_by_role("heading", level=1).inner_text()
    _switch_language(page, "English")
    assert page.get_attribute("html", "lang") == "en"
