"""Languages, the visitor's locale, and how times and time credits are written.

The ground floor: the web layer, templates, services and the CLI all read the language list
and formatting from here, so there is one answer to "which languages" and "how do we write
1 u 30 min" (and no import circle between the web wiring and the pages).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import has_request_context, session
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

#: Dutch first: the default for every visitor who has not chosen.
LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"
#: Every time a person reads is Amsterdam time, whatever the server's clock says.
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


def clean_locale(value: object) -> str:
    """A known locale code, or the default."""
    return value if isinstance(value, str) and value in LOCALES else DEFAULT_LOCALE


def select_locale() -> str:
    """The visitor's own choice first (session or account), then Dutch.

    Outside a request (CLI, scripts) there is no visitor: Dutch, the default.
    """
    if not has_request_context():
        return DEFAULT_LOCALE
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    from buurthulp.auth.guards import current_member

    member = current_member()
    if member is not None and getattr(member, "locale", None) in LOCALES:
        return member.locale
    return DEFAULT_LOCALE


def format_minutes(minutes: int | None) -> str:
    """1 u 30 min, -45 min, 2 u: time credits the way people say them."""
    if minutes is None:
        return ""
    sign = "\N{MINUS SIGN}" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    if hours and rest:
        return sign + _("%(h)s h %(m)s min", h=hours, m=rest)
    if hours:
        return sign + _("%(h)s h", h=hours)
    return sign + _("%(m)s min", m=rest)


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
    return format_date(value, style)
