"""The back office's sources for the work queue: members to verify, what waits for a
resident who is not online, requests nobody reacted to, stalled matches and quiet vulnerable
residents. Each answers in one query whatever the number of items; registered when the back
office plugs in (the matches that wait and the safeguards' work register themselves with
their own features)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.roles import Role
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.links import path_for
from buurthulp.listings.models import Listing
from buurthulp.listings.services import listed
from buurthulp.matches.models import Match, Message
from buurthulp.protection.models import ProxyResident, Vulnerability
from buurthulp.work.models import HandledItem
from buurthulp.work.queue import LIST_MAX, QueueItem, Scope, register_source

VERIFY_DUE = timedelta(days=14)
NOT_ONLINE_DUE = timedelta(days=3)
NO_REACTION_AFTER = timedelta(days=5)
NO_REACTION_DUE = timedelta(days=2)  # after appearing
STALLED_AFTER = timedelta(days=14)
STALLED_DUE = timedelta(days=7)
QUIET_AFTER = timedelta(days=60)
QUIET_DUE = timedelta(days=15)


def _not_handled(kind: str, column: Any) -> Any:
    return ~exists().where(HandledItem.kind == kind, HandledItem.item_id == column)


def _in_scope(query: Any, column: Any, scope: Scope) -> Any:
    return query if scope is None else query.where(column.in_(sorted(scope)))


def members_to_verify(scope: Scope, now: datetime) -> list[QueueItem]:
    """New residents nobody has met yet (no staff accounts: they were chosen, not met)."""
    staff = select(RoleAssignment.member_id).where(RoleAssignment.role != Role.RESIDENT.value)
    query = (
        select(Member.id, Member.display_name, Member.created_at, Member.neighbourhood_id)
        .where(
            Member.status == "active",
            Member.trust_level == "new",
            Member.neighbourhood_id.is_not(None),
            Member.id.not_in(staff),
            _not_handled("verify", Member.id),
        )
        .order_by(Member.created_at, Member.id)
        .limit(LIST_MAX)
    )
    why = _("New resident, not verified yet: meet them in person or see an ID.")
    return [
        QueueItem(
            kind="verify",
            item_id=row.id,
            title=row.display_name,
            why=why,
            since=row.created_at,
            due_at=row.created_at + VERIFY_DUE,
            url=path_for("backoffice.resident", member_id=row.id),
            neighbourhood_id=row.neighbourhood_id,
            subject_ids=(row.id,),
            needs_note=True,
        )
        for row in db.session.execute(_in_scope(query, Member.neighbourhood_id, scope))
    ]


def requests_without_reaction(scope: Scope, now: datetime) -> list[QueueItem]:
    """Open requests nobody reacted to within five days (and nobody agreed to help with)."""
    reacted = exists().where(
        Match.listing_id == Listing.id,
        or_(Match.invited.is_(False), Match.status.in_(("agreed", "awaiting_confirmation"))),
    )
    query = (
        select(
            Listing.id,
            Listing.title,
            Listing.created_at,
            Listing.neighbourhood_id,
            Listing.owner_id,
            Member.display_name,
        )
        .join(Member, Member.id == Listing.owner_id)
        .where(
            Listing.kind == "request",
            listed(now),
            Listing.created_at <= now - NO_REACTION_AFTER,
            ~reacted,
            _not_handled("no-reaction", Listing.id),
        )
        .order_by(Listing.created_at, Listing.id)
        .limit(LIST_MAX)
    )
    why = _("Nobody reacted in five days. Ask a neighbour who could help, or call the resident.")
    return [
        QueueItem(
            kind="no-reaction",
            item_id=row.id,
            title=row.title,
            why=why,
            since=row.created_at + NO_REACTION_AFTER,
            due_at=row.created_at + NO_REACTION_AFTER + NO_REACTION_DUE,
            url=path_for("listings.suggestions", listing_id=row.id),
            neighbourhood_id=row.neighbourhood_id,
            who=row.display_name,
            subject_ids=(row.owner_id,),
            needs_note=True,
        )
        for row in db.session.execute(_in_scope(query, Listing.neighbourhood_id, scope))
    ]


def stalled_matches(scope: Scope, now: datetime) -> list[QueueItem]:
    """Agreed matches nobody marked done within fourteen days."""
    owner, responder = aliased(Member), aliased(Member)
    query = (
        select(
            Match.id,
            Match.agreed_at,
            Match.owner_id,
            Match.responder_id,
            Listing.title,
            Listing.neighbourhood_id,
            owner.display_name.label("owner_name"),
            responder.display_name.label("responder_name"),
        )
        .join(Listing, Listing.id == Match.listing_id)
        .join(owner, owner.id == Match.owner_id)
        .join(responder, responder.id == Match.responder_id)
        .where(
            Match.status == "agreed",
            Match.agreed_at.is_not(None),
            Match.agreed_at <= now - STALLED_AFTER,
            _not_handled("stalled", Match.id),
        )
        .order_by(Match.agreed_at, Match.id)
        .limit(LIST_MAX)
    )
    why = _("Agreed over two weeks ago and not marked done. Ask both how it went.")
    return [
        QueueItem(
            kind="stalled",
            item_id=row.id,
            title=row.title,
            why=why,
            since=row.agreed_at + STALLED_AFTER,
            due_at=row.agreed_at + STALLED_AFTER + STALLED_DUE,
            url=path_for("matches.show", match_id=row.id),
            neighbourhood_id=row.neighbourhood_id,
            who=f"{row.owner_name} · {row.responder_name}",
            subject_ids=(row.owner_id, row.responder_id),
            needs_note=True,
        )
        for row in db.session.execute(_in_scope(query, Listing.neighbourhood_id, scope))
    ]


def waiting_for_residents_not_online(scope: Scope, now: datetime) -> list[QueueItem]:
    """A step that a resident who is not online must take, so their coordinator takes it:
    a reaction to accept, an invitation to answer, minutes to confirm. It leaves the queue
    once the step is taken (the match's status moves on)."""
    owner, responder = aliased(Member), aliased(Member)
    kept_owner, kept_responder = aliased(ProxyResident), aliased(ProxyResident)
    owner_kept = kept_owner.member_id.is_not(None)
    responder_kept = kept_responder.member_id.is_not(None)
    query = (
        select(
            Match.id,
            Match.status,
            Match.owner_id,
            Match.responder_id,
            Match.completed_by_id,
            Match.updated_at,
            Listing.title,
            Listing.neighbourhood_id,
            owner.display_name.label("owner_name"),
            responder.display_name.label("responder_name"),
            owner_kept.label("owner_kept"),
        )
        .join(Listing, Listing.id == Match.listing_id)
        .join(owner, owner.id == Match.owner_id)
        .join(responder, responder.id == Match.responder_id)
        .outerjoin(kept_owner, kept_owner.member_id == Match.owner_id)
        .outerjoin(kept_responder, kept_responder.member_id == Match.responder_id)
        .where(
            or_(
                and_(Match.status == "proposed", owner_kept),
                and_(Match.status == "invited", responder_kept),
                and_(
                    Match.status == "awaiting_confirmation",
                    Match.held_for_coordinator_at.is_(None),  # else "held" has it already
                    or_(
                        and_(owner_kept, Match.completed_by_id != Match.owner_id),
                        and_(responder_kept, Match.completed_by_id != Match.responder_id),
                    ),
                ),
            )
        )
        .order_by(Match.updated_at, Match.id)
        .limit(LIST_MAX)
    )
    steps = {
        "proposed": _("A neighbour reacted: accept on their behalf?"),
        "invited": _("They are asked to help: give their answer."),
        "awaiting_confirmation": _("The help is done: confirm the minutes on their behalf."),
    }
    items = []
    for row in db.session.execute(_in_scope(query, Listing.neighbourhood_id, scope)):
        if row.status == "invited":
            kept_id, kept_name = row.responder_id, row.responder_name
        elif row.status == "proposed" or (row.owner_kept and row.completed_by_id != row.owner_id):
            kept_id, kept_name = row.owner_id, row.owner_name
        else:
            kept_id, kept_name = row.responder_id, row.responder_name
        items.append(
            QueueItem(
                kind="not-online",
                item_id=row.id,
                title=row.title,
                why=steps[row.status],
                since=row.updated_at,
                due_at=row.updated_at + NOT_ONLINE_DUE,
                url=path_for("backoffice.proxy_match", proxy_id=kept_id, match_id=row.id),
                neighbourhood_id=row.neighbourhood_id,
                who=_("for %(name)s", name=kept_name),
                subject_ids=(row.owner_id, row.responder_id),
            )
        )
    return items


def quiet_vulnerable(scope: Scope, now: datetime) -> list[QueueItem]:
    """Vulnerable residents with no sign of life for sixty days: no login, listing, match
    step or message. A handled note (a visit, a call) counts as contact, so the resident
    comes back sixty days after it if it stays quiet."""

    def latest(column: Any, *where: Any) -> Any:
        return select(func.max(column)).where(*where).correlate(Member).scalar_subquery()

    query = (
        select(
            Member.id,
            Member.display_name,
            Member.neighbourhood_id,
            Member.last_login_at,
            Vulnerability.marked_at,
            latest(Listing.created_at, Listing.owner_id == Member.id).label("listed"),
            latest(
                Match.updated_at, or_(Match.owner_id == Member.id, Match.responder_id == Member.id)
            ).label("matched"),
            latest(Message.created_at, Message.author_id == Member.id).label("wrote"),
            latest(
                HandledItem.handled_at,
                HandledItem.kind == "quiet",
                HandledItem.item_id == Member.id,
            ).label("visited"),
        )
        .join(Vulnerability, Vulnerability.member_id == Member.id)
        .where(Member.status == "active")
        .order_by(Member.id)
    )
    items = []
    for row in db.session.execute(_in_scope(query, Member.neighbourhood_id, scope)):
        moments = (
            row.last_login_at,
            row.marked_at,
            row.listed,
            row.matched,
            row.wrote,
            row.visited,
        )
        last = max(_aware(m) for m in moments if m is not None)
        if now - last < QUIET_AFTER:
            continue
        items.append(
            QueueItem(
                kind="quiet",
                item_id=row.id,
                title=row.display_name,
                why=_("Marked vulnerable and nothing heard for sixty days. Call or visit."),
                since=last + QUIET_AFTER,
                due_at=last + QUIET_AFTER + QUIET_DUE,
                url=path_for("backoffice.resident", member_id=row.id),
                neighbourhood_id=row.neighbourhood_id,
                subject_ids=(row.id,),
                needs_note=True,
            )
        )
    return items[:LIST_MAX]


def _aware(moment: Any) -> datetime:
    """A max() over timestamps may come back as text on SQLite: read it as UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def register_sources() -> None:
    """Add the back office's own kinds to the work queue (when the back office plugs in)."""
    register_source("verify", _l("Members to verify"), members_to_verify, about="member")
    register_source(
        "not-online",
        _l("Waits for a resident who is not online"),
        waiting_for_residents_not_online,
        about="match",
    )
    register_source(
        "no-reaction", _l("Requests nobody reacted to"), requests_without_reaction, about="listing"
    )
    register_source("stalled", _l("Agreed, not done after 14 days"), stalled_matches, about="match")
    register_source(
        "quiet", _l("Vulnerable residents not heard from"), quiet_vulnerable, about="member"
    )
