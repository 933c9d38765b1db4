"""The marketplace in a real Chromium: two neighbours from a request to booked time, and a
resident who signs up for a full activity. Every document they pass is checked by axe-core
and at 320/390 px (audit.py); the marketplace pages also get the basics of STYLE.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.audit import navigation
from tests.browser.helpers import (
    NEIGHBOURHOOD,
    Person,
    check_page,
    go,
    log_in_through_form,
    main_text,
    path_of,
    screenshot,
    send_empty_form,
    signed_in_state,
    ui,
)

pytestmark = pytest.mark.browser

PAGES = [
    "/hulp/",
    "/hulp/?q=koffie&kind=activity",
    "/hulp/nieuw",
    "/hulp/nieuw?soort=aanbod",
    "/hulp/nieuw?soort=activiteit",
    "/hulp/mijn",
    "/hulp/{activity}",
    "/hulp/{request}",
    "/hulp/{request}/suggesties",
    "/matches/",
    "/account/profiel",
    "/notificaties/",
    "/notificaties/instellingen",
]


@dataclass(frozen=True)
class Street:
    asker: Person
    helper: Person
    joiner: Person
    activity_id: int
    request_id: int  # the joiner's own request, for the owner's pages


@pytest.fixture(scope="module")
def street(live_app: Any, live_server: str) -> Street:
    """Neighbours in the live app, made by the services; a coffee morning with one seat,
    already taken."""
    from sqlalchemy import select

    from buurthulp.extensions import db
    from buurthulp.listings import activities
    from buurthulp.neighbourhoods.models import Neighbourhood
    from tests.factories import Factories

    people = {
        "asker": Person(name="Truus Hendriks", email="truus@example.org"),
        "helper": Person(name="Mohamed El Amrani", email="mohamed@example.org"),
        "joiner": Person(name="Gerda Smit", email="gerda@example.org"),
    }
    with live_app.app_context():
        try:
            make = Factories()
            hood = db.session.scalar(
                select(Neighbourhood).where(Neighbourhood.name == NEIGHBOURHOOD)
            )
            members = {
                k: make.resident(hood, name=p.name, email=p.email) for k, p in people.items()
            }
            organiser = make.resident(hood, name="Kees Bakker")
            first = make.resident(hood, name="Annie de Groot")
            coffee = make.listing(organiser, "activity", title="Koffieochtend", capacity=1)
            activities.sign_up(coffee.id, actor=first)
            own = make.listing(members["joiner"], title="Hulp bij de heg", category="tuin")
            return Street(**people, activity_id=coffee.id, request_id=own.id)
        finally:
            db.session.remove()


def _signed_in(browser: Any, live_server: str, who: Person) -> Any:
    return signed_in_state(browser, live_server, lambda p: log_in_through_form(p, who))


def _page_for(new_context: Any, watch: Any, state: Any) -> Any:
    page = new_context(storage_state=state).new_page()
    watch.attach(page)
    return page


def _button(page: Any, msgid: str) -> None:
    with navigation(page):
        page.locator("main").get_by_role("button", name=ui(msgid), exact=True).click()


def _balance(page: Any) -> str:
    go(page, "/tijdbank/")
    return page.locator(".balance strong").inner_text()


def test_a_request_from_posting_to_booked_time(
    browser, live_server, new_context, watch, document_audit, street
):
    asker = _page_for(new_context, watch, _signed_in(browser, live_server, street.asker))
    helper = _page_for(new_context, watch, _signed_in(browser, live_server, street.helper))

    # The asker posts a request through the form.
    go(asker, "/hulp/nieuw?soort=hulpvraag")
    asker.get_by_label(ui("Title"), exact=True).fill("Lamp ophangen in de gang")
    asker.get_by_label(ui("What kind of help?")).select_option("klussen-in-huis")
    asker.get_by_label(ui("Tell a bit more (optional)")).fill("Ik heb de lamp, geen ladder.")
    asker.get_by_label(ui("About how many minutes? (optional)")).fill("45")
    _button(asker, "Put it online")
    assert ui("Your listing is online.") in main_text(asker)
    listing_path = path_of(asker)

    # The neighbour finds it in the feed and reacts.
    go(helper, "/hulp/")
    with navigation(helper):
        helper.get_by_role("link", name="Lamp ophangen in de gang").click()
    assert path_of(helper) == listing_path
    assert "6511" not in main_text(helper)  # no postcode, only a rounded distance
    helper.get_by_label(ui("Your message")).fill("Ik heb een ladder. Zaterdag?")
    _button(helper, "Send my reaction")
    match_path = path_of(helper)
    assert match_path.startswith("/matches/")
    assert street.asker.email not in main_text(helper)  # not agreed yet

    # The asker accepts; now both see how to reach each other, and they write.
    go(asker, match_path)
    _button(asker, "Yes, agreed")
    assert street.helper.email in main_text(asker)
    asker.get_by_label(ui("Your message")).fill("Zaterdag om tien uur is goed!")
    _button(asker, "Send")
    go(helper, match_path)
    assert "Zaterdag om tien uur is goed!" in main_text(helper)
    assert street.asker.email in main_text(helper)
    screenshot(helper, "match-agreed")

    # The helper says it is done; the asker confirms; the time is booked.
    helper.get_by_label(ui("How many minutes did it take?")).fill("45")
    _button(helper, "It is done")
    go(asker, match_path)
    _button(asker, "Yes, that is right")
    assert _balance(asker) == "\u221245 min"  # a real minus sign
    assert _balance(helper) == "45 min"
    watch.assert_clean()


def test_a_resident_signs_up_for_a_full_activity_and_waits(
    browser, live_server, new_context, watch, document_audit, street
):
    page = _page_for(new_context, watch, _signed_in(browser, live_server, street.joiner))
    go(page, f"/hulp/{street.activity_id}")
    _button(page, "Sign me up")
    assert ui("You are number %(n)s on the waiting list for %(day)s.").split("%")[0] in (
        main_text(page)
    )
    assert " 1 " in main_text(page)
    screenshot(page, "activity-waiting-list")
    watch.assert_clean()


def test_marketplace_page_basics(
    browser, live_server, new_context, watch, document_audit, street, subtests
):
    page = _page_for(new_context, watch, _signed_in(browser, live_server, street.joiner))
    for template in PAGES:
        path = template.format(activity=street.activity_id, request=street.request_id)
        with subtests.test(path=path):
            check_page(page, watch, path)
            document_audit.finish()


def test_the_printed_notice_is_one_plain_accessible_page(
    browser, live_server, new_context, watch, document_audit, street
):
    """A notice is made for paper: no site header or menu, but still one h1, a language,
    and the axe-core and reflow checks like any page."""
    page = _page_for(new_context, watch, _signed_in(browser, live_server, street.joiner))
    response = go(page, f"/hulp/{street.request_id}/afdrukken")
    assert response is not None and response.status == 200
    assert page.locator("h1").all_inner_texts() == ["Hulp bij de heg"]
    assert page.get_attribute("html", "lang") == "nl"
    assert page.locator("svg").count() == 1  # the QR code, drawn on the server
    assert street.joiner.email not in page.locator("body").inner_text()
    watch.assert_clean()


def test_marketplace_forms_sent_empty(
    browser, live_server, new_context, watch, document_audit, street, subtests
):
    page = _page_for(new_context, watch, _signed_in(browser, live_server, street.joiner))
    for path, button in [
        ("/hulp/nieuw", "Put it online"),
        ("/hulp/nieuw?soort=activiteit", "Put it online"),
    ]:
        with subtests.test(path=path):
            send_empty_form(page, path, button)
            document_audit.finish()
