"""Neighbourhood rules: which area a home belongs to, and how admins shape the areas."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from shapely.geometry import MultiPoint, mapping, shape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from buurthulp.audit import services as audit
from buurthulp.auth.permissions import Actor, may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.geo import (
    AreaIndex,
    Geocoder,
    InvalidArea,
    InvalidPostcode,
    Point,
    make_geocoder,
    normalise_postcode,
    parse_geojson_area,
    pc4_table,
)
from buurthulp.i18n import gettext as _
from buurthulp.inputs import is_id
from buurthulp.neighbourhoods.models import (
    DEFAULT_LOWER_LIMIT,
    DEFAULT_UPPER_LIMIT,
    Neighbourhood,
    NeighbourhoodPostcode,
)
from buurthulp.signals import neighbourhood_saved

NEAREST_WITHIN_M = 2000
NAME_MAX = 80


class OutsideArea(InvalidInput):
    """The address is real but no neighbourhood serves it (yet)."""

    code = "outside_area"


@dataclass(frozen=True)
class Home:
    """Where a member lives, as far as the geocoder knows, and which neighbourhood serves it."""

    postcode: str
    house_number: str
    point: Point
    neighbourhood: Neighbourhood


def get_neighbourhood_or_404(neighbourhood_id: int) -> Neighbourhood:
    found = db.session.get(Neighbourhood, neighbourhood_id)
    if found is None:
        raise NotFound(_("This neighbourhood does not exist."))
    return found


def find_neighbourhood(neighbourhood_id: object) -> Neighbourhood | None:
    """The neighbourhood with this id, or None (0 or None: "no neighbourhood")."""
    if not is_id(neighbourhood_id):
        return None
    return db.session.get(Neighbourhood, neighbourhood_id)


def list_neighbourhoods() -> list[Neighbourhood]:
    return list(db.session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))


def _area_index(neighbourhoods: Iterable[Neighbourhood]) -> AreaIndex:
    """Areas to search: drawn polygons, and for PC4 areas the hull of their centroids."""
    table = pc4_table()
    entries = []
    for hood in neighbourhoods:
        if hood.area_geojson:
            entries.append((hood.id, shape(json.loads(hood.area_geojson))))
        points = [table[p.pc4].point for p in hood.postcodes if p.pc4 in table]
        if points:
            entries.append((hood.id, MultiPoint([(pt.lon, pt.lat) for pt in points])))
    return AreaIndex(entries)


def clean_house_number(value: str | None) -> str:
    text = (value or "").strip()
    if not re.fullmatch(r"[1-9][0-9]{0,4}(\s?[-a-zA-Z0-9]{1,6})?", text):
        raise InvalidInput(_("Enter a house number, for example 12 or 12a."), field="house_number")
    return text.upper()


@lru_cache(maxsize=4)
def _geocoder(name: str, user_agent: str) -> Geocoder:
    """One geocoder per process: a remote adapter's rate limit and cache must outlive a call."""
    return make_geocoder(name, user_agent=user_agent)


def resolve_home(postcode: str | None, house_number: str | None) -> Home:
    """Geocode an address and find its neighbourhood.

    Order: the PC4 of the postcode belongs to a neighbourhood; else a drawn area contains
    the point; else the nearest area within 2 km; else a kind "outside our area" error.
    """
    try:
        code = normalise_postcode(postcode or "")
    except (InvalidPostcode, TypeError):
        raise InvalidInput(
            _("Enter a Dutch postcode, for example 6511 AB."), field="postcode"
        ) from None
    number = clean_house_number(house_number)
    found = _geocoder(
        current_app.config["BUURTHULP_GEOCODER"],
        current_app.config["BUURTHULP_GEOCODER_USER_AGENT"],
    ).locate(code, number)
    if found is None:
        raise InvalidInput(
            _("We do not know this postcode. Check it, or ask your coordinator for help."),
            field="postcode",
        )
    by_pc4 = db.session.scalar(
        select(NeighbourhoodPostcode).where(NeighbourhoodPostcode.pc4 == code[:4])
    )
    if by_pc4 is not None:
        return Home(code, number, found.point, by_pc4.neighbourhood)
    hoods = list_neighbourhoods()
    index = _area_index(hoods)
    containing = index.containing(found.point)
    hood_id = containing[0] if containing else index.nearest(found.point, NEAREST_WITHIN_M)
    if hood_id is None:
        raise OutsideArea(
            _(
                "Your address is outside the neighbourhoods we serve. You can still ask for "
                "help: call your local welfare organisation (welzijn) or ask them to start "
                "Buurthulp in your area."
            ),
            field="postcode",
        )
    hood = next(h for h in hoods if h.id == hood_id)
    return Home(code, number, found.point, hood)


def _clean_name(name: str | None) -> str:
    text = (name or "").strip()
    if not text:
        raise InvalidInput(_("Give the neighbourhood a name."), field="name")
    if len(text) > NAME_MAX:
        raise InvalidInput(_("The name can be at most %(n)s characters.", n=NAME_MAX), field="name")
    return text


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "buurt"


