"""Listing rules: post, change, pause, reopen, close, extend; who may see and change what.

Every action is one service call and one transaction; the acting member comes in as
`actor`. A listing that the actor may not know exists is a 404; one they may see but not
change is a 403.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.inputs import (
    clean_choice,
    clean_date,
    clean_int,
    clean_tags,
    clean_text,
    is_id,
)
from buurthulp.listings import premoderation
from buurthulp.listings.models import (
    KINDS,
    RECURRENCES,
    WHEN_KINDS,
    Category,
    CategoryRule,
    Listing,
    ListingTag,
    SkippedDate,
)
from buurthulp.listings.taxonomy import SHARED, SHARED_SLUGS
from buurthulp.models_base import utcnow
from buurthulp.protection.blocks import blocked_between
from buurthulp.protection.marks import acting_for, is_vulnerable, record_proxy
from buurthulp.protection.text import refuse_contact_details
from buurthulp.signals import listing_closed

LISTING_DAYS = 30
STILL_ON_DAYS = 91  # a standing offer is asked "still on?" about every three months
TITLE_MIN, TITLE_MAX = 3, 120
DESCRIPTION_MAX = 4000
PLACE_MAX = 120
HORIZON_DAYS = 2 * 365
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a notice


def not_found() -> NotFound:
    return NotFound(_("We could not find this listing. It may have been closed."))


# Categories ---------------------------------------------------------------------------------


def ensure_shared_categories() -> None:
    """The shared taxonomy exists (the migration adds it; this mends a bare create_all)."""
    have = set(db.session.scalars(select(Category.slug).where(Category.neighbourhood_id.is_(None))))
    for position, (slug, _label) in enumerate(SHARED):
        if slug not in have:
            db.session.add(Category(slug=slug, position=position))
    db.session.flush()


def categories_for(neighbourhood_id: int | None) -> list[Category]:
    """The shared categories, then the neighbourhood's own."""
    query = select(Category).order_by(Category.neighbourhood_id.is_not(None), Category.position)
    if neighbourhood_id is None:
        query = query.where(Category.neighbourhood_id.is_(None))
    else:
        query = query.where(
            (Category.neighbourhood_id.is_(None)) | (Category.neighbourhood_id == neighbourhood_id)
        )
    return list(db.session.scalars(query))


def category_label(category: Category) -> str:
    labels = dict(SHARED)
    if category.shared and category.slug in labels:
        return str(labels[category.slug])
    return category.name or category.slug


def _category(slug: object, neighbourhood_id: int) -> Category:
    if not isinstance(slug, str) or not slug:
        raise InvalidInput(_("Choose what kind of help it is."), field="category")
    found = db.session.scalar(
        select(Category).where(
            Category.slug == slug,
            (Category.neighbourhood_id.is_(None)) | (Category.neighbourhood_id == neighbourhood_id),
        )
    )
    if found is None and slug in SHARED_SLUGS:
        ensure_shared_categories()
        found = db.session.scalar(
            select(Category).where(Category.slug == slug, Category.neighbourhood_id.is_(None))
        )
    if found is None:
        raise InvalidInput(_("This category is not known."), field="category")
    return found


def trust_needed(listing: Listing) -> str | None:
    """ "verified" or "vog" when the neighbourhood asks a trusted helper for this category."""
    return db.session.scalar(
        select(CategoryRule.trust_needed).where(
            CategoryRule.neighbourhood_id == listing.neighbourhood_id,
            CategoryRule.category_id == listing.category_id,
        )
    )


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
    when_from = _date(data.when_from, "when_from")
    when_until = _date(data.when_until, "when_until")
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


