"""Languages, the visitor's locale, and how times and time credits are written.

The ground floor: the web layer, templates, services and the CLI all read the language list
and formatting from here, so there is one answer to "which languages" and "how do we write
1 u 30 min" (and no import circle between the web wiring and the pages).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import flask_babel
from babel import dates as babel_dates
from babel.support import NullTranslations
from flask import g, has_app_context, has_request_context, session
from flask_babel import format_datetime
from flask_babel.speaklater import LazyString

#: Dutch first: the default for every visitor who has not chosen.
LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"
#: Every time a person reads is Amsterdam time, whatever the server's clock says.
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


_NULL = NullTranslations()


#: Where the session and token loaders put the member's own language (`g`), for
#: `select_locale` to read without reaching up into the login machinery.
MEMBER_LOCALE = "member_locale"
_CATALOGUES = "buurthulp_catalogues"


def translations() -> NullTranslations:
    """The catalogue of the current language, loaded once per request and language.

    Flask-Babel loads it again on every call; a page calls gettext about a hundred times,
    so the web benchmark felt it. Keyed by the locale Flask-Babel reports, so
    `force_locale` (a mail in the recipient's language) still switches language.
    """
    if not has_app_context():
        return _NULL
    locale = flask_babel.get_locale()
    catalogues: dict[str, NullTranslations] = g.setdefault(_CATALOGUES, {})
    key = str(locale)
    found = catalogues.get(key)
    if found is None:
        found = catalogues[key] = flask_babel.get_translations()
    return found


def gettext(string: str, **variables: object) -> str:
    """`flask_babel.gettext`, faster: the text in the visitor's language, filled in."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """`flask_babel.ngettext`, faster; `%(num)d` is filled in like Flask-Babel does."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: object) -> LazyString:
    """A text translated when it is shown (module-level labels), through `gettext`."""
    return LazyString(gettext, string, **variables)


_ = gettext


def clean_locale(value: object) -> str:
    """A known locale code, or the default."""
    return value if isinstance(value, str) and value in LOCALES else DEFAULT_LOCALE


def select_locale() -> str:
    """The visitor's own choice first (session or account), then Dutch.

    Outside a request (CLI, scripts) there is no visitor: Dutch, the default. The member
    is loaded before anything on the page is translated (`buurthulp.web`), and the loaders
    put their language in `g` (`MEMBER_LOCALE`).
    """
    if not has_request_context():
        return DEFAULT_LOCALE
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    own = g.get(MEMBER_LOCALE)
    return own if own in LOCALES else DEFAULT_LOCALE


def format_minutes(minutes: int | None) -> str:
    """1 u 30 min, -45 min, 2 u: time credits the way people say them."""
    if minutes is None:
        return ""
    return _format_minutes(int(minutes), translations())


@lru_cache(maxsize=8192)
def _format_minutes(minutes: int, catalogue: NullTranslations) -> str:
    """Each amount is worded once per language (a statement repeats the same few)."""
    sign = "\N{MINUS SIGN}" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return sign + catalogue.ugettext("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    if hours:
        return sign + catalogue.ugettext("%(h)s h") % {"h": hours}
    return sign + catalogue.ugettext("%(m)s min") % {"m": rest}


def when(value: datetime | None, style: str = "short") -> str:
    """A moment as a person in the Netherlands reads it (Babel, Europe/Amsterdam)."""
    if value is None:
        return ""
    return format_datetime(value, style)


def day(value: datetime | date | None, style: str = "short") -> str:
    """The calendar day of a moment in Amsterdam (just after midnight is already today)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ).date()
    locale = flask_babel.get_locale()
    return _format_day(value, style, str(locale) if locale else DEFAULT_LOCALE)


@lru_cache(maxsize=4096)
def _format_day(value: date, style: str, locale: str) -> str:
    """A statement shows many lines of the same few days: each is formatted once."""
    return babel_dates.format_date(value, style, locale=locale)
