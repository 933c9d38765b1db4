"""The marketplace in the JSON API: listings (posting, changing, pausing, closing,
extending), suggestions, activities (sign-ups, who comes, skipped dates, the calendar file)
and my listings. Thin: every endpoint calls the same service as the web page."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from buurthulp.api import registry
from buurthulp.api.spec import File, Parameter
from buurthulp.auth.guards import current_member
from buurthulp.auth.models import Member
from buurthulp.inputs import (
    CURSOR_MAX,
    arg_int,
)
from buurthulp.listings import activities, ics
from buurthulp.listings import services as listings
from buurthulp.listings.schemas import (
    AttendeeList,
    AttendeeOut,
    BroadcastIn,
    BroadcastOut,
    CardOut,
    CardPage,
    ListingChangeIn,
    ListingIn,
    ListingOut,
    ListingPage,
    OwnerOut,
    SignupOut,
    SkipIn,
    SuggestionList,
    SuggestionOut,
    listing_out,
)
from buurthulp.listings.services import ListingInput
from buurthulp.matching import feed as feed_service
from buurthulp.matching import suggestions as suggestion_service
from buurthulp.schemas_base import StrictModel, slot_bits

DEFAULT_LIMIT = feed_service.PAGE_SIZE
MAX_LIMIT = 100


def acting_member() -> Member:
    member = current_member()
    assert member is not None  # the registry authenticated the request
    return member


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
    listing = listings.post_listing(_listing_input(body, kind=body.kind), actor=member)
    return listing_out(listing, member), 201


def _listing_input(body: ListingChangeIn, *, kind: str | None) -> ListingInput:
    """The service's input from an API body (a change keeps the listing's own kind)."""
    fields = body.model_dump(exclude={"kind"})
    return ListingInput(kind=kind, **{**fields, "slots": slot_bits(body.slots)})


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
    return listing_out(listings.get_listing(id, member), member)


@registry.operation(
    "/listings/<int:id>",
    "PUT",
    summary="The owner changes what the listing says: all fields of posting it again, "
    "except `kind`, which stays",
    tag="listings",
    body=ListingChangeIn,
    responses={200: ("The listing as changed", ListingOut)},
    errors=(403, 404),
)
def update_listing(id: int, body: ListingChangeIn) -> Any:
    member = acting_member()
    listing = listings.update_listing(id, _listing_input(body, kind=None), actor=member)
    return listing_out(listing, member)


def _owner_action(action: str, summary: str, body: type[StrictModel] | None = None) -> Any:
    """Register something only the listing's owner does to it (pause, close, extend ...)."""

    def decorate(view: Any) -> Any:
        return registry.operation(
            f"/listings/<int:id>/{action}",
            "POST",
            summary=summary,
            tag="listings",
            body=body,
            responses={200: ("The listing after this step", ListingOut)},
        )(view)

    return decorate


@_owner_action("pause", "The owner pauses an open listing: out of the feed for a while")
def pause_listing(id: int) -> Any:
    member = acting_member()
    return listing_out(listings.change_status(id, "pause", actor=member), member)


@_owner_action("reopen", "The owner opens a paused or closed listing again (30 more days)")
def reopen_listing(id: int) -> Any:
    member = acting_member()
    return listing_out(listings.change_status(id, "reopen", actor=member), member)


@_owner_action("close", "The owner closes a listing")
def close_listing(id: int) -> Any:
    member = acting_member()
    return listing_out(listings.change_status(id, "close", actor=member), member)


@_owner_action("extend", "The owner keeps a listing 30 days longer (a standing offer: still on)")
def extend_listing(id: int) -> Any:
    member = acting_member()
    return listing_out(listings.extend(id, actor=member), member)


@registry.operation(
    "/me/listings",
    "GET",
    summary="Everything I posted, open ones first, newest first; all in one page "
    "(next_cursor is always null)",
    tag="listings",
    responses={200: ("My listings", ListingPage)},
    errors=(),
)
def my_listings() -> Any:
    member = acting_member()
    return ListingPage(items=[listing_out(x, member) for x in listings.my_listings(member)])


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


@registry.operation(
    "/listings/<int:id>/attendees",
    "GET",
    summary="Who comes and who waits, per date: the organiser and the neighbourhood's staff; "
    "all in one page (next_cursor is always null)",
    tag="activities",
    responses={200: ("The sign-ups, by date", AttendeeList)},
    errors=(403, 404),
)
def listing_attendees(id: int) -> Any:
    member = acting_member()
    people = activities.attendees(listings.get_listing(id, member), actor=member)
    return AttendeeList(
        items=[
            AttendeeOut(
                member=OwnerOut(
                    id=p.member_id, display_name=p.display_name, staff_role=p.staff_role
                ),
                status=p.status,
                occurrence=p.occurrence,
            )
            for p in people
        ]
    )


@registry.operation(
    "/listings/<int:id>/attendees/message",
    "POST",
    summary="The organiser writes to everyone signed up for the next date",
    tag="activities",
    body=BroadcastIn,
    responses={200: ("Sent as notifications", BroadcastOut)},
)
def message_attendees(id: int, body: BroadcastIn) -> Any:
    sent = activities.message_attendees(id, actor=acting_member(), body=body.body)
    return BroadcastOut(sent=sent)


@_owner_action("skip", "The organiser skips one date of a repeating activity", SkipIn)
def skip_date(id: int, body: SkipIn) -> Any:
    member = acting_member()
    return listing_out(listings.skip_date(id, body.day, actor=member), member)


@registry.operation(
    "/listings/<int:id>/agenda.ics",
    "GET",
    summary="An activity (and its series) as an iCalendar file",
    tag="activities",
    responses={200: ("The calendar file", File("text/calendar"))},
    errors=(404,),
)
def listing_calendar(id: int) -> Any:
    file = ics.calendar_file(id, actor=acting_member())
    return Response(
        file.text, mimetype=file.mimetype, headers={"Content-Disposition": file.disposition}
    )
