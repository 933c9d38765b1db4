"""Every page meets the basics of STYLE.md "Pages", measured in a real Chromium.

One h1, landmarks, a working skip link, labels, body text >= 18 px, targets >= 44 px,
a visible focus indicator, no console errors, nothing loaded from another host, and a
Content-Security-Policy header.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import new_person, register_through_form, screenshot, ui

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/inloggen", "/aanmelden", "/wachtwoord-vergeten", "/privacy"]
MEMBER_PAGES = ["/", "/account", "/account/wachtwoord", "/account/inzage"]
MIN_TARGET_PX = 44
MIN_BODY_FONT_PX = 18

# One pass over the DOM: what the checks below need, as plain data.
SURVEY = """(minTarget) => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden";
  };
  const describe = (el) => el.outerHTML.slice(0, 160);
  const fields = [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden" && shown(el));
  const labelled = (el) =>
    [...(el.labels || [])].some((label) => label.textContent.trim()) ||
    (el.getAttribute("aria-label") || "").trim() ||
    (el.getAttribute("aria-labelledby") || "").trim();
  const targets = [...document.querySelectorAll(
    ".button, nav a, nav button, form button, form input[type=submit]"
  )].filter(shown);
  return {
    h1: [...document.querySelectorAll("h1")].map((h) => h.textContent.trim()),
    lang: document.documentElement.getAttribute("lang"),
    bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize),
    unlabelled: fields.filter((el) => !labelled(el)).map(describe),
    smallTargets: targets
      .filter((el) => el.getBoundingClientRect().height < minTarget)
      .map((el) => `${describe(el)} -> ${el.getBoundingClientRect().height}px`),
    textInputs: fields.filter((el) => !["checkbox", "radio", "file"].includes(el.type))
      .map((el) => el.id),
  };
}"""

FOCUS_STYLE = """() => {
  const style = getComputedStyle(document.activeElement);
  return {
    id: document.activeElement.id,
    tag: document.activeElement.tagName,
    className: document.activeElement.className,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
  };
}"""


@pytest.fixture(scope="module")
def member_state(browser: Any, live_server: str) -> dict[str, Any]:
    """Cookies of a freshly registered resident, to open member pages in new contexts."""
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    try:
        register_through_form(context.new_page(), new_person())
        return context.storage_state()
    finally:
        context.close()


def _has_visible_focus(style: dict[str, Any]) -> bool:
    outlined = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
    return outlined or style["boxShadow"] not in ("", "none")


def check_page(page: Any, watch: Any, path: str) -> dict[str, Any]:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, f"{path}: CSP header missing or weak: {csp!r}"

    survey = page.evaluate(SURVEY, MIN_TARGET_PX)
    assert len(survey["h1"]) == 1, f"{path}: want exactly one h1, got {survey['h1']}"
    assert survey["lang"] in ("nl", "en"), f"{path}: <html lang> is {survey['lang']!r}"
    assert survey["bodyFontPx"] >= MIN_BODY_FONT_PX, f"{path}: body {survey['bodyFontPx']}px"
    assert not survey["unlabelled"], f"{path}: fields without a label: {survey['unlabelled']}"
    assert not survey["smallTargets"], f"{path}: targets under 44px: {survey['smallTargets']}"

    for role in ("banner", "main", "contentinfo"):
        assert page.get_by_role(role).count() == 1, f"{path}: want one {role} landmark"
    assert page.get_by_role("navigation").count() >= 1, f"{path}: no navigation landmark"

    # The skip link is the first stop for the keyboard, shows itself, and moves focus to main.
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert "skip-link" in focused["className"], f"{path}: first Tab went to {focused}"
    assert _has_visible_focus(focused), f"{path}: skip link focus is invisible: {focused}"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"{path}: skip link off-screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN", f"{path}: skip link"

    if survey["textInputs"]:
        page.locator(f"#{survey['textInputs'][0]}").focus()
        focused = page.evaluate(FOCUS_STYLE)
        assert _has_visible_focus(focused), f"{path}: focused input has no outline: {focused}"

    watch.assert_clean()
    return survey


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_basics(page, watch, path):
    check_page(page, watch, path)


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_page_basics(new_context, watch, member_state, path):
    page = new_context(storage_state=member_state).new_page()
    watch.attach(page)
    survey = check_page(page, watch, path)
    log_out = ui("Log out", survey["lang"])
    assert page.get_by_role("navigation").get_by_role("button", name=log_out).count() == 1


def test_the_not_found_page_is_a_proper_page(page, watch):
    response = page.goto("/bestaat-niet")
    assert response is not None and response.status == 404
    assert page.locator("h1").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_attribute("html", "lang") == "nl"
    watch.assert_clean()


def test_the_register_page_with_errors_stays_accessible(page, watch):
    page.goto("/aanmelden")
    with page.expect_navigation():
        page.get_by_role("button", name=ui("Create my account")).click()
    survey = page.evaluate(SURVEY, MIN_TARGET_PX)
    assert len(survey["h1"]) == 1 and not survey["unlabelled"] and not survey["smallTargets"]
    for field in page.locator("[aria-invalid=true]").all():
        # Each field in error points screen readers at its own message.
        described = (field.get_attribute("aria-describedby") or "").split()
        assert f"{field.get_attribute('id')}-error" in described
        assert page.locator(f"#{field.get_attribute('id')}-error").is_visible()
    screenshot(page, "register-errors-full")
    watch.assert_clean()


@pytest.mark.parametrize("path", ["/", "/aanmelden"])
def test_small_screens_need_no_sideways_scrolling(new_context, member_state, path):
    """The member's home (longest menu) and the register form with every error, 360 px wide."""
    state = member_state if path == "/" else None
    page = new_context(viewport={"width": 360, "height": 740}, storage_state=state).new_page()
    page.goto(path)
    if path == "/aanmelden":
        with page.expect_navigation():
            page.get_by_role("button", name=ui("Create my account")).click()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path}: {overflow}px sideways scrolling at 360px wide"
    screenshot(page, f"narrow{path.replace('/', '-').rstrip('-') or '-home'}")
