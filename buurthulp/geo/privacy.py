"""What other residents may learn about where someone lives: a blurred point, a rough distance.

Product rule: a resident's exact address and coordinates are never shown to other residents.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable

from .points import Point, distance_m, offset_point, unit_floats

__all__ = ["Gettext", "blur_point", "distance_band", "distance_label", "distance_m"]

# Same shape as flask_babel.gettext(string, **variables): format with ``%`` and the kwargs.
Gettext = Callable[..., str]

# The blur never lands closer than this fraction of the radius, so the shown point is never
# (nearly) the real one.
MIN_BLUR_FRACTION = 0.4


def blur_point(point: Point, *, secret: str, member_key: str, radius_m: int = 400) -> Point:
    """A stable stand-in for ``point``, 40-100 % of ``radius_m`` away in a secret direction.

    Stable on purpose: random noise drawn per request could be averaged away by asking
    often. The offset is HMAC-SHA256(secret, member_key), so it is unpredictable without
    the server secret and the same on every call. The offset depends only on the member
    key; pass a key that changes with the address (e.g. ``f"{member_id}:{address_version}"``)
    if a move should also draw a new direction.
    """
    if not secret:
        raise ValueError("blur_point needs a non-empty server secret")
    if not member_key:
        raise ValueError("blur_point needs a non-empty member key")
    if radius_m <= 0:
        raise ValueError("radius_m must be positive")
    digest = hmac.new(secret.encode(), member_key.encode(), hashlib.sha256).digest()
    u_bearing, u_distance = unit_floats(digest)
    distance = radius_m * (MIN_BLUR_FRACTION + (1.0 - MIN_BLUR_FRACTION) * u_distance)
    return offset_point(point, distance, 360.0 * u_bearing)


def distance_band(meters: float) -> int:
    """The rounded distance as a number: 0 is "< 500 m", 1 "ca. 1 km", n "ca. n km", 26 "> 25
    km". Lists are ranked by this band, never by metres, so the order of two neighbours at
    310 m and 480 m tells nothing the label does not."""
    if meters < 500:
        return 0
    if meters < 1500:
        return 1
    if meters > 25_000:
        return 26
    return math.floor(meters / 1000 + 0.5)


def _format(message: str, **variables: object) -> str:
    return message % variables


def distance_label(meters: float, gettext: Gettext = _format) -> str:
    """A rounded, human distance: "< 500 m", "ca. 1 km", "ca. 3 km", "> 25 km".

    Rounding is part of the privacy promise: exact metres to a blurred point would still
    let someone triangulate. Pass ``flask_babel.gettext`` to translate; the default just
    fills in the numbers. Message ids: ``"< %(m)s m"``, ``"ca. %(km)s km"``, ``"> %(km)s km"``.
    """
    if not isinstance(meters, int | float) or isinstance(meters, bool) or math.isnan(meters):
        raise ValueError("meters must be a number")
    if meters < 0:
        raise ValueError("a distance cannot be negative")
    if meters < 500:
        return gettext("< %(m)s m", m=500)
    if meters < 1500:
        return gettext("ca. %(km)s km", km=1)
    if meters > 25_000:
        return gettext("> %(km)s km", km=25)
    # Half up (2500 -> 3), not Python's banker's rounding (round(2.5) == 2).
    return gettext("ca. %(km)s km", km=math.floor(meters / 1000 + 0.5))


def band_label(band: int, gettext: Gettext = _format) -> str:
    """The label of a band from `distance_band` (the same words `distance_label` gives)."""
    if band <= 0:
        return gettext("< %(m)s m", m=500)
    if band >= 26:
        return gettext("> %(km)s km", km=25)
    return gettext("ca. %(km)s km", km=band)
