"""Turn a postcode and house number into a point.

Two geocoders, one interface, chosen by the ``BUURTHULP_GEOCODER`` setting:

- ``offline`` (default): the shipped PC4 table. Needs no network and no third party ever
  sees a resident's address; good enough because we only show blurred, rounded positions.
- ``nominatim``: OpenStreetMap's Nominatim through geopy, for address precision. Its usage
  policy asks for a real user agent and at most one request per second, so both are
  enforced here. Any failure falls back to the offline answer: a sign-up never fails
  because a remote service is down.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter

from .points import NL_BOUNDS, Point, distance_m, offset_point, unit_floats
from .postcodes import Pc4Table, normalise_postcode, pc4_table

log = logging.getLogger(__name__)

Precision = Literal["address", "pc6", "pc4"]

# Offline points spread over a disc of this radius around the PC4 centroid. A PC4 area is
# typically 1-3 km across, so this keeps points inside it while neighbours stay apart.
OFFLINE_SPREAD_M = 350.0

# A remote hit further than this from the PC4 centroid is more likely a wrong match (a
# namesake street elsewhere) than a big PC4 area; the offline answer is then safer.
MAX_REMOTE_DRIFT_M = 10_000.0


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """Where an address is, and how sure we are (``precision``) — drives how we blur it."""

    point: Point
    precision: Precision
    place: str | None


@runtime_checkable
class Geocoder(Protocol):
    """Anything that can locate a Dutch address; ``None`` means "we do not know it"."""

    name: str

    def locate(self, postcode: str, house_number: str) -> GeocodeResult | None:
        """Locate an address; raises ``InvalidPostcode`` for a malformed postcode."""
        ...


def normalise_house_number(house_number: object) -> str:
    """Canonical house number text ("12 a" -> "12 A") so equal addresses hash equally."""
    if not isinstance(house_number, str):
        raise ValueError("A house number must be text, such as 12 or 12A.")
    normalised = " ".join(house_number.split()).upper()
    if not normalised or len(normalised) > 16:
        raise ValueError("Please give a house number, such as 12 or 12A.")
    return normalised


class OfflineGeocoder:
    """PC4 centroid plus a small, deterministic offset per address.

    Without the offset every resident of a PC4 would share one point and look equally far
    from everyone. The offset comes from a hash of postcode and house number, so the same
    address always lands on the same spot and re-geocoding never "moves" anyone.
    """

    name = "offline"

    def __init__(self, table: Pc4Table | None = None, *, spread_m: float = OFFLINE_SPREAD_M):
        self._table = table
        self._spread_m = spread_m

    @property
    def table(self) -> Pc4Table:
        # Resolved lazily so constructing a geocoder (e.g. in create_app) costs nothing.
        if self._table is None:
            self._table = pc4_table()
        return self._table

    def locate(self, postcode: str, house_number: str) -> GeocodeResult | None:
        """Point near the PC4 centroid, ``precision="pc4"``; ``None`` for an unknown PC4."""
        code = normalise_postcode(postcode)
        number = normalise_house_number(house_number)
        record = self.table.get(code[:4])
        if record is None:
            return None
        digest = hashlib.sha256(f"{code}|{number}".encode()).digest()
        u_bearing, u_distance = unit_floats(digest)
        # sqrt spreads points evenly over the disc instead of bunching them at the centre.
        distance = self._spread_m * u_distance**0.5
        point = offset_point(record.point, distance, 360.0 * u_bearing)
        return GeocodeResult(point=point, precision="pc4", place=record.place)


class GeopyGeocoder:
    """Adapter over a geopy geocoder (Nominatim by default) with rate limit, cache, fallback.

    Pass ``geocoder`` to inject any object with a geopy-style ``geocode(query,
    exactly_one=True)`` (tests pass a fake; no network). Otherwise ``user_agent`` is
    required, as Nominatim's policy demands one that identifies the installation.
    """

    name = "nominatim"

    def __init__(
        self,
        geocoder: Any | None = None,
        *,
        user_agent: str | None = None,
        fallback: Geocoder | None = None,
        table: Pc4Table | None = None,
        min_delay_seconds: float = 1.0,
        cache_size: int = 1024,
        timeout: float = 10.0,
    ) -> None:
        if geocoder is None:
            if not user_agent or not user_agent.strip():
                raise ValueError(
                    "The nominatim geocoder needs a user agent that identifies this "
                    "installation (Nominatim usage policy), e.g. 'buurthulp-nijmegen/1.0 "
                    "(contact@example.nl)'."
                )
            from geopy.geocoders import Nominatim

            geocoder = Nominatim(user_agent=user_agent.strip(), timeout=timeout)
        self._geocoder = geocoder
        # No retries and no swallowing: errors reach locate(), which falls back at once
        # instead of keeping a resident waiting through retry sleeps.
        self._geocode: Callable[..., Any] = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self._table = table
        self._fallback: Geocoder = fallback or OfflineGeocoder(table)
        self._cache: OrderedDict[tuple[str, str], GeocodeResult | None] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @property
    def table(self) -> Pc4Table:
        # Used to sanity-check remote answers against the PC4 centroid.
        if self._table is None:
            self._table = pc4_table()
        return self._table

    def locate(self, postcode: str, house_number: str) -> GeocodeResult | None:
        """Remote answer if plausible, else the fallback's; remote answers are cached."""
        code = normalise_postcode(postcode)
        number = normalise_house_number(house_number)
        key = (code, number)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key] or self._fallback.locate(code, number)

        try:
            result = self._remote(code, number)
        except GeopyError as exc:
            # Not cached: the service may be back for the next resident.
            log.warning("geocoding %s failed (%s); using %s", code[:4], exc, self._fallback.name)
            return self._fallback.locate(code, number)

        with self._lock:
            self._cache[key] = result
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result or self._fallback.locate(code, number)

    def _remote(self, code: str, number: str) -> GeocodeResult | None:
        """Ask the remote service; ``None`` when it has no (believable) answer."""
        location = self._geocode(f"{code[:4]} {code[4:]} {number}, Netherlands", exactly_one=True)
        if location is None:
            return None
        try:
            point = Point(float(location.latitude), float(location.longitude))
        except (TypeError, ValueError):
            return None
        min_lon, min_lat, max_lon, max_lat = NL_BOUNDS
        if not (min_lat <= point.lat <= max_lat and min_lon <= point.lon <= max_lon):
            return None

        record = self.table.get(code[:4])
        if record is not None and distance_m(point, record.point) > MAX_REMOTE_DRIFT_M:
            return None
        raw = getattr(location, "raw", None) or {}
        kind = raw.get("addresstype") or raw.get("type")
        precision: Precision = "pc6" if kind == "postcode" else "address"
        return GeocodeResult(
            point=point, precision=precision, place=record.place if record else None
        )


GEOCODERS = ("offline", "nominatim")


def make_geocoder(name: str, *, user_agent: str | None = None) -> Geocoder:
    """Build the geocoder named by the ``BUURTHULP_GEOCODER`` setting."""
    key = (name or "").strip().lower()
    if key == "offline":
        return OfflineGeocoder()
    if key == "nominatim":
        return GeopyGeocoder(user_agent=user_agent)
    raise ValueError(
        f"Unknown geocoder {name!r} in BUURTHULP_GEOCODER; choose one of: {', '.join(GEOCODERS)}."
    )
