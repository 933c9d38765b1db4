"""The marketplace's API models: listings in and out, cards, suggestions, sign-ups, matches.

What a member may see of another is decided here, once: a listing never carries its
owner's point or contact details; a match carries them only for its two parties, once
agreed (`MatchOut.contact`).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, Field

from buurthulp.auth.models import Member
from buurthulp.geo import Point, approx_distance_m, distance_label
from buurthulp.i18n import gettext as _
from buurthulp.listings.activities import MESSAGE_MAX
from buurthulp.listings.models import Listing
from buurthulp.listings.services import DESCRIPTION_MAX, PLACE_MAX, TITLE_MAX, is_expired
from buurthulp.schemas_base import Slot, StrictModel, slot_names


class OwnerOut(BaseModel):
    id: int
    display_name: str
    staff_role: str | None = Field(description="coordinator, outreach or admin, else null")


class ListingChangeIn(StrictModel):
    """What a listing says: the body of a change (PUT sends all of it again), and of a new
    listing together with its `kind`."""

    title: str = Field(min_length=1, max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    category: str = Field(max_length=40, description="a category slug, e.g. boodschappen")
    minutes_estimate: int | None = Field(default=None, ge=1, le=10_000)
    tags: list[str] = Field(default_factory=list, max_length=10)
    when_kind: str = Field(default="flexible", description="flexible, date or period")
    when_from: date | None = None
    when_until: date | None = None
    slots: list[Slot] = Field(
        default_factory=list, max_length=6, description="parts of the week that suit"
    )
    helpers_needed: int = Field(default=1, ge=1, le=20, description="how many helpers")
    standing: bool = Field(
        default=False,
        description="an offer that does not expire (read when posting; a change keeps the "
        "end date it has)",
    )
    starts_at: AwareDatetime | None = Field(default=None, description="activities: ISO 8601")
    place_label: str | None = Field(default=None, max_length=PLACE_MAX)
    capacity: int | None = Field(default=None, ge=1, le=500)
    recurrence: str | None = Field(default=None, description="weekly or monthly")
    credits: bool = Field(
        default=False, description="activities: participants thank the organiser in time"
    )


class ListingIn(ListingChangeIn):
    kind: str = Field(description="request, offer or activity")


class ListingOut(BaseModel):
    id: int
    kind: str
    title: str
    description: str
    category: str
    tags: list[str]
    status: str
    expired: bool
    neighbourhood: str
    distance_label: str | None = Field(description="rounded, from your home; null for your own")
    minutes_estimate: int | None
    when_kind: str
    when_from: date | None
    when_until: date | None
    expires_at: datetime | None
    starts_at: datetime | None
    place_label: str | None
    capacity: int | None
    recurrence: str | None
    skipped_dates: list[date] = Field(description="dates a repeating activity does not happen")
    slots: list[Slot] = Field(description="parts of the week that suit")
    helpers_needed: int
    standing: bool = Field(description="an offer without an end date")
    credits: bool = Field(description="an activity whose participants thank in time")
    code: str = Field(description="the short code printed on a notice")
    owner: OwnerOut
    created_at: datetime
    closed_at: datetime | None = None


class ListingPage(BaseModel):
    items: list[ListingOut]
    next_cursor: str | None = Field(default=None, description="always null: one page")


class CardOut(BaseModel):
    id: int
    kind: str
    title: str
    description: str
    category: str
    neighbourhood: str
    distance_label: str
    owner: OwnerOut
    minutes_estimate: int | None
    created_at: datetime
    expires_at: datetime | None
    starts_at: datetime | None
    place_label: str | None
    reactions: int


class CardPage(BaseModel):
    items: list[CardOut]
    next_cursor: str | None


class SuggestionOut(BaseModel):
    member: OwnerOut
    score: int
    reasons: list[str]
    distance_label: str
    listing_id: int | None = Field(description="for an offer: the fitting request")


class SuggestionList(BaseModel):
    items: list[SuggestionOut]
    next_cursor: str | None = None


class AttendeeOut(BaseModel):
    member: OwnerOut
    status: str = Field(description="confirmed or waiting")
    occurrence: date


class AttendeeList(BaseModel):
    items: list[AttendeeOut]
    next_cursor: str | None = Field(default=None, description="always null: one page")


class BroadcastIn(StrictModel):
    body: str = Field(min_length=1, max_length=MESSAGE_MAX)


class BroadcastOut(BaseModel):
    sent: int = Field(description="how many people it went to")


class SkipIn(StrictModel):
    day: date = Field(description="the date the activity does not happen")


class SignupOut(BaseModel):
    status: str = Field(description="confirmed or waiting")
    position: int | None = Field(default=None, description="place on the waiting list")
    occurrence: date


def owner_out(member: Member) -> OwnerOut:
    return OwnerOut(id=member.id, display_name=member.display_name, staff_role=member.staff_role)


def listing_out(listing: Listing, viewer: Member) -> ListingOut:
    """One listing as `viewer` may see it: the API's answers and the owner's own export use
    this one shape (a distance only for others; never an exact point or contact)."""
    distance = None
    if viewer.id != listing.owner_id and viewer.home_lat is not None:
        metres = approx_distance_m(
            Point(viewer.home_lat, viewer.home_lon), Point(listing.lat, listing.lon)
        )
        distance = distance_label(metres, _)
    return ListingOut(
        id=listing.id,
        kind=listing.kind,
        title=listing.title,
        description=listing.description,
        category=listing.category.slug,
        tags=listing.tag_list(),
        status=listing.status,
        expired=is_expired(listing),
        neighbourhood=listing.neighbourhood.name,
        distance_label=distance,
        minutes_estimate=listing.minutes_estimate,
        when_kind=listing.when_kind,
        when_from=listing.when_from,
        when_until=listing.when_until,
        expires_at=listing.expires_at,
        starts_at=listing.starts_at,
        place_label=listing.place_label,
        capacity=listing.capacity,
        recurrence=listing.recurrence,
        skipped_dates=[s.day for s in listing.skipped],
        slots=slot_names(listing.slots),
        helpers_needed=listing.helpers_needed,
        standing=listing.kind == "offer" and listing.expires_at is None,
        credits=listing.credits,
        code=listing.code,
        owner=owner_out(listing.owner),
        created_at=listing.created_at,
        closed_at=listing.closed_at,
    )
