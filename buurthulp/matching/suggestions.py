"""Suggestions: the neighbours best placed to ask for a request (or, for an offer, the
neighbours with a fitting request), each with a plain reason.

Ranked by distance **band** first (the rounded label, never metres: two neighbours at 310 m
and 480 m cannot be told apart by their order), then by how well they fit (a talent for
the category, shared interests, free at the right part of the week) and by fairness: who
already has several open matches or was asked often this month sinks, and nobody is
suggested while they have `MAX_OPEN_INVITATIONS` open invitations. Members who blocked each
other never appear; where the neighbourhood asks a trusted helper for the category, only
trusted helpers do.

The search widens in steps (500 m, 1.5 km, 3 km; `nearby`): once the closer bands hold
enough candidates nobody farther can outrank them, so a dense neighbourhood (thousands
within a kilometre) costs no more than a quiet one. Candidates come back as light rows;
tags and fairness counts are read in one query each, for the closest bands only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from buurthulp.access.log import record_staff_view
from buurthulp.auth.models import Member, MemberTag, RoleAssignment, staff_role_expr
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission, Role
from buurthulp.db import id_in
from buurthulp.errors import NotAllowed
from buurthulp.extensions import db
from buurthulp.geo import Point, band_label
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.listings.models import Category, Listing, ListingTag
from buurthulp.listings.services import get_listing, helpable_by, in_feed, trust_needed
from buurthulp.listings.taxonomy import DUTCH_NAMES
from buurthulp.matches.models import OPEN_STATUSES, Match
from buurthulp.matches.services import invitations_since, open_match_counts
from buurthulp.matching.nearby import MAX_BAND, banded, by_band, complete_bands, near, steps
from buurthulp.models_base import utcnow
from buurthulp.protection.blocks import blocked_ids
from buurthulp.protection.marks import levels_at_least, trust_needed_for

LIMIT = 10
MAX_OPEN_INVITATIONS = 3
STEPS_M = (500, 1500, 3000)  # the first two hold bands 0 and 0-1 exactly
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
    """For the owner (or staff of the neighbourhood) of a request or an offer. What staff
    read is logged here, one row per neighbour suggested, so the page and the API both are."""
    listing = get_listing(listing_id, actor)
    owner = listing.owner_id == actor.id
    if not owner and not may(actor, Permission.LISTINGS_VIEW_ALL, listing.neighbourhood_id):
        raise NotAllowed(_("Only the person who posted it sees suggestions."))
    if listing.kind == "activity":
        return []
    if not in_feed(listing) and listing.status != "matched":
        return []
    if listing.kind == "offer":
        found = _requests_for_offer(listing, limit)
    else:
        found = _helpers_for_request(listing, limit, now=utcnow())
    if not owner:
        record_staff_view(
            viewer=actor, subject_ids=[s.member_id for s in found], what="suggestions"
        )
    return found


# What ranking needs of a neighbour; nothing is loaded as an ORM object.
_PEOPLE = (
    Member.id,
    Member.display_name,
    Member.public_lat,
    Member.public_lon,
    Member.trust_level,
    Member.availability,
)


def _rows(query: Any) -> Any:
    """Plain rows of a query of columns, without the ORM's row handling (hundreds of rows)."""
    return db.session.connection().execute(query)


def _near_filters(
    centre: Point, radius: int, excluded: set[int], trusted: tuple[str, ...] | None
) -> list[Any]:
    """Active residents within `radius` (a superset: the box and the cells), not excluded,
    trusted enough where the category asks it."""
    filters = [
        *near(Member.home_cell, Member.public_lat, Member.public_lon, centre, radius),
        Member.status == "active",
        Member.roles.any(RoleAssignment.role == Role.RESIDENT.value),
    ]
    if trusted is not None:
        filters.append(Member.trust_level.in_(trusted))
    if excluded:
        filters.append(Member.id.not_in(excluded))
    return filters


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
    # The trust a helper needs: the category's rule, VOG for a vulnerable resident.
    needed = trust_needed_for(trust_needed(listing), listing.owner_id)
    trusted = levels_at_least(needed)
    chosen: list[tuple[int, Any]] = []
    for radius in steps(STEPS_M[-1], STEPS_M):
        filters = _near_filters(centre, radius, excluded, trusted if needed else None)
        found = banded(
            _rows(select(*_PEOPLE).where(*filters)),
            centre,
            radius,
            lat="public_lat",
            lon="public_lon",
        )
        upto = complete_bands(radius) if radius < STEPS_M[-1] else MAX_BAND
        chosen = _closest_free(found, upto, limit)
        if len(chosen) >= limit:
            break
    return _ranked_helpers(chosen, listing, category, category_words, listing_tags, limit, now=now)


