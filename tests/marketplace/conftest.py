"""A small marketplace town: one neighbourhood, a few residents, a coordinator, and a
neighbourhood next door (for the "not yours" cases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from buurthulp.auth.models import Member
from buurthulp.neighbourhoods.models import Neighbourhood
from tests.conftest import load_world, shared_world
from tests.factories import two_neighbourhoods


@dataclass
class Street:
    hood: Neighbourhood
    other_hood: Neighbourhood
    anna: Member  # asks for help
    bert: Member  # helps
    carla: Member  # another neighbour
    coord: Member
    other_coord: Member
    stranger: Member  # lives in the other neighbourhood


def street_world(make: Any) -> Street:
    """Built once per test module and database; each test gets it fresh from its savepoint."""
    return two_neighbourhoods(
        make,
        Street,
        {"anna": "Anna", "bert": "Bert", "carla": "Carla"},
        coord="Marieke",
        other_coord="Youssef",
        stranger="Stef",
    )


street_world_ids = shared_world(street_world)


@pytest.fixture
def street(db_session: Any, street_world_ids: dict[str, Any]) -> Street:
    return load_world(street_world_ids)


@pytest.fixture
def english(db_session: Any, client: Any) -> None:
    """English for what the services say here and for the pages the test client reads."""
    from flask import session
    from flask_babel import refresh

    session["locale"] = "en"
    refresh()
    client.post("/taal", data={"locale": "en"})


@pytest.fixture
def api(client: Any, api_headers: Any, street: Street) -> Any:
    """`api(member).get(path)` and friends, with that member's bearer token (`api(None)`:
    without one)."""

    class As:
        def __init__(self, member: Any) -> None:
            self.headers = api_headers(member) if member is not None else {}

        def __getattr__(self, method: str) -> Any:
            def call(path: str, **kw: Any) -> Any:
                return getattr(client, method)(f"/api/v1{path}", headers=self.headers, **kw)

            return call

    return As


def api_error(response: Any, status: int) -> dict[str, str]:
    """The API's error body, after checking the status: `{"error": {"code", "message"}}`."""
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    return error
