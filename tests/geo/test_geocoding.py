"""Offline geocoding, the geopy adapter (with fakes, never the network) and the factory."""

from __future__ import annotations

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut
from geopy.location import Location

from buurthulp.geo import (
    Geocoder,
    GeopyGeocoder,
    InvalidPostcode,
    OfflineGeocoder,
    distance_m,
    make_geocoder,
    pc4_table,
)


def test_offline_is_deterministic_and_near_the_centroid() -> None:
    geocoder = OfflineGeocoder()
    first = geocoder.locate("6511 ab", "12")
    assert first is not None
    assert first.precision == "pc4"
    assert first.place == "Nijmegen"
    assert geocoder.locate("6511AB", " 12 ") == first
    assert OfflineGeocoder().locate("6511AB", "12") == first
    assert distance_m(first.point, pc4_table()["6511"].point) <= 400


def test_offline_spreads_neighbours() -> None:
    geocoder = OfflineGeocoder()
    centroid = pc4_table()["6525"].point
    points = set()
    for number in range(1, 101):
        result = geocoder.locate("6525 EC", str(number))
        assert result is not None
        assert distance_m(result.point, centroid) <= 400
        points.add(result.point)
    assert len(points) == 100
    # Different PC6 with the same house number is a different address, too.
    assert geocoder.locate("6525 ED", "1") != geocoder.locate("6525 EC", "1")


def test_offline_unknown_pc4_is_none() -> None:
    assert OfflineGeocoder().locate("6516 AB", "1") is None


def test_offline_refuses_invalid_input() -> None:
    with pytest.raises(InvalidPostcode):
        OfflineGeocoder().locate("65 11", "1")
    with pytest.raises(ValueError):
        OfflineGeocoder().locate("6511 AB", "")
    with pytest.raises(ValueError):
        OfflineGeocoder().locate("6511 AB", "1" * 100)


class FakeGeopy:
    """Stands in for geopy.geocoders.Nominatim: records queries, answers from a script."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.queries: list[str] = []

    def geocode(self, query: str, exactly_one: bool = True) -> Location | None:
        self.queries.append(query)
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]


def _location(lat: float, lon: float, **raw: object) -> Location:
    return Location("somewhere", (lat, lon, 0.0), dict(raw))


def _adapter(fake: FakeGeopy) -> GeopyGeocoder:
    return GeopyGeocoder(fake, min_delay_seconds=0)


def test_geopy_adapter_uses_the_remote_answer() -> None:
    fake = FakeGeopy(_location(51.8465, 5.8630, addresstype="place"))
    result = _adapter(fake).locate("6511 ab", "12a")
    assert fake.queries == ["6511 AB 12A, Netherlands"]
    assert result is not None
    assert result.precision == "address"
    assert (result.point.lat, result.point.lon) == (51.8465, 5.8630)
    assert result.place == "Nijmegen"


def test_geopy_adapter_reports_postcode_precision() -> None:
    fake = FakeGeopy(_location(51.8465, 5.8630, addresstype="postcode"))
    result = _adapter(fake).locate("6511 AB", "12")
    assert result is not None and result.precision == "pc6"


def test_geopy_adapter_caches() -> None:
    fake = FakeGeopy(_location(51.8465, 5.8630))
    adapter = _adapter(fake)
    first = adapter.locate("6511 AB", "12")
    assert adapter.locate("6511ab", "12") == first
    assert len(fake.queries) == 1


@pytest.mark.parametrize(
    "error", [GeocoderServiceError("down"), GeocoderTimedOut("slow")], ids=["service", "timeout"]
)
def test_geopy_adapter_falls_back_when_the_remote_fails(error: Exception) -> None:
    fake = FakeGeopy(error, _location(51.8465, 5.8630))
    adapter = _adapter(fake)
    result = adapter.locate("6511 AB", "12")
    assert result == OfflineGeocoder().locate("6511 AB", "12")
    assert result is not None and result.precision == "pc4"
    # Errors are not cached: the next call asks the remote again and gets the real answer.
    again = adapter.locate("6511 AB", "12")
    assert again is not None and again.precision == "address"
    assert len(fake.queries) == 2


@pytest.mark.parametrize(
    "answer",
    [
        None,
        _location(48.8566, 2.3522),  # Paris: outside the Netherlands
        _location(53.2194, 6.5665),  # Groningen: far from PC4 6511
    ],
    ids=["nothing", "abroad", "far-away"],
)
def test_geopy_adapter_falls_back_on_no_or_implausible_answer(answer: object) -> None:
    result = _adapter(FakeGeopy(answer)).locate("6511 AB", "12")
    assert result == OfflineGeocoder().locate("6511 AB", "12")


def test_geopy_adapter_refuses_invalid_postcode_before_asking() -> None:
    fake = FakeGeopy()
    with pytest.raises(InvalidPostcode):
        _adapter(fake).locate("not a postcode", "1")
    assert fake.queries == []


def test_geopy_adapter_needs_user_agent_without_injected_geocoder() -> None:
    with pytest.raises(ValueError, match="user agent"):
        GeopyGeocoder()
    with pytest.raises(ValueError, match="user agent"):
        make_geocoder("nominatim", user_agent="  ")


def test_make_geocoder() -> None:
    offline = make_geocoder("offline")
    assert isinstance(offline, OfflineGeocoder)
    assert isinstance(offline, Geocoder)
    assert make_geocoder(" Offline ").name == "offline"
    # Construction only: Nominatim makes no request until geocode() is called.
    nominatim = make_geocoder("nominatim", user_agent="buurthulp-tests/0 (test@example.nl)")
    assert isinstance(nominatim, GeopyGeocoder)
    assert nominatim.name == "nominatim"


@pytest.mark.parametrize("name", ["google", "", "pdok"])
def test_make_geocoder_refuses_unknown_names(name: str) -> None:
    with pytest.raises(ValueError, match="BUURTHULP_GEOCODER"):
        make_geocoder(name)