def _closest_free(found: list[tuple[int, Any]], upto_band: int, limit: int) -> list[Any]:
    """The neighbours of the closest whole bands (up to `upto_band`) that hold `limit`
    who are free to be asked; nobody in a farther band can outrank them."""
    chosen: list[tuple[int, Any]] = []
    for band, rows in by_band(found):
        if band > upto_band or len(chosen) >= limit:
            break
        invitations = _open_invitations([row.id for row in rows])
        chosen += [(band, row) for row in rows if invitations.get(row.id, 0) < MAX_OPEN_INVITATIONS]
    return chosen


def _ranked_helpers(
    chosen: list[tuple[int, Any]],
    listing: Listing,
    category: str,
    category_words: set[str],
    listing_tags: set[str],
    limit: int,
    *,
    now: datetime,
) -> list[Suggestion]:
    """Score the chosen neighbours (their tags and fairness counts read in one query each)
    and keep the best `limit` in (band, score, stable tiebreak) order; only those get their
    reasons worded."""
    ids = [row.id for _band, row in chosen]
    slots = listing.slots
    talents, interests = _tags_by_kind(ids, category_words | listing_tags)
    busy = open_match_counts(ids)
    asked = invitations_since(ids, now - timedelta(days=30))
    scored = []
    for band, row in chosen:
        fit = _fit(
            row,
            slots,
            category_words,
            listing_tags,
            talents.get(row.id, set()),
            interests.get(row.id, set()),
        )
        score = fit.score - min(busy.get(row.id, 0), 3) - min(asked.get(row.id, 0), 3)
        scored.append(((band, -score, _tiebreak(listing.id, row.id)), row, score, fit))
    scored.sort(key=lambda item: item[0])
    best = scored[:limit]
    roles = _staff_roles([row.id for _key, row, _score, _fit in best])
    suggestions = []
    for key, row, score, fit in best:
        label = band_label(key[0], _)
        suggestions.append(
            Suggestion(
                member_id=row.id,
                display_name=row.display_name,
                staff_role=roles.get(row.id),
                score=score,
                band=key[0],
                distance_label=label,
                reasons=[label, *_reasons(fit, category)],
            )
        )
    return suggestions


