"""The time bank pages in a real Chromium: residents' and coordinators', forms with errors.

Each page is a subtest, and all of one person's pages are opened in one browser page: a
warm page checks a document in a fraction of the time a fresh one takes. Every document
is also checked by axe-core and at 320/390 px (audit.py), per subtest.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import (
    TimeBank,
    check_page,
    go,
    log_in_through_form,
    screenshot,
    send_empty_form,
    signed_in_state,
)

pytestmark = pytest.mark.browser

PAGES = {
    "resident": ["/tijdbank/", "/tijdbank/bedanken", "/tijdbank/pot-geven"],
    "coordinator": [
        "/tijdbank/beheer",
        "/tijdbank/beheer/buurt/{hood}/leden",
        "/tijdbank/beheer/leden/{member}",
        "/tijdbank/beheer/leden/{member}/bedanken",
        "/tijdbank/beheer/leden/{member}/pot-geven",
        "/tijdbank/beheer/leden/{member}/limieten",
        "/tijdbank/beheer/leden/{member}/afrekenen",
        "/tijdbank/beheer/overboekingen/{transfer}/terugdraaien?terug={member}",
        "/tijdbank/beheer/pot/{hood}",
        "/tijdbank/beheer/pot/{hood}/toekennen",
        "/tijdbank/beheer/gezondheid",
    ],
}
# Each form sent empty, by its button: the page comes back (422) with an error summary.
FORMS = {
    "resident": [
        ("/tijdbank/bedanken", "Send the time"),
        ("/tijdbank/pot-geven", "Give the time"),
    ],
    "coordinator": [
        ("/tijdbank/beheer/leden/{member}/limieten", "Save the limits"),
        ("/tijdbank/beheer/leden/{member}/afrekenen", "Settle and close"),
        (
            "/tijdbank/beheer/overboekingen/{transfer}/terugdraaien?terug={member}",
            "Reverse the transfer",
        ),
        ("/tijdbank/beheer/pot/{hood}/toekennen", "Book the grant"),
    ],
}
# Pages with tables: (page, how many columns its first table has).
TABLES = {
    "resident": [("/tijdbank/", 5)],
    "coordinator": [
        ("/tijdbank/beheer", 3),
        ("/tijdbank/beheer/buurt/{hood}/leden", 2),
        ("/tijdbank/beheer/leden/{member}", 6),
        ("/tijdbank/beheer/pot/{hood}", 6),
    ],
}
ROLES = ["resident", "coordinator"]
CARDS_UP_TO_PX = 896  # 56rem, the breakpoint in static/css/buurthulp.css


@pytest.fixture(scope="module")
def signed_in(browser: Any, live_server: str, time_bank: TimeBank) -> dict[str, Any]:
    """Cookies of the resident and of the coordinator, logged in through the real form."""
    return {
        "resident": signed_in_state(
            browser, live_server, lambda p: log_in_through_form(p, time_bank.resident)
        ),
        "coordinator": signed_in_state(
            browser, live_server, lambda p: log_in_through_form(p, time_bank.coordinator)
        ),
    }


@pytest.fixture
def open_as(new_context, watch, signed_in) -> Any:
    def make(who: str) -> Any:
        page = new_context(storage_state=signed_in[who]).new_page()
        watch.attach(page)
        return page

    return make


def url(path: str, time_bank: TimeBank) -> str:
    return path.format(
        hood=time_bank.hood_id, member=time_bank.resident_id, transfer=time_bank.open_transfer_id
    )


@pytest.mark.parametrize("who", ROLES)
def test_page_basics(open_as, watch, document_audit, time_bank, subtests, who):
    page = open_as(who)
    for path in PAGES[who]:
        with subtests.test(path=path):
            check_page(page, watch, url(path, time_bank))
            document_audit.finish()


@pytest.mark.parametrize("who", ROLES)
def test_a_form_sent_empty_explains_itself(
    open_as, watch, document_audit, time_bank, subtests, who
):
    page = open_as(who)
    for path, button in FORMS[who]:
        with subtests.test(path=path):
            send_empty_form(page, url(path, time_bank), button)
            watch.assert_clean()
            document_audit.finish()


def test_a_wrong_period_is_explained_on_the_statement(open_as, watch, time_bank):
    page = open_as("resident")
    check_page(page, watch, "/tijdbank/?van=2020-05-01&tot=2020-01-01", status=422)
    assert page.locator("#tot-error").is_visible()
    assert page.locator("#tot").get_attribute("aria-invalid") == "true"


@pytest.mark.parametrize("who", ROLES)
def test_tables_have_headers_when_wide_and_become_cards_when_narrow(
    open_as, document_audit, time_bank, subtests, who
):
    page = open_as(who)
    for path, columns in TABLES[who]:
        with subtests.test(path=path):
            page.set_viewport_size({"width": CARDS_UP_TO_PX + 1, "height": 800})
            go(page, url(path, time_bank))
            table = page.locator("main table").first
            headers = table.locator("thead th[scope=col]")
            assert headers.count() == columns
            # Wide: a real table, each column under its header.
            assert table.evaluate("t => getComputedStyle(t).display") == "table"
            assert table.get_by_role("columnheader").count() == columns
            # Each cell carries its column's name, for the cards.
            names = [h.strip() for h in headers.all_inner_texts()]
            for row in table.locator("tbody tr").all():
                labels = [td.get_attribute("data-label") for td in row.locator("td").all()]
                assert labels == names, (labels, names)

            page.set_viewport_size({"width": CARDS_UP_TO_PX, "height": 800})
            assert table.evaluate("t => getComputedStyle(t).display") == "block"
            first_cell = table.locator("tbody tr").first.locator("td").first
            shown = first_cell.evaluate("td => getComputedStyle(td, '::before').content")
            assert names[0] in shown, shown
            if columns == 6:
                page.set_viewport_size({"width": 320, "height": 740})
                screenshot(page, f"narrow-{path.split('/')[3]}")
            document_audit.finish()
