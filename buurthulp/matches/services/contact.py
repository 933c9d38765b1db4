"""What the two parties say to each other and see of each other: the private thread, the
notes of thanks, their contact details once agreed, and the lists of one's matches; and
removing those texts when an account is erased or the retention rules say so.

It exists apart from the steps (`agreeing`, `completing`): these are the words around a
match, not its state; privacy (erasure, retention) reads and empties them here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from buurthulp.auth.limits import hold_back
from buurthulp.auth.models import Member
from buurthulp.db import id_in, transaction
from buurthulp.errors import Conflict, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_text
from buurthulp.listings.models import Listing
from buurthulp.matches.actions import MESSAGE, THANK, Why, refusals
from buurthulp.matches.models import (
    CONTACT_STATUSES,
    OPEN_STATUSES,
    THREAD_STATUSES,
    Match,
    MatchStatus,
    Message,
    ThanksNote,
)
from buurthulp.matches.services.common import (
    MESSAGE_MAX,
    THANKS_MAX,
    _acting,
    _refuse_for,
    _tell,
    get_match,
    is_party,
    other_party,
    payer_and_payee,
)
from buurthulp.protection.blocks import blocked_between
from buurthulp.protection.marks import contact_person_for, is_vulnerable, record_proxy

# Messages and thanks ----------------------------------------------------------------------


def post_message(
    match_id: object, *, actor: Member, body: object, on_behalf_of: Member | None = None
) -> Message:
    """A message in the private thread, once both have agreed (a coordinator may write
    `on_behalf_of` a resident they keep: stored and shown as such)."""
    text = clean_text(
        body,
        field="body",
        required=True,
        max_length=MESSAGE_MAX,
        empty_message=_("Write your message."),
    )
    member = _acting(actor, on_behalf_of)
    match = get_match(match_id, member)
    hold_back("message", actor)
    _refuse_for(
        refusals(MESSAGE, match, actor, on_behalf_of=on_behalf_of),
        {
            Why.WHO: NotAllowed(_("Only the two people in this match can write here.")),
            Why.STATUS: Conflict(_("You can write to each other once you have agreed.")),
            Why.BLOCKED: NotAllowed(
                _("You cannot write to each other any more. Your coordinator can help if needed.")
            ),
        },
    )
    with transaction():
        message = Message(
            match_id=match.id,
            author_id=member.id,
            body=text,
            proxy_by_id=actor.id if on_behalf_of is not None else None,
        )
        db.session.add(message)
        db.session.flush()
        _tell(other_party(match, member.id), "matches.message", match, by=member.display_name)
        if on_behalf_of is not None:
            record_proxy(
                actor, member, _("wrote a message about “%(title)s”", title=match.listing.title)
            )
    return message


def may_read_thread(match: Match, viewer: Member) -> bool:
    """The two parties, from agreeing on, also after the match ended (staff who open a
    match to settle it see the steps, not the private thread)."""
    return is_party(match, viewer.id) and match.status in THREAD_STATUSES


def read_thread(
    match_id: object, *, actor: Member, after_id: int | None = None
) -> tuple[Match, list[Message]]:
    """The thread for one of its two parties (the API's reader): anyone else is refused,
    and so is a thread before the two have agreed. After the match ended it stays readable
    (without contact details: `contact_for`)."""
    match = get_match(match_id, actor)
    if not is_party(match, actor.id):
        raise NotAllowed(_("Only the two people in this match read its messages."))
    if not may_read_thread(match, actor):
        raise Conflict(_("You can write to each other once you have agreed."))
    return match, messages_of(match, after_id=after_id)


def messages_of(match: Match, *, after_id: int | None = None, limit: int = 200) -> list[Message]:
    """The thread, oldest first (the reader is checked by the caller, `get_match`)."""
    query = select(Message).where(Message.match_id == match.id).order_by(Message.id).limit(limit)
    if after_id is not None:
        query = query.where(Message.id > after_id)
    return list(db.session.scalars(query))


def leave_thanks(match_id: object, *, actor: Member, body: object) -> ThanksNote:
    """After a match, a short note for the other. One each, no stars."""
    text = clean_text(
        body,
        field="body",
        required=True,
        max_length=THANKS_MAX,
        empty_message=_("Write a few words of thanks."),
    )
    match = get_match(match_id, actor)
    hold_back("thanks", actor)
    with transaction():
        _refuse_for(
            refusals(THANK, match, actor),
            {
                Why.WHO: NotAllowed(
                    _("Only the two people in this match can thank each other here.")
                ),
                Why.STATUS: Conflict(_("You can say thank you once the help is confirmed.")),
                Why.ONCE: Conflict(_("You already left a note of thanks.")),
                Why.BLOCKED: NotAllowed(
                    _(
                        "You cannot write to each other any more. Your coordinator can help "
                        "if needed."
                    )
                ),
            },
        )
        note = ThanksNote(match_id=match.id, author_id=actor.id, body=text)
        db.session.add(note)
        db.session.flush()
        _tell(other_party(match, actor.id), "matches.thanked", match, by=actor.display_name)
    return note


def _remove_messages(*where: object, now: datetime) -> int:
    """Empty the text of the messages `where` selects and mark them removed (only flushes)."""
    result = db.session.execute(
        update(Message)
        .where(Message.removed_at.is_(None), *where)
        .values(body="", removed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def texts_of(member_id: int) -> set[str]:
    """What erasure will remove from their matches (their messages, reactions, reasons,
    thanks, and settlements of their disputes), so the places that quote it forget it."""
    mine = or_(Match.owner_id == member_id, Match.responder_id == member_id)
    queries = (
        select(Message.body).where(Message.author_id == member_id),
        select(ThanksNote.body).where(ThanksNote.author_id == member_id),
        select(Match.message).where(mine),
        select(Match.dispute_reason).where(mine),
        select(Match.resolution_note).where(mine),
        select(Match.cancel_reason).where(Match.cancelled_by_id == member_id),
    )
    return {text for query in queries for text in db.session.scalars(query) if text}


def remove_texts_of(member_id: int, *, now: datetime) -> int:
    """The member's account is erased: what they wrote to others in matches goes (inside
    the caller's transaction, only flushes). Their messages become "removed", their
    reactions, invitations and reasons empty, their notes of thanks gone. Returns how many
    messages were removed."""
    removed = _remove_messages(Message.author_id == member_id, now=now)
    wrote_it = or_(
        (Match.responder_id == member_id) & Match.invited.is_(False),
        (Match.owner_id == member_id) & Match.invited.is_(True),
    )
    for statement in (
        update(Match).where(wrote_it, Match.message != "").values(message=""),
        update(Match).where(Match.cancelled_by_id == member_id).values(cancel_reason=None),
        update(Match).where(Match.disputed_by_id == member_id).values(dispute_reason=None),
        # A coordinator's note on settling a dispute of theirs is about them.
        update(Match)
        .where(or_(Match.owner_id == member_id, Match.responder_id == member_id))
        .values(resolution_note=None),
        delete(ThanksNote).where(ThanksNote.author_id == member_id),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    return removed


CLOSED_STATUSES = (MatchStatus.DONE, MatchStatus.CANCELLED, MatchStatus.DECLINED)


def remove_thread_texts(match_ids: Collection[int], *, now: datetime) -> int:
    """Retention: the texts of these ended matches go (their messages and the reaction that
    started them); the thread shows "removed". Only flushes; returns messages removed."""
    if not match_ids:
        return 0
    removed = _remove_messages(id_in(Message.match_id, match_ids), now=now)
    db.session.execute(
        update(Match)
        .where(id_in(Match.id, match_ids), Match.status.in_(CLOSED_STATUSES), Match.message != "")
        .values(message="")
        .execution_options(synchronize_session=False)
    )
    return removed


def thanks_of(match: Match) -> list[ThanksNote]:
    return list(
        db.session.scalars(
            select(ThanksNote).where(ThanksNote.match_id == match.id).order_by(ThanksNote.id)
        )
    )


# What a party sees of the other ------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """The other party, as shown once agreed: first name, how to reach them, where. For a
    vulnerable resident it is their coordinator instead (`via_coordinator`)."""

    first_name: str
    email: str | None
    phone: str | None
    meeting_place: str | None
    via_coordinator: bool = False


def contact_for(match: Match, viewer: Member) -> Contact | None:
    """Only the two parties, only while they help each other: from agreeing until the
    match is done or cancelled (then the thread stays, the details go). Contact with a
    vulnerable resident goes through their coordinator: the helper sees the coordinator's
    name and phone, never the resident's details or address."""
    if not is_party(match, viewer.id) or match.status not in CONTACT_STATUSES:
        return None
    if blocked_between(match.owner_id, match.responder_id):
        return None  # a match that waits for its minutes stays, their details do not
    other = db.session.get_one(Member, other_party(match, viewer.id))
    if is_vulnerable(other.id):
        person = contact_person_for(other.id)
        return Contact(
            first_name=(person.display_name if person else "").split(" ")[0],
            email=person.email if person else None,
            phone=person.phone if person else None,
            meeting_place=None,
            via_coordinator=True,
        )
    payer_id, _payee = payer_and_payee(match)
    helped = db.session.get_one(Member, payer_id)
    place = None
    if helped.postcode and helped.house_number:
        place = f"{helped.postcode[:4]} {helped.postcode[4:]}, {helped.house_number}"
    return Contact(
        first_name=(other.display_name or "").split(" ")[0],
        email=other.email,
        phone=other.phone,
        meeting_place=place,
    )


def matches_of(member: Member, *, open_only: bool = False) -> list[Match]:
    query = (
        select(Match)
        .where(or_(Match.owner_id == member.id, Match.responder_id == member.id))
        .order_by(Match.updated_at.desc(), Match.id.desc())
    )
    if open_only:
        query = query.where(Match.status.in_(OPEN_STATUSES))
    return list(db.session.scalars(query))


def matches_for_listing(listing: Listing) -> list[Match]:
    return list(
        db.session.scalars(
            select(Match).where(Match.listing_id == listing.id).order_by(Match.created_at)
        )
    )
