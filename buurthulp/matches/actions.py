"""Which steps a person may take on a match now: the one table of the match rules.

Before this module, every service guard and both match pages (a party's own page, and the
page where a coordinator acts for a resident who is not online) decided the state machine
each on their own, and they drifted. Now the guards in `matches.services` ask `refusals`
first and raise their own error for the reason it names; the pages render their buttons
from `allowed_actions`.

    step      in status                      by                                on behalf
    accept    proposed                       the owner                         yes
    say_yes   invited                        the responder (the one asked)     yes
    decline   invited                        the responder                     yes
    cancel    invited, proposed, agreed,     either party                      no
              awaiting_confirmation
    complete  agreed                         either party                      no
    confirm   awaiting_confirmation          the party who did not give the    yes
                                             minutes; staff who may confirm
                                             on behalf (never for themself)
    dispute   awaiting_confirmation          the party who did not give them   no
    ask_pool  awaiting_confirmation          either party                      no
    message   agreed, awaiting_confirmation, either party                      yes
              disputed, done
    thank     done                           either party, once                no
    resolve   disputed                       staff who may settle disputes,    no
                                             never a party

"On behalf" is a coordinator acting for a resident they keep (`protection.marks.acting_for`):
the resident is then the one who takes the step. "Staff" is anyone who is not a party; what
they may do, their permissions in the listing's neighbourhood say.

Words to the other party (a message, a note of thanks) never cross a block between the two
(`Why.BLOCKED`). What the table leaves to the guards, because it is no rule of the match
itself: whether the listing is still open, the trust a helper needs, the payer's lower
limit, and the same decision pressed twice (a second confirm, a dispute settled again).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.errors import Conflict, NotFound
from buurthulp.extensions import db
from buurthulp.matches.models import MESSAGE_STATUSES, Match, MatchStatus, ThanksNote
from buurthulp.matches.waiting import reasons_of
from buurthulp.protection.blocks import blocked_between
from buurthulp.protection.marks import acting_for

ACCEPT = "accept"
SAY_YES = "say_yes"
DECLINE = "decline"
CANCEL = "cancel"
COMPLETE = "complete"
CONFIRM = "confirm"
DISPUTE = "dispute"
ASK_POOL = "ask_pool"
MESSAGE = "message"
THANK = "thank"
RESOLVE = "resolve"


class Role(StrEnum):
    """Who someone is in a match."""

    OWNER = "owner"  # posted the listing
    RESPONDER = "responder"  # reacted to it, or was asked
    STAFF = "staff"  # not a party: their permissions decide


class Why(StrEnum):
    """Why a step is refused; each guard turns the reason into its own error message."""

    WHO = "who"  # the step is not for this role (the owner, the one asked, a party, staff)
    PERMISSION = "permission"  # staff without the permission in the listing's neighbourhood
    ON_BEHALF = "on_behalf"  # not taken for someone else, or not for a resident one keeps
    STATUS = "status"  # not in the match's present status
    OWN_MINUTES = "own_minutes"  # the one who gave the minutes neither confirms nor disputes
    ONCE = "once"  # taken already (a note of thanks)
    BLOCKED = "blocked"  # one of the two blocked the other: no words reach the other
    NOT_WAITING = "not_waiting"  # staff step in only where a match waits for a coordinator


PARTIES = frozenset({Role.OWNER, Role.RESPONDER})


@dataclass(frozen=True)
class Rule:
    """One row of the table: in which statuses, by whom, and what else holds."""

    statuses: frozenset[MatchStatus]
    roles: frozenset[Role]
    on_behalf: bool = False  # a coordinator may take it for a resident they keep
    staff_need: Permission | None = None  # what staff (in `roles`) must hold for it
    not_by_completer: bool = False  # never by the party who gave the minutes
    once: bool = False  # one note of thanks each
    words: bool = False  # words to the other party: never across a block
    staff_when_waiting: bool = False  # staff (not acting for a resident) only when it waits


def _statuses(*statuses: MatchStatus) -> frozenset[MatchStatus]:
    return frozenset(statuses)


RULES: dict[str, Rule] = {
    ACCEPT: Rule(_statuses(MatchStatus.PROPOSED), frozenset({Role.OWNER}), on_behalf=True),
    SAY_YES: Rule(_statuses(MatchStatus.INVITED), frozenset({Role.RESPONDER}), on_behalf=True),
    DECLINE: Rule(_statuses(MatchStatus.INVITED), frozenset({Role.RESPONDER}), on_behalf=True),
    CANCEL: Rule(
        _statuses(
            MatchStatus.INVITED,
            MatchStatus.PROPOSED,
            MatchStatus.AGREED,
            MatchStatus.AWAITING_CONFIRMATION,
        ),
        PARTIES,
    ),
    COMPLETE: Rule(_statuses(MatchStatus.AGREED), PARTIES),
    CONFIRM: Rule(
        _statuses(MatchStatus.AWAITING_CONFIRMATION),
        PARTIES | {Role.STAFF},
        on_behalf=True,
        staff_need=Permission.MATCHES_CONFIRM_ON_BEHALF,
        not_by_completer=True,
        staff_when_waiting=True,
    ),
    DISPUTE: Rule(_statuses(MatchStatus.AWAITING_CONFIRMATION), PARTIES, not_by_completer=True),
    ASK_POOL: Rule(_statuses(MatchStatus.AWAITING_CONFIRMATION), PARTIES),
    MESSAGE: Rule(frozenset(MESSAGE_STATUSES), PARTIES, on_behalf=True, words=True),
    THANK: Rule(_statuses(MatchStatus.DONE), PARTIES, once=True, words=True),
    RESOLVE: Rule(
        _statuses(MatchStatus.DISPUTED),
        frozenset({Role.STAFF}),
        staff_need=Permission.MATCHES_DISPUTE_RESOLVE,
    ),
}
ACTIONS = frozenset(RULES)


def role_of(match: Match, member: Member) -> Role:
    if member.id == match.owner_id:
        return Role.OWNER
    if member.id == match.responder_id:
        return Role.RESPONDER
    return Role.STAFF


@dataclass(frozen=True)
class _Asker:
    """Who asks, worked out once for all the table's rows."""

    member: Member  # who takes the step: the actor, or the resident they act for
    role: Role
    on_behalf: bool  # a coordinator acts for the member
    acts_for: bool  # ... and may (or no one acts for anyone)