def _tags_by_kind(
    member_ids: list[int], wanted: set[str]
) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Talents and interests per member, of the `wanted` tags only (those that can count)."""
    talents: dict[int, set[str]] = {}
    interests: dict[int, set[str]] = {}
    if not member_ids:
        return talents, interests
    for member_id, kind, tag in _rows(
        select(MemberTag.member_id, MemberTag.kind, MemberTag.tag).where(
            id_in(MemberTag.member_id, member_ids)
        )
    ):
        # Filtered here, not in SQL: with `tag IN (...)` the planner would walk the tag
        # index through the whole country's members instead of these few members' rows.
        if tag in wanted:
            (talents if kind == "talent" else interests).setdefault(member_id, set()).add(tag)
    return talents, interests


def _staff_roles(member_ids: list[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    return {
        member_id: role
        for member_id, role in db.session.execute(
            select(Member.id, staff_role_expr(Member.id)).where(Member.id.in_(member_ids))
        )
        if role
    }


def _open_invitations(member_ids: list[int]) -> dict[int, int]:
    """Open invitations per member."""
    if not member_ids:
        return {}
    return {
        member_id: int(n)
        for member_id, n in db.session.execute(
            select(Match.responder_id, func.count(Match.id))
            .where(id_in(Match.responder_id, member_ids), Match.status == "invited")
            .group_by(Match.responder_id)
        )
    }


@dataclass(frozen=True)
class _Fit:
    """How a neighbour fits a request, before fairness: the score and what earned it."""

    score: int
    talent: bool
    shared: tuple[str, ...]
    free: str | None


def _fit(
    person: Any,
    slots: int,
    category_words: set[str],
    listing_tags: set[str],
    talents: set[str],
    interests: set[str],
) -> _Fit:
    """`slots`: the parts of the week the request suits (bits, as `SLOTS`)."""
    talent = bool(talents & category_words)
    shared = tuple(sorted((interests | talents) & listing_tags)) if listing_tags else ()
    overlap = slots & person.availability
    free = None
    if overlap:
        lowest = overlap & -overlap
        free = next(str(text) for bit, text in SLOTS if bit == lowest)
    score = (3 if talent else 0) + min(len(shared), 2) + min(overlap.bit_count(), 2)
    return _Fit(score, talent, shared, free)


def _reasons(fit: _Fit, category: str) -> list[str]:
    """The fit in plain words, after the distance: "kan ook tuinieren · vaak vrij op ..."."""
    reasons = []
    if fit.talent:
        reasons.append(_("can also help with %(what)s", what=DUTCH_NAMES.get(category, category)))
    if fit.shared:
        reasons.append(_("also likes %(what)s", what=", ".join(fit.shared[:2])))
    if fit.free:
        reasons.append(_("often free %(when)s", when=fit.free))
    return reasons


# What ranking needs of a request, for an offer's suggestions.
_REQUESTS = (
    Listing.id,
    Listing.lat,
    Listing.lon,
    Listing.owner_id,
    Listing.title,
    Listing.category_id,
    Listing.neighbourhood_id,
)


def _requests_for_offer(offer: Listing, limit: int) -> list[Suggestion]:
    """Residents nearby with an open request of the offer's kind (or sharing its tags)."""
    centre = _point(offer)
    now = utcnow()
    radius = STEPS_M[-1]
    tags = set(db.session.scalars(select(ListingTag.tag).where(ListingTag.listing_id == offer.id)))
    fitting = Listing.category_id == offer.category_id
    if tags:
        fitting = or_(
            fitting,
            Listing.id.in_(select(ListingTag.listing_id).where(ListingTag.tag.in_(tags))),
        )
    # The offer's owner would help: the requests they may help with (the one rule).
    owner = db.session.get_one(Member, offer.owner_id)
    query = select(*_REQUESTS).where(
        Listing.kind == "request",
        *near(Listing.cell, Listing.lat, Listing.lon, centre, radius),
        helpable_by(owner, now),
        fitting,
    )
    found = banded(db.session.execute(query), centre, radius)
    request_tags = _listing_tags([row.id for _band, row in found])
    scored: list[tuple[tuple[int, int, int], int, Any]] = []
    for band, request in found:
        shared = tags & request_tags.get(request.id, set())
        score = (3 if request.category_id == offer.category_id else 0) + len(shared)
        scored.append(((band, -score, _tiebreak(offer.id, request.id)), score, request))
    scored.sort(key=lambda item: item[0])
    best = scored[:limit]
    names = dict(
        db.session.execute(
            select(Member.id, Member.display_name).where(
                Member.id.in_([r.owner_id for _k, _s, r in best])
            )
        ).all()
    )
    roles = _staff_roles([r.owner_id for _k, _s, r in best])
    suggestions = []
    for key, score, request in best:
        label = band_label(key[0], _)
        suggestions.append(
            Suggestion(
                member_id=request.owner_id,
                display_name=names.get(request.owner_id, ""),
                staff_role=roles.get(request.owner_id),
                score=score,
                band=key[0],
                distance_label=label,
                reasons=[label, _("asks: %(title)s", title=request.title)],
                listing_id=request.id,
                listing_title=request.title,
            )
        )
    return suggestions


def _listing_tags(listing_ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    if not listing_ids:
        return found
    for listing_id, tag in db.session.execute(
        select(ListingTag.listing_id, ListingTag.tag).where(ListingTag.listing_id.in_(listing_ids))
    ):
        found.setdefault(listing_id, set()).add(tag)
    return found
