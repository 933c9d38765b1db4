"""Every route says who may reach it, and each kind of visitor gets what this file says.

Two checks: every route carries a guard label (a test walks the URL map), and an access
matrix: for every GET route, the status each kind of visitor must get, written out here by
hand. It is not derived from the guards it tests: a route whose guard changes by accident
fails, and a new route fails until someone decides, here, who may see it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.routing import Rule

from buurthulp import create_app
from buurthulp.auth.guards import MEMBER, PUBLIC, public
from buurthulp.auth.models import Member
from buurthulp.auth.roles import Permission
from buurthulp.extensions import db
from buurthulp.neighbourhoods.models import Neighbourhood
from tests.conftest import bound_session
from tests.conftest import test_config as config_for
from tests.factories import CENTRUM, OOST, Factories, api_token, log_in

pytestmark = pytest.mark.both_databases

IGNORED_ENDPOINTS = {"static"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Reviewed on purpose: a page becoming reachable for everyone should be a conscious choice.
KNOWN_PUBLIC_ENDPOINTS = {
    "core.home",
    "core.set_language",
    "core.privacy_statement",
    "core.health",
    "auth.login",
    "auth.login_code",
    "auth.logout",
    "auth.forgot_password",
    "auth.reset_password",
    "accounts.register",
    "accounts.check_mail",
    "accounts.confirm",
    "api.create_token",
    "api.openapi",
    "listings.extend_by_link",
    "notifications.unsubscribe",
}


def unlabeled_routes(app: Flask) -> list[str]:
    """`METHODS /rule (endpoint)` for each route whose view does not declare its access."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IGNORED_ENDPOINTS:
            continue
        if not _valid_label(getattr(app.view_functions[rule.endpoint], "access", None)):
            methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
            missing.append(f"{methods} {rule.rule} ({rule.endpoint})")
    return sorted(missing)


def _valid_label(label: object) -> bool:
    if label in (PUBLIC, MEMBER):
        return True
    return (
        isinstance(label, tuple) and bool(label) and all(isinstance(p, Permission) for p in label)
    )


def test_every_route_declares_who_may_reach_it(app):
    assert unlabeled_routes(app) == []


def test_the_guard_walk_names_a_route_that_forgot_its_guard():
    """The walk above can fail: a route without a guard is listed by method, rule and name."""
    fresh = create_app(config_for("sqlite://"))
    fresh.add_url_rule("/vergeten", "forgotten", lambda: "oops")
    fresh.add_url_rule("/goed", "guarded", public(lambda: "fine"))
    assert unlabeled_routes(fresh) == ["GET /vergeten (forgotten)"]


def test_only_the_reviewed_routes_are_public(app):
    public_endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access", None) == PUBLIC
    }
    assert public_endpoints - KNOWN_PUBLIC_ENDPOINTS == set()


# The access matrix ---------------------------------------------------------------------------


@dataclass
class World:
    """Two neighbourhoods and one visitor of each kind; "this" neighbourhood owns the objects.

    `logins`: each visitor's session cookie and API token, from logging in for real."""

    this: Neighbourhood
    other: Neighbourhood
    visitors: dict[str, Member | None]
    make: Any
    logins: dict[str, tuple[str, str]]


VISITORS = (
    "anonymous",
    "resident",
    "other_resident",
    "coordinator_elsewhere",
    "coordinator_here",
    "outreach",
    "admin",
)


@pytest.fixture(scope="module")
def world_ids(app, module_database) -> dict[str, Any]:
    """The world is built once per module and database (ids kept, see `shared_world`)."""
    with bound_session(app, module_database.open()):
        make = Factories()
        this = make.neighbourhood("Centrum", pc4=CENTRUM)
        other = make.neighbourhood("Oost", pc4=OOST)
        visitors: dict[str, Member | None] = {
            "anonymous": None,
            "resident": make.resident(this),
            "other_resident": make.resident(this),
            "coordinator_elsewhere": make.coordinator(other),
            "coordinator_here": make.coordinator(this),
            "outreach": make.outreach(this),
            "admin": make.admin(),
        }
        # Each visitor logs in once for the module (the form, and the code step for staff):
        # the session and the API token live in the module's transaction like the world.
        logins: dict[str, tuple[str, str]] = {}
        for name, member in visitors.items():
            if member is not None:
                client = app.test_client()
                assert log_in(client, member).status_code == 303, name
                cookie = client.get_cookie("session", domain=app.config["SERVER_NAME"])
                assert cookie is not None, name
                logins[name] = (cookie.value, api_token(member))
        return {
            "this": this.id,
            "other": other.id,
            "visitors": {k: (v.id if v is not None else None) for k, v in visitors.items()},
            "logins": logins,
        }


