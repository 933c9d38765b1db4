"""What every part of the match rules shares: the limits, loading a match (and locking it),
who is who in it (the parties, who pays whom, who helps whom), telling them, and the trust
a helper needs.

It exists so that the steps (`agreeing`, `completing`), the texts (`contact`) and the clock
(`clock`) can live in modules of their own without importing each other for these basics.
`_refuse_for` is how each guard asks the match rules (`matches.actions`) first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import timedelta

from sqlalchemy import select

from buurthulp.access.log import record_staff_view
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import holders_of, may
from buurthulp.auth.roles import Permission
from buurthulp.errors import BuurthulpError, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import is_id
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.listings.services import trust_needed
from buurthulp.matches.actions import Why
from buurthulp.matches.models import Match, MatchStatus
from buurthulp.notifications.services import notify
from buurthulp.protection.marks import (
    acting_for,
    is_vulnerable,
    trust_needed_for,
    trusted_enough,
)

REACTION_MAX = 1000
MESSAGE_MAX = 2000
THANKS_MAX = 500
REASON_MAX = 500
CONFIRM_DAYS = 14
REMINDERS_AFTER = (timedelta(days=3), timedelta(days=7))
# Agreed and after: these count as "a helper found" for a request.
TAKEN = (
    MatchStatus.AGREED,
    MatchStatus.AWAITING_CONFIRMATION,
    MatchStatus.DISPUTED,
    MatchStatus.DONE,
)


def not_found() -> NotFound:
    return NotFound(_("We could not find this match."))


def payer_and_payee(match: Match) -> tuple[int, int]:
    """Who pays whom: the helped party pays the helper."""
    if match.listing.kind == "offer":
        return match.responder_id, match.owner_id
    return match.owner_id, match.responder_id


def other_party(match: Match, member_id: int) -> int:
    return match.responder_id if member_id == match.owner_id else match.owner_id


def _url(match: Match) -> str:
    return path_for("matches.show", match_id=match.id)


def _tell(member_id: int, kind: str, match: Match, **params: object) -> None:
    notify(member_id, kind, url=_url(match), title=match.listing.title, **params)


def _tell_coordinators(match: Match, kind: str, **params: object) -> None:
    """Every coordinator of the listing's neighbourhood hears that the match waits for them,
    except one who is a party: they cannot settle their own match, another one must."""
    for member_id in holders_of(Permission.MATCHES_DISPUTE_RESOLVE, match.listing.neighbourhood_id):
        if not is_party(match, member_id):
            _tell(member_id, kind, match, **params)


def may_help(member: Member, listing: Listing) -> bool:
    """May `member` help with this request? A category the neighbourhood reserves for
    trusted helpers only takes trusted ones, and a vulnerable resident is helped by
    VOG-checked helpers only."""
    return trusted_enough(member, trust_needed_for(trust_needed(listing), listing.owner_id))


def _refuse_untrusted(listing: Listing, helper: Member, helped_id: int) -> None:
    """The helper of a match must be trusted enough for the help and for the one helped:
    checked on reacting and again on agreeing (a VOG may have lapsed in between)."""
    if is_vulnerable(helped_id) and helper.trust_level != "vog":
        raise NotAllowed(
            _(
                "This neighbour is helped only by volunteers whose certificate of conduct "
                "(VOG) the coordinator checked. Ask your coordinator about it."
            ),
            code="trust_needed",
        )
    if listing.kind == "request" and not trusted_enough(helper, trust_needed(listing)):
        raise NotAllowed(
            _(
                "For this kind of help the neighbourhood asks for a helper the coordinator "
                "has met. Ask your coordinator about it."
            ),
            code="trust_needed",
        )


def _helper_and_helped(match: Match) -> tuple[int, int]:
    """For a request the responder helps the owner; for an offer the other way round."""
    if match.listing.kind == "offer":
        return match.owner_id, match.responder_id
    return match.responder_id, match.owner_id


def _acting(actor: Member, on_behalf_of: Member | None) -> Member:
    """Who takes the step: the actor, or the resident a coordinator acts for (checked)."""
    return actor if on_behalf_of is None else acting_for(actor, on_behalf_of)


# Loading ---------------------------------------------------------------------------------------


def is_party(match: Match, member_id: int) -> bool:
    return member_id in (match.owner_id, match.responder_id)


def get_match(match_id: object, actor: Member) -> Match:
    """The match for its two parties and for staff of its neighbourhood; 404 for others."""
    if not is_id(match_id):
        raise not_found()
    match = db.session.get(Match, match_id)
    if match is None:
        raise not_found()
    if is_party(match, actor.id):
        return match
    if may(actor, Permission.MATCHES_VIEW_ALL, match.listing.neighbourhood_id):
        return match
    raise not_found()


def match_for_staff(match_id: object, actor: Member, *, reason: str = "") -> Match:
    """`get_match` for a page or an API answer that shows the match. Its parties read their
    own; staff of its neighbourhood read both people's data, and that read is logged, with
    `reason` (or the one the page asked for). `get_match` itself writes nothing: the steps
    and the reason guard load with it."""
    match = get_match(match_id, actor)
    if not is_party(match, actor.id):
        record_staff_view(
            viewer=actor,
            subject_ids=[match.owner_id, match.responder_id],
            what="match",
            reason=reason,
        )
    return match


def _locked(match_id: int) -> Match:
    """The match row under lock (PostgreSQL), fresh from the database.

    The listing's row is locked first, always: two steps on matches of one listing (two
    accepts, an accept and a cancel) take the locks in the same order and never deadlock.
    """
    listing_id = db.session.scalar(select(Match.listing_id).where(Match.id == match_id))
    if listing_id is not None:
        db.session.get(Listing, listing_id, with_for_update=True, populate_existing=True)
    return db.session.get_one(Match, match_id, with_for_update=True, populate_existing=True)


def _refuse_for(
    why: Collection[Why],
    errors: Mapping[Why, BuurthulpError],
    *,
    final: bool = True,
) -> None:
    """A guard's answer to what the match rules said (`actions.refusals`): nothing when
    `why` is empty, else the guard's own error for the first of `errors` (in the guard's
    order) that is among the reasons. With `final=False` only those are checked (the rest
    is read again under lock); else a refusal the guard names no error for is still one,
    and the match is not found."""
    for reason, error in errors.items():
        if reason in why:
            raise error
    if why and final:
        raise not_found()
