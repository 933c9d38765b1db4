"""The marketplace in the JSON API: listings, suggestions, matches, messages, sign-ups,
notifications. Thin: every endpoint calls the same service as the web page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request
from pydantic import BaseModel

from buurthulp.api import registry
from buurthulp.api.spec import Parameter
from buurthulp.auth.guards import current_member
from buurthulp.auth.models import Member
from buurthulp.errors import Conflict, NotAllowed
from buurthulp.geo import Point, approx_distance_m, distance_label
from buurthulp.i18n import gettext as _
from buurthulp.inputs import (
    CURSOR_MAX,
    InvalidQuery,
    arg_id,
    arg_int,
    decode_cursor,
    encode_cursor,
    is_id,
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
from buurthulp.matches import services as matches
from buurthulp.matches.models import CONTACT_STATUSES, Match
from buurthulp.matches.schemas import (
    ContactOut,
    MatchOut,
    MessageIn,
    MessageList,
    MessageOut,
    MinutesIn,
    ReactIn,
)
from buurthulp.matching import feed as feed_service
from buurthulp.matching import suggestions as suggestion_service
from buurthulp.notifications import services as notifications

DEFAULT_LIMIT = feed_service.PAGE_SIZE
MAX_LIMIT = 100


def _me() -> Member:
    member = current_member()
    assert member is not None  # the registry authenticated the request
    return member


def _owner(member: Member) -> OwnerOut:
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
        owner=_owner(listing.owner),
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
    member = _me()
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
    member = _me()
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
    member = _me()
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
    found = suggestion_service.suggestions(id, actor=_me())
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


def _match_out(match: Match, viewer: Member, **extra: Any) -> MatchOut:
    contact = matches.contact_for(match, viewer)
    return MatchOut(
        id=match.id,
        listing_id=match.listing_id,
        listing_title=match.listing.title,
        status=match.status,
        owner=_owner(match.owner),
        responder=_owner(match.responder),
        message=match.message,
        minutes=match.minutes,
        transfer_id=match.transfer_id,
        contact=ContactOut(**vars(contact)) if contact else None,
        created_at=match.created_at,
        updated_at=match.updated_at,
        **extra,
    )


@registry.operation(
    "/listings/<int:id>/matches",
    "POST",
    summary="React to a listing with a message: a proposed match",
    tag="matches",
    body=ReactIn,
    responses={201: ("The match, proposed", MatchOut)},
)
def react(id: int, body: ReactIn) -> Any:
    member = _me()
    return _match_out(matches.react(id, actor=member, message=body.message), member), 201


@registry.operation(
    "/listings/<int:id>/signups",
    "POST",
    summary="Sign up for an activity: a seat, or a place on the waiting list",
    tag="activities",
    responses={201: ("Signed up", SignupOut)},
)
def sign_up(id: int) -> Any:
    place = activities.sign_up(id, actor=_me())
    return SignupOut(status=place.status, position=place.position, occurrence=place.occurrence), 201


@registry.operation(
    "/listings/<int:id>/signups/me",
    "DELETE",
    summary="Cancel my sign-up; the first on the waiting list moves up",
    tag="activities",
    responses={204: ("Signed off", None)},
)
def cancel_signup(id: int) -> Any:
    activities.cancel_signup(id, actor=_me())
    return "", 204


@registry.operation(
    "/matches/<int:id>",
    "GET",
    summary="A match; contact details only for its parties, once agreed",
    tag="matches",
    responses={200: ("The match", MatchOut)},
    errors=(404,),
)
def get_match(id: int) -> Any:
    member = _me()
    return _match_out(matches.get_match(id, member), member)


MESSAGE_PARAMS = [Parameter("after", "query", {"type": "integer", "minimum": 1})]


@registry.operation(
    "/matches/<int:id>/messages",
    "GET",
    summary="The private thread (its two parties, once agreed), oldest first",
    tag="matches",
    parameters=MESSAGE_PARAMS,
    responses={200: ("Messages", MessageList)},
    errors=(403, 404, 409),
)
def list_messages(id: int) -> Any:
    member = _me()
    match = matches.get_match(id, member)
    if not matches.is_party(match, member.id):
        raise NotAllowed(_("Only the two people in this match read its messages."))
    if match.status not in CONTACT_STATUSES:
        raise Conflict(_("You can write to each other once you have agreed."))
    items = matches.messages_of(match, after_id=arg_id(request.args, "after"))
    return MessageList(
        items=[
            MessageOut(id=m.id, author_id=m.author_id, body=m.body, created_at=m.created_at)
            for m in items
        ]
    )


@registry.operation(
    "/matches/<int:id>/messages",
    "POST",
    summary="Write in the private thread",
    tag="matches",
    body=MessageIn,
    responses={201: ("Sent", MessageOut)},
)
def post_message(id: int, body: MessageIn) -> Any:
    message = matches.post_message(id, actor=_me(), body=body.body)
    return MessageOut(
        id=message.id, author_id=message.author_id, body=message.body, created_at=message.created_at
    ), 201


def _step(view: str, summary: str, body: type[BaseModel] | None = None) -> Any:
    """Register a state change of a match (accept, complete, confirm ...)."""

    def decorate(action: Any) -> Any:
        return registry.operation(
            f"/matches/<int:id>/{view}",
            "POST",
            summary=summary,
            tag="matches",
            body=body,
            responses={200: ("The match after this step", MatchOut)},
        )(action)

    return decorate


@_step("accept", "The listing's owner accepts the reaction: agreed")
def accept_match(id: int) -> Any:
    member = _me()
    return _match_out(matches.accept(id, actor=member), member)


@_step("complete", "Either party: done, with the minutes it took", MinutesIn)
def complete_match(id: int, body: MinutesIn) -> Any:
    member = _me()
    return _match_out(matches.complete(id, actor=member, minutes=body.minutes), member)


@_step("confirm", "The other party (or a coordinator for them) confirms: booked exactly once")
def confirm_match(id: int) -> Any:
    member = _me()
    outcome = matches.confirm(id, actor=member)
    return _match_out(
        outcome.match, member, booked=outcome.booked, limit_message=outcome.limit_message
    )


class NotificationOut(BaseModel):
    id: int
    text: str
    url: str | None
    created_at: datetime
    read: bool


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    next_cursor: str | None


@registry.operation(
    "/notifications",
    "GET",
    summary="My notifications, newest first",
    tag="notifications",
    parameters=[Parameter("cursor", "query", {"type": "string", "maxLength": CURSOR_MAX})],
    responses={200: ("A page of notifications", NotificationPage)},
    errors=(),
)
def list_notifications() -> Any:
    cursor = decode_cursor(request.args.get("cursor"), ("before",))
    before = cursor["before"] if cursor else None
    if before is not None and not is_id(before):
        raise InvalidQuery(
            _("This cursor is not valid. Start again without one."), code="bad_cursor"
        )
    limit = notifications.PAGE_SIZE
    found = notifications.notifications_for(_me(), before_id=before or None, limit=limit + 1)
    next_cursor = encode_cursor({"before": found[limit - 1].id}) if len(found) > limit else None
    return NotificationPage(
        items=[
            NotificationOut(id=n.id, text=n.text, url=n.url, created_at=n.created_at, read=n.read)
            for n in found[:limit]
        ],
        next_cursor=next_cursor,
    )