@pytest.fixture
def world(make, world_ids) -> World:
    visitors = {
        name: (db.session.get(Member, member_id) if member_id is not None else None)
        for name, member_id in world_ids["visitors"].items()
    }
    # Today's "why do you open this?" is answered, so single-resident staff pages open.
    make.reason(visitors["coordinator_here"], visitors["resident"], visitors["other_resident"])
    return World(
        this=db.session.get(Neighbourhood, world_ids["this"]),
        other=db.session.get(Neighbourhood, world_ids["other"]),
        visitors=visitors,
        make=make,
        logins=world_ids["logins"],
    )


def _transfer_id(world: World) -> int:
    from buurthulp.ledger import services as ledger

    payer, payee = world.visitors["resident"], world.visitors["other_resident"]
    booking = ledger.thank(
        payer=payer, to_member_id=payee.id, minutes=30, description="Boodschappen", actor=payer
    )
    return booking.transfer.id


# URL argument name -> a real value that belongs to "this" neighbourhood.
def _activity(world: World) -> Any:
    """An activity of "this" neighbourhood, organised by the resident (made once)."""
    if not hasattr(world, "_activity"):
        world._activity = world.make.listing(  # type: ignore[attr-defined]
            world.visitors["resident"], "activity", title="Koffieochtend"
        )
    return world._activity  # type: ignore[attr-defined]


def _match_id(world: World) -> int:
    """An agreed match: the resident asked, the other resident helps."""
    from buurthulp.matches import services as matches

    resident, helper = world.visitors["resident"], world.visitors["other_resident"]
    request = world.make.listing(resident, title="Boodschappen doen")
    match = matches.react(request.id, actor=helper, message="Ik help graag")
    return matches.accept(match.id, actor=resident).id


def _category_id(world: World) -> int:
    """A category of "this" neighbourhood's own, added by the admin."""
    from buurthulp.listings.categories import add_category

    admin = world.visitors["admin"]
    return add_category(world.this.id, name="Fietsen maken", actor=admin).id


def _met_resident(world: World) -> int:
    """The resident, whom the other resident has met here: in a match (a neighbour never
    met is a 404 on the pages by member id)."""
    if not hasattr(world, "_met"):
        from buurthulp.listings.services import change_status
        from buurthulp.matches.models import Match

        world._met = _match_id(world)  # type: ignore[attr-defined]
        listing_id = db.session.get_one(Match, world._met).listing_id  # type: ignore[attr-defined]
        # Closed: the others see nothing of the resident; only the helper has met her.
        change_status(listing_id, "close", actor=world.visitors["resident"])
    return world.visitors["resident"].id  # type: ignore[union-attr]


def _report_id(world: World) -> int:
    """The other resident reported the resident to the coordinators of "this" neighbourhood."""
    from buurthulp.safety import services as safety

    _met_resident(world)
    resident, reporter = world.visitors["resident"], world.visitors["other_resident"]
    data = safety.ReportInput(reason="unsafe", text="Voelde niet goed", member_id=resident.id)
    return safety.report(data, actor=reporter).id


def _proxy_id(world: World) -> int:
    """A resident of "this" neighbourhood whose account the coordinator here keeps."""
    if not hasattr(world, "_proxy"):
        from buurthulp.backoffice.residents import create_proxy_resident

        coordinator = world.visitors["coordinator_here"]
        world._proxy = create_proxy_resident(  # type: ignore[attr-defined]
            actor=coordinator,
            display_name="Truus",
            postcode=f"{CENTRUM[0]}AB",
            house_number="99",
            phone="06 12345678",
            consent_how="paper",
        )
        world.make.reason(coordinator, world._proxy)  # type: ignore[attr-defined]
    return world._proxy.id  # type: ignore[attr-defined]


PARAMETER_FACTORIES: dict[str, Callable[[World], Any]] = {
    "neighbourhood_id": lambda w: w.this.id,
    "member_id": _met_resident,
    "transfer_id": _transfer_id,
    "token": lambda w: "not-a-real-token",
    "listing_id": lambda w: _activity(w).id,
    "id": lambda w: _activity(w).id,
    "code": lambda w: _activity(w).code,
    "match_id": _match_id,
    "category_id": _category_id,
    "report_id": _report_id,
    "proxy_id": _proxy_id,
    # The work queue: the resident here is new, so "verify" holds them.
    "kind": lambda w: "verify",
    "item_id": lambda w: w.visitors["resident"].id,
}


