"""The API's front door: tokens, `me`, the error shape and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jsonschema_rs
import pytest
from sqlalchemy import select, update

from buurthulp.auth.models import ApiToken
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.models_base import utcnow
from tests.factories import PASSWORD

HUGE = "x" * 10_000


def _assert_error(response: Any, *statuses: int) -> dict[str, str]:
    assert response.status_code in statuses, (response.status_code, response.get_data()[:300])
    assert response.is_json, response.content_type
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


def _tokens_of(member) -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).where(ApiToken.member_id == member.id)))


# POST /api/v1/auth/token ------------------------------------------------------------------


def test_good_credentials_get_a_bearer_token_that_opens_me(client, make):
    member = make.resident()
    response = client.post("/api/v1/auth/token", json={"email": member.email, "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token"} and len(body["token"]) >= 32
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == member.id
    # Only a hash of the token is kept.
    assert [t.token_hash for t in _tokens_of(member)] != [body["token"]]
    assert body["token"] not in {t.token_hash for t in _tokens_of(member)}


def test_the_email_is_matched_without_regard_to_case_and_spaces(client, make):
    member = make.resident()
    response = client.post(
        "/api/v1/auth/token",
        json={"email": f"  {member.email.upper()} ", "password": PASSWORD},
    )
    assert response.status_code == 201


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(client, make):
    member = make.resident()
    wrong = client.post(
        "/api/v1/auth/token", json={"email": member.email, "password": "not my password"}
    )
    unknown = client.post(
        "/api/v1/auth/token", json={"email": "nobody@example.org", "password": PASSWORD}
    )
    assert _assert_error(wrong, 401) == _assert_error(unknown, 401)
    assert _tokens_of(member) == []


BAD_TOKEN_BODIES = {
    "empty object": {},
    "email missing": {"password": PASSWORD},
    "password missing": {"email": "a@example.org"},
    "email a number": {"email": 12, "password": PASSWORD},
    "password a number": {"email": "a@example.org", "password": 1234567890},
    "email a list": {"email": ["a@example.org"], "password": PASSWORD},
    "password a list": {"email": "a@example.org", "password": [PASSWORD]},
    "email null": {"email": None, "password": PASSWORD},
    "password null": {"email": "a@example.org", "password": None},
    "email an object": {"email": {"a": 1}, "password": PASSWORD},
    "password true": {"email": "a@example.org", "password": True},
    "10 kB email": {"email": HUGE + "@example.org", "password": PASSWORD},
    "10 kB password": {"email": "a@example.org", "password": HUGE},
    "extra field": {"email": "a@example.org", "password": PASSWORD, "admin": True},
    # PostgreSQL text cannot hold U+0000: this used to reach the query and answer 500.
    "nul byte in email": {"email": "a\x00@example.org", "password": PASSWORD},
    "nul byte in a key": {"email": "a@example.org", "password": PASSWORD, "\x00": 1},
    "json array": [{"email": "a@example.org", "password": PASSWORD}],
    "json string": "a@example.org",
    "json number": 42,
}


@pytest.mark.parametrize("body", BAD_TOKEN_BODIES.values(), ids=BAD_TOKEN_BODIES.keys())
def test_a_malformed_token_request_gets_a_4xx_in_the_error_shape(client, make, body):
    member = make.resident()
    if isinstance(body, dict) and body.get("email") == "a@example.org":
        body = {**body, "email": member.email}  # even for a real account
    response = client.post("/api/v1/auth/token", json=body)
    _assert_error(response, 400, 422)
    assert _tokens_of(member) == []


RAW_BODIES = {
    "not json": ("email=a@example.org&password=x", "application/x-www-form-urlencoded"),
    "broken json": ('{"email": "a@example.org", "password": ', "application/json"),
    "empty body": ("", "application/json"),
    "json as text/plain": ('{"email": "a@example.org", "password": "x"}', "text/plain"),
    "invalid utf-8": (b'{"email": "\xff\xfe", "password": "x"}', "application/json"),
    "json null": ("null", "application/json"),
    "NaN and Infinity": ('{"email": NaN, "password": Infinity}', "application/json"),
    # Deeper than the JSON parser recurses: used to be a RecursionError and a 500.
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "application/json"),
    "nested 600 deep": ('{"email": ' + "[" * 600 + "]" * 600 + "}", "application/json"),
}


@pytest.mark.parametrize("raw", RAW_BODIES.values(), ids=RAW_BODIES.keys())
def test_a_body_that_is_not_a_json_object_gets_a_4xx_never_a_500(client, raw):
    data, content_type = raw
    response = client.post("/api/v1/auth/token", data=data, content_type=content_type)
    _assert_error(response, 400, 415, 422)


# GET /api/v1/me ---------------------------------------------------------------------------------


def test_me_describes_the_member_behind_the_token(client, make, api_headers):
    hood = make.neighbourhood("Centrum")
    member = make.resident(hood, name="Annie")
    response = client.get("/api/v1/me", headers=api_headers(member))
    assert response.status_code == 200
    body = response.get_json()
    assert {"id", "display_name", "roles", "neighbourhood", "balance_minutes"} <= set(body)
    assert body["id"] == member.id
    assert body["display_name"] == "Annie"
    assert body["roles"] == ["resident"]
    assert body["neighbourhood"] == {"id": hood.id, "name": "Centrum"}
    assert body["balance_minutes"] == 0
    # What the API contract keeps private is not in `me` either.
    assert not {"email", "password_hash", "home_lat", "home_lon"} & set(body)


def test_me_of_an_admin_without_a_neighbourhood(client, make, api_headers):
    admin = make.admin()
    body = client.get("/api/v1/me", headers=api_headers(admin)).get_json()
    assert body["roles"] == ["admin"] and body["neighbourhood"] is None


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer " + HUGE],
    ids=["none", "empty", "scheme only", "blank token", "garbage", "basic auth", "10 kB token"],
)
def test_me_without_a_valid_token_is_401(client, make, authorization):
    make.resident()
    headers = {} if authorization is None else {"Authorization": authorization}
    error = _assert_error(client.get("/api/v1/me", headers=headers), 401)
    assert error["code"] == "not_authenticated"


def test_an_expired_token_is_401(client, make, api_headers):
    member = make.resident()
    headers = api_headers(member)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with transaction():
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.member_id == member.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    _assert_error(client.get("/api/v1/me", headers=headers), 401)


def test_a_revoked_token_is_401(client, make, api_headers):
    member = make.resident()
    headers = api_headers(member)
    with transaction():
        db.session.execute(
            update(ApiToken).where(ApiToken.member_id == member.id).values(revoked_at=utcnow())
        )
    _assert_error(client.get("/api/v1/me", headers=headers), 401)


def test_a_token_of_a_suspended_member_is_401(client, make, api_headers):
    from buurthulp.auth.models import Member

    member = make.resident()
    headers = api_headers(member)
    with transaction():
        db.session.execute(update(Member).where(Member.id == member.id).values(status="suspended"))
    _assert_error(client.get("/api/v1/me", headers=headers), 401)


# Unknown paths and methods ------------------------------------------------------------------------


def test_an_unknown_api_path_is_a_json_404(client):
    error = _assert_error(client.get("/api/v1/does-not-exist"), 404)
    assert error["code"] == "not_found"
    _assert_error(client.post("/api/v1/me/nothing/here", json={}), 404)


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(client, make, api_headers):
    headers = api_headers(make.resident())
    response = client.delete("/api/v1/me", headers=headers)
    error = _assert_error(response, 405)
    assert error["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    _assert_error(client.get("/api/v1/auth/token"), 405)


# The OpenAPI document ---------------------------------------------------------------------------


def _openapi_meta_schema() -> dict[str, Any]:
    # Schemathesis ships the official OpenAPI 3.1 meta-schema; no extra dependency needed.
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    return OPENAPI_31


def _documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def _routed(app) -> set[tuple[str, str]]:
    """Every API route of the URL map, written the OpenAPI way; the document itself excluded."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(f"<{name}>", f"{{{name}}}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    return found


