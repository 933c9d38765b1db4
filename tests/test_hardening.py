"""The security review's findings, one test each (issue 10, section 1), on both databases.

Each test tells the attack the review found and shows it no longer works; the names say
which finding they cover.
"""

from __future__ import annotations

import statistics
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, text

from buurthulp.access.models import AccessLogEntry
from buurthulp.auth.models import AuthSession
from buurthulp.errors import NotAllowed
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Account, Transfer
from buurthulp.notifications.models import Notification
from tests.factories import CENTRUM, OOST, PASSWORD, log_in


@pytest.fixture
def english(client):
    client.post("/taal", data={"locale": "en"})


# 1. Reset-link poisoning ------------------------------------------------------------------------


def test_1_the_reset_link_is_built_from_the_configured_base_url_not_the_host_header(
    app, client, make, mailbox, monkeypatch
):
    # As deployed: no SERVER_NAME, so a link built from the request would carry its Host.
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    member = make.resident()
    response = client.post(
        "/wachtwoord-vergeten", data={"email": member.email}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 303
    [mail] = mailbox
    body = mail.get_content()
    assert "evil.example" not in body
    assert "http://buurthulp.test/wachtwoord-herstellen/" in body


# 2. Secrets at rest ------------------------------------------------------------------------------


def test_2_no_working_reset_link_is_stored_in_the_database(client, make, mailbox):
    from buurthulp.outbox.models import OutboxMessage

    member = make.resident()
    client.post("/wachtwoord-vergeten", data={"email": member.email})
    token_path = urlsplit(mailbox[0].get_content().split("http://buurthulp.test", 1)[1]).path
    stored = " ".join(
        str(v)
        for row in db.session.execute(select(OutboxMessage)).scalars()
        for v in vars(row).values()
    )
    assert token_path.split("/")[-1] not in stored
    assert "[[link:reset]]" in stored


# 3. Staff views of personal data are logged -----------------------------------------------------


def _log_rows(viewer, what: str | None = None) -> list[AccessLogEntry]:
    query = select(AccessLogEntry).where(AccessLogEntry.viewer_id == viewer.id)
    if what:
        query = query.where(AccessLogEntry.what == what)
    return list(db.session.scalars(query))


def test_3_a_member_list_logs_a_row_for_every_resident_shown(client, make, login, english):
    hood = make.neighbourhood(pc4=CENTRUM)
    residents = [make.resident(hood, name=f"Buur {n}") for n in range(4)]
    coordinator = make.coordinator(hood)
    login(coordinator)
    page = client.get(f"/tijdbank/beheer/buurt/{hood.id}/leden")
    assert page.status_code == 200
    logged = {row.subject_id for row in _log_rows(coordinator, "member-list")}
    assert logged >= {r.id for r in residents}
    login(residents[0])
    mine = client.get("/account/inzage").get_data(as_text=True)
    assert "You in a list of members" in mine and coordinator.display_name in mine


def test_3_the_reverse_page_logs_both_parties(client, make, login):
    hood = make.neighbourhood(pc4=CENTRUM)
    alice, bob = make.resident(hood), make.resident(hood)
    coordinator = make.coordinator(hood)
    transfer = services.thank(
        payer=alice, to_member_id=bob.id, minutes=30, description="Boodschappen", actor=alice
    ).transfer
    login(coordinator)
    assert (
        client.get(f"/tijdbank/beheer/overboekingen/{transfer.id}/terugdraaien").status_code == 200
    )
    assert {r.subject_id for r in _log_rows(coordinator, "transfer")} == {alice.id, bob.id}


# 4. Coordinator self-dealing ---------------------------------------------------------------------


@pytest.fixture
def staffed(make):
    hood = make.neighbourhood(pc4=CENTRUM)
    return {
        "hood": hood,
        "coord": make.coordinator(hood),
        "other_coord": make.coordinator(hood),
        "resident": make.resident(hood),
    }


def test_4_a_coordinator_cannot_grant_pool_time_to_themself(staffed):
    with pytest.raises(NotAllowed):
        services.grant(
            neighbourhood_id=staffed["hood"].id,
            to_member_id=staffed["coord"].id,
            minutes=60,
            description="voor mij",
            actor=staffed["coord"],
        )
    assert services.balance_minutes(staffed["coord"]) == 0


def test_4_a_coordinator_cannot_set_their_own_limits(staffed):
    coord = staffed["coord"]
    with pytest.raises(NotAllowed):
        services.change_limits(
            member_id=coord.id, lower=-100_000, upper=100_000, actor=coord, reason="ruimte"
        )
    # Another coordinator may.
    services.change_limits(
        member_id=coord.id, lower=-1200, upper=3000, actor=staffed["other_coord"], reason="ok"
    )
    assert services.account_of(coord).lower_limit == -1200


def test_4_a_coordinator_cannot_pay_themself_on_behalf_of_a_resident(staffed):
    with pytest.raises(NotAllowed):
        services.thank(
            payer=staffed["resident"],
            to_member_id=staffed["coord"].id,
            minutes=60,
            description="namens",
            actor=staffed["coord"],
        )
    assert services.balance_minutes(staffed["resident"]) == 0


def test_4_a_coordinator_cannot_reverse_a_transfer_they_are_part_of(staffed):
    coord, resident = staffed["coord"], staffed["resident"]
    transfer = services.thank(
        payer=resident, to_member_id=coord.id, minutes=30, description="hulp", actor=resident
    ).transfer
    with pytest.raises(NotAllowed):
        services.reverse(transfer_id=transfer.id, actor=coord, reason="oeps")
    services.reverse(transfer_id=transfer.id, actor=staffed["other_coord"], reason="oeps")
    assert services.balance_minutes(coord) == 0


def test_4_a_coordinator_cannot_settle_their_own_account(staffed):
    with pytest.raises(NotAllowed):
        services.settle(member_id=staffed["coord"].id, actor=staffed["coord"], reason="weg")


def test_4_a_resident_is_told_whenever_staff_act_on_their_account(staffed):
    resident, coord, hood = staffed["resident"], staffed["coord"], staffed["hood"]
    other = staffed["other_coord"]
    services.grant(
        neighbourhood_id=hood.id, to_member_id=resident.id, minutes=60, description="x", actor=coord
    )
    services.donate(payer=resident, minutes=10, actor=coord)
    services.thank(
        payer=resident, to_member_id=other.id, minutes=5, description="bedankt", actor=coord
    )
    services.change_limits(member_id=resident.id, lower=-300, upper=600, actor=coord, reason="r")
    kinds = list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == resident.id)
            .order_by(Notification.id)
        )
    )
    assert kinds == [
        "ledger.grant",
        "ledger.proxy_donation",
        "ledger.proxy_thanks",
        "ledger.limits",
    ]
    # A reversal tells both parties; settling tells the member who leaves.
    last = db.session.scalar(
        select(Transfer)
        .where(Transfer.payer_account_id == services.account_of(resident).id)
        .order_by(Transfer.id.desc())
    )
    services.reverse(transfer_id=last.id, actor=coord, reason="vergissing")
    services.settle(member_id=resident.id, actor=coord, reason="verhuisd")
    later = list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == resident.id)
            .order_by(Notification.id)
        )
    )[len(kinds) :]
    assert later == ["ledger.reversed", "ledger.settled"]
    other_told = db.session.scalars(
        select(Notification.kind).where(Notification.member_id == other.id)
    ).all()
    assert "ledger.reversed" in other_told


