"""The back office in a real Chromium, in Dutch: a coordinator logs in with her code app,
works through her work queue (verifies a new member, places that member's first request,
handles a report), makes an account for a resident who is not online, asks for help on her
behalf, accepts a neighbour's reaction for her, prints her summary and makes the copy of
her data she asked for. Every document the journey passes is checked by axe-core at WCAG
2.2 AA and for sideways scrolling at 320 and 390 px (audit.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.audit import navigation
from tests.browser.helpers import (
    Person,
    go,
    log_in_through_form,
    main_text,
    path_of,
    screenshot,
    signed_in_state,
    ui,
)

pytestmark = pytest.mark.browser

HOOD = "Oost"


@dataclass(frozen=True)
class Oost:
    """A neighbourhood with pre-moderation, its coordinator, and what waits for her."""

    coordinator: Person
    helper: Person
    newcomer_id: int
    newcomer: str
    first_request_id: int
    first_request: str
    report_id: int
    reported_listing: str


@pytest.fixture(scope="module")
def oost(live_app: Any, live_server: str) -> Oost:
    """Made by the services: Noor (new) posted her first request, which waits for a check;
    Els reported Kees's listing; Jan will help. Its own neighbourhood, so the other browser
    tests' residents are not checked first."""
    from buurthulp.accounts.services import update_profile
    from buurthulp.backoffice import trust
    from buurthulp.extensions import db
    from buurthulp.safety import services as safety
    from tests.factories import OOST, STAFF_OTP_SECRET, Factories

    coordinator = Person(
        name="Fatima Yilmaz", email="fatima@example.org", otp_secret=STAFF_OTP_SECRET
    )
    helper = Person(name="Jan Peeters", email="jan.peeters@example.org", postcode="6521 AB")
    with live_app.app_context():
        try:
            make = Factories()
            hood = make.neighbourhood(name=HOOD, pc4=OOST, premoderation=True)
            fatima = make.coordinator(hood, name=coordinator.name, email=coordinator.email)
            _phone(update_profile, fatima, "024 360 1234")
            jan = make.resident(hood, name=helper.name, email=helper.email)
            _phone(update_profile, jan, "06 4321 8765")
            noor = make.resident(hood, name="Noor Bakker")
            first = make.listing(noor, title="Wie helpt met mijn nieuwe kast?")
            assert first.status == "pending"  # pre-moderation: a new member's first listing
            kees = make.resident(hood, name="Kees Dekker")
            trust.set_trust(kees.id, step="in-person", actor=fatima)
            sale = make.listing(kees, "offer", title="Mijn oude fiets te koop")
            els = make.resident(hood, name="Els Vermeulen")
            report = safety.report(
                safety.ReportInput(
                    reason="spam", text="Dit is verkoop, geen burenhulp.", listing_id=sale.id
                ),
                actor=els,
            )
            return Oost(
                coordinator=coordinator,
                helper=helper,
                newcomer_id=noor.id,
                newcomer=noor.display_name,
                first_request_id=first.id,
                first_request=first.title,
                report_id=report.id,
                reported_listing=sale.title,
            )
        finally:
            db.session.remove()


def _phone(update_profile: Any, member: Any, number: str) -> None:
    update_profile(
        member,
        interests="",
        talents="",
        availability=0,
        radius_m=2000,
        languages="nl",
        phone=number,
        actor=member,
    )


def _button(page: Any, msgid: str, **names: str) -> None:
    """Press the button in main that reads `msgid` (filled in with `names`)."""
    label = ui(msgid) % names if names else ui(msgid)
    with navigation(page):
        page.locator("main").get_by_role("button", name=label, exact=True).click()


def _link(page: Any, name: str, *, within: Any = None) -> None:
    with navigation(page):
        (within or page.locator("main")).get_by_role("link", name=name, exact=True).first.click()


def _card(page: Any, title: str) -> None:
    """Follow a card on the home page (its name is its title and its line of text)."""
    with navigation(page):
        page.locator("main a.card").filter(has_text=title).first.click()


def _why(page: Any, reason: str, explanation: str = "") -> None:
    """Answer "why do you open this?" as a coordinator would; back to the page that asked."""
    assert page.get_by_role("heading", level=1).inner_text() == ui("Why do you open this?")
    question = page.locator("main form").inner_text()
    assert "Noor" not in question and "Truus" not in question  # it names nobody
    page.get_by_label(ui(reason), exact=True).check()
    if explanation:
        page.get_by_label(ui("In a few words (needed for “other”)")).fill(explanation)
    _button(page, "Continue")


def _trust_level(page: Any) -> str:
    """What the resident's file says after "Trust level"."""
    term = page.locator("main dt", has_text=ui("Trust level"))
    return term.locator("xpath=following-sibling::dd[1]").inner_text()


