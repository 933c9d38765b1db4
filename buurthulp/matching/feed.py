"""The feed: open listings near a member, nearest and most fitting first.

Near means within the member's chosen distance (or the filter's): the H3 cells that can
hold such a listing are the prefilter, an indexed `IN (...)` on both databases. The
candidates are then ranked by **distance band** (the rounded label: "< 500 m", "ca. 1 km"
...), never by metres, so the order of two listings tells no more than their labels; within
a band by how well the listing fits the member's interests and talents, then newest first.
Pages follow with a cursor on that order (never OFFSET).

Every card carries the neighbourhood's name and the rounded distance; a listing row holds
only its owner's blurred point, so there is no exact one to leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select

from buurthulp.auth.models import Member, staff_role_expr
from buurthulp.extensions import db
from buurthulp.geo import Point, approx_distance_m, cells_within, distance_band, distance_label
from buurthulp.i18n import gettext as _
from buurthulp.inputs import InvalidQuery, decode_cursor, encode_cursor
from buurthulp.listings import search
from buurthulp.listings.models import KINDS, Category, Listing, ListingTag
from buurthulp.listings.services import blocked_ids, category_label
from buurthulp.listings.taxonomy import DUTCH_NAMES
from buurthulp.matches.models import Match
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
    after = decode_cursor(cursor if isinstance(cursor, str) else None, ("b", "f", "t", "i"))
    radius_km = km or max(DEFAULT_KM, (member.radius_m or 0) // 1000)
    centre = _centre(member)
    if centre is None:  # no address yet (staff without a home, say): nothing is "near"
        return FeedPage([], None, radius_km, needs_address=True)
    cells = cells_within(centre, radius_km * 1000)
    if q not in (None, "") and not words:
        return FeedPage([], None, radius_km)  # only words too short to search for
    reactions = (
        select(func.count(Match.id))
        .where(Match.listing_id == Listing.id, Match.invited.is_(False))
        .scalar_subquery()
    )
    staff_role = staff_role_expr(Member.id)
    query = (
        select(
            Listing.id,
            Listing.kind,
            Listing.title,
            Listing.description,
            Listing.lat,
            Listing.lon,
            Listing.owner_id,
            Listing.minutes_estimate,
            Listing.created_at,
            Listing.expires_at,
            Listing.starts_at,
            Listing.place_label,
            Category.id.label("category_id"),
            Category.slug,
            Neighbourhood.name.label("hood"),
            Member.display_name,
            staff_role.label("role"),
            reactions.label("reactions"),
        )
        .join(Category, Category.id == Listing.category_id)
        .join(Neighbourhood, Neighbourhood.id == Listing.neighbourhood_id)
        .join(Member, Member.id == Listing.owner_id)
        .where(
            Listing.status == "open",
            or_(Listing.expires_at.is_(None), Listing.expires_at > now),
            Listing.cell.in_(cells),
            Listing.owner_id != member.id,
        )
    )
    if chosen_kind:
        query = query.where(Listing.kind == chosen_kind)
    if category not in (None, ""):
        query = query.where(Category.slug == category)
    hidden = blocked_ids(member.id)
    if hidden:
        query = query.where(Listing.owner_id.not_in(hidden))
    if words:
        query = query.where(search.matching(db.session.get_bind().dialect.name, words))
    rows = db.session.execute(query).all()
    tags = _tags_of([row.id for row in rows])
    member_words = words_of_member(member)
    talents = {t.tag for t in member.tags if t.kind == "talent"}
    ranked = []
    for row in rows:
        metres = approx_distance_m(centre, Point(row.lat, row.lon))
        if metres > radius_km * 1000:
            continue
        listing_tags = tuple(tags.get(row.id, ()))
        band = distance_band(metres)
        fit = fit_of(member_words, talents, row.slug, listing_tags)
        created = int(row.created_at.replace(tzinfo=row.created_at.tzinfo or UTC).timestamp())
        key = (band, -fit, -created, -row.id)
        ranked.append((key, row, metres, listing_tags, band, fit))
    ranked.sort(key=lambda item: item[0])
    if after is not None:
        mark = (after["b"], -after["f"], -after["t"], -after["i"])
        ranked = [item for item in ranked if item[0] > mark]
    page = ranked[:limit]
    categories = {c.id: c for c in db.session.scalars(select(Category))}
    cards = [
        Card(
            id=row.id,
            kind=row.kind,
            title=row.title,
            description=row.description,
            category=row.slug,
            category_label=category_label(categories[row.category_id]),
            neighbourhood=row.hood,
            distance_label=distance_label(metres, _),
            band=band,
            fit=fit,
            owner_id=row.owner_id,
            owner_name=row.display_name,
            owner_role=row.role,
            minutes_estimate=row.minutes_estimate,
            created_at=row.created_at,
            expires_at=row.expires_at,
            starts_at=row.starts_at,
            place_label=row.place_label,
            reactions=int(row.reactions or 0),
            tags=listing_tags,
        )
        for _key, row, metres, listing_tags, band, fit in page
    ]
    next_cursor = None
    if len(ranked) > limit and page:
        last = page[-1][0]
        next_cursor = encode_cursor({"b": last[0], "f": -last[1], "t": -last[2], "i": -last[3]})
    return FeedPage(cards, next_cursor, radius_km)


def _tags_of(listing_ids: list[int]) -> dict[int, list[str]]:
    if not listing_ids:
        return {}
    found: dict[int, list[str]] = {}
    for listing_id, tag in db.session.execute(
        select(ListingTag.listing_id, ListingTag.tag).where(ListingTag.listing_id.in_(listing_ids))
    ):
        found.setdefault(listing_id, []).append(tag)
    return found
