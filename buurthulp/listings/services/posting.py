"""Posting and editing a listing: the input a form, the API or the demo hands in, cleaned
in one place, and the two writes (post, update) that use it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.inputs import (
    clean_choice,
    clean_date,
    clean_int,
    clean_tags,
    clean_text,
)
from buurthulp.listings import premoderation
from buurthulp.listings.models import (
    KINDS,
    RECURRENCES,
    WHEN_KINDS,
    Listing,
    ListingTag,
)
from buurthulp.listings.services.categories import _category
from buurthulp.listings.services.common import (
    CODE_ALPHABET,
    DESCRIPTION_MAX,
    HORIZON_DAYS,
    LISTING_DAYS,
    PLACE_MAX,
    TITLE_MAX,
    TITLE_MIN,
    as_day,
    restart_clock,
)
from buurthulp.listings.services.visibility import get_listing
from buurthulp.models_base import utcnow
from buurthulp.protection.marks import acting_for, record_proxy
from buurthulp.protection.text import refuse_contact_details

# Input ----------------------------------------------------------------------------------------


@dataclass
class ListingInput:
    """What a form, the API or the demo hands in; everything is cleaned by the service."""

    kind: object
    title: object
    description: object = ""
    category: object = "anders"
    tags: object = ()
    minutes_estimate: object = None
    when_kind: object = "flexible"
    when_from: object = None
    when_until: object = None
    slots: object = 0
    standing: object = False
    helpers_needed: object = 1
    starts_at: object = None
    place_label: object = None
    capacity: object = None
    recurrence: object = None
    credits: object = False
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Clean:
    kind: str
    title: str
    description: str
    tags: list[str]
    minutes_estimate: int | None
    when_kind: str
    when_from: date | None
    when_until: date | None
    slots: int
    standing: bool
    helpers_needed: int
    starts_at: datetime | None
    place_label: str | None
    capacity: int | None
    recurrence: str | None
    credits: bool


def _clean(data: ListingInput, *, now: datetime) -> Clean:
    kind = clean_choice(data.kind, KINDS, field="kind")
    title = clean_text(
        data.title,
        field="title",
        required=True,
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        multiline=False,
        empty_message=_("Give your listing a short title."),
    )
    description = clean_text(data.description, field="description", max_length=DESCRIPTION_MAX)
    # Everyone nearby reads these: contact details wait until a match is agreed.
    refuse_contact_details(title, field="title")
    refuse_contact_details(description, field="description")
    minutes = clean_int(
        data.minutes_estimate, field="minutes_estimate", minimum=1, maximum=10_000, required=False
    )
    when_kind = clean_choice(data.when_kind or "flexible", WHEN_KINDS, field="when_kind")
    when_from = as_day(data.when_from, "when_from")
    when_until = as_day(data.when_until, "when_until")
    if when_kind == "date" and when_from is None:
        raise InvalidInput(_("Choose the date."), field="when_from")
    if when_kind == "period":
        if when_from is None or when_until is None:
            raise InvalidInput(_("Choose the first and the last day."), field="when_from")
        if when_until < when_from:
            raise InvalidInput(
                _("The last day must be on or after the first day."), field="when_until"
            )
    if when_kind == "flexible":
        when_from = when_until = None
    elif when_kind == "date":
        when_until = None
    today = now.astimezone(LOCAL_TZ).date()
    last = when_until or when_from
    if last is not None and last < today:
        raise InvalidInput(_("Choose a day that is still to come."), field="when_from")
    for day, name in ((when_from, "when_from"), (when_until, "when_until")):
        _within_horizon(day, name, today)
    slots = clean_int(data.slots or 0, field="slots", minimum=0, maximum=63)
    helpers = clean_int(data.helpers_needed or 1, field="helpers_needed", minimum=1, maximum=20)
    starts_at = place = capacity = recurrence = None
    if kind == "activity":
        starts_at = data.starts_at
        if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
            raise InvalidInput(_("Choose the date and time it starts."), field="starts_at")
        if not clean_date(starts_at.date(), "starts_at") or starts_at < now - timedelta(hours=1):
            raise InvalidInput(
                _("Choose a date and time that is still to come."), field="starts_at"
            )
        _within_horizon(starts_at.astimezone(LOCAL_TZ).date(), "starts_at", today)
        place = clean_text(
            data.place_label,
            field="place_label",
            required=True,
            max_length=PLACE_MAX,
            multiline=False,
            empty_message=_("Say where it is, for example: buurthuis De Klokkenberg."),
        )
        # Where an activity is held may be an address (a community centre's); no phone.
        refuse_contact_details(place, field="place_label", allow_address=True)
        capacity = clean_int(data.capacity, field="capacity", minimum=1, maximum=500)
        if data.recurrence not in (None, ""):
            recurrence = clean_choice(data.recurrence, RECURRENCES, field="recurrence")
    tags = clean_tags(data.tags or [])
    refuse_contact_details(", ".join(tags), field="tags")
    return Clean(
        kind=kind,
        title=title,
        description=description,
        tags=tags,
        minutes_estimate=minutes,
        when_kind=when_kind,
        when_from=when_from,
        when_until=when_until,
        slots=slots or 0,
        standing=bool(data.standing) and kind == "offer",
        helpers_needed=helpers or 1,
        starts_at=starts_at,
        place_label=place,
        capacity=capacity,
        recurrence=recurrence,
        credits=bool(data.credits) and kind == "activity",
    )


def _within_horizon(day: date | None, field_name: str, today: date) -> None:
    """Neighbours plan weeks ahead, not decades: a date years away is a typing slip."""
    if day is not None and day > today + timedelta(days=HORIZON_DAYS):
        raise InvalidInput(_("Choose a date within the next two years."), field=field_name)


def _expiry(clean: Clean, now: datetime) -> datetime | None:
    """When it leaves the feed by itself: 30 days on; an activity after it took place; a
    standing offer and a repeating activity never (they are asked "still on?" instead)."""
    if clean.kind == "activity":
        return None if clean.recurrence else clean.starts_at + timedelta(hours=12)  # type: ignore[operator]
    if clean.standing:
        return None
    return now + timedelta(days=LISTING_DAYS)


def _apply(listing: Listing, clean: Clean) -> None:
    listing.title, listing.description = clean.title, clean.description
    listing.minutes_estimate = clean.minutes_estimate
    listing.when_kind, listing.when_from, listing.when_until = (
        clean.when_kind,
        clean.when_from,
        clean.when_until,
    )
    listing.slots, listing.helpers_needed = clean.slots, clean.helpers_needed
    listing.starts_at, listing.place_label = clean.starts_at, clean.place_label
    listing.capacity, listing.recurrence, listing.credits = (
        clean.capacity,
        clean.recurrence,
        clean.credits,
    )
    current = {t.tag: t for t in listing.tags}
    for tag in set(current) - set(clean.tags):
        listing.tags.remove(current[tag])
    for tag in clean.tags:
        if tag not in current:
            listing.tags.append(ListingTag(tag=tag))


# Posting and changing -----------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def post_listing(
    data: ListingInput, *, actor: Member, owner: Member | None = None, now: datetime | None = None
) -> Listing:
    """Post a request, offer or activity for `owner`: the actor themself, or a resident
    who is not online whose coordinator posts it (stored and shown as "on behalf of")."""
    now = now or utcnow()
    owner = owner or actor
    proxy = owner.id != actor.id
    if proxy:
        acting_for(actor, owner)
    if not may(owner, Permission.LISTINGS_POST):
        raise NotAllowed(_("Your account cannot post listings right now."))
    if owner.neighbourhood_id is None or owner.public_lat is None or owner.home_cell is None:
        raise InvalidInput(
            _("Add your address first: then neighbours nearby can find your listing."),
            field="title",
        )
    clean = _clean(data, now=now)
    for _attempt in range(3):
        try:
            with transaction():
                category = _category(data.category, owner.neighbourhood_id)
                listing = Listing(
                    kind=clean.kind,
                    owner_id=owner.id,
                    neighbourhood_id=owner.neighbourhood_id,
                    category_id=category.id,
                    # A new member's first listings may wait for a coordinator's check.
                    status=premoderation.status_for_new_listing(
                        owner, writer=actor if proxy else None
                    ),
                    expires_at=_expiry(clean, now),
                    lat=owner.public_lat,
                    lon=owner.public_lon,
                    cell=owner.home_cell,
                    code=_new_code(),
                    created_at=now,
                    updated_at=now,
                    proxy_by_id=actor.id if proxy else None,
                )
                _apply(listing, clean)
                db.session.add(listing)
                db.session.flush()
                if listing.status == "pending":
                    premoderation.tell_moderators(listing)
                if proxy:
                    record_proxy(actor, owner, _("posted “%(title)s”", title=listing.title))
            return listing
        except IntegrityError:  # a code drawn twice (one in a billion): draw again
            continue
    raise Conflict(_("The listing could not be saved. Please try again."))


def update_listing(listing_id: object, data: ListingInput, *, actor: Member) -> Listing:
    """The owner changes what the listing says (not its kind)."""
    listing = get_listing(listing_id, actor, need="manage")
    now = utcnow()
    data.kind = listing.kind
    clean = _clean(data, now=now)
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        listing.category_id = _category(data.category, listing.neighbourhood_id).id
        _apply(listing, clean)
        if listing.kind == "activity" and listing.recurrence is None:
            listing.expires_at = _expiry(clean, now)
        elif listing.kind == "offer" and clean.standing != (listing.expires_at is None):
            # Ticked: it stands from now on; unticked: it ends 30 days from today.
            restart_clock(listing, _expiry(clean, now))
        listing.updated_at = now
    return listing
