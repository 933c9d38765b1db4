"""Helpers for the browser tests: a person to register, the real forms, screenshots."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PASSWORD = "correct horse battery"
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


def new_person() -> Person:
    """A new resident-to-be (unique e-mail: the database lives for the whole session)."""
    n = next(_emails)
    return Person(name=f"Annie {n}", email=f"annie{n}@example.org")


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


def register_through_form(page: Any, who: Person, locale: str = "nl") -> None:
    """Fill in the real registration form by its labels and send it; lands on the home page."""
    page.goto("/aanmelden")
    page.get_by_label(ui("Your name", locale), exact=True).fill(who.name)
    page.get_by_label(ui("E-mail address", locale), exact=True).fill(who.email)
    page.get_by_label(ui("Password", locale), exact=True).fill(who.password)
    page.get_by_label(ui("Postcode", locale), exact=True).fill(who.postcode)
    page.get_by_label(ui("House number", locale), exact=True).fill(who.house_number)
    page.get_by_label(ui(CONSENT, locale)).check()
    with page.expect_navigation():
        page.get_by_role("button", name=ui("Create my account", locale)).click()
    assert path_of(page) == "/", main_text(page)


def log_in_through_form(page: Any, who: Person, locale: str = "nl") -> None:
    """Log in with the real form; lands on the home page."""
    page.goto("/inloggen")
    page.get_by_label(ui("E-mail address", locale), exact=True).fill(who.email)
    page.get_by_label(ui("Password", locale), exact=True).fill(who.password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=ui("Log in", locale)).click()
    assert path_of(page) == "/", main_text(page)


def log_out(page: Any, locale: str = "nl") -> None:
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("button", name=ui("Log out", locale)).click()
    assert path_of(page) == "/"


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG in $BUURTHULP_SHOTS (default /tmp/buurthulp-shots) to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
