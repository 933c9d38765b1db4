"""Blocks: any member keeps away from another. From then on neither sees the other in feeds,
suggestions, reactions, messages or sign-ups (the marketplace asks `protection.blocks`);
lifting it is for the one who blocked.

A member a resident may not know about is a 404 here, like everywhere: one they share a
match or an activity with, whose listing they can open, or whom they blocked, they know;
a neighbour they never met is not listed by counting ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from buurthulp.auth.limits import hold_back
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import is_id
from buurthulp.links import path_for
from buurthulp.listings.activities import cancel_all_signups_of
from buurthulp.listings.models import Listing, Signup
from buurthulp.listings.services import visible_to
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from buurthulp.notifications.services import notify
from buurthulp.protection.models import Block

# The stopped match reads this: no more than that it stopped (not who blocked whom).
STOPPED = _l("This match was stopped.")


def not_found_member() -> NotFound:
    return NotFound(_("We could not find this member."), field="member_id")


# Whom a member knows ------------------------------------------------------------------------


def _knows(actor: Member, member: Member) -> bool:
    """Has `actor` met `member` here: a match or its messages, a listing of theirs the
    actor may see, an activity together, or a block the actor made? Living in the same
    neighbourhood is not enough: counting ids must not list the neighbourhood's residents
    (staff who may read the directory know them all)."""
    if member.neighbourhood_id is not None and may(
        actor, Permission.MEMBERS_DIRECTORY_VIEW, member.neighbourhood_id
    ):
        return True
    pair = or_(
        and_(Match.owner_id == actor.id, Match.responder_id == member.id),
        and_(Match.owner_id == member.id, Match.responder_id == actor.id),
    )
    listed = and_(Listing.owner_id == member.id, visible_to(actor))
    organiser, theirs = aliased(Listing), aliased(Signup)
    together = or_(
        exists().where(
            Signup.member_id == member.id,
            Signup.listing_id == organiser.id,
            organiser.owner_id == actor.id,
        ),
        exists().where(
            Signup.member_id == actor.id,
            Signup.listing_id == organiser.id,
            organiser.owner_id == member.id,
        ),
        exists().where(
            Signup.member_id == actor.id,
            theirs.member_id == member.id,
            theirs.listing_id == Signup.listing_id,
        ),
    )
    blocked = exists().where(Block.blocker_id == actor.id, Block.blocked_id == member.id)
    return bool(
        db.session.scalar(
            select(or_(exists().where(pair), exists().where(listed), together, blocked))
        )
    )


def known_member(member_id: object, actor: Member) -> Member:
    """Another member `actor` may know about (active or suspended), or a 404."""
    if not is_id(member_id):
        raise not_found_member()
    member = db.session.get(Member, member_id)
    if member is None or member.status not in ("active", "suspended"):
        raise not_found_member()
    if member.id == actor.id:
        raise InvalidInput(_("This is your own account."), field="member_id")
    if not _knows(actor, member):
        raise not_found_member()
    return member


# Blocks ------------------------------------------------------------------------------------------


def block(member_id: object, *, actor: Member) -> Block:
    """From now on neither sees the other: not in the feed, not in suggestions, no
    reactions, no messages, no sign-ups. Blocking twice changes nothing.

    What was between them ends kindly: unanswered reactions and invitations are declined,
    and an agreed match where the help has not happened yet is cancelled (the other reads
    only that it stopped, never who blocked whom); seats at each other's activities are
    given up, and the daily mail drops its lines about the other. A match that waits for
    its minutes to be confirmed stays: the help was given and the time bank must stay
    right, but they can no longer write, thank, or see each other's contact details."""
    if not may(actor, Permission.SAFETY_OWN_BLOCK):
        raise NotAllowed(_("Your account cannot block members right now."))
    other = known_member(member_id, actor)
    hold_back("block", actor)
    try:
        with transaction():
            found = _block_row(actor.id, other.id)
            if found is not None:
                return found
            row = Block(blocker_id=actor.id, blocked_id=other.id)
            db.session.add(row)
            db.session.flush()
            _part_ways(actor, other)
    except IntegrityError:  # blocked at the same moment from another device
        found = _block_row(actor.id, other.id)
        if found is None:
            raise
        return found
    return row


def _block_row(blocker_id: int, blocked_id: int) -> Block | None:
    return db.session.scalar(
        select(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
    )


def _part_ways(actor: Member, other: Member) -> None:
    """The matches between them, at the moment of blocking (inside the transaction)."""
    between = db.session.scalars(
        select(Match)
        .where(
            or_(
                and_(Match.owner_id == actor.id, Match.responder_id == other.id),
                and_(Match.owner_id == other.id, Match.responder_id == actor.id),
            ),
            Match.status.in_(("invited", "proposed", "agreed")),
        )
        .order_by(Match.id)
    ).all()
    now = utcnow()
    for match in between:
        if match.status == "agreed":
            matches.cancel(match.id, actor=actor, reason=str(STOPPED))
        else:
            match.status, match.updated_at = "declined", now
            notify(
                other.id,
                "matches.cancelled",
                url=path_for("matches.show", match_id=match.id),
                title=match.listing.title,
                reason=str(STOPPED),
            )
    # Neither keeps a seat at the other's activities (nor gets its reminders).
    cancel_all_signups_of(other.id, now=now, organiser_id=actor.id)
    cancel_all_signups_of(actor.id, now=now, organiser_id=other.id)
    # And no daily mail carries a line about the other any more.
    _no_digest_lines(actor, other)
    db.session.flush()


def _no_digest_lines(actor: Member, other: Member) -> None:
    """Notifications still waiting for the daily mail that lead to a match between the two
    or to a listing of the other leave the mail (they stay in the inbox)."""
    match_urls = [
        path_for("matches.show", match_id=i)
        for i in db.session.scalars(
            select(Match.id).where(
                or_(
                    and_(Match.owner_id == actor.id, Match.responder_id == other.id),
                    and_(Match.owner_id == other.id, Match.responder_id == actor.id),
                )
            )
        )
    ]
    for member, them in ((actor, other), (other, actor)):
        listing_urls = [
            path_for("listings.show", listing_id=i)
            for i in db.session.scalars(select(Listing.id).where(Listing.owner_id == them.id))
        ]
        urls = match_urls + listing_urls
        if urls:
            db.session.execute(
                update(Notification)
                .where(
                    Notification.member_id == member.id,
                    Notification.digest_pending.is_(True),
                    Notification.url.in_(urls),
                )
                .values(digest_pending=False)
                .execution_options(synchronize_session=False)
            )


def unblock(member_id: object, *, actor: Member) -> None:
    """Lift my block (only the one who blocked can); what it ended stays ended."""
    row = _block_row(actor.id, member_id) if is_id(member_id) else None
    if row is None:
        raise NotFound(_("You have not blocked this member."), field="member_id")
    with transaction():
        db.session.delete(db.session.get_one(Block, row.id))


@dataclass(frozen=True)
class BlockedMember:
    member_id: int
    display_name: str
    staff_role: str | None
    since: datetime


def my_blocks(actor: Member) -> list[BlockedMember]:
    """Whom I blocked, newest first (one query)."""
    rows = db.session.execute(
        select(Block.blocked_id, Block.created_at, Member)
        .join(Member, Member.id == Block.blocked_id)
        .where(Block.blocker_id == actor.id)
        .order_by(Block.created_at.desc(), Block.id.desc())
    )
    return [
        BlockedMember(member_id, member.display_name, member.staff_role, since)
        for member_id, since, member in rows
    ]


def has_blocked(actor: Member, member_id: int) -> bool:
    return _block_row(actor.id, member_id) is not None
