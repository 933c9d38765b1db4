"""Every page meets the basics of STYLE.md "Pages", measured in a real Chromium.

One h1, landmarks, a working skip link, labels, body text >= 18 px, targets >= 44 px,
a visible focus indicator, no console errors, nothing loaded from another host, and a
Content-Security-Policy header. On top of that, every document any browser test loads is
checked by axe-core at WCAG 2.2 AA and for sideways scrolling at 320 and 390 px
(`tests/browser/audit.py`, wired up in conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.audit import assert_no_sideways_scrolling, navigation
from tests.browser.helpers import (
    check_page,
    go,
    new_person,
    register_through_form,
    screenshot,
    send_empty_form,
    signed_in_state,
    ui,
)

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/inloggen", "/aanmelden", "/wachtwoord-vergeten", "/privacy"]
MEMBER_PAGES = ["/", "/account", "/account/wachtwoord", "/account/inzage"]
# Each form sent empty, by its button.
PUBLIC_FORMS = [
    ("/inloggen", "Log in"),
    ("/wachtwoord-vergeten", "Send the link"),
    ("/aanmelden", "Create my account"),
]
MEMBER_FORMS = [("/account/wachtwoord", "Change password")]


@pytest.fixture(scope="module")
def member_state(browser: Any, live_server: str, live_mailbox: list[Any]) -> dict[str, Any]:
    """Cookies of a freshly registered resident, to open member pages in new contexts."""
    return signed_in_state(
        browser, live_server, lambda p: register_through_form(p, new_person(), live_mailbox)
    )


# Each page is a subtest; one browser page opens them all (a warm page checks faster).
def test_public_page_basics(page, watch, document_audit, subtests):
    for path in PUBLIC_PAGES:
        with subtests.test(path=path):
            check_page(page, watch, path)
            document_audit.finish()


def test_member_page_basics(new_context, watch, document_audit, member_state, subtests):
    page = new_context(storage_state=member_state).new_page()
    watch.attach(page)
    for path in MEMBER_PAGES:
        with subtests.test(path=path):
            survey = check_page(page, watch, path)
            log_out = ui("Log out", survey["lang"])
            nav = page.get_by_role("navigation")
            assert nav.get_by_role("button", name=log_out).count() == 1
            document_audit.finish()


def test_the_not_found_page_is_a_proper_page(page, watch):
    response = go(page, "/bestaat-niet")
    assert response is not None and response.status == 404
    assert page.locator("h1").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_attribute("html", "lang") == "nl"
    watch.assert_clean()


def test_forms_sent_empty_stay_accessible(
    page, new_context, watch, document_audit, member_state, subtests
):
    for path, button in PUBLIC_FORMS:
        with subtests.test(path=path):
            send_empty_form(page, path, button)
            watch.assert_clean()
            document_audit.finish()
    screenshot(page, "register-errors-full")  # the last: the longest form
    member_page = new_context(storage_state=member_state).new_page()
    watch.attach(member_page)
    for path, button in MEMBER_FORMS:
        with subtests.test(path=path):
            send_empty_form(member_page, path, button)
            watch.assert_clean()
            document_audit.finish()


@pytest.mark.parametrize("path", ["/", "/aanmelden"])
def test_small_screens_need_no_sideways_scrolling(new_context, member_state, path):
    """The member's home (longest menu) and the register form with every error, 320 px wide.

    Every document is checked at 320 and 390 px anyway; this also keeps screenshots.
    """
    state = member_state if path == "/" else None
    page = new_context(viewport={"width": 320, "height": 740}, storage_state=state).new_page()
    go(page, path)
    if path == "/aanmelden":
        with navigation(page):
            page.get_by_role("button", name=ui("Create my account")).click()
    assert_no_sideways_scrolling(page, (320, 360, 390))
    screenshot(page, f"narrow{path.replace('/', '-').rstrip('-') or '-home'}")
