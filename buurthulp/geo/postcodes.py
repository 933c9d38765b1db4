"""Dutch postcodes and the shipped table of PC4 centroids.

A Dutch postcode is four digits (never starting with 0) and two letters, e.g. ``6511 AB``.
The letter pairs SA, SD and SS are never issued (their wartime connotations), so a form
that accepts them would accept a postcode that cannot exist.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .points import Point

_POSTCODE = re.compile(r"[1-9][0-9]{3} ?[A-Z]{2}", re.ASCII)
_PC4 = re.compile(r"[1-9][0-9]{3}", re.ASCII)
_NOT_ISSUED = frozenset({"SA", "SD", "SS"})
# Anything longer than "6511 AB" plus some stray whitespace is not a postcode; stop early
# so a 10 kB paste never reaches the regex or an error message.
_MAX_INPUT = 16


class InvalidPostcode(ValueError):
    """The text is not a Dutch postcode; the message is safe to show to the user."""


def normalise_postcode(text: object) -> str:
    """Return the canonical form ``"6511AB"`` of a Dutch postcode typed any which way.

    Accepts an optional single space and any letter case. Everything else, including
    non-strings and non-ASCII look-alikes (the Kelvin sign "K" would pass a case-insensitive
    ``[A-Z]``), raises :class:`InvalidPostcode`.
    """
    if not isinstance(text, str):
        raise InvalidPostcode("A postcode must be text, such as 6511 AB.")
    stripped = text.strip()
    if len(stripped) > _MAX_INPUT or not stripped.isascii():
        raise InvalidPostcode("This is not a Dutch postcode; use four digits and two letters.")
    upper = stripped.upper()
    if not _POSTCODE.fullmatch(upper):
        raise InvalidPostcode("This is not a Dutch postcode; use four digits and two letters.")
    compact = upper.replace(" ", "")
    if compact[4:] in _NOT_ISSUED:
        raise InvalidPostcode(f"Postcodes with the letters {compact[4:]} do not exist.")
    return compact


def pc4_of(postcode: object) -> str:
    """The four-digit part (PC4) of a full postcode; a bare PC4 such as ``"6511"`` is accepted."""
    if isinstance(postcode, str) and _PC4.fullmatch(postcode.strip()):
        return postcode.strip()
    return normalise_postcode(postcode)[:4]


@dataclass(frozen=True, slots=True)
class Pc4Record:
    """One PC4 area: its centroid and names. ``municipality`` is ``None`` when unknown."""

    pc4: str
    point: Point
    place: str
    municipality: str | None
    province: str


class Pc4Table:
    """Immutable lookup of PC4 centroids, by code or by nearness."""

    def __init__(self, records: Iterable[Pc4Record]) -> None:
        self._records: dict[str, Pc4Record] = {r.pc4: r for r in sorted(records, key=_pc4_key)}

    @classmethod
    def from_csv(cls, text: str) -> Pc4Table:
        """Parse the ``pc4,lat,lon,place,municipality,province`` format of ``pc4_nl.csv``."""
        reader = csv.DictReader(io.StringIO(text))
        return cls(
            Pc4Record(
                pc4=row["pc4"],
                point=Point(float(row["lat"]), float(row["lon"])),
                place=row["place"],
                municipality=row["municipality"] or None,
                province=row["province"],
            )
            for row in reader
        )

    def get(self, pc4: str) -> Pc4Record | None:
        """The record for ``pc4``, or ``None`` if GeoNames does not know it."""
        return self._records.get(pc4)

    def __getitem__(self, pc4: str) -> Pc4Record:
        return self._records[pc4]

    def __contains__(self, pc4: object) -> bool:
        return pc4 in self._records

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Pc4Record]:
        return iter(self._records.values())

    def nearest(self, point: Point) -> Pc4Record | None:
        """The PC4 whose centroid is closest to ``point`` (``None`` for an empty table).

        A linear scan with an equirectangular distance: 4,000 rows take about a millisecond,
        which does not justify a spatial index, and the approximation ranks neighbours
        within the Netherlands the same way a geodesic would.
        """
        scale = math.cos(math.radians(point.lat))
        best: Pc4Record | None = None
        best_d2 = math.inf
        for record in self._records.values():
            dy = record.point.lat - point.lat
            dx = (record.point.lon - point.lon) * scale
            d2 = dx * dx + dy * dy
            if d2 < best_d2:
                best, best_d2 = record, d2
        return best

    def __repr__(self) -> str:
        return f"<Pc4Table {len(self)} rows>"


def _pc4_key(record: Pc4Record) -> str:
    return record.pc4


@lru_cache(maxsize=1)
def pc4_table() -> Pc4Table:
    """The shipped table (``buurthulp/data/pc4_nl.csv``), parsed once per process."""
    text = resources.files("buurthulp").joinpath("data/pc4_nl.csv").read_text(encoding="utf-8")
    return Pc4Table.from_csv(text)


__all__ = [
    "InvalidPostcode",
    "Pc4Record",
    "Pc4Table",
    "normalise_postcode",
    "pc4_of",
    "pc4_table",
]