def _asker(match: Match, actor: Member, on_behalf_of: Member | None) -> _Asker:
    if on_behalf_of is None:
        return _Asker(actor, role_of(match, actor), on_behalf=False, acts_for=True)
    try:
        acting_for(actor, on_behalf_of)
    except (NotFound, Conflict):
        acts_for = False
    else:
        acts_for = True
    return _Asker(on_behalf_of, role_of(match, on_behalf_of), on_behalf=True, acts_for=acts_for)


def _thanked(match: Match, member: Member) -> bool:
    return (
        db.session.scalar(
            select(ThanksNote.id).where(
                ThanksNote.match_id == match.id, ThanksNote.author_id == member.id
            )
        )
        is not None
    )


def _why(rule: Rule, match: Match, asker: _Asker) -> frozenset[Why]:
    why: set[Why] = set()
    if asker.on_behalf and not (rule.on_behalf and asker.acts_for):
        why.add(Why.ON_BEHALF)
    if asker.role not in rule.roles:
        why.add(Why.WHO)
    elif (
        asker.role is Role.STAFF
        and rule.staff_need is not None
        and not may(asker.member, rule.staff_need, match.listing.neighbourhood_id)
    ):
        why.add(Why.PERMISSION)
    if match.status not in rule.statuses:
        why.add(Why.STATUS)
    if rule.not_by_completer and asker.member.id == match.completed_by_id:
        why.add(Why.OWN_MINUTES)
    # Read only when all else holds (one query, and only then it can be the reason).
    if rule.once and not why and _thanked(match, asker.member):
        why.add(Why.ONCE)
    if rule.words and not why and blocked_between(match.owner_id, match.responder_id):
        why.add(Why.BLOCKED)
    if (
        rule.staff_when_waiting
        and asker.role is Role.STAFF
        and not asker.on_behalf
        and not why
        and not reasons_of(match)
    ):
        why.add(Why.NOT_WAITING)
    return frozenset(why)


def refusals(
    action: str, match: Match, actor: Member, *, on_behalf_of: Member | None = None
) -> frozenset[Why]:
    """Why `actor` (or the resident they act for, `on_behalf_of`) may not take `action` on
    `match` now: empty when they may. `Why.ONCE` is named only when nothing else refuses."""
    return _why(RULES[action], match, _asker(match, actor, on_behalf_of))


def allowed_actions(
    match: Match, actor: Member, *, on_behalf_of: Member | None = None
) -> frozenset[str]:
    """The steps `actor` may take on `match` now; with `on_behalf_of`, the steps a
    coordinator may take for that resident (nothing, for a resident they do not keep)."""
    asker = _asker(match, actor, on_behalf_of)
    return frozenset(action for action, rule in RULES.items() if not _why(rule, match, asker))
