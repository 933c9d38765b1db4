"""One geocoder per process: a remote adapter's rate limiter and cache must outlive a request."""

from __future__ import annotations

from buurthulp.neighbourhoods import services


def test_resolving_homes_reuses_one_geocoder(make) -> None:
    make.neighbourhood(pc4=("6511",))
    services._geocoder.cache_clear()
    first = services.resolve_home("6511AB", "1")
    second = services.resolve_home("6511AB", "2")
    info = services._geocoder.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert first.neighbourhood.id == second.neighbourhood.id
    assert first.point != second.point  # different house numbers, different points
