"""The marketplace in the JSON API: listings, suggestions, matches, messages, sign-ups,
notifications. Thin: every endpoint calls the same service as the web page."""

from __future__ import annotations

from typing import Any

from flask import request

from buurthulp.api import registry
from buurthulp.api.spec import Parameter
from buurthulp.auth.guards import current_member
from buurthulp.auth.models import Member
from buurthulp.geo import Point, approx_distance_m, distance_label
from buurthulp.i18n import gettext as _
from buurthulp.inputs import (
    CURSOR_MAX,
    arg_int,
)
from buurthulp.listings import activities
from buurthulp.listings import services as listings
from buurthulp.listings.models import Listing
from buurthulp.listings.schemas import (
    CardOut,
    CardPage,
    ListingIn,
    ListingOut,
    OwnerOut,
    SignupOut,
    SuggestionList,
    SuggestionOut,
)
from buurthulp.listings.services import ListingInput
from buurthulp.matching import feed as feed_service
from buurthulp.matching import suggestions as suggestion_service

DEFAULT_LIMIT = feed_service.PAGE_SIZE
MAX_LIMIT = 100


def acting_member() -> Member:
    member = current_member()
    assert member is not None  # the registry authenticated the request
    return member


def owner_out(member: Member) -> OwnerOut:
    return OwnerOut(id=member.id, display_name=member.display_name, staff_role=member.staff_role)


def _listing_out(listing: Listing, viewer: Member) -> ListingOut:
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
        expired=listings.is_expired(listing),
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
        code=listing.code,
        owner=owner_out(listing.owner),
        created_at=listing.created_at,
    )


FEED_PARAMS = [
    Parameter("kind", "query", {"type": "string", "enum": ["request", "offer", "activity"]}),
    Parameter("category", "query", {"type": "string", "maxLength": 40}),
    Parameter(
        "within_km", "query", {"type": "integer", "minimum": 1, "maximum": feed_service.MAX_KM}
    ),
    Parameter("q", "query", {"type": "string", "maxLength": 100}, description="full text, Dutch"),
    Parameter("cursor", "query", {"type": "string", "maxLength": CURSOR_MAX}),
    Parameter("limit", "query", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
]


@registry.operation(
    "/listings",
    "GET",
    summary="Open listings near me, closest and most fitting first",
    tag="listings",
    parameters=FEED_PARAMS,
    responses={200: ("A page of listings", CardPage)},
    errors=(),
)
def list_listings() -> Any:
    member = acting_member()
    page = feed_service.feed(
        member,
        kind=request.args.get("kind") or None,
        category=request.args.get("category") or None,
        within_km=arg_int(request.args, "within_km", minimum=1, maximum=feed_service.MAX_KM),
        q=request.args.get("q") or None,
        cursor=request.args.get("cursor") or None,
        limit=arg_int(request.args, "limit", minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT)
        or DEFAULT_LIMIT,
    )
    return CardPage(
        items=[
            CardOut(
                id=c.id,
                kind=c.kind,
                title=c.title,
                description=c.description,
                category=c.category,
                neighbourhood=c.neighbourhood,
                distance_label=c.distance_label,
                owner=OwnerOut(id=c.owner_id, display_name=c.owner_name, staff_role=c.owner_role),
                minutes_estimate=c.minutes_estimate,
                created_at=c.created_at,
                expires_at=c.expires_at,
                starts_at=c.starts_at,
                place_label=c.place_label,
                reactions=c.reactions,
            )
            for c in page.cards
        ],
        next_cursor=page.next_cursor,
    )


@registry.operation(
    "/listings",
    "POST",
    summary="Post a request, an offer or an activity",
    tag="listings",
    body=ListingIn,
    responses={201: ("The listing is online", ListingOut)},
    errors=(403,),
)
def create_listing(body: ListingIn) -> Any:
    member = acting_member()
    listing = listings.post_listing(ListingInput(**body.model_dump()), actor=member)
    return _listing_out(listing, member), 201


@registry.operation(
    "/listings/<int:id>",
    "GET",
    summary="One listing (never its owner's exact place or contact details)",
    tag="listings",
    responses={200: ("The listing", ListingOut)},
    errors=(404,),
)
def get_listing(id: int) -> Any:
    member = acting_member()
    return _listing_out(listings.get_listing(id, member), member)


@registry.operation(
    "/listings/<int:id>/suggestions",
    "GET",
    summary="Neighbours best placed to ask (for a request) or with a fitting request (offer)",
    tag="listings",
    responses={200: ("Ranked suggestions", SuggestionList)},
    errors=(403, 404),
)
def listing_suggestions(id: int) -> Any:
    found = suggestion_service.suggestions(id, actor=acting_member())
    return SuggestionList(
        items=[
            SuggestionOut(
                member=OwnerOut(
                    id=s.member_id, display_name=s.display_name, staff_role=s.staff_role
                ),
                score=s.score,
                reasons=s.reasons,
                distance_label=s.distance_label,
                listing_id=s.listing_id,
            )
            for s in found
        ]
    )


@registry.operation(
    "/listings/<int:id>/signups",
    "POST",
    summary="Sign up for an activity: a seat, or a place on the waiting list",
    tag="activities",
    responses={201: ("Signed up", SignupOut)},
)
def sign_up(id: int) -> Any:
    place = activities.sign_up(id, actor=acting_member())
    return SignupOut(status=place.status, position=place.position, occurrence=place.occurrence), 201


@registry.operation(
    "/listings/<int:id>/signups/me",
    "DELETE",
    summary="Cancel my sign-up; the first on the waiting list moves up",
    tag="activities",
    responses={204: ("Signed off", None)},
)
def cancel_signup(id: int) -> Any:
    activities.cancel_signup(id, actor=acting_member())
    return "", 204