def _date(value: object, field_name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(_("Give a date."), field=field_name)
    return clean_date(value, field_name)


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
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


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
            _restart_clock(listing, _expiry(clean, now))
        listing.updated_at = now
    return listing


def _restart_clock(listing: Listing, expires_at: datetime | None) -> None:
    """A new end (or none): the reminders and the "still on?" question start over."""
    listing.expires_at = expires_at
    listing.reminded_week_at = listing.reminded_day_at = None
    listing.still_on_asked_at = None


ACTIONS = {
    # action: (from statuses, to status)
    "pause": (("open",), "paused"),
    "reopen": (("paused", "closed", "open"), "open"),
    "close": (("open", "paused", "matched", "pending"), "closed"),
}


def change_status(
    listing_id: object, action: str, *, actor: Member, now: datetime | None = None
) -> Listing:
    """Pause (out of the feed for a while), reopen, or close a listing."""
    if action not in ACTIONS:
        raise InvalidInput(_("This is not something a listing can do."), field="action")
    listing = get_listing(listing_id, actor, need="manage")
    now = now or utcnow()
    allowed, target = ACTIONS[action]
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        if listing.status not in allowed:
            raise Conflict(_("This listing cannot do that now."))
        if action == "reopen":
            if is_expired(listing, now):
                _restart_clock(listing, now + timedelta(days=LISTING_DAYS))
            # Reopening answers an open "still on?" question (or one left unanswered).
            listing.still_on_asked_at = None
            # One closed while it waited for its check waits again.
            target = premoderation.status_on_reopen(listing)
        listing.status = target
        listing.closed_at = now if target == "closed" else None
        listing.updated_at = now
        if target == "closed":
            # Matches decline the open reactions and thank those neighbours (a signal:
            # matches imports listings, never the other way round).
            listing_closed.send(listing)
    return listing


def close_all_of(owner_id: int, *, now: datetime) -> int:
    """The owner leaves (their account is erased): every listing of theirs closes, with the
    same signal as closing one by hand, and loses its description (only flushes; the title
    stays as the label of the matches and transfers made for it). Returns how many closed."""
    listings = db.session.scalars(
        select(Listing).where(Listing.owner_id == owner_id).order_by(Listing.id).with_for_update()
    ).all()
    closed = 0
    for listing in listings:
        listing.description = ""
        if listing.status != "closed":
            listing.status, listing.closed_at, listing.updated_at = "closed", now, now
            db.session.flush()
            listing_closed.send(listing)
            closed += 1
    db.session.flush()
    return closed


def clock_stamp(listing: Listing) -> int | None:
    """What a mailed "extend" or "still on" link is minted for: the end it would move, or
    the moment the question was asked (whole seconds, the same on both databases)."""
    moment = listing.expires_at or listing.still_on_asked_at
    return int(moment.timestamp()) if moment is not None else None


def link_used() -> InvalidInput:
    return InvalidInput(
        _(
            "This link was already used, or your listing was extended since. "
            "Log in to see your listing."
        )
    )


def check_link_stamp(listing: Listing, minted_for: int) -> None:
    """A mailed link works only for the end (or question) it was made for."""
    if clock_stamp(listing) != minted_for:
        raise link_used()
    if listing.status == "closed":
        raise Conflict(_("This listing is closed. Reopen it first."))


def extend(
    listing_id: object,
    *,
    actor: Member,
    now: datetime | None = None,
    minted_for: int | None = None,
) -> Listing:
    """ "Extend by 30 days": from the old end or from now, whichever is later. For a
    standing offer (no end) it answers "still on?" with yes.

    `minted_for` comes from a mailed link: the link works only while the listing still
    has the end (or the open question) it was made for, so it works once."""
    listing = get_listing(listing_id, actor, need="manage")
    now = now or utcnow()
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        if minted_for is not None:
            check_link_stamp(listing, minted_for)
        if listing.status == "closed":
            raise Conflict(_("This listing is closed. Reopen it first."))
        if listing.expires_at is None:
            listing.still_on_asked_at = None  # "still on": yes
        else:
            _restart_clock(listing, max(listing.expires_at, now) + timedelta(days=LISTING_DAYS))
        listing.updated_at = now
    return listing


def skip_date(listing_id: object, day: object, *, actor: Member) -> Listing:
    """A repeating activity does not happen on `day`."""
    listing = get_listing(listing_id, actor, need="manage")
    if listing.kind != "activity" or listing.recurrence is None:
        raise Conflict(_("Only a repeating activity can skip a date."))
    chosen = _date(day, "day")
    if chosen is None:
        raise InvalidInput(_("Choose the date to skip."), field="day")
    try:
        with transaction():
            db.session.add(SkippedDate(listing_id=listing.id, day=chosen))
    except IntegrityError:
        pass  # already skipped: nothing to do
    return db.session.get_one(Listing, listing.id, populate_existing=True)


# Who may see and change -------------------------------------------------------------------


def is_expired(listing: Listing, now: datetime | None = None) -> bool:
    return listing.expires_at is not None and listing.expires_at <= (now or utcnow())


def in_feed(listing: Listing, now: datetime | None = None) -> bool:
    return listing.status == "open" and not is_expired(listing, now)


def may_view(listing: Listing, actor: Actor | None) -> bool:
    if actor is None:
        return False
    if listing.owner_id == actor.id:
        return True
    if may(actor, Permission.LISTINGS_VIEW_ALL, listing.neighbourhood_id):
        return True
    if not isinstance(actor, Member) or not actor.is_active:
        return False
    if blocked_between(actor.id, listing.owner_id):
        return False
    # A vulnerable resident's requests are seen by VOG-checked helpers only.
    if listing.kind == "request" and actor.trust_level != "vog" and is_vulnerable(listing.owner_id):
        return False
    # A party to a match sees a closed listing through the match page, not here.
    return listing.status in ("open", "matched")


def get_listing(listing_id: object, actor: Actor | None, *, need: str = "view") -> Listing:
    """Load and authorise: 404 for what the actor may not know exists, 403 for what they
    may see but not change."""
    if not is_id(listing_id):
        raise not_found()
    listing = db.session.get(Listing, listing_id)
    if listing is None or not may_view(listing, actor):
        raise not_found()
    if need == "manage" and (actor is None or listing.owner_id != actor.id):
        raise NotAllowed(_("Only the person who posted it can change this listing."))
    return listing


def listing_by_code(code: object, actor: Actor | None) -> Listing:
    """The listing a printed notice points at (its short code)."""
    if not isinstance(code, str) or not 4 <= len(code) <= 8:
        raise not_found()
    found = db.session.scalar(select(Listing).where(Listing.code == code.strip().upper()))
    if found is None or not may_view(found, actor):
        raise not_found()
    return found


def my_listings(owner: Member) -> list[Listing]:
    """Everything a member posted, open ones first, newest first."""
    return list(
        db.session.scalars(
            select(Listing)
            .where(Listing.owner_id == owner.id)
            .order_by((Listing.status == "closed"), Listing.created_at.desc(), Listing.id.desc())
        )
    )
