"""Suggestions: the neighbours best placed to ask for a request (or, for an offer, the
neighbours with a fitting request), each with a plain reason.

Ranked by distance **band** first (the rounded label, never metres: two neighbours at 310 m
and 480 m cannot be told apart by their order), then by how well they fit (a talent for
the category, shared interests, free at the right part of the week) and by fairness: who
already has several open matches or was asked often this month sinks, and nobody is
suggested while they have `MAX_OPEN_INVITATIONS` open invitations. Members who blocked each
other never appear; where the neighbourhood asks a trusted helper for the category, only
trusted helpers do.

The search widens in steps (600 m, 1.6 km, 3 km): once the closer bands hold enough
candidates nobody farther can outrank them, so a dense neighbourhood (thousands within a
kilometre) costs no more than a quiet one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission, Role
from buurthulp.errors import NotAllowed
from buurthulp.extensions import db
from buurthulp.geo import Point, approx_distance_m, cells_within, distance_band, distance_label
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.listings.models import Category, Listing, ListingTag
from buurthulp.listings.services import blocked_ids, get_listing, in_feed, trust_needed
from buurthulp.listings.taxonomy import DUTCH_NAMES
from buurthulp.matches.models import OPEN_STATUSES, Match
from buurthulp.matches.services import (
    TRUST_ORDER,
    invitations_since,
    may_help,
    open_match_counts,
)
from buurthulp.models_base import utcnow

LIMIT = 10
MAX_OPEN_INVITATIONS = 3
STEPS_M = (600, 1600, 3000)
# Parts of the week, as bits of `Member.availability` and `Listing.slots`.
SLOTS = (
    (1, _l("on weekday mornings")),
    (2, _l("on weekday afternoons")),
    (4, _l("on weekday evenings")),
    (8, _l("on weekend mornings")),
    (16, _l("on weekend afternoons")),
    (32, _l("on weekend evenings")),
)


@dataclass(frozen=True)
class Suggestion:
    member_id: int
    display_name: str
    staff_role: str | None
    score: int
    band: int
    distance_label: str
    reasons: list[str]
    listing_id: int | None = None  # for an offer: the fitting request
    listing_title: str | None = None


def _tiebreak(a: int, b: int) -> int:
    """A stable order among equals that says nothing about distance."""
    return int.from_bytes(hashlib.sha256(f"{a}:{b}".encode()).digest()[:4], "big")


def _point(listing: Listing) -> Point:
    return Point(listing.lat, listing.lon)


def suggestions(listing_id: object, *, actor: Member, limit: int = LIMIT) -> list[Suggestion]:
    """For the owner (or staff of the neighbourhood) of a request or an offer."""
    listing = get_listing(listing_id, actor)
    owner_or_staff = listing.owner_id == actor.id or may(
        actor, Permission.LISTINGS_VIEW_ALL, listing.neighbourhood_id
    )
    if not owner_or_staff:
        raise NotAllowed(_("Only the person who posted it sees suggestions."))
    if listing.kind == "activity":
        return []
    if not in_feed(listing) and listing.status != "matched":
        return []
    if listing.kind == "offer":
        return _requests_for_offer(listing, limit)
    return _helpers_for_request(listing, limit, now=utcnow())


def _helpers_for_request(listing: Listing, limit: int, *, now: datetime) -> list[Suggestion]:
    centre = _point(listing)
    category = db.session.get_one(Category, listing.category_id).slug
    category_words = {DUTCH_NAMES.get(category, category), category}
    listing_tags = set(
        db.session.scalars(select(ListingTag.tag).where(ListingTag.listing_id == listing.id))
    )
    excluded = blocked_ids(listing.owner_id) | {listing.owner_id}
    excluded |= set(
        db.session.scalars(
            select(Match.responder_id).where(
                Match.listing_id == listing.id, Match.status.in_(OPEN_STATUSES)
            )
        )
    )
    needed = TRUST_ORDER.get(trust_needed(listing) or "new", 0)
    seen: set[int] = set()
    scored: list[tuple[tuple[int, int, int], Suggestion]] = []
    for step, radius in enumerate(STEPS_M):
        candidates = _members_near(centre, radius, excluded | seen, listing.neighbourhood_id)
        seen.update(m.id for m in candidates)
        ids = [m.id for m in candidates]
        busy = open_match_counts(ids)
        asked = invitations_since(ids, now - timedelta(days=30))
        invitations = _open_invitations(ids)
        for member in candidates:
            if invitations.get(member.id, 0) >= MAX_OPEN_INVITATIONS:
                continue
            if TRUST_ORDER.get(member.trust_level, 0) < needed:
                continue
            metres = approx_distance_m(centre, Point(member.public_lat, member.public_lon))
            if metres > radius:
                seen.discard(member.id)  # found again by a wider step
                continue
            suggestion = _score(
                member, listing, metres, category, category_words, listing_tags, busy, asked
            )
            key = (suggestion.band, -suggestion.score, _tiebreak(listing.id, member.id))
            scored.append((key, suggestion))
        # Nobody farther than this step can outrank `limit` candidates in closer bands.
        closer = distance_band(radius - 1) if step < len(STEPS_M) - 1 else 99
        if sum(1 for key, _s in scored if key[0] < closer) >= limit:
            break
    scored.sort(key=lambda item: item[0])
    return [s for _key, s in scored[:limit]]


def _members_near(
    centre: Point, radius: int, excluded: set[int], neighbourhood_id: int
) -> list[Member]:
    cells = cells_within(centre, radius)
    query = (
        select(Member)
        .options(selectinload(Member.tags))
        .where(
            Member.home_cell.in_(cells),
            Member.status == "active",
            Member.public_lat.is_not(None),
            Member.roles.any(RoleAssignment.role == Role.RESIDENT.value),
        )
    )
    if excluded:
        query = query.where(Member.id.not_in(excluded))
    return list(db.session.scalars(query))


def _open_invitations(member_ids: list[int]) -> dict[int, int]:
    if not member_ids:
        return {}
    counts: dict[int, int] = {}
    for member_id in db.session.scalars(
        select(Match.responder_id).where(
            Match.responder_id.in_(member_ids), Match.status == "invited"
        )
    ):
        counts[member_id] = counts.get(member_id, 0) + 1
    return counts


def _score(
    member: Member,
    listing: Listing,
    metres: float,
    category: str,
    category_words: set[str],
    listing_tags: set[str],
    busy: dict[int, int],
    asked: dict[int, int],
) -> Suggestion:
    talents = {t.tag for t in member.tags if t.kind == "talent"}
    interests = {t.tag for t in member.tags if t.kind == "interest"}
    label = distance_label(metres, _)
    reasons = [label]
    score = 0
    if talents & category_words:
        score += 3
        reasons.append(_("can also help with %(what)s", what=DUTCH_NAMES.get(category, category)))
    shared = sorted((interests | talents) & listing_tags)
    if shared:
        score += min(len(shared), 2)
        reasons.append(_("also likes %(what)s", what=", ".join(shared[:2])))
    overlap = [text for bit, text in SLOTS if listing.slots & bit and member.availability & bit]
    if overlap:
        score += min(len(overlap), 2)
        reasons.append(_("often free %(when)s", when=str(overlap[0])))
    score -= min(busy.get(member.id, 0), 3) + min(asked.get(member.id, 0), 3)
    return Suggestion(
        member_id=member.id,
        display_name=member.display_name,
        staff_role=member.staff_role,
        score=score,
        band=distance_band(metres),
        distance_label=label,
        reasons=reasons,
    )


def _requests_for_offer(offer: Listing, limit: int) -> list[Suggestion]:
    """Residents nearby with an open request of the offer's kind (or sharing its tags)."""
    centre = _point(offer)
    now = utcnow()
    tags = set(db.session.scalars(select(ListingTag.tag).where(ListingTag.listing_id == offer.id)))
    query = (
        select(Listing)
        .options(selectinload(Listing.tags), selectinload(Listing.owner))
        .where(
            Listing.kind == "request",
            Listing.status == "open",
            or_(Listing.expires_at.is_(None), Listing.expires_at > now),
            Listing.cell.in_(cells_within(centre, STEPS_M[-1])),
            Listing.owner_id != offer.owner_id,
        )
    )
    hidden = blocked_ids(offer.owner_id)
    if hidden:
        query = query.where(Listing.owner_id.not_in(hidden))
    owner = db.session.get_one(Member, offer.owner_id)
    found: list[tuple[tuple[int, int, int], Suggestion]] = []
    for request in db.session.scalars(query):
        shared = tags & set(request.tag_list())
        if request.category_id != offer.category_id and not shared:
            continue
        if not may_help(owner, request):
            continue
        metres = approx_distance_m(centre, _point(request))
        if metres > STEPS_M[-1]:
            continue
        score = (3 if request.category_id == offer.category_id else 0) + len(shared)
        label = distance_label(metres, _)
        reasons = [label, _("asks: %(title)s", title=request.title)]
        suggestion = Suggestion(
            member_id=request.owner_id,
            display_name=request.owner.display_name,
            staff_role=request.owner.staff_role,
            score=score,
            band=distance_band(metres),
            distance_label=label,
            reasons=reasons,
            listing_id=request.id,
            listing_title=request.title,
        )
        found.append(((suggestion.band, -score, _tiebreak(offer.id, request.id)), suggestion))
    found.sort(key=lambda item: item[0])
    return [s for _key, s in found[:limit]]