def _rules() -> list[Rule]:
    """The URL map, read once at collection so each route is its own test."""
    collected = create_app(config_for("sqlite://"))
    return sorted(
        (r for r in collected.url_map.iter_rules() if r.endpoint not in IGNORED_ENDPOINTS),
        key=lambda r: (r.rule, r.endpoint),
    )


RULES = _rules()
GET_RULES = [r for r in RULES if "GET" in r.methods]
UNSAFE_RULES = [r for r in RULES if r.methods & UNSAFE_METHODS]


def _fill(rule: Rule, world: World) -> str:
    values = {}
    for name in rule.arguments:
        is_match = name == "id" and rule.rule.startswith("/api/v1/matches/")
        name_for = "match_id" if is_match else name
        factory = PARAMETER_FACTORIES.get(name_for)
        if factory is None:
            pytest.skip(f"no factory yet for URL argument {name!r} of {rule.rule}")
        try:
            values[name] = factory(world)
        except ImportError as exc:
            pytest.skip(f"{name!r} needs a feature that is not built yet: {exc}")
    return rule.build(values, append_unknown=False)[1]


def _placeholders(rule: Rule) -> str:
    """Any value fits: an anonymous visitor is refused before anything is loaded."""
    values: dict[str, Any] = dict.fromkeys(rule.arguments, 1)
    if "action" in values:
        values["action"] = "sluiten"
    return rule.build(values, append_unknown=False)[1]


def _is_api(rule: Rule) -> bool:
    return rule.rule.startswith("/api/")


def _clients(app: Flask, world: World) -> Iterator[tuple[str, Any, dict]]:
    """A fresh client per visitor with the session they logged in with through the form
    (staff: with the code from their app), and their bearer token for the API."""
    for name in VISITORS:
        client = app.test_client()
        headers: dict[str, str] = {}
        if name in world.logins:
            cookie, token = world.logins[name]
            client.set_cookie("session", cookie, domain=app.config["SERVER_NAME"])
            headers = {"Authorization": f"Bearer {token}"}
        yield name, client, headers


# The matrix --------------------------------------------------------------------------------------
# Visitors, in order: anonymous, resident (owns the objects), other resident of the same
# neighbourhood, coordinator of another neighbourhood, coordinator here, outreach worker
# here, admin. "login" is the way to the login page (a 302 for pages, a 401 for the API).
A, R, RO, CE, CH, OW, AD = VISITORS
LOGIN = "login"
EVERYONE = {A: 200, R: 200, RO: 200, CE: 200, CH: 200, OW: 200, AD: 200}
MEMBERS = {A: LOGIN, R: 200, RO: 200, CE: 200, CH: 200, OW: 200, AD: 200}
ADMIN_ONLY = {A: LOGIN, R: 403, RO: 403, CE: 403, CH: 403, OW: 403, AD: 200}
# A coordinator elsewhere may not know this member or transfer exists (404); a
# neighbourhood is public, so acting on another one's is a 403.
COORDINATOR_HERE_MEMBER = {A: LOGIN, R: 403, RO: 403, CE: 404, CH: 200, OW: 403, AD: 403}
COORDINATOR_HERE_HOOD = {A: LOGIN, R: 403, RO: 403, CE: 403, CH: 200, OW: 403, AD: 403}
COORDINATORS = {A: LOGIN, R: 403, RO: 403, CE: 200, CH: 200, OW: 403, AD: 403}
# A public page that follows a signed link: a made-up one is refused for everyone (422).
BAD_LINK = {A: 422, R: 422, RO: 422, CE: 422, CH: 422, OW: 422, AD: 422}
# The owner, and staff who look after the neighbourhood's listings (coordinators, outreach).
OWNER_AND_STAFF = {A: LOGIN, R: 200, RO: 403, CE: 403, CH: 200, OW: 200, AD: 403}
# A match: its two parties, and the coordinator here (staff views are logged).
MATCH = {A: LOGIN, R: 200, RO: 200, CE: 404, CH: 200, OW: 404, AD: 404}
# A report or a listing to moderate: the coordinators here alone; for everyone else it does
# not exist (admins too: reports are the neighbourhood's coordinators' work).
COORDINATOR_HERE_ONLY = {A: LOGIN, R: 404, RO: 404, CE: 404, CH: 200, OW: 404, AD: 404}