def _queue_row(page: Any, text: str) -> Any:
    return page.locator("main tbody tr").filter(has_text=text)


def _open(page: Any, row: Any) -> None:
    """Open a work-queue item where it is handled ("Openen", with the item's title)."""
    with navigation(page):
        row.get_by_role("link", name=ui("Open")).click()


def test_a_coordinator_works_her_queue_and_helps_a_resident_who_is_not_online(
    browser, live_server, new_context, watch, document_audit, oost
):
    page = new_context().new_page()
    watch.attach(page)

    # She logs in: password, then the code from her app.
    log_in_through_form(page, oost.coordinator)

    # The work queue, from her home page: the three things waiting for her, each saying why.
    _card(page, ui("Work queue"))
    assert path_of(page) == "/beheer/werklijst"
    assert _queue_row(page, oost.newcomer).count() >= 1
    assert _queue_row(page, oost.first_request).count() == 1
    assert _queue_row(page, oost.reported_listing).count() == 1
    screenshot(page, "work-queue")

    # 1. Verify Noor: her file first asks why it is opened.
    verify = _queue_row(page, oost.newcomer).filter(
        has_text=ui("New resident, not verified yet: meet them in person or see an ID.")
    )
    _open(page, verify)
    assert path_of(page) == f"/beheer/bewoners/{oost.newcomer_id}"
    _why(page, "other", "Kennismaking met een nieuwe bewoner")
    assert page.get_by_role("heading", level=1).inner_text() == oost.newcomer
    assert _trust_level(page) == ui("new")
    _link(page, ui("Record a check"))
    page.get_by_label(ui("I met them in person"), exact=True).check()
    page.get_by_label(ui("Note (optional; needed when you lower the level)")).fill(
        "Op het spreekuur in het buurthuis gesproken."
    )
    _button(page, "Save")
    assert path_of(page) == f"/beheer/bewoners/{oost.newcomer_id}"
    saved = ui("The trust level of %(name)s is saved.") % {"name": oost.newcomer}
    assert saved in page.locator("body").inner_text()
    assert _trust_level(page) == ui("verified")
    assert ui("met in person") in main_text(page)  # the history says how, and by whom
    assert oost.coordinator.name in main_text(page)

    # 2. Place her first request (it waited: the neighbourhood checks new members' listings).
    go(page, "/beheer/werklijst")
    assert _queue_row(page, oost.newcomer).filter(has_text=ui("Members to verify")).count() == 0
    _open(page, _queue_row(page, oost.first_request))
    assert path_of(page) == f"/veiligheid/beheer/oproepen/{oost.first_request_id}"
    assert oost.first_request in main_text(page)
    page.get_by_label(ui("Place it: neighbours can see it"), exact=True).check()
    _button(page, "Save my decision")
    assert ui("The listing is placed. The owner is told.") in page.locator("body").inner_text()
    assert ui("Checked and placed") in main_text(page)

    # 3. Handle Els's report: Kees offers his bike for sale; the listing is hidden.
    go(page, "/beheer/werklijst")
    assert _queue_row(page, oost.first_request).count() == 0
    _open(page, _queue_row(page, oost.reported_listing))
    _why(page, "a concern report")  # it names Els and Kees: the reason first
    assert path_of(page) == f"/veiligheid/beheer/meldingen/{oost.report_id}"
    assert "Dit is verkoop, geen burenhulp." in main_text(page)
    page.get_by_label(ui("Listing hidden"), exact=True).check()
    page.get_by_label(ui("What the member reads")).fill(
        "Verkopen hoort niet op Buurthulp. Hier helpen buren elkaar, in tijd."
    )
    page.get_by_label(ui("Note for coordinators")).fill("Kees gebeld, hij begrijpt het.")
    _button(page, "Save: handled")
    assert path_of(page) == "/veiligheid/beheer/meldingen"
    done = ui("The report is handled. The one who reported is told.")
    assert done in page.locator("body").inner_text()
    go(page, "/beheer/werklijst")
    assert _queue_row(page, oost.reported_listing).count() == 0
    assert _queue_row(page, oost.first_request).count() == 0

    # 4. Make an account for Truus, who has no e-mail or computer; she signed on paper.
    go(page, "/")
    _card(page, ui("Residents who are not online"))
    _link(page, ui("Make an account for a resident"))
    page.get_by_label(ui("Name"), exact=True).fill("Truus de Vries")
    page.get_by_label(ui("Postcode"), exact=True).fill("6521 AB")
    page.get_by_label(ui("House number"), exact=True).fill("7")
    page.get_by_label(ui("Phone number"), exact=True).fill("024 123 4567")
    page.get_by_label(ui("on paper, signed"), exact=True).check()
    _button(page, "Make the account")
    made = ui("The account of %(name)s is made. You act on their behalf.") % {
        "name": "Truus de Vries"
    }
    assert made in main_text(page)  # said above the question her overview asks first
    _why(page, "handling a request for help")
    truus_home = path_of(page)
    assert truus_home.startswith("/beheer/namens/")
    truus_id = int(truus_home.rsplit("/", 1)[1])

    # 5. Ask for help on her behalf.
    _link(page, ui("Ask for help"))
    page.get_by_label(ui("Title"), exact=True).fill("Boodschappen halen op vrijdag")
    page.get_by_label(ui("What kind of help?")).select_option("boodschappen")
    page.get_by_label(ui("Tell a bit more (optional)")).fill(
        "Truus loopt slecht. Een tas met brood, melk en fruit is genoeg."
    )
    _button(page, "Put the request online")
    assert path_of(page) == truus_home
    assert "Boodschappen halen op vrijdag" in main_text(page)
    on_behalf = ui("on behalf of %(name)s by %(by)s") % {
        "name": "Truus de Vries",
        "by": oost.coordinator.name,
    }
    assert on_behalf in main_text(page)
    assert ui("waiting for a check") not in main_text(page)  # she wrote it: nothing to check

    # Jan, a neighbour, finds it in his feed and reacts (his own browser).
    jan = new_context(
        storage_state=signed_in_state(
            browser, live_server, lambda p: log_in_through_form(p, oost.helper)
        )
    ).new_page()
    watch.attach(jan)
    go(jan, "/hulp/")
    _link(jan, "Boodschappen halen op vrijdag")
    assert on_behalf in main_text(jan)  # neighbours see who wrote it for her
    jan.get_by_label(ui("Your message")).fill(
        "Ik ga vrijdag toch naar de markt. Zal ik langskomen?"
    )
    _button(jan, "Send my reaction")
    assert path_of(jan).startswith("/matches/")
    match_id = int(path_of(jan).rsplit("/", 1)[1])

    # 6. She accepts Jan's reaction for Truus: now Truus can reach Jan.
    go(page, truus_home)
    _link(page, "Boodschappen halen op vrijdag")
    assert path_of(page) == f"{truus_home}/matches/{match_id}"
    _button(page, "Yes, agreed on behalf of %(name)s", name="Truus de Vries")
    agreed = ui("Agreed, on behalf of %(name)s.") % {"name": "Truus de Vries"}
    assert agreed in page.locator("body").inner_text()
    contact = page.locator("section.contact")
    assert "Jan" in contact.inner_text() and "06 4321 8765" in contact.inner_text()

    # 7. Print her summary: the request, Jan's first name and phone, her balance.
    go(page, truus_home)
    _link(page, ui("Print the summary"), within=page.get_by_role("navigation").last)
    assert path_of(page) == f"{truus_home}/overzicht"
    summary = page.locator("main").inner_text()
    assert "Boodschappen halen op vrijdag" in summary
    assert "Jan" in summary and "Peeters" not in summary  # a first name is enough on paper
    assert "06 4321 8765" in summary
    assert f"{ui('Your balance')}: 0 min" in summary
    assert "024 360 1234" in summary  # how to reach the coordinator
    font_pt = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize) * 0.75")
    assert font_pt >= 16, font_pt  # large type, as the issue asks
    screenshot(page, "proxy-summary")

    # 8. Truus asked for a copy of her data: the coordinator makes it, to print or as a file.
    go(page, truus_home)
    _link(page, ui("Their file"))
    _link(page, ui("Time bank"))
    _link(page, ui("Privacy: consents, copy of data, erase"))
    assert path_of(page) == f"/privacy/leden/{truus_id}"
    consent = page.locator("main tbody tr").first.inner_text()
    assert ui("on paper") in consent and oost.coordinator.name in consent  # who wrote it down
    with page.expect_download() as download:
        page.locator("main").get_by_role("button", name=ui("File (JSON)"), exact=True).click()
    data = json.loads(download.value.path().read_text("utf-8"))
    assert data["profile"]["display_name"] == "Truus de Vries"
    assert data["profile"]["email"] is None
    assert "Boodschappen halen op vrijdag" in json.dumps(data, ensure_ascii=False)
    # The file came as a download, so the page stayed: its buttons must still work.
    assert page.locator("main").get_by_role("button", name=ui("Page to print")).is_enabled()
    _button(page, "Page to print")
    assert path_of(page) == f"/privacy/leden/{truus_id}/export"
    document = main_text(page)
    assert "Truus de Vries" in page.get_by_role("heading", level=1).inner_text()
    assert "Boodschappen halen op vrijdag" in document
    assert "Jan Peeters" in document  # the other party of her match, by name only
    assert oost.coordinator.name in document  # who looked at her data, and why
    screenshot(page, "proxy-export")
    watch.assert_clean()
