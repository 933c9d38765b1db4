"""The ledger in the JSON API, exactly as ../shared/API.md says."""

from __future__ import annotations

from typing import Any

import pytest

from buurthulp.auth.services import deactivate
from buurthulp.ledger import services
from tests.ledger.helpers import Town, balance, snapshot

pytestmark = pytest.mark.both_databases


def post(client, headers, body: Any, key: str | None = "k-1"):
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/v1/transfers", json=body, headers={**headers, **extra})


def body(town: Town, **overrides: Any) -> dict[str, Any]:
    return {
        "to_member_id": town.bob.id,
        "minutes": 90,
        "description": "Hulp bij de tuin",
        **overrides,
    }


def test_a_transfer_is_201_then_200_with_the_same_transfer(client, api_headers, town) -> None:
    headers = api_headers(town.alice)
    first = post(client, headers, body(town))
    assert first.status_code == 201, first.get_json()
    data = first.get_json()
    assert (data["minutes"], data["to_member_id"], data["from_member_id"]) == (
        90,
        town.bob.id,
        town.alice.id,
    )
    assert data["balance_minutes"] == -90 and data["kind"] == "thanks"
    again = post(client, headers, body(town))
    assert again.status_code == 200
    assert again.get_json()["id"] == data["id"]
    assert balance(town.alice) == -90
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["balance_minutes"] == -90


def test_two_members_may_use_the_same_key(client, api_headers, town) -> None:
    assert post(client, api_headers(town.alice), body(town)).status_code == 201
    assert (
        post(client, api_headers(town.bob), body(town, to_member_id=town.alice.id)).status_code
        == 201
    )
    assert (balance(town.alice), balance(town.bob)) == (0, 0)


def test_the_same_key_with_another_body_is_409(client, api_headers, town) -> None:
    headers = api_headers(town.alice)
    post(client, headers, body(town))
    response = post(client, headers, body(town, minutes=91))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"
    assert balance(town.alice) == -90


@pytest.mark.parametrize("key", [None, "", "x" * 101, "sleutel\u00e9"])
def test_a_missing_or_bad_idempotency_key_is_400(client, api_headers, town, key) -> None:
    headers = api_headers(town.alice)
    if key is not None and not key.isascii():
        headers = {**headers, "Idempotency-Key": key.encode().decode("latin-1")}
        response = client.post("/api/v1/transfers", json=body(town), headers=headers)
    else:
        response = post(client, headers, body(town), key=key)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in (
        "idempotency_key_missing",
        "bad_idempotency_key",
    )
    assert balance(town.alice) == 0


def test_over_the_limit_is_409_limit_exceeded(client, api_headers, town) -> None:
    headers = api_headers(town.alice)
    assert post(client, headers, body(town, minutes=600), key="a").status_code == 201
    before = snapshot()
    response = post(client, headers, body(town, minutes=1), key="b")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "limit_exceeded"
    assert snapshot() == before


@pytest.mark.parametrize("who", ["unknown", "stranger", "erased"])
def test_unknown_far_or_erased_recipients_are_404(client, api_headers, town, who) -> None:
    from buurthulp.db import transaction

    target = {"unknown": 999_999, "stranger": town.stranger.id, "erased": town.carol.id}[who]
    if who == "erased":
        with transaction():
            deactivate(town.carol, "erased")
    response = post(client, api_headers(town.alice), body(town, to_member_id=target))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_paying_yourself_is_422(client, api_headers, town) -> None:
    response = post(client, api_headers(town.alice), body(town, to_member_id=town.alice.id))
    assert response.status_code == 422


@pytest.mark.parametrize(
    "bad",
    [
        {"minutes": 0},
        {"minutes": -5},
        {"minutes": 10_001},
        {"minutes": 10**20},
        {"minutes": "60"},
        {"minutes": 1.5},
        {"minutes": True},
        {"minutes": None},
        {"to_member_id": "2"},
        {"to_member_id": 0},
        {"to_member_id": 2**63},
        {"description": ""},
        {"description": "x" * 10_000},
        {"description": 5},
        {"description": "   "},
        {"extra": 1},
    ],
)
def test_bad_bodies_are_422_and_book_nothing(client, api_headers, town, bad) -> None:
    response = post(client, api_headers(town.alice), body(town, **bad))
    assert response.status_code == 422, response.get_json()
    assert "error" in response.get_json()
    assert balance(town.alice) == 0


def test_a_body_that_is_not_json_is_refused(client, api_headers, town) -> None:
    headers = {**api_headers(town.alice), "Idempotency-Key": "k", "Content-Type": "text/plain"}
    response = client.post("/api/v1/transfers", data="minutes=5", headers=headers)
    assert response.status_code in (400, 422)
    assert (
        client.post(
            "/api/v1/transfers", json=body(town), headers={"Idempotency-Key": "k"}
        ).status_code
        == 401
    )


def test_my_transfers_pages_newest_first_with_running_balance(client, api_headers, town) -> None:
    for n in range(1, 6):
        services.thank(
            payer=town.alice,
            to_member_id=town.bob.id,
            minutes=n * 10,
            description=f"keer {n}",
            actor=town.alice,
        )
    services.thank(
        payer=town.bob, to_member_id=town.alice.id, minutes=5, description="terug", actor=town.bob
    )
    headers = api_headers(town.alice)
    page = client.get("/api/v1/me/transfers?limit=4", headers=headers).get_json()
    assert [i["minutes"] for i in page["items"]] == [5, -50, -40, -30]
    assert [i["balance_after"] for i in page["items"]] == [-145, -150, -100, -60]
    assert page["items"][0]["counterparty"] == {
        "kind": "member",
        "member_id": town.bob.id,
        "display_name": "Bob",
        "staff_role": None,
    }
    rest = client.get(
        f"/api/v1/me/transfers?limit=4&cursor={page['next_cursor']}", headers=headers
    ).get_json()
    assert [i["minutes"] for i in rest["items"]] == [-20, -10]
    assert rest["next_cursor"] is None
    assert client.get("/api/v1/me/transfers", headers=api_headers(town.carol)).get_json() == {
        "items": [],
        "next_cursor": None,
    }


@pytest.mark.parametrize(
    "query",
    [
        "cursor=nonsense",
        "cursor=eyJiZWZvcmUiOiAieCJ9",
        "cursor=eyJiZWZvcmUiOiAtMX0",
        "limit=0",
        "limit=101",
        "limit=abc",
        "limit=-1",
    ],
)
def test_bad_cursor_or_limit_is_400(client, api_headers, town, query) -> None:
    response = client.get(f"/api/v1/me/transfers?{query}", headers=api_headers(town.alice))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("bad_cursor", "bad_limit")


def test_the_openapi_document_describes_both_endpoints(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    post_op = spec["paths"]["/api/v1/transfers"]["post"]
    assert {"200", "201", "400", "401", "404", "409", "422"} <= set(post_op["responses"])
    assert any(
        p["name"] == "Idempotency-Key" and p["in"] == "header" and p["required"]
        for p in post_op["parameters"]
    )
    get_op = spec["paths"]["/api/v1/me/transfers"]["get"]
    assert {p["name"] for p in get_op["parameters"]} == {"cursor", "limit"}
    assert "EntryPage" in spec["components"]["schemas"]