EXPECTED: dict[str, dict[str, int | str]] = {
    "core.home": EVERYONE,
    "core.privacy_statement": EVERYONE,
    "core.health": EVERYONE,
    "auth.login": EVERYONE,
    # The second step of logging in: without a password just typed, back to the first.
    "auth.login_code": {A: LOGIN, R: LOGIN, RO: LOGIN, CE: LOGIN, CH: LOGIN, OW: LOGIN, AD: LOGIN},
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": EVERYONE,
    "accounts.register": EVERYONE,
    "accounts.check_mail": EVERYONE,
    "accounts.confirm": EVERYONE,
    "api.openapi": EVERYONE,
    "core.account": MEMBERS,
    "core.access_log": MEMBERS,
    "auth.change_password": MEMBERS,
    "auth.second_factor_setup": MEMBERS,
    "notifications.index": MEMBERS,
    "ledger.statement": MEMBERS,
    "ledger.statement_download": MEMBERS,
    "ledger.thank": MEMBERS,
    "ledger.donate": MEMBERS,
    "api.me": MEMBERS,
    "api.my_transfers": MEMBERS,
    "admin.index": ADMIN_ONLY,
    "admin.new_neighbourhood": ADMIN_ONLY,
    "admin.edit_neighbourhood": ADMIN_ONLY,
    "admin.categories": ADMIN_ONLY,
    "admin.edit_category": ADMIN_ONLY,
    "admin.roles": ADMIN_ONLY,
    "admin.reset_second_factor": ADMIN_ONLY,
    "admin.mail_status": ADMIN_ONLY,
    # Only in development; these tests run as "testing".
    "admin.outbox_page": {**ADMIN_ONLY, AD: 404},
    "ledger.staff_home": COORDINATORS,
    "ledger.health": {**COORDINATORS, AD: 200},
    "ledger.staff_members": COORDINATOR_HERE_HOOD,
    "ledger.pool": COORDINATOR_HERE_HOOD,
    "ledger.grant": COORDINATOR_HERE_HOOD,
    "ledger.member_statement": COORDINATOR_HERE_MEMBER,
    "ledger.member_statement_download": COORDINATOR_HERE_MEMBER,
    "ledger.settle": COORDINATOR_HERE_MEMBER,
    "ledger.proxy_thank": COORDINATOR_HERE_MEMBER,
    "ledger.proxy_donate": COORDINATOR_HERE_MEMBER,
    "ledger.change_limits": COORDINATOR_HERE_MEMBER,
    "ledger.reverse": COORDINATOR_HERE_MEMBER,
    "listings.feed": MEMBERS,
    "listings.new": MEMBERS,
    "listings.mine": MEMBERS,
    "listings.show": MEMBERS,
    "listings.print_notice": MEMBERS,
    "listings.calendar": MEMBERS,
    "listings.by_code": {**MEMBERS, R: 302, RO: 302, CE: 302, CH: 302, OW: 302, AD: 302},
    "listings.edit": {A: LOGIN, R: 200, RO: 403, CE: 403, CH: 403, OW: 403, AD: 403},
    "listings.suggestions": OWNER_AND_STAFF,
    "listings.attendees": OWNER_AND_STAFF,
    "listings.extend_by_link": BAD_LINK,
    "matches.index": MEMBERS,
    "matches.show": MATCH,
    # What waits for a coordinator: every coordinator may open it, and sees their own only.
    "matches.waiting_list": COORDINATORS,
    "audit.index": {**COORDINATORS, AD: 200},
    "accounts.profile": MEMBERS,
    "notifications.settings": MEMBERS,
    "notifications.unsubscribe": BAD_LINK,
    "api.list_listings": MEMBERS,
    "api.get_listing": MEMBERS,
    "api.listing_suggestions": OWNER_AND_STAFF,
    "api.list_notifications": MEMBERS,
    "api.get_profile": MEMBERS,
    "api.get_settings": MEMBERS,
    "api.my_listings": MEMBERS,
    "api.my_matches": MEMBERS,
    "api.listing_attendees": OWNER_AND_STAFF,
    "api.listing_calendar": MEMBERS,
    "api.get_match": MATCH,
    # The back office: coordinators, in their own neighbourhoods (a resident elsewhere, a
    # queue item elsewhere: 404).
    "backoffice.queue": COORDINATORS,
    "backoffice.handle": {**COORDINATOR_HERE_MEMBER},
    "backoffice.resident": COORDINATOR_HERE_MEMBER,
    "backoffice.set_trust": COORDINATOR_HERE_MEMBER,
    "backoffice.vulnerable": COORDINATOR_HERE_MEMBER,
    "backoffice.proxy_list": COORDINATORS,
    "backoffice.proxy_new": COORDINATORS,
    "backoffice.proxy_home": COORDINATOR_HERE_MEMBER,
    "backoffice.proxy_request": COORDINATOR_HERE_MEMBER,
    "backoffice.proxy_feed": COORDINATOR_HERE_MEMBER,
    "backoffice.proxy_react": COORDINATOR_HERE_MEMBER,
    # The match of two online residents is not one of hers: 404 even for her coordinator.
    "backoffice.proxy_match": {**COORDINATOR_HERE_MEMBER, CH: 404},
    "backoffice.proxy_summary": COORDINATOR_HERE_MEMBER,
    "backoffice.proxy_letter": COORDINATOR_HERE_MEMBER,
    "api.list_messages": {A: LOGIN, R: 200, RO: 200, CE: 404, CH: 403, OW: 404, AD: 404},
    "api.my_export": MEMBERS,
    "privacy.my_data": MEMBERS,
    "privacy.my_data_json": MEMBERS,
    "privacy.my_data_html": MEMBERS,
    "privacy.my_consents": MEMBERS,
    "privacy.erase_mine": MEMBERS,
    # A resident's privacy requests, handled by a coordinator of their neighbourhood.
    "privacy.staff_member": COORDINATOR_HERE_MEMBER,
    "privacy.staff_erase": COORDINATOR_HERE_MEMBER,
    "safety.report_form": MEMBERS,
    # Blocking the resident: who may know them (their neighbourhood); nobody blocks themselves.
    "safety.block": {A: LOGIN, R: 422, RO: 200, CE: 404, CH: 200, OW: 200, AD: 404},
    "safety.reports": COORDINATORS,
    "safety.report": COORDINATOR_HERE_ONLY,
    "safety.listings": COORDINATORS,
    "safety.listing": COORDINATOR_HERE_ONLY,
    # A suspension: the coordinators here, and admins everywhere.
    "safety.suspension_page": {**COORDINATOR_HERE_ONLY, AD: 200},
    "api.list_blocks": MEMBERS,
}


