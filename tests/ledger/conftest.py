"""Ledger fixtures: one neighbourhood with three residents and a coordinator, and another
neighbourhood with its own coordinator and resident (for the 'not yours' cases)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import load_world, shared_world
from tests.factories import CENTRUM, OOST
from tests.ledger.helpers import Town


def town_world(make: Any) -> Town:
    """Built once per test module and database; each test gets it fresh from its savepoint."""
    hood = make.neighbourhood(pc4=CENTRUM)
    other = make.neighbourhood(pc4=OOST)
    return Town(
        hood=hood,
        other_hood=other,
        alice=make.resident(hood, name="Alice"),
        bob=make.resident(hood, name="Bob"),
        carol=make.resident(hood, name="Carol"),
        coord=make.coordinator(hood, name="Marieke Centrum"),
        other_coord=make.coordinator(other, name="Youssef Oost"),
        stranger=make.resident(other, name="Stranger"),
    )


town_world_ids = shared_world(town_world)


@pytest.fixture
def town(db_session: Any, town_world_ids: dict[str, Any]) -> Town:
    return load_world(town_world_ids)


@pytest.fixture
def english(db_session: Any) -> None:
    """Messages in English, so assertions read the msgids whatever the translations say."""
    from flask import session
    from flask_babel import refresh

    session["locale"] = "en"
    refresh()