def test_the_openapi_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    errors = [
        f"{'/'.join(map(str, e.instance_path))}: {e.message}"
        for e in jsonschema_rs.Draft202012Validator(_openapi_meta_schema()).iter_errors(document)
    ]
    assert errors == []


def test_the_openapi_document_lists_every_api_route_and_nothing_else(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert _documented(document) == _routed(app)


def test_every_operation_documents_its_errors_in_the_error_shape(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"400", "422"} <= set(responses), (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
            for status, described in responses.items():
                if status.startswith("4"):
                    schema = described["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (
                        method,
                        path,
                        status,
                    )


# Rate limit ------------------------------------------------------------------------------------


@pytest.fixture
def limited_client(database_url, db_session, monkeypatch):
    """A client of an app with the login rate limit on (3 a minute), in the test's transaction."""
    from buurthulp import create_app
    from buurthulp.extensions import limiter
    from tests.conftest import test_config as config_for

    # The limiter is one shared object and its init_app flips `enabled` for every app:
    # monkeypatch puts it back, so the other tests stay unlimited.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    limited = create_app(
        config_for(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    )
    yield limited.test_client()
    with limited.app_context():
        limiter.reset()
        db.engine.dispose()


def test_guessing_passwords_through_the_api_is_rate_limited(limited_client, make):
    member = make.resident()
    guesses = [
        limited_client.post(
            "/api/v1/auth/token", json={"email": member.email, "password": f"guess {n}"}
        )
        for n in range(4)
    ]
    assert [r.status_code for r in guesses[:3]] == [401, 401, 401]
    assert _assert_error(guesses[3], 429)["code"] == "too_many_requests"
    # Even the right password waits now.
    right = limited_client.post(
        "/api/v1/auth/token", json={"email": member.email, "password": PASSWORD}
    )
    _assert_error(right, 429)