def test_the_matrix_names_every_get_route_and_nothing_else():
    routes = {r.endpoint for r in GET_RULES}
    assert routes - set(EXPECTED) == set(), "decide here who may see these new routes"
    assert set(EXPECTED) - routes == set(), "these routes are gone: remove them here"
    assert all(set(row) == set(VISITORS) for row in EXPECTED.values())


def _assert_sent_to_login(response: Any, rule: Rule) -> None:
    if _is_api(rule):
        assert response.status_code == 401, rule.rule
        assert response.get_json()["error"]["code"] == "not_authenticated"
    else:
        assert response.status_code == 302, rule.rule
        assert urlsplit(response.headers["Location"]).path == "/inloggen", rule.rule


@pytest.mark.parametrize("rule", GET_RULES, ids=[f"GET {r.rule}" for r in GET_RULES])
def test_every_visitor_gets_what_the_matrix_says(app, client, world, rule):
    expected = EXPECTED[rule.endpoint]
    url = _fill(rule, world)
    seen: dict[str, int] = {}
    for name, visitor_client, headers in _clients(app, world):
        response = visitor_client.get(url, headers=headers if _is_api(rule) else {})
        seen[name] = response.status_code
        if expected[name] == LOGIN:
            _assert_sent_to_login(response, rule)
        else:
            assert response.status_code == expected[name], (url, name, seen)


@pytest.mark.parametrize("rule", UNSAFE_RULES, ids=[f"POST {r.rule}" for r in UNSAFE_RULES])
def test_an_anonymous_post_never_succeeds_on_a_guarded_route(app, client, rule):
    url = _placeholders(rule)
    method = sorted(rule.methods & UNSAFE_METHODS)[0]
    response = client.open(url, method=method, data={"anything": "x"})
    if rule.endpoint in KNOWN_PUBLIC_ENDPOINTS:
        assert response.status_code < 500, url
        return
    if _is_api(rule):
        assert response.status_code in {400, 401, 403}, (url, response.status_code)
        assert response.get_json()["error"]["code"]
    else:
        _assert_sent_to_login(response, rule)