def test_4_the_notification_reads_in_plain_words_on_the_page(client, make, login, english):
    hood = make.neighbourhood(pc4=CENTRUM)
    resident, coord = make.resident(hood), make.coordinator(hood, name="Marieke")
    services.grant(
        neighbourhood_id=hood.id, to_member_id=resident.id, minutes=90, description="x", actor=coord
    )
    login(resident)
    page = client.get("/notificaties/").get_data(as_text=True)
    assert "Marieke gave you 1 h 30 min from the solidarity pool." in page
    assert 'Notifications <span class="badge">1' in client.get("/account").get_data(as_text=True)
    assert client.post("/notificaties/gelezen").status_code == 303
    assert 'class="badge">1' not in client.get("/account").get_data(as_text=True)


# 6. Account enumeration --------------------------------------------------------------------------


def test_6_a_failed_login_takes_as_long_for_an_unknown_address_as_for_a_known_one(
    app, client, make, monkeypatch
):
    # Real argon2 cost, so the hash dominates as it does in production.
    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", 2)
    monkeypatch.setitem(app.config, "ARGON2_MEMORY_COST", 19 * 1024)
    member = make.resident()
    from buurthulp.auth.passwords import hash_password  # noqa: F401
    from buurthulp.auth.services import authenticate  # noqa: F401

    def failed_login(email: str) -> float:
        started = time.perf_counter()
        response = client.post("/inloggen", data={"email": email, "password": "wrong password!"})
        assert response.status_code == 422
        return time.perf_counter() - started

    failed_login(member.email)  # warm up: the dummy hash is made once
    failed_login("nobody@example.org")
    known, unknown = [], []
    for _ in range(20):  # interleaved, so machine noise hits both alike
        known.append(failed_login(member.email))
        unknown.append(failed_login("nobody@example.org"))
    ratio = statistics.median(unknown) / statistics.median(known)
    # The old code took twice as long for an unknown address; noise stays well inside this.
    assert 0.6 < ratio < 1.5, (statistics.median(known), statistics.median(unknown))


