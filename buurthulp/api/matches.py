"""Matches in the JSON API: reacting, inviting, the steps from proposed to done, the
private thread and the thank-you notes. Thin: each endpoint is one service call."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import BaseModel

from buurthulp.api import registry
from buurthulp.api.marketplace import acting_member
from buurthulp.api.spec import Parameter
from buurthulp.auth.models import Member
from buurthulp.inputs import arg_id
from buurthulp.listings.schemas import owner_out
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.matches.schemas import (
    AnswerIn,
    ContactOut,
    InviteIn,
    MatchOut,
    MatchPage,
    MessageIn,
    MessageList,
    MessageOut,
    MinutesIn,
    ReactIn,
    ReasonIn,
    ThanksIn,
    ThanksOut,
)


def _match_out(match: Match, viewer: Member, **extra: Any) -> MatchOut:
    contact = matches.contact_for(match, viewer)
    return MatchOut(
        id=match.id,
        listing_id=match.listing_id,
        listing_title=match.listing.title,
        status=match.status,
        owner=owner_out(match.owner),
        responder=owner_out(match.responder),
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
    member = acting_member()
    return _match_out(matches.react(id, actor=member, message=body.message), member), 201


@registry.operation(
    "/matches/<int:id>",
    "GET",
    summary="A match; contact details only for its parties, once agreed",
    tag="matches",
    responses={200: ("The match", MatchOut)},
    errors=(404,),
)
def get_match(id: int) -> Any:
    member = acting_member()
    return _match_out(matches.match_for_staff(id, member), member)


@registry.operation(
    "/me/matches",
    "GET",
    summary="My matches (as owner or responder), last changed first; all in one page "
    "(next_cursor is always null)",
    tag="matches",
    responses={200: ("My matches", MatchPage)},
    errors=(),
)
def my_matches() -> Any:
    member = acting_member()
    return MatchPage(items=[_match_out(m, member) for m in matches.matches_of(member)])


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
    _match, items = matches.read_thread(
        id, actor=acting_member(), after_id=arg_id(request.args, "after")
    )
    return MessageList(
        items=[
            MessageOut(
                id=m.id,
                author_id=m.author_id,
                body=m.body,
                created_at=m.created_at,
                removed=m.removed_at is not None,
            )
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
    message = matches.post_message(id, actor=acting_member(), body=body.body)
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
    member = acting_member()
    return _match_out(matches.accept(id, actor=member), member)


@_step("complete", "Either party: done, with the minutes it took", MinutesIn)
def complete_match(id: int, body: MinutesIn) -> Any:
    member = acting_member()
    return _match_out(matches.complete(id, actor=member, minutes=body.minutes), member)


@_step("confirm", "The other party (or a coordinator for them) confirms: booked exactly once")
def confirm_match(id: int) -> Any:
    member = acting_member()
    outcome = matches.confirm(id, actor=member)
    return _match_out(
        outcome.match, member, booked=outcome.booked, limit_message=outcome.limit_message
    )


@registry.operation(
    "/listings/<int:id>/invitations",
    "POST",
    summary="The owner asks a suggested neighbour; they answer yes or no",
    tag="matches",
    body=InviteIn,
    responses={201: ("The match, invited", MatchOut)},
)
def invite(id: int, body: InviteIn) -> Any:
    member = acting_member()
    match = matches.invite(id, body.member_id, actor=member, message=body.message)
    return _match_out(match, member), 201


@_step("answer", "The invited neighbour says yes (agreed) or no (no reason asked)", AnswerIn)
def answer_invitation(id: int, body: AnswerIn) -> Any:
    member = acting_member()
    return _match_out(matches.answer_invitation(id, yes=body.yes, actor=member), member)


@_step("cancel", "Either party cancels, with a reason; an agreed request opens again", ReasonIn)
def cancel_match(id: int, body: ReasonIn) -> Any:
    member = acting_member()
    return _match_out(matches.cancel(id, actor=member, reason=body.reason), member)


@_step("dispute", "The other party disputes the minutes: a coordinator decides", ReasonIn)
def dispute_match(id: int, body: ReasonIn) -> Any:
    member = acting_member()
    return _match_out(matches.dispute(id, actor=member, reason=body.reason), member)


@_step("ask-pool", "A party asks the coordinator for minutes from the pool for the payer")
def ask_pool(id: int) -> Any:
    member = acting_member()
    return _match_out(matches.ask_pool(id, actor=member), member)


@registry.operation(
    "/matches/<int:id>/thanks",
    "POST",
    summary="A short thank-you note for the other party, once done (no star ratings)",
    tag="matches",
    body=ThanksIn,
    responses={201: ("The note", ThanksOut)},
)
def leave_thanks(id: int, body: ThanksIn) -> Any:
    note = matches.leave_thanks(id, actor=acting_member(), body=body.body)
    return ThanksOut(id=note.id, author_id=note.author_id, body=note.body), 201
