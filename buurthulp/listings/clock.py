"""What happens by itself as time passes: a listing's end comes near, a standing offer is
asked "still on?", and (through the matches and activities) reminders. `flask listings
tick` runs it all; tests pass `now` instead of waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from buurthulp.auth.models import Member
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.links import absolute_url, path_for
from buurthulp.listings.models import Listing
from buurthulp.listings.services import STILL_ON_DAYS, extend
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.outbox.services import link_minter

EXTEND_SALT = "extend-listing"
EXTEND_LINK_DAYS = 30
WEEK, DAY = timedelta(days=7), timedelta(days=1)
EXTEND_LABEL = _l("30 days longer")


def _extend_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EXTEND_SALT)


@link_minter("extend-listing")
def _mint_extend(member_id: int | None, params: dict[str, object]) -> str:
    token = _extend_serializer().dumps({"m": member_id, "l": params.get("listing_id")})
    return absolute_url("listings.extend_by_link", token=token)


def read_extend_link(token: object) -> Listing:
    """The listing a one-click "30 days longer" link is for, checked against its owner."""
    invalid = InvalidInput(_("This link is not valid any more. Log in to extend the listing."))
    if not isinstance(token, str) or len(token) > 300:
        raise invalid
    try:
        data = _extend_serializer().loads(token, max_age=EXTEND_LINK_DAYS * 86400)
    except (BadSignature, SignatureExpired):
        raise invalid from None
    listing = db.session.get(Listing, data.get("l")) if isinstance(data, dict) else None
    if listing is None or listing.owner_id != data.get("m"):
        raise invalid
    return listing


def extend_by_link(token: object) -> Listing:
    listing = read_extend_link(token)
    owner = db.session.get_one(Member, listing.owner_id)
    return extend(listing.id, actor=owner)


def remind_expiring(now: datetime | None = None) -> int:
    """A week and a day before a listing ends: a reminder with a one-click extension."""
    now = now or utcnow()
    sent = 0
    for field, ahead, kind in (
        ("reminded_week_at", WEEK, "listings.ends_in_a_week"),
        ("reminded_day_at", DAY, "listings.ends_tomorrow"),
    ):
        column = getattr(Listing, field)
        due = db.session.scalars(
            select(Listing.id).where(
                Listing.status == "open",
                Listing.expires_at.is_not(None),
                Listing.expires_at > now,
                Listing.expires_at <= now + ahead,
                column.is_(None),
                Listing.kind != "activity",
            )
        ).all()
        for listing_id in due:
            with transaction():
                listing = db.session.get_one(Listing, listing_id, with_for_update=True)
                if getattr(listing, field) is not None or listing.status != "open":
                    continue
                setattr(listing, field, now)
                if field == "reminded_day_at":
                    listing.reminded_week_at = listing.reminded_week_at or now
                notify(
                    listing.owner_id,
                    kind,
                    url=path_for("listings.show", listing_id=listing.id),
                    action=(EXTEND_LABEL, "extend-listing", {"listing_id": listing.id}),
                    title=listing.title,
                )
                sent += 1
    return sent


def ask_still_on(now: datetime | None = None) -> int:
    """Every three months a standing offer (and a repeating activity) asks its owner: still
    on? (At a peer time bank many offers had quietly gone stale.)"""
    now = now or utcnow()
    cutoff = now - timedelta(days=STILL_ON_DAYS)
    due = db.session.scalars(
        select(Listing.id).where(
            Listing.status == "open",
            Listing.expires_at.is_(None),
            Listing.still_on_asked_at.is_(None),
            Listing.updated_at <= cutoff,
        )
    ).all()
    for listing_id in due:
        with transaction():
            listing = db.session.get_one(Listing, listing_id, with_for_update=True)
            listing.still_on_asked_at = now
            notify(
                listing.owner_id,
                "listings.still_on",
                url=path_for("listings.show", listing_id=listing.id),
                action=(_l("Yes, still on"), "extend-listing", {"listing_id": listing.id}),
                title=listing.title,
            )
    return len(due)


def tick(now: datetime | None = None) -> dict[str, int]:
    """Everything the clock does, once (cron or a systemd timer, e.g. every hour)."""
    from buurthulp.listings import activities
    from buurthulp.matches import services as matches

    now = now or utcnow()
    counts = {
        "listing reminders": remind_expiring(now),
        "still on?": ask_still_on(now),
        "activity reminders": activities.remind(now),
    }
    counts.update({f"matches {k}": v for k, v in matches.tick(now).items()})
    return counts