# 7. Sessions -----------------------------------------------------------------------------------


def test_7_a_copied_session_cookie_stops_working_after_logout(app, client, make, login):
    member = make.resident()
    login(member)
    cookie = client.get_cookie("session", domain="buurthulp.test")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain=cookie.domain)
    assert thief.get("/account").status_code == 200  # the copy works while the session lives
    assert client.post("/uitloggen").status_code == 303
    assert thief.get("/account").status_code == 302  # and not a moment after logout
    assert db.session.scalar(select(func.count()).where(AuthSession.revoked_at.is_(None))) == 0


def test_7_log_out_everywhere_ends_every_session_and_token(app, client, make, login, api_headers):
    member = make.resident()
    headers = api_headers(member)
    phone = app.test_client()
    phone.post("/inloggen", data={"email": member.email, "password": PASSWORD})
    login(member)
    assert client.post("/account/overal-uitloggen").status_code == 303
    assert client.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_7_delete_token_revokes_the_token_it_is_sent_with(app, client, make, api_headers):
    member = make.resident()
    kept, ended = api_headers(member), api_headers(member)
    assert client.delete("/api/v1/auth/token", headers=ended).status_code == 204
    assert client.get("/api/v1/me", headers=ended).status_code == 401
    assert client.get("/api/v1/me", headers=kept).status_code == 200
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "204" in spec["paths"]["/api/v1/auth/token"]["delete"]["responses"]


# 8. Rate limits ----------------------------------------------------------------------------------


