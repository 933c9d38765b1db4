"""Ledger fixtures: one neighbourhood with three residents and a coordinator, and another
neighbourhood with its own coordinator and resident (for the 'not yours' cases)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import load_world, shared_world
from tests.factories import two_neighbourhoods
from tests.ledger.helpers import Town


def town_world(make: Any) -> Town:
    """Built once per test module and database; each test gets it fresh from its savepoint."""
    return two_neighbourhoods(
        make,
        Town,
        {"alice": "Alice", "bob": "Bob", "carol": "Carol"},
        coord="Marieke Centrum",
        other_coord="Youssef Oost",
        stranger="Stranger",
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
