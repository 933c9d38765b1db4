"""The feed: open listings near a member, nearest and most fitting first.

Near means within the member's chosen distance (or the filter's): the H3 cells that can
hold such a listing and a bounding box are the prefilter, an indexed `IN (...)` on both
databases. The candidates are then ranked by **distance band** (the rounded label: "< 500
m", "ca. 1 km" ...), never by metres, so the order of two listings tells no more than their
labels; within a band by how well the listing fits the member's interests and talents, then
newest first. Ranking reads only the few columns it needs and works band by band, so only
the listings of one page are loaded in full. Pages follow with a cursor on that order
(never OFFSET).

Every card carries the neighbourhood's name and the rounded distance; a listing row holds
only its owner's blurred point, so there is no exact one to leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select

from buurthulp.auth.models import Member, staff_role_expr
from buurthulp.extensions import db
from buurthulp.geo import Point, band_label
from buurthulp.i18n import gettext as _
from buurthulp.inputs import InvalidQuery, decode_cursor, encode_cursor
from buurthulp.listings import search
from buurthulp.listings.models import KINDS, Category, Listing, ListingTag
from buurthulp.listings.services import category_label, helpable_by
from buurthulp.listings.taxonomy import DUTCH_NAMES
from buurthulp.matches.models import Match
from buurthulp.matching.nearby import MAX_BAND, banded, by_band, complete_bands, near, steps
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood

PAGE_SIZE = 20
MAX_KM = 25
DEFAULT_KM = 5


@dataclass(frozen=True)
class Card:
    """A listing as the feed shows it to one member: nothing exact, nothing private."""

    id: int
    kind: str
    title: str
    description: str
    category: str
    category_label: str
    neighbourhood: str
    distance_label: str
    band: int
    fit: int
    owner_id: int
    owner_name: str
    owner_role: str | None
    minutes_estimate: int | None
    created_at: datetime
    expires_at: datetime | None
    starts_at: datetime | None
    place_label: str | None
    reactions: int
    tags: tuple[str, ...]


@dataclass(frozen=True)
class FeedPage:
    cards: list[Card]
    next_cursor: str | None
    within_km: int
    needs_address: bool = False


def words_of_member(member: Member) -> set[str]:
    """What a member cares about and can do, as loose words (tags are free text)."""
    words: set[str] = set()
    for tag in member.tags:
        words.add(tag.tag)
        words.update(w for w in tag.tag.split() if len(w) > 3)
    return words


def fit_of(member_words: set[str], talents: set[str], category: str, tags: tuple[str, ...]) -> int:
    """How well a listing fits: a talent for its category counts most, then shared words."""
    score = 0
    if DUTCH_NAMES.get(category, category) in talents or category in talents:
        score += 3
    listing_words = set(tags) | {DUTCH_NAMES.get(category, category)}
    score += len(member_words & listing_words)
    return score


def _clean_filters(
    kind: object, within_km: object, q: object
) -> tuple[str | None, int | None, list[str]]:
    if kind in (None, ""):
        chosen_kind = None
    elif isinstance(kind, str) and kind in KINDS:
        chosen_kind = kind
    else:
        raise InvalidQuery(_("Choose request, offer or activity."), field="kind")
    km = None
    if within_km not in (None, ""):
        if isinstance(within_km, bool) or not isinstance(within_km, int):
            raise InvalidQuery(_("Give the distance in whole kilometres."), field="within_km")
        if not 1 <= within_km <= MAX_KM:
            raise InvalidQuery(
                _("Choose a distance from 1 to %(n)s km.", n=MAX_KM), field="within_km"
            )
        km = within_km
    words: list[str] = []
    if q not in (None, ""):
        if not isinstance(q, str) or len(q) > search.QUERY_MAX:
            raise InvalidQuery(
                _("Search with at most %(n)s characters.", n=search.QUERY_MAX), field="q"
            )
        words = search.words_of(q)
    return chosen_kind, km, words


def _centre(member: Member) -> Point | None:
    if member.home_lat is not None and member.home_lon is not None:
        return Point(member.home_lat, member.home_lon)
    if member.public_lat is not None and member.public_lon is not None:
        return Point(member.public_lat, member.public_lon)
    return None


# Search radii that end where a band ends: within 500 m lies exactly band 0 ("< 500 m"),
# within 1.5 km bands 0 and 1 ("ca. 1 km"), within 3.5 km bands 0 to 3. A dense town fills
# a page from the first.
STEPS_M = (500, 1500, 3500)

# What ranking needs of a listing; the rest is read for the listings of the page only.
_LIGHT = (Listing.id, Listing.lat, Listing.lon, Listing.category_id)


def _nearby_rows(
    centre: Point,
    radius_m: int,
    *,
    helpable: ColumnElement[bool],
    kind: str | None,
    category_ids: list[int] | None,
    words: list[str],
) -> list[tuple[int, Any]]:
    """(band, light row) of the listings within `radius_m` that pass `helpable` (the
    member's `helpable_by`: the one rule), closest band first."""
    query = select(*_LIGHT).where(
        *near(Listing.cell, Listing.lat, Listing.lon, centre, radius_m), helpable
    )
    if kind:
        query = query.where(Listing.kind == kind)
    if category_ids is not None:
        query = query.where(Listing.category_id.in_(category_ids))
    if words:
        query = query.where(search.matching(db.session.get_bind().dialect.name, words))
    # Plain rows on the session's connection: no ORM row handling for hundreds of rows.
    return banded(db.session.connection().execute(query), centre, radius_m)


# band, -fit, -id: the feed's order. Ids are handed out as listings are posted, so the
# highest id is the newest: no timestamp needs reading for the hundreds of rows ranked.
Key = tuple[int, int, int]


def _rank_bands(
    found: list[tuple[int, Any]],
    member: Member,
    categories: dict[int, Category],
    *,
    upto_band: int,
    after: Key | None,
    wanted: int,
) -> tuple[list[tuple[Key, Any, int]], dict[int, list[str]]]:
    """Rank band by band, from the cursor's band up to `upto_band`, until `wanted` rows
    after the cursor are found; fit needs the tags, read for those bands only (one query
    for as many bands as should fill the page)."""
    member_words = words_of_member(member)
    talents = {t.tag for t in member.tags if t.kind == "talent"}
    ranked: list[tuple[Key, Any, int]] = []
    tags: dict[int, list[str]] = {}
    bands = [
        (band, rows)
        for band, rows in by_band(found)
        if band <= upto_band and (after is None or band >= after[0])
    ]
    while bands and len(ranked) < wanted:
        # Enough bands to fill the page if none of their rows lies before the cursor.
        take, rows_in = 0, 0
        while take < len(bands) and rows_in < wanted - len(ranked):
            rows_in += len(bands[take][1])
            take += 1
        chosen, bands = bands[:take], bands[take:]
        tags.update(_tags_of([row.id for _band, rows in chosen for row in rows]))
        for band, rows in chosen:
            for row in rows:
                slug = categories[row.category_id].slug
                fit = fit_of(member_words, talents, slug, tuple(tags.get(row.id, ())))
                key = (band, -fit, -row.id)
                if after is None or key > after:
                    ranked.append((key, row, fit))
    ranked.sort(key=lambda item: item[0])
    return ranked, tags


def feed(
    member: Member,
    *,
    kind: object = None,
    category: object = None,
    within_km: object = None,
    q: object = None,
    cursor: object = None,
    limit: int = PAGE_SIZE,
    now: datetime | None = None,
) -> FeedPage:
    """One page of open listings near `member`, ranked by band, fit and age."""
    now = now or utcnow()
    chosen_kind, km, words = _clean_filters(kind, within_km, q)
    if category not in (None, "") and not isinstance(category, str):
        raise InvalidQuery(_("This category is not known."), field="category")
    after = decode_cursor(cursor if isinstance(cursor, str) else None, ("b", "f", "i"))
    radius_km = km or max(DEFAULT_KM, (member.radius_m or 0) // 1000)
    centre = _centre(member)
    if centre is None:  # no address yet (staff without a home, say): nothing is "near"
        return FeedPage([], None, radius_km, needs_address=True)
    if q not in (None, "") and not words:
        return FeedPage([], None, radius_km)  # only words too short to search for
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    category_ids = None
    if category not in (None, ""):
        category_ids = [c.id for c in categories.values() if c.slug == category]
    mark = None
    if after is not None:
        mark = (after["b"], -after["f"], -after["i"])
    ranked: list[tuple[Key, Any, int]] = []
    tags: dict[int, list[str]] = {}
    helpable = helpable_by(member, now)  # once: it asks whether the member is vulnerable
    for radius in steps(radius_km * 1000, STEPS_M):
        if mark is not None and complete_bands(radius) < mark[0] and radius < radius_km * 1000:
            continue  # the cursor is past what this step covers
        found = _nearby_rows(
            centre,
            radius,
            helpable=helpable,
            kind=chosen_kind,
            category_ids=category_ids,
            words=words,
        )
        upto = complete_bands(radius) if radius < radius_km * 1000 else MAX_BAND
        ranked, tags = _rank_bands(
            found, member, categories, upto_band=upto, after=mark, wanted=limit + 1
        )
        if len(ranked) > limit:
            break
    page = ranked[:limit]
    details = _details([row.id for _key, row, _fit in page])
    cards = [
        Card(
            id=c.id,
            kind=details[c.id].kind,
            title=details[c.id].title,
            description=details[c.id].description,
            category=categories[c.category_id].slug,
            category_label=category_label(categories[c.category_id]),
            neighbourhood=details[c.id].hood,
            distance_label=band_label(key[0], _),
            band=key[0],
            fit=fit,
            owner_id=details[c.id].owner_id,
            owner_name=details[c.id].display_name,
            owner_role=details[c.id].role,
            minutes_estimate=details[c.id].minutes_estimate,
            created_at=details[c.id].created_at,
            expires_at=details[c.id].expires_at,
            starts_at=details[c.id].starts_at,
            place_label=details[c.id].place_label,
            reactions=int(details[c.id].reactions or 0),
            tags=tuple(tags.get(c.id, ())),
        )
        for key, c, fit in page
    ]
    next_cursor = None
    if len(ranked) > limit and page:
        last = page[-1][0]
        next_cursor = encode_cursor({"b": last[0], "f": -last[1], "i": -last[2]})
    return FeedPage(cards, next_cursor, radius_km)


def _details(listing_ids: list[int]) -> dict[int, Any]:
    """What a card shows, for the listings of one page only."""
    if not listing_ids:
        return {}
    reactions = (
        select(func.count(Match.id))
        .where(Match.listing_id == Listing.id, Match.invited.is_(False))
        .scalar_subquery()
    )
    staff_role = staff_role_expr(Member.id)
    rows = db.session.execute(
        select(
            Listing.id,
            Listing.kind,
            Listing.title,
            Listing.description,
            Listing.owner_id,
            Listing.minutes_estimate,
            Listing.created_at,
            Listing.expires_at,
            Listing.starts_at,
            Listing.place_label,
            Neighbourhood.name.label("hood"),
            Member.display_name,
            staff_role.label("role"),
            reactions.label("reactions"),
        )
        .join(Neighbourhood, Neighbourhood.id == Listing.neighbourhood_id)
        .join(Member, Member.id == Listing.owner_id)
        .where(Listing.id.in_(listing_ids))
    )
    return {row.id: row for row in rows}


def _tags_of(listing_ids: list[int]) -> dict[int, list[str]]:
    if not listing_ids:
        return {}
    found: dict[int, list[str]] = {}
    for listing_id, tag in db.session.execute(
        select(ListingTag.listing_id, ListingTag.tag).where(ListingTag.listing_id.in_(listing_ids))
    ):
        found.setdefault(listing_id, []).append(tag)
    return found