def parse_pc4_list(text: str | Iterable[str] | None) -> list[str]:
    """'6511, 6512 6521' → ['6511', '6512', '6521'], refusing codes we do not know."""
    raw = re.split(r"[\s,;]+", text) if isinstance(text, str) else list(text or [])
    codes = sorted({c.strip() for c in raw if c and c.strip()})
    table = pc4_table()
    unknown = [c for c in codes if not re.fullmatch(r"[1-9][0-9]{3}", c) or c not in table]
    if unknown:
        raise InvalidInput(
            _("Unknown PC4 postcodes: %(codes)s", codes=", ".join(unknown[:10])), field="pc4_codes"
        )
    return codes


def _clean_area(area: str | dict | None) -> str | None:
    if area is None or (isinstance(area, str) and not area.strip()):
        return None
    try:
        geometry = parse_geojson_area_text(area)
    except InvalidArea as exc:
        raise InvalidInput(
            _("The area is not usable: %(why)s", why=str(exc)), field="area"
        ) from None
    return geometry


def parse_geojson_area_text(area: str | dict) -> str:
    return json.dumps(mapping(parse_geojson_area(area)))


def _clean_limits(lower: int | None, upper: int | None) -> tuple[int, int]:
    lower = DEFAULT_LOWER_LIMIT if lower is None else lower
    upper = DEFAULT_UPPER_LIMIT if upper is None else upper
    if not -100_000 <= lower <= 0:
        raise InvalidInput(_("The lower limit must be 0 or below."), field="default_lower_limit")
    if not 0 <= upper <= 100_000:
        raise InvalidInput(_("The upper limit must be 0 or above."), field="default_upper_limit")
    return lower, upper


def _clean_months(value: int | None, field: str, low: int, high: int) -> int | None:
    """A retention period in whole months (None: leave it as it is, or the default)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            _("Give a number of months from %(low)s to %(high)s.", low=low, high=high),
            field=field,
        )
    return value


def save_neighbourhood(
    *,
    actor: Actor,
    name: str | None,
    pc4_codes: str | Iterable[str] | None = None,
    area: str | dict | None = None,
    default_lower_limit: int | None = None,
    default_upper_limit: int | None = None,
    premoderation: bool = False,
    description: str = "",
    neighbourhood_id: int | None = None,
    retention_message_months: int | None = None,
    retention_inactive_months: int | None = None,
) -> Neighbourhood:
    """Create or update a neighbourhood; a PC4 already served elsewhere is refused.

    The retention periods (privacy.retention) stay as they are when not given."""
    if not may(actor, Permission.NEIGHBOURHOODS_MANAGE):
        raise NotAllowed(_("Only an admin can change neighbourhoods."))
    clean_name = _clean_name(name)
    codes = parse_pc4_list(pc4_codes)
    area_json = _clean_area(area)
    if not codes and area_json is None and neighbourhood_id is None:
        raise InvalidInput(_("Give PC4 postcodes, an area, or both."), field="pc4_codes")
    lower, upper = _clean_limits(default_lower_limit, default_upper_limit)
    message_months = _clean_months(retention_message_months, "retention_message_months", 1, 120)
    inactive_months = _clean_months(retention_inactive_months, "retention_inactive_months", 2, 240)
    if len(description or "") > 2000:
        raise InvalidInput(_("The description is too long."), field="description")
    try:
        with transaction():
            if neighbourhood_id is None:
                hood = Neighbourhood(name=clean_name, slug=_slug(clean_name))
                db.session.add(hood)
            else:
                hood = get_neighbourhood_or_404(neighbourhood_id)
                hood.name, hood.slug = clean_name, _slug(clean_name)
            hood.description = description or ""
            if area_json is not None or neighbourhood_id is None:
                hood.area_geojson = area_json
            hood.default_lower_limit, hood.default_upper_limit = lower, upper
            hood.premoderation = premoderation
            if message_months is not None:
                hood.retention_message_months = message_months
            if inactive_months is not None:
                hood.retention_inactive_months = inactive_months
            current = {p.pc4: p for p in hood.postcodes}
            for code in set(current) - set(codes):
                hood.postcodes.remove(current[code])
            db.session.flush()
            for code in sorted(set(codes) - set(current)):
                hood.postcodes.append(NeighbourhoodPostcode(pc4=code))
            db.session.flush()
            audit.record(actor, "neighbourhood", neighbourhood_id=hood.id, note=clean_name)
            if not hood.postcodes and not hood.area_geojson:
                raise InvalidInput(_("Give PC4 postcodes, an area, or both."), field="pc4_codes")
            _after_save(hood)
    except IntegrityError:
        raise Conflict(
            _("That name or one of these postcodes already belongs to another neighbourhood."),
            field="pc4_codes",
        ) from None
    return hood


def _after_save(hood: Neighbourhood) -> None:
    """Let features that keep per-neighbourhood rows (the ledger's pool) add them, same txn."""
    neighbourhood_saved.send(hood)
