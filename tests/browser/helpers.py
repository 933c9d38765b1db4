"""Helpers for the browser tests: people, a time bank, the real forms, page basics."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser.audit import audit, navigation

PASSWORD = "correct horse battery"
NEIGHBOURHOOD = "Centrum"
SHOTS = Path(os.environ.get("BUURTHULP_SHOTS", "/tmp/buurthulp-shots"))

CONSENT = "I have read the privacy statement and agree to it."

_emails = itertools.count(1)


@dataclass
class Person:
    name: str
    email: str
    password: str = PASSWORD
    postcode: str = "6511 AB"
    house_number: str = "12"
    otp_secret: str | None = None  # staff: the secret of their code app


#: The last time step whose code each person typed: the server takes a code only once.
_used_steps: dict[str, int] = {}
#: The app the live server serves (set by the `live_app` fixture).
LIVE_APP: Any = None


def code_for(who: Person) -> str:
    """What the person's code app shows, one they have not typed yet.

    The server takes each 30-second code once (and the next step's too). A person who
    logs in a third time within the window would have to wait for the clock: instead the
    server forgets which codes they used, as a test's own second phone would."""
    import time

    import pyotp

    assert who.otp_secret, f"{who.email} has no code app"
    code = pyotp.TOTP(who.otp_secret)
    now = int(time.time()) // code.interval
    step = max(now, _used_steps.get(who.email, -1) + 1)
    if step > now + 1:
        _forget_used_codes(who.email)
        step = now
    _used_steps[who.email] = step
    return code.generate_otp(step)


def _forget_used_codes(email: str) -> None:
    from sqlalchemy import select, update

    from buurthulp.auth.models import Member, SecondFactor
    from buurthulp.db import transaction
    from buurthulp.extensions import db

    assert LIVE_APP is not None, "the live_app fixture sets helpers.LIVE_APP"
    with LIVE_APP.app_context():
        try:
            with transaction():
                member_id = select(Member.id).where(Member.email == email).scalar_subquery()
                db.session.execute(
                    update(SecondFactor)
                    .where(SecondFactor.member_id == member_id)
                    .values(last_step=0)
                )
        finally:
            db.session.remove()


def new_person() -> Person:
    """A new resident-to-be (unique e-mail: the database lives for the whole session)."""
    n = next(_emails)
    return Person(name=f"Annie {n}", email=f"annie{n}@example.org")


@dataclass(frozen=True)
class TimeBank:
    """What `book_time_bank` made: who logs in, and the ids the staff pages need."""

    resident: Person
    coordinator: Person
    hood_id: int
    resident_id: int
    open_transfer_id: int  # one the coordinator may still reverse


def book_time_bank() -> TimeBank:
    """Three residents and a coordinator in the neighbourhood, and transfers of every kind.

    Names and texts are long on purpose (a double surname, a description of a few lines):
    the statement tables must take them at 320 px. Needs an app context.
    """
    from sqlalchemy import select

    from buurthulp.extensions import db
    from buurthulp.ledger import services
    from buurthulp.neighbourhoods.models import Neighbourhood
    from tests.factories import STAFF_OTP_SECRET, Factories

    make = Factories()
    hood = db.session.scalar(select(Neighbourhood).where(Neighbourhood.name == NEIGHBOURHOOD))
    resident = Person(name="Wilhelmina van den Berg-Hoogendoorn", email="wil@example.org")
    coordinator = Person(
        name="Marieke de Wit", email="marieke@example.org", otp_secret=STAFF_OTP_SECRET
    )
    wil = make.resident(hood, name=resident.name, email=resident.email)
    bob = make.resident(hood, name="Bob Jansen")
    carol = make.resident(hood, name="Carol de Boer")
    coord = make.coordinator(hood, name=coordinator.name, email=coordinator.email)

    def thank(payer: Any, to: Any, minutes: int, text: str, actor: Any = None) -> int:
        return services.thank(
            payer=payer, to_member_id=to.id, minutes=minutes, description=text, actor=actor or payer
        ).transfer.id

    open_id = thank(
        wil, bob, 75, "Gordijnrails opgehangen in de woonkamer en de lamp in de gang vervangen"
    )
    thank(bob, wil, 30, "Boodschappen gedaan bij de supermarkt")
    services.donate(payer=wil, minutes=20, description="Voor wie niets terug kan doen", actor=wil)
    services.grant(
        neighbourhood_id=hood.id,
        to_member_id=carol.id,
        minutes=90,
        description="Vervoer naar het ziekenhuis en terug",
        category="vervoer",
        actor=coord,
    )
    by_proxy = thank(wil, carol, 15, "Namens haar ingevoerd", actor=coord)
    services.reverse(transfer_id=by_proxy, actor=coord, reason="Per ongeluk twee keer ingevoerd")
    services.change_limits(
        member_id=wil.id, lower=-600, upper=3000, actor=coord, reason="Afspraak bij het huisbezoek"
    )
    # Today's "why do you open this?" is answered: the staff pages of Wil open directly.
    make.reason(coord, wil, reason="finance")
    return TimeBank(
        resident=resident,
        coordinator=coordinator,
        hood_id=hood.id,
        resident_id=wil.id,
        open_transfer_id=open_id,
    )


@cache
def _catalogue(locale: str) -> Any:
    from babel.support import NullTranslations, Translations

    import buurthulp

    found = Translations.load(str(Path(buurthulp.__file__).parent / "translations"), [locale])
    return found if found.files else NullTranslations()


def translations_compiled(locale: str = "nl") -> bool:
    return bool(getattr(_catalogue(locale), "files", None))


def ui(msgid: str, locale: str = "nl") -> str:
    """What the page shows for `msgid` in `locale`: the compiled catalogue, else the msgid."""
    return _catalogue(locale).gettext(msgid)


def path_of(page: Any) -> str:
    return urlsplit(page.url).path


def main_text(page: Any) -> str:
    return page.locator("main").inner_text()


def go(page: Any, path: str) -> Any:
    """`page.goto` that audits the document it lands on (tests/browser/audit.py)."""
    response = page.goto(path)
    audit(page)
    return response


def register_through_form(page: Any, who: Person, mailbox: list[Any], locale: str = "nl") -> None:
    """Sign up with the real form, open the link in the mail, confirm: lands on home."""
    go(page, "/aanmelden")
    page.get_by_label(ui("Your name", locale), exact=True).fill(who.name)
    page.get_by_label(ui("E-mail address", locale), exact=True).fill(who.email)
    page.get_by_label(ui("Password", locale), exact=True).fill(who.password)
    page.get_by_label(ui("Postcode", locale), exact=True).fill(who.postcode)
    page.get_by_label(ui("House number", locale), exact=True).fill(who.house_number)
    page.get_by_label(ui(CONSENT, locale)).check()
    with navigation(page):
        page.get_by_role("button", name=ui("Create my account", locale)).click()
    assert path_of(page) == "/aanmelden/kijk-in-je-mail", main_text(page)
    go(page, link_in_mail(mailbox, who.email, "/aanmelden/bevestigen/"))
    page.get_by_label(ui("Your password", locale), exact=True).fill(who.password)
    with navigation(page):
        page.locator("main").get_by_role("button", name=ui("Confirm my account", locale)).click()
    assert path_of(page) == "/", main_text(page)


def link_in_mail(mailbox: list[Any], to: str, path_part: str) -> str:
    """The path of the link containing `path_part` in the newest mail to `to`."""
    mails = [mail for mail in mailbox if mail["To"] == to]
    assert mails, f"no mail to {to}"
    body = mails[-1].get_content()
    found = re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", body)
    assert found, body
    return urlsplit(found.group(0)).path


def log_in_through_form(page: Any, who: Person, locale: str = "nl") -> None:
    """Log in with the real form (staff: then the code from their app); lands on home."""
    go(page, "/inloggen")
    page.get_by_label(ui("E-mail address", locale), exact=True).fill(who.email)
    page.get_by_label(ui("Password", locale), exact=True).fill(who.password)
    with navigation(page):
        page.locator("main").get_by_role("button", name=ui("Log in", locale)).click()
    if who.otp_secret:
        assert path_of(page) == "/inloggen/code", main_text(page)
        page.get_by_label(ui("Code", locale), exact=True).fill(code_for(who))
        with navigation(page):
            page.locator("main").get_by_role("button", name=ui("Log in", locale)).click()
    assert path_of(page) == "/", main_text(page)


def signed_in_state(browser: Any, base_url: str, sign_in: Callable[[Any], None]) -> Any:
    """The cookies of a context after `sign_in(page)`, to open pages in new contexts."""
    context = browser.new_context(base_url=base_url, locale="nl-NL")
    try:
        sign_in(context.new_page())
        return context.storage_state()
    finally:
        context.close()


def log_out(page: Any, locale: str = "nl") -> None:
    with navigation(page):
        page.get_by_role("navigation").get_by_role("button", name=ui("Log out", locale)).click()
    assert path_of(page) == "/"


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG in $BUURTHULP_SHOTS (default /tmp/buurthulp-shots) to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Page basics (STYLE.md "Pages") ------------------------------------------------------------

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


def _has_visible_focus(style: dict[str, Any]) -> bool:
    outlined = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
    return outlined or style["boxShadow"] not in ("", "none")


def assert_survey(page: Any, path: str) -> dict[str, Any]:
    """One h1, a language, body text >= 18 px, labelled fields, targets >= 44 px."""
    survey = page.evaluate(SURVEY, MIN_TARGET_PX)
    assert len(survey["h1"]) == 1, f"{path}: want exactly one h1, got {survey['h1']}"
    assert survey["lang"] in ("nl", "en"), f"{path}: <html lang> is {survey['lang']!r}"
    assert survey["bodyFontPx"] >= MIN_BODY_FONT_PX, f"{path}: body {survey['bodyFontPx']}px"
    assert not survey["unlabelled"], f"{path}: fields without a label: {survey['unlabelled']}"
    assert not survey["smallTargets"], f"{path}: targets under 44px: {survey['smallTargets']}"
    return survey


def check_page(page: Any, watch: Any, path: str, status: int = 200) -> dict[str, Any]:
    """Open `path` and check the basics of STYLE.md "Pages", keyboard included."""
    response = go(page, path)
    assert response is not None and response.status == status, (
        f"{path}: {response and response.status}"
    )
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp, f"{path}: CSP header missing or weak: {csp!r}"
    survey = assert_survey(page, path)

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


def assert_error_summary_leads_to_fields(page: Any) -> list[str]:
    """The summary lists each field in error; each link leads to it, with its own message."""
    summary = page.locator(".error-summary")
    assert summary.count() == 1, main_text(page)
    targets = [a.get_attribute("href") for a in summary.get_by_role("link").all()]
    assert targets, summary.inner_text()
    for href in targets:
        field = page.locator(f"form {href}")
        assert field.count() == 1, href
        assert field.get_attribute("aria-invalid") == "true", href
        described = (field.get_attribute("aria-describedby") or "").split()
        assert f"{href[1:]}-error" in described, (href, described)
        assert page.locator(f"{href}-error").is_visible(), href
    return targets


def send_empty_form(page: Any, path: str, button: str, locale: str = "nl") -> None:
    """Open `path` and press `button` with nothing filled in: the page comes back (422)
    with an error summary that leads to each field in error."""
    go(page, path)
    with navigation(page) as sent:
        page.locator("main").get_by_role("button", name=ui(button, locale)).click()
    assert sent.value.status == 422, f"{path}: {sent.value.status}"
    assert_survey(page, f"{path} (errors)")
    assert_error_summary_leads_to_fields(page)