def test_8_failed_logins_are_limited_per_account_whatever_the_address(make, limited):
    hood = make.neighbourhood(pc4=CENTRUM)
    member = make.resident(hood)
    statuses = []
    for n in range(5):
        visitor = limited.test_client()  # another client address each time
        response = visitor.post(
            "/inloggen",
            data={"email": member.email, "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"},
        )
        statuses.append(response.status_code)
    assert statuses == [422, 422, 422, 429, 429]
    # Another account is not locked by it.
    other = make.resident(hood)
    response = limited.test_client().post(
        "/inloggen",
        data={"email": other.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 303


def test_8_api_tokens_count_against_the_same_account_limit(make, limited):
    """Guessing through the API instead of the form meets the same per-account limit."""
    hood = make.neighbourhood(pc4=CENTRUM)
    member = make.resident(hood)
    statuses = []
    for n in range(3):
        visitor = limited.test_client()
        login_form = visitor.post(
            "/inloggen",
            data={"email": member.email, "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": f"10.0.1.{n + 1}"},
        )
        statuses.append(login_form.status_code)
    for n in range(2):
        response = limited.test_client().post(
            "/api/v1/auth/token",
            json={"email": member.email.upper(), "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": f"10.0.2.{n + 1}"},
        )
        statuses.append(response.status_code)
    assert statuses == [422, 422, 422, 429, 429]
    assert response.get_json()["error"]["code"] == "too_many_requests"
    # A right password on another account still gets its token.
    other = make.resident(hood)
    ok = limited.test_client().post(
        "/api/v1/auth/token", json={"email": other.email, "password": PASSWORD}
    )
    assert ok.status_code == 201


def test_8_change_password_is_limited_per_account(make, limited):
    member = make.resident()
    client = limited.test_client()
    client.post("/inloggen", data={"email": member.email, "password": PASSWORD})
    wrong = {"current_password": "not my password", "new_password": "another passphrase"}
    statuses = [client.post("/account/wachtwoord", data=wrong).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_8_behind_one_trusted_proxy_the_forwarded_address_counts(make, tmp_path):
    from buurthulp import create_app
    from tests.conftest import test_config

    url = f"sqlite:///{tmp_path / 'proxy.sqlite3'}"
    app = create_app(test_config(url, BUURTHULP_PROXY_COUNT=1, SERVER_NAME=None))
    seen = []

    @app.route("/_whoami")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    whoami.access = "public"
    client = app.test_client()
    seen.append(
        client.get("/_whoami", headers={"X-Forwarded-For": "203.0.113.7, 198.51.100.1"}).text
    )
    # Only the last hop (the proxy's view of the client) is believed, never a client's claim.
    assert seen == ["198.51.100.1"]


# 9. Headers ------------------------------------------------------------------------------------


def test_9_authenticated_pages_and_downloads_are_never_cached(client, make, login):
    assert "no-store" not in client.get("/privacy").headers.get("Cache-Control", "")
    member = make.resident()
    login(member)
    for path in ("/", "/account", "/tijdbank/", "/tijdbank/overzicht.csv", "/privacy"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_9_hsts_is_sent_behind_a_tls_terminating_proxy(tmp_path):
    from buurthulp import create_app
    from tests.conftest import test_config

    app = create_app(
        test_config(
            f"sqlite:///{tmp_path / 'h.sqlite3'}", BUURTHULP_PROXY_COUNT=1, SERVER_NAME=None
        )
    )
    plain = app.test_client().get("/privacy")
    assert "Strict-Transport-Security" not in plain.headers
    proxied = app.test_client().get("/privacy", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["Strict-Transport-Security"].startswith("max-age=")


# 10. Impersonation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    # Invisible characters are left out of the name (tests/auth/test_display_names.py), so a
    # role word cannot hide behind them, nor behind look-alike letters or a filler.
    [
        "Piet (coördinator)",
        "Beheerder Jan",
        "Piet co\u200bo\u0308rdinator",
        "Piet \u0441oordinator",
        "\u3164",
        "An\x00na",
    ],
)
def test_10_a_name_cannot_pretend_to_be_staff_or_hide_characters(make, name):
    from buurthulp.errors import InvalidInput

    with pytest.raises(InvalidInput):
        make.resident(name=name)


def test_10_staff_are_marked_by_the_site_wherever_a_resident_sees_their_name(
    client, make, login, english
):
    hood = make.neighbourhood(pc4=CENTRUM)
    resident, coord = make.resident(hood), make.coordinator(hood, name="Marieke")
    services.thank(
        payer=resident, to_member_id=coord.id, minutes=15, description="x", actor=resident
    )
    login(resident)
    statement = client.get("/tijdbank/").get_data(as_text=True)
    assert "Marieke" in statement and 'class="role-badge">coordinator' in statement
    thank_page = client.get("/tijdbank/bedanken").get_data(as_text=True)
    assert "Marieke · coordinator" in thank_page


# 11. Smaller ones --------------------------------------------------------------------------------


def test_11_the_public_point_uses_the_blur_key_not_the_session_secret(app, make, monkeypatch):
    hood = make.neighbourhood(pc4=CENTRUM)
    first = make.resident(hood, house_number="7")
    monkeypatch.setitem(app.config, "SECRET_KEY", "a rotated session secret")
    second = make.resident(hood, house_number="7")
    from buurthulp.geo import Point, blur_point

    for member in (first, second):
        expected = blur_point(
            Point(member.home_lat, member.home_lon),
            secret=app.config["BUURTHULP_BLUR_KEY"],
            member_key=f"member:{member.id}:{member.postcode}:{member.house_number}",
        )
        assert (member.public_lat, member.public_lon) == pytest.approx((expected.lat, expected.lon))


def test_11_malformed_json_is_a_400_as_the_openapi_document_says(client, make, api_headers):
    headers = api_headers(make.resident())
    response = client.post(
        "/api/v1/transfers",
        data="{not json",
        headers={**headers, "Content-Type": "application/json", "Idempotency-Key": "k1"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_json"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert (
        "malformed" in spec["paths"]["/api/v1/transfers"]["post"]["responses"]["400"]["description"]
    )


def test_11_assign_role_and_save_neighbourhood_check_their_actor(make):
    from buurthulp.accounts.roles import assign_role
    from buurthulp.auth.roles import Role
    from buurthulp.neighbourhoods.services import save_neighbourhood

    hood = make.neighbourhood(pc4=CENTRUM)
    coord, resident = make.coordinator(hood), make.resident(hood)
    with pytest.raises(NotAllowed):
        assign_role(resident, Role.COORDINATOR, neighbourhood=hood, actor=coord)
    with pytest.raises(NotAllowed):
        save_neighbourhood(actor=coord, name="Oost", pc4_codes=list(OOST))


# History is append-only in the database ------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_transfer SET minutes = minutes + 1",
        "DELETE FROM ledger_transfer",
        "UPDATE ledger_entry SET minutes = 0",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_limit_change SET reason = 'x'",
        "DELETE FROM ledger_limit_change",
        "UPDATE privacy_access_log SET reason = 'x'",
        "DELETE FROM privacy_access_log",
        "UPDATE audit_entry SET note = 'x'",
        "DELETE FROM audit_entry",
    ],
)
def test_raw_sql_cannot_change_or_delete_history(staffed, sql):
    coord, resident = staffed["coord"], staffed["resident"]
    services.grant(
        neighbourhood_id=staffed["hood"].id,
        to_member_id=resident.id,
        minutes=5,
        description="x",
        actor=coord,
    )
    services.change_limits(member_id=resident.id, lower=-60, upper=600, actor=coord, reason="r")
    services.open_member_statement(resident.id, actor=coord)
    with pytest.raises(Exception, match="append-only"), db.session.begin_nested():
        db.session.execute(text(sql))
    assert db.session.scalar(select(func.count(Account.id))) > 0


def _disputed_match(make, *, asker, helper):
    from buurthulp.matches import services as matches

    match = matches.react(make.listing(asker).id, actor=helper, message="Ik help")
    matches.accept(match.id, actor=asker)
    matches.complete(match.id, actor=helper, minutes=30)
    return matches.dispute(match.id, actor=asker, reason="Korter")


def _staff_town(make):
    """The town the staff walks read: three residents of Centrum who thanked, gave and got
    time, a dispute, a category, a resident the coordinator keeps (Dora) whom Bram helps,
    Bram's coffee morning that Alie and Cor come to, Cor's request with neighbours to
    suggest, and Eva, a neighbour in none of it. Today's reasons are given, so the
    coordinator's single-resident pages show (and must log) the residents."""
    from types import SimpleNamespace

    from buurthulp.backoffice.residents import create_proxy_resident
    from buurthulp.listings import activities
    from buurthulp.listings.categories import add_category
    from buurthulp.matches import services as matches
    from buurthulp.safety import services as safety

    hood = make.neighbourhood(pc4=CENTRUM)
    names = ("Alie Aardig", "Bram Bakker", "Cor Cornelis")  # and Dora Dekker, below
    alice, bob, cor = (make.resident(hood, name=n) for n in names)
    coord, outreach, admin = make.coordinator(hood), make.outreach(hood), make.admin()
    services.thank(payer=alice, to_member_id=bob.id, minutes=30, description="x", actor=alice)
    services.donate(payer=cor, minutes=20, actor=cor)
    transfer = services.grant(
        neighbourhood_id=hood.id, to_member_id=bob.id, minutes=15, description="x", actor=coord
    ).transfer
    disputed = _disputed_match(make, asker=alice, helper=bob)  # waits for a coordinator
    category = add_category(hood.id, name="Fietsen maken", actor=admin)
    kept = create_proxy_resident(
        actor=coord,
        display_name="Dora Dekker",
        postcode=f"{CENTRUM[0]}AB",
        house_number="5",
        phone="06 12345678",
        consent_how="paper",
    )
    helped = matches.react(
        make.listing(bob, title="Lamp").id, actor=coord, message="x", on_behalf_of=kept
    )
    coffee = make.listing(bob, "activity", title="Koffieochtend")
    for guest in (alice, cor):
        activities.sign_up(coffee.id, actor=guest)
    shopping = make.listing(cor, title="Boodschappen doen")
    report = safety.report(  # Bram has met Alie (the dispute)
        safety.ReportInput(reason="unsafe", text="Voelde niet goed", member_id=alice.id), actor=bob
    )
    make.reason(coord, alice, bob, cor, kept)
    return SimpleNamespace(
        hood=hood,
        residents=(alice, bob, cor, kept),
        coord=coord,
        admin=admin,
        staff=(coord, outreach, admin),  # each staff role
        neighbour=make.resident(hood, name="Eva Engel"),
        values={
            "neighbourhood_id": hood.id,
            "member_id": alice.id,
            "transfer_id": transfer.id,
            "category_id": category.id,
            "proxy_id": kept.id,
            "listing_id": helped.listing_id,
            "match_id": helped.id,
            "kind": "verify",
            "item_id": alice.id,
        },
        listing_ids=(helped.listing_id, coffee.id, shopping.id),
        match_ids=(helped.id, disputed.id),
        report_id=report.id,
        code=coffee.code,
    )


def _shown(text, resident) -> bool:
    """The resident's name or e-mail address is in the page or answer."""
    return resident.display_name in text or bool(resident.email and resident.email in text)


def _logged_since(mark, viewer) -> set[int]:
    return set(
        db.session.scalars(
            select(AccessLogEntry.subject_id).where(
                AccessLogEntry.id > mark, AccessLogEntry.viewer_id == viewer.id
            )
        )
    )


def _last_log_id() -> int:
    return db.session.scalar(select(func.coalesce(func.max(AccessLogEntry.id), 0)))


def test_3_every_staff_page_logs_a_row_for_each_resident_it_shows(app, client, make):
    """Walk every staff GET route as the staff member who may open it, and check that each
    resident whose name or e-mail is on the page got an access-log row from that very
    request."""
    from tests.test_route_guards import GET_RULES

    town = _staff_town(make)
    staff_rules = [r for r in GET_RULES if isinstance(app.view_functions[r.endpoint].access, tuple)]
    assert len(staff_rules) >= 15
    checked = 0
    for viewer in town.staff:
        visitor = app.test_client()
        assert log_in(visitor, viewer).status_code == 303  # with the code from the app
        for rule in staff_rules:
            url = rule.build({k: town.values[k] for k in rule.arguments}, append_unknown=False)[1]
            mark = _last_log_id()
            response = visitor.get(url)
            if response.status_code != 200:
                continue
            page = response.get_data(as_text=True)
            logged = _logged_since(mark, viewer)
            for resident in town.residents:
                if _shown(page, resident):
                    checked += 1
                    assert resident.id in logged, (url, viewer.display_name, resident.display_name)
    assert checked >= 15  # the walk really saw residents on many pages


def _member_urls(rule, town) -> list[str]:
    """A page for members (not labelled staff) that staff may open too, with each id of the
    town that fits: a listing, a match, a resident, a report."""
    choices = {
        "listing_id": town.listing_ids,
        "match_id": town.match_ids,
        "member_id": (town.values["member_id"],),
        "report_id": (town.report_id,),
        "code": (town.code,),
    }
    missing = set(rule.arguments) - set(choices)
    assert not missing, f"give the walk a value for {missing} of {rule.rule}"
    urls = [{}]
    for name in sorted(rule.arguments):
        urls = [{**u, name: value} for u in urls for value in choices[name]]
    return [rule.build(u, append_unknown=False)[1] for u in urls]


def _api_urls(app, operation, town) -> list[str]:
    """A GET operation of the API with each id of the town that fits (a match, a listing)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == f"api.{operation.endpoint}")
    if not rule.arguments:
        return [rule.rule]
    assert rule.arguments == {"id"}, f"give the walk a value for {rule.arguments} of {rule.rule}"
    ids = {"/api/v1/matches/": town.match_ids, "/api/v1/listings/": town.listing_ids}
    fitting = [v for prefix, v in ids.items() if rule.rule.startswith(prefix)]
    assert fitting, f"give the walk ids for {rule.rule}"
    return [rule.build({"id": i}, append_unknown=False)[1] for i in fitting[0]]


#: The staff member's own inbox and own data. A notification sent to a coordinator names
#: the resident it is about ("Alie does not agree with the minutes ..."): it was sent once,
#: to them, and reading one's own inbox again opens nobody's file. Only the residents the
#: viewer's own notifications name are let off there, nobody else.
INBOX_ENDPOINTS = {
    "notifications.index",
    "privacy.my_data",
    "privacy.my_data_html",
    "privacy.my_data_json",
    "api.list_notifications",
    "api.my_export",
}


def _named_in_notifications_to(viewer, residents) -> set[int]:
    params = " ".join(
        db.session.scalars(select(Notification.params).where(Notification.member_id == viewer.id))
    )
    return {r.id for r in residents if _shown(params, r)}


def _walk_as_staff(town, urls, fetch) -> tuple[int, list[tuple[str, str, str]]]:
    """Open each URL (with its endpoint) as the neighbour, then as each member of staff (a
    coordinator, an outreach worker, an admin); a resident in a staff member's answer but
    not in the neighbour's is a staff read, and needs a row from that very request. What
    any neighbour reads (the feed, an open listing) is not."""
    checked, missing = 0, []
    for endpoint, url in urls:
        seen_by_neighbour = fetch(town.neighbour, url).get_data(as_text=True)
        for viewer in town.staff:
            mark = _last_log_id()
            response = fetch(viewer, url)
            if response.status_code != 200:
                continue
            text = response.get_data(as_text=True)
            logged = _logged_since(mark, viewer)
            sent = (
                _named_in_notifications_to(viewer, town.residents)
                if endpoint in INBOX_ENDPOINTS
                else set()
            )
            for resident in town.residents:
                if resident.id in sent:
                    continue
                if _shown(text, resident) and not _shown(seen_by_neighbour, resident):
                    checked += 1
                    if resident.id not in logged:
                        missing.append((url, viewer.display_name, resident.display_name))
    return checked, missing


@pytest.mark.both_databases
def test_3_every_member_page_staff_open_logs_a_row_for_each_resident_a_neighbour_cannot_see(
    app, make
):
    """The pages for members that staff may open wider than a neighbour (a match they are no
    party to, who comes to an activity, suggestions): every resident only staff see there
    got a row. The attendee page slipped past the walk of staff pages above."""
    from buurthulp.auth.guards import MEMBER
    from tests.test_route_guards import GET_RULES

    town = _staff_town(make)
    rules = [
        r
        for r in GET_RULES
        if not r.rule.startswith("/api/") and app.view_functions[r.endpoint].access == MEMBER
    ]
    assert len(rules) >= 20
    visitors = {}
    for member in (town.neighbour, *town.staff):
        visitors[member.id] = app.test_client()
        assert log_in(visitors[member.id], member).status_code == 303

    urls = [(rule.endpoint, url) for rule in rules for url in _member_urls(rule, town)]
    checked, missing = _walk_as_staff(town, urls, lambda m, url: visitors[m.id].get(url))
    assert missing == [], "\n".join(map(str, missing))
    assert checked >= 5  # the walk really saw residents only staff see


@pytest.mark.both_databases
def test_3_every_api_answer_to_staff_logs_a_row_for_each_resident_a_neighbour_cannot_see(app, make):
    """Every GET operation of the API registry, as a coordinator, an outreach worker and an
    admin with a token each, ids from the town: each resident whose name or e-mail is in
    the answer, and not in the same answer to a neighbour, got an access-log row from that
    very request."""
    from buurthulp.api import registry
    from tests.factories import api_token

    town = _staff_town(make)
    operations = [op for op in registry.operations if op.method == "get" and op.auth]
    assert len(operations) >= 15
    client = app.test_client()
    headers = {
        m.id: {"Authorization": f"Bearer {api_token(m)}"} for m in (town.neighbour, *town.staff)
    }
    urls = [(f"api.{op.endpoint}", url) for op in operations for url in _api_urls(app, op, town)]
    checked, missing = _walk_as_staff(
        town, urls, lambda m, url: client.get(url, headers=headers[m.id])
    )
    assert missing == [], "\n".join(map(str, missing))
    assert checked >= 5  # the walk really saw residents only staff see
