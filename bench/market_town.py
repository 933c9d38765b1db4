"""Scratch towns for the marketplace benchmark, bulk-loaded in seconds instead of hours.

A town is residents with a home near the centroid of a real PC4 area, their blurred public
point and its H3 cell computed by the app's own functions (`blur_point`, `cell_of`), interests
and talents, availability; open listings of every kind and category, owned by residents and
placed at their owner's blurred point like `post_listing` does; and open matches and
invitations on a share of the requests, so the fairness counts have something to count.

Rows go in with bulk Core inserts: the services would take hours for a million members,
and what is measured is reading, not writing. Only the shape matters, and it is the
shape the services write (the test suite checks that the services write it that way).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, text

BLUR_KEY = "bench-blur-key"
CHUNK = 5000
SPREAD_M = 900  # homes lie within this distance of their PC4 centroid

WORDS = {
    "boodschappen": ("Boodschappen doen op zaterdag", "Wie neemt mijn lijstje mee naar de markt?"),
    "klussen-in-huis": ("Lamp ophangen in de gang", "Ik heb de lamp al, maar geen ladder."),
    "tuin": ("Heg knippen en onkruid", "De tuin is te veel voor mij geworden."),
    "vervoer-en-begeleiding": ("Mee naar het ziekenhuis", "Een afspraak, niet alleen gaan."),
    "gezelschap-en-wandelen": ("Samen wandelen in het park", "Een rondje en een praatje."),
    "administratie-en-formulieren": ("Hulp met een brief", "Ik begrijp de formulieren niet."),
    "computer-en-telefoon": ("Videobellen op de telefoon", "Met mijn kleinkinderen bellen."),
    "koken-en-maaltijden": ("Samen koken en eten", "Een warme maaltijd voor twee."),
    "huisdieren": ("Hond uitlaten", "Mijn knie is slecht, de hond wil naar buiten."),
    "anders": ("Naaiwerk en kleding", "Een knoop eraan en een zoom korter."),
}
TALENTS = [
    "boodschappen",
    "klussen in huis",
    "tuin",
    "vervoer en begeleiding",
    "gezelschap en wandelen",
    "computer en telefoon",
    "koken en maaltijden",
    "huisdieren",
]
INTERESTS = "wandelen koken tuinieren lezen fietsen muziek dieren puzzelen".split()


@dataclass(frozen=True)
class Town:
    name: str
    residents: int
    listings: int
    member_ids: list[int]
    request_ids: list[int]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    from buurthulp.extensions import db

    for chunk in _chunks(rows):
        db.session.execute(insert(table), chunk)


def _near(rng: random.Random, lat: float, lon: float) -> tuple[float, float]:
    """A point spread evenly over a disc of SPREAD_M around (lat, lon)."""
    distance = SPREAD_M * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance * math.cos(bearing) / 111_320
    dlon = distance * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def build_town(
    name: str, *, residents: int, listings: int, pc4s: list[str], seed: int = 2026
) -> Town:
    """Fill the (empty, schema-made) database of the current app context with a town."""
    from buurthulp.auth.models import Member, MemberTag, RoleAssignment
    from buurthulp.extensions import db
    from buurthulp.geo import Point, pc4_table
    from buurthulp.geo.cells import cell_of
    from buurthulp.geo.privacy import blur_point
    from buurthulp.listings.models import Category, Listing, ListingTag
    from buurthulp.listings.services import ensure_shared_categories
    from buurthulp.matches.models import Match
    from buurthulp.models_base import utcnow
    from buurthulp.neighbourhoods.models import Neighbourhood, NeighbourhoodPostcode

    rng = random.Random(seed)
    table = pc4_table()
    now = utcnow()
    ensure_shared_categories()
    categories = {c.slug: c.id for c in db.session.scalars(select(Category))}

    # One neighbourhood per municipality (or place), holding its PC4 areas.
    groups: dict[str, list[str]] = {}
    for pc4 in pc4s:
        record = table[pc4]
        groups.setdefault(record.municipality or record.place, []).append(pc4)
    _insert(
        Neighbourhood.__table__,
        [
            {"name": group, "slug": f"buurt-{n}", "description": "", "created_at": now}
            for n, group in enumerate(groups)
        ],
    )
    hood_of_group = dict(db.session.execute(select(Neighbourhood.name, Neighbourhood.id)).all())
    hood_of_pc4 = {pc4: hood_of_group[g] for g, codes in groups.items() for pc4 in codes}
    _insert(
        NeighbourhoodPostcode.__table__,
        [{"neighbourhood_id": hood_of_pc4[pc4], "pc4": pc4} for pc4 in pc4s],
    )

    first_id = (db.session.scalar(select(Member.id).order_by(Member.id.desc()).limit(1)) or 0) + 1
    members, roles, tags, homes = [], [], [], {}
    for n in range(residents):
        member_id = first_id + n
        pc4 = rng.choice(pc4s)
        centroid = table[pc4].point
        lat, lon = _near(rng, centroid.lat, centroid.lon)
        public = blur_point(Point(lat, lon), secret=BLUR_KEY, member_key=f"member:{member_id}")
        homes[member_id] = (public, hood_of_pc4[pc4])
        members.append(
            {
                "id": member_id,
                "display_name": f"Buur {member_id}",
                "postcode": f"{pc4}AB",
                "house_number": str(n % 200 + 1),
                "home_lat": lat,
                "home_lon": lon,
                "public_lat": public.lat,
                "public_lon": public.lon,
                "home_cell": cell_of(public),
                "neighbourhood_id": hood_of_pc4[pc4],
                "availability": rng.randrange(64),
                "radius_m": rng.choice([1000, 2000, 3000, 5000]),
                "languages": "nl",
                "trust_level": rng.choice(["new", "new", "verified"]),
                "locale": "nl",
                "status": "active",
                "session_version": 1,
                "created_at": now,
            }
        )
        roles.append({"member_id": member_id, "role": "resident", "created_at": now})
        for tag in rng.sample(INTERESTS, 2):
            tags.append({"member_id": member_id, "kind": "interest", "tag": tag})
        for tag in rng.sample(TALENTS, rng.randint(0, 2)):
            tags.append({"member_id": member_id, "kind": "talent", "tag": tag})
    _insert(Member.__table__, members)
    _insert(RoleAssignment.__table__, roles)
    _insert(MemberTag.__table__, tags)

    member_ids = list(homes)
    first_listing = (
        db.session.scalar(select(Listing.id).order_by(Listing.id.desc()).limit(1)) or 0
    ) + 1
    rows, listing_tags, request_ids = [], [], []
    for n in range(listings):
        listing_id = first_listing + n
        owner = rng.choice(member_ids)
        public, hood = homes[owner]
        kind = rng.choices(["request", "offer", "activity"], weights=[6, 3, 1])[0]
        slug = rng.choice(list(WORDS))
        title, body = WORDS[slug]
        created = now - timedelta(days=rng.random() * 25)
        row = {
            "id": listing_id,
            "kind": kind,
            "owner_id": owner,
            "neighbourhood_id": hood,
            "category_id": categories[slug],
            "title": title,
            "description": body,
            "minutes_estimate": rng.choice([30, 60, 90]),
            "when_kind": "flexible",
            "slots": rng.randrange(64),
            "status": "open",
            "expires_at": created + timedelta(days=30),
            "lat": public.lat,
            "lon": public.lon,
            "cell": cell_of(public),
            "helpers_needed": 1,
            "starts_at": None,
            "place_label": None,
            "capacity": None,
            "credits": False,
            "code": f"B{listing_id:07X}",  # unique: random 8-hex codes collide at 200,000
            "created_at": created,
            "updated_at": created,
        }
        if kind == "activity":
            row.update(
                starts_at=now + timedelta(days=rng.randint(1, 20)),
                place_label="Buurthuis",
                capacity=12,
                expires_at=now + timedelta(days=21),
            )
        rows.append(row)
        if kind == "request":
            request_ids.append(listing_id)
        for tag in rng.sample(INTERESTS, rng.randint(0, 2)):
            listing_tags.append({"listing_id": listing_id, "tag": tag})
    _insert(Listing.__table__, rows)
    _insert(ListingTag.__table__, listing_tags)

    # Open matches and invitations on a fifth of the requests: fairness has work to do.
    matches = []
    for listing_id in rng.sample(request_ids, len(request_ids) // 5):
        owner = rows[listing_id - first_listing]["owner_id"]
        responder = rng.choice(member_ids)
        if responder == owner:
            continue
        matches.append(
            {
                "listing_id": listing_id,
                "owner_id": owner,
                "responder_id": responder,
                "status": rng.choice(["proposed", "agreed", "invited"]),
                "message": "Ik kan helpen",
                "invited": False,
                "reminders_sent": 0,
                "auto_confirmed": False,
                "created_at": now - timedelta(days=rng.randint(0, 20)),
                "updated_at": now,
            }
        )
    for match in matches:
        match["invited"] = match["status"] == "invited"
    _insert(Match.__table__, matches)
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows went in with their ids: move the sequences past them, so a listing or a
        # member made later by the services gets a fresh id.
        for table in (Member.__table__, Listing.__table__):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # nosec B608
                    f"(SELECT max(id) FROM {table.name}))"
                )
            )
    # Fresh statistics, as autovacuum (PostgreSQL) or an `ANALYZE` after a big import would
    # give: without them the planner guesses the feed's cell index matches nothing.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return Town(name, residents, listings, member_ids, request_ids)
