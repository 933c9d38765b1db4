"""What happens by itself as time passes: a listing's end comes near, a standing offer is
asked "still on?" (and paused when nobody answers), and (through the matches and
activities) reminders. `flask listings tick` runs it with the other features' jobs
(`buurthulp.jobs`); tests pass `now` instead of waiting.

A paused listing is reminded and ends like an open one: pausing hides it from the feed,
it does not stop its clock, so an owner who paused it is not surprised that it ended.
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
from buurthulp.listings.services import (
    STILL_ON_DAYS,
    check_link_stamp,
    clock_stamp,
    extend,
)
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.outbox.services import link_minter

EXTEND_SALT = "extend-listing"
EXTEND_LINK_DAYS = 30
WEEK, DAY = timedelta(days=7), timedelta(days=1)
# Paused listings are reminded too: their end keeps coming (see the module's docstring).
REMINDED_STATUSES = ("open", "paused")
# After "still on?" the owner has this long to answer before the listing is paused.
STILL_ON_ANSWER_DAYS = 30
# The mail's link opens a page with one button (a link scanner opening it changes nothing),
# so the mail says so.
EXTEND_MAIL_LABEL = _l("Extend by 30 days: open this link and press the button")
STILL_ON_MAIL_LABEL = _l("Still on? Open this link and press the button")


def _extend_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=EXTEND_SALT)


def extend_action(listing: Listing) -> tuple[object, str, dict[str, object]]:
    """The mail's link (to a page with one button), made for the listing's end (or open
    question) of now: once that changes (the link was used, or the owner extended), the
    link stops working."""
    label = EXTEND_MAIL_LABEL if listing.expires_at is not None else STILL_ON_MAIL_LABEL
    return label, "extend-listing", {"listing_id": listing.id, "stamp": clock_stamp(listing)}


@link_minter("extend-listing")
def _mint_extend(member_id: int | None, params: dict[str, object]) -> str:
    token = _extend_serializer().dumps(
        {"m": member_id, "l": params.get("listing_id"), "s": params.get("stamp")}
    )
    return absolute_url("listings.extend_by_link", token=token)


def _read_token(token: object) -> tuple[Listing, int]:
    invalid = InvalidInput(_("This link is not valid any more. Log in to extend the listing."))
    if not isinstance(token, str) or len(token) > 300:
        raise invalid
    try:
        data = _extend_serializer().loads(token, max_age=EXTEND_LINK_DAYS * 86400)
    except (BadSignature, SignatureExpired):
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise invalid  # also a link mailed before links were made for one end
    listing = db.session.get(Listing, data.get("l")) if isinstance(data.get("l"), int) else None
    if listing is None or listing.owner_id != data.get("m"):
        raise invalid
    return listing, data["s"]


def read_extend_link(token: object) -> Listing:
    """The listing a mailed "extend" or "still on" link is for, checked against its owner
    and against the end (or question) it was made for: it works once."""
    listing, stamp = _read_token(token)
    check_link_stamp(listing, stamp)
    return listing


def extend_by_link(token: object, now: datetime | None = None) -> Listing:
    """The owner pressed the button behind the mail's link (checked again under the lock,
    so two presses extend once)."""
    listing, stamp = _read_token(token)
    owner = db.session.get_one(Member, listing.owner_id)
    return extend(listing.id, actor=owner, now=now, minted_for=stamp)


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
                Listing.status.in_(REMINDED_STATUSES),
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
                if getattr(listing, field) is not None or listing.status not in REMINDED_STATUSES:
                    continue
                setattr(listing, field, now)
                if field == "reminded_day_at":
                    listing.reminded_week_at = listing.reminded_week_at or now
                notify(
                    listing.owner_id,
                    kind,
                    url=path_for("listings.show", listing_id=listing.id),
                    action=extend_action(listing),
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
                action=extend_action(listing),
                title=listing.title,
            )
    return len(due)


def pause_unanswered(now: datetime | None = None) -> int:
    """A standing offer whose owner did not answer "still on?" within 30 days is paused (out
    of the feed, nothing lost), with a notification saying how to open it again."""
    now = now or utcnow()
    cutoff = now - timedelta(days=STILL_ON_ANSWER_DAYS)
    due = db.session.scalars(
        select(Listing.id).where(
            Listing.status == "open",
            Listing.kind == "offer",
            Listing.expires_at.is_(None),
            Listing.still_on_asked_at <= cutoff,
        )
    ).all()
    paused = 0
    for listing_id in due:
        with transaction():
            listing = db.session.get_one(Listing, listing_id, with_for_update=True)
            asked = listing.still_on_asked_at
            if listing.status != "open" or asked is None or asked > cutoff:
                continue  # answered in the meantime
            listing.status, listing.updated_at = "paused", now
            notify(
                listing.owner_id,
                "listings.paused_unanswered",
                url=path_for("listings.show", listing_id=listing.id),
                title=listing.title,
            )
            paused += 1
    return paused


def tick(now: datetime) -> dict[str, int]:
    """The listings' part of the clock (a registered job, see `buurthulp.jobs`)."""
    return {
        "listing reminders": remind_expiring(now),
        "still on?": ask_still_on(now),
        "paused, no answer": pause_unanswered(now),
    }
