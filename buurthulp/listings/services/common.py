"""What every part of the listing rules shares: how long a listing stands, the limits of
its fields, and the one "not found" a listing the actor may not know about answers."""

from __future__ import annotations

from datetime import date, datetime

from buurthulp.errors import InvalidInput, NotFound
from buurthulp.i18n import gettext as _
from buurthulp.inputs import (
    clean_date,
)
from buurthulp.listings.models import (
    Listing,
)

LISTING_DAYS = 30
STILL_ON_DAYS = 91  # a standing offer is asked "still on?" about every three months
TITLE_MIN, TITLE_MAX = 3, 120
DESCRIPTION_MAX = 4000
PLACE_MAX = 120
HORIZON_DAYS = 2 * 365
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a notice


def not_found() -> NotFound:
    return NotFound(_("We could not find this listing. It may have been closed."))


def restart_clock(listing: Listing, expires_at: datetime | None) -> None:
    """A new end (or none): the reminders and the "still on?" question start over."""
    listing.expires_at = expires_at
    listing.reminded_week_at = listing.reminded_day_at = None
    listing.still_on_asked_at = None


def as_day(value: object, field_name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(_("Give a date."), field=field_name)
    return clean_date(value, field_name)
