"""Pure-Python geography for Buurthulp: postcodes, geocoding, privacy blur, service areas.

The ground floor: no Flask and no database here, so every feature (and every test) may
import it without an application context.
"""

from .areas import AreaIndex, InvalidArea, parse_geojson_area
from .cells import approx_distance_m, bounding_box, cell_of, cells_within
from .geocoding import (
    Geocoder,
    GeocodeResult,
    GeopyGeocoder,
    OfflineGeocoder,
    make_geocoder,
)
from .points import NL_BOUNDS, Point, distance_m
from .postcodes import (
    InvalidPostcode,
    Pc4Record,
    Pc4Table,
    normalise_postcode,
    pc4_of,
    pc4_table,
)
from .privacy import band_label, blur_point, distance_band, distance_label

__all__ = [
    "NL_BOUNDS",
    "AreaIndex",
    "GeocodeResult",
    "Geocoder",
    "GeopyGeocoder",
    "InvalidArea",
    "InvalidPostcode",
    "OfflineGeocoder",
    "Pc4Record",
    "Pc4Table",
    "Point",
    "approx_distance_m",
    "band_label",
    "blur_point",
    "bounding_box",
    "cell_of",
    "cells_within",
    "distance_band",
    "distance_label",
    "distance_m",
    "make_geocoder",
    "normalise_postcode",
    "parse_geojson_area",
    "pc4_of",
    "pc4_table",
]
