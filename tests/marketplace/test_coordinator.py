"""What waits for a coordinator reaches one: disputed minutes, a request for the solidarity
pool, a payment the clock could not make (limit reached, or a payer helped through a
coordinator). Coordinators are told, see it on their staff page (only their own
neighbourhoods, logged), and settle it from the match page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from buurthulp.access.models import AccessLogEntry
from buurthulp.accounts.services import create_member
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.ledger import services as ledger
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.verify import verify
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.matches.waiting import reasons_of, waiting_for
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from tests.backoffice.conftest import backdate
from tests.factories import CENTRUM
from tests.marketplace.conftest import Street

pytestmark = pytest.mark.usefixtures("english")


def _kinds(member: Any) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == member.id)
            .order_by(Notification.id)
        )
    )


def _awaiting(street: Street, make: Any, minutes: int = 60, **kw: Any) -> Match:
    """Anna asked, Bert helped and says it took `minutes`: Anna is asked to confirm."""
    owner, helper = kw.get("owner", street.anna), kw.get("helper", street.bert)
    listing = make.listing(owner, title=kw.get("title", "Boodschappen doen"))
    match = matches.react(listing.id, actor=helper, message="Ik kan zaterdag!")
    matches.accept(match.id, actor=owner)
    return matches.complete(match.id, actor=helper, minutes=minutes, now=kw.get("now"))


def _disputed(street: Street, make: Any, **kw: Any) -> Match:
    match = _awaiting(street, make, **kw)
    owner = kw.get("owner", street.anna)
    return matches.dispute(match.id, actor=owner, reason="Het was maar een half uur")


def _low_limit(street: Street, member: Any) -> None:
    ledger.change_limits(
        member_id=member.id, lower=-30, upper=3000, actor=street.coord, reason="klein"
    )


def _fill_pool(street: Street) -> None:
    ledger.donate(payer=street.carla, minutes=120, actor=street.carla)


def _transfers() -> int:
    return db.session.scalar(select(func.count(Transfer.id)).where(Transfer.kind == "match"))


def _waiting_ids(actor: Any) -> dict[int, tuple[str, ...]]:
    """What the staff page lists (the work queue's matches), each with why it waits."""
    ids = {item.item_id for item in waiting_for(actor)}
    return {i: tuple(r.key for r in reasons_of(db.session.get(Match, i))) for i in ids}


# Coordinators are told ---------------------------------------------------------------------


def test_disputed_minutes_reach_every_coordinator_of_the_neighbourhood(street, make) -> None:
    second = make.coordinator(street.hood, name="Joke")
    match = _disputed(street, make)
    assert match.disputed_at is not None
    for coordinator in (street.coord, second):
        assert _kinds(coordinator) == ["matches.dispute_waits"]
    assert _kinds(street.other_coord) == []
    assert "matches.dispute_waits" not in _kinds(street.anna) + _kinds(street.bert)


def test_the_other_party_may_ask_the_pool_for_the_payer_and_coordinators_hear_once(
    street, make
) -> None:
    _low_limit(street, street.anna)
    match = _awaiting(street, make)
    assert not matches.confirm(match.id, actor=street.anna).booked
    matches.ask_pool(match.id, actor=street.bert)  # the helper asks on Anna's behalf
    matches.ask_pool(match.id, actor=street.anna)  # and Anna too: told once
    assert _kinds(street.coord) == ["matches.pool_waits"]
    assert "matches.pool_asked" in _kinds(street.anna)
    assert _kinds(street.other_coord) == []
    with pytest.raises(NotFound):
        matches.ask_pool(match.id, actor=street.carla)


def test_a_pool_request_is_handled_by_a_grant_then_a_confirmation_on_behalf(street, make) -> None:
    _fill_pool(street)
    _low_limit(street, street.anna)
    match = _awaiting(street, make)
    matches.ask_pool(match.id, actor=street.anna)
    assert _waiting_ids(street.coord) == {match.id: ("pool",)}
    ledger.grant(
        neighbourhood_id=street.hood.id,
        to_member_id=street.anna.id,
        minutes=60,
        description="Bijdrage",
        actor=street.coord,
    )
    outcome = matches.confirm(match.id, actor=street.coord, reason="Zij belde: het ging goed")
    assert outcome.booked
    transfer = db.session.get(Transfer, outcome.match.transfer_id)
    assert (transfer.entered_by_id, transfer.on_behalf_of_id) == (street.coord.id, street.anna.id)
    assert _waiting_ids(street.coord) == {}  # handled: it leaves the list by itself
    assert verify() == []


# The staff list ------------------------------------------------------------------------------


def test_the_list_holds_exactly_the_waiting_matches_of_ones_own_neighbourhoods(
    street, make
) -> None:
    disputed = _disputed(street, make, title="Lamp ophangen")
    _low_limit(street, street.carla)
    pooled = _awaiting(street, make, owner=street.carla, title="Gras maaien")
    matches.ask_pool(pooled.id, actor=street.carla)
    _awaiting(street, make, title="Gewoon wachten")  # waits for Anna, not for a coordinator
    elsewhere_helper = make.resident(street.other_hood, name="Olga")
    far = _disputed(street, make, owner=street.stranger, helper=elsewhere_helper, title="Elders")
    assert _waiting_ids(street.coord) == {disputed.id: ("disputed",), pooled.id: ("pool",)}
    assert _waiting_ids(street.other_coord) == {far.id: ("disputed",)}
    with pytest.raises(NotAllowed):
        waiting_for(street.anna)  # the list is for coordinators
    # The most urgent first: the pool request falls due after 3 days, the dispute after 7,
    # until the dispute is overdue.
    assert [item.item_id for item in waiting_for(street.coord)] == [pooled.id, disputed.id]
    backdate(Match, disputed.id, disputed_at=utcnow() - timedelta(days=8))
    first = waiting_for(street.coord)[0]
    assert first.item_id == disputed.id and first.overdue(utcnow())


def test_opening_the_list_writes_the_access_log_for_both_parties(street, make) -> None:
    _disputed(street, make)
    waiting_for(street.coord)
    rows = db.session.execute(
        select(AccessLogEntry.subject_id, AccessLogEntry.what).where(
            AccessLogEntry.viewer_id == street.coord.id
        )
    ).all()
    assert sorted(rows) == sorted(
        [(street.anna.id, "match-queue"), (street.bert.id, "match-queue")]
    )


# Settling a dispute ---------------------------------------------------------------------------


def test_settling_with_the_disputed_minutes_books_once(street, make) -> None:
    match = _disputed(street, make)
    settled = matches.resolve_dispute(match.id, actor=street.coord, minutes=None, note="")
    again = matches.resolve_dispute(match.id, actor=street.coord, minutes=None, note="")
    assert settled.status == "done" and again.transfer_id == settled.transfer_id
    assert _transfers() == 1
    assert (ledger.balance_minutes(street.anna), ledger.balance_minutes(street.bert)) == (-60, 60)
    transfer = db.session.get(Transfer, settled.transfer_id)
    # The coordinator gave the confirmation that Anna (who disputed) held back.
    assert (transfer.entered_by_id, transfer.on_behalf_of_id) == (street.coord.id, street.anna.id)
    for party in (street.anna, street.bert):
        assert "matches.dispute_settled" in _kinds(party) and "matches.done" not in _kinds(party)
    with pytest.raises(Conflict):  # another decision on a settled dispute
        matches.resolve_dispute(match.id, actor=street.coord, note="toch niet", cancel=True)
    with pytest.raises(Conflict):
        matches.resolve_dispute(match.id, actor=street.coord, minutes=30, note="toch minder")
    assert _transfers() == 1 and verify() == []


def test_corrected_minutes_need_a_note_and_are_what_is_booked(street, make) -> None:
    match = _disputed(street, make)
    with pytest.raises(InvalidInput) as refused:
        matches.resolve_dispute(match.id, actor=street.coord, minutes=30, note="  ")
    assert refused.value.field == "note"
    assert db.session.get(Match, match.id).status == "disputed"
    settled = matches.resolve_dispute(
        match.id, actor=street.coord, minutes=30, note="Samen besproken: een half uur."
    )
    assert (settled.minutes, settled.resolution_note) == (30, "Samen besproken: een half uur.")
    assert ledger.balance_minutes(street.bert) == 30


def test_cancelling_a_dispute_books_nothing_and_tells_both(street, make) -> None:
    match = _disputed(street, make)
    with pytest.raises(InvalidInput):
        matches.resolve_dispute(match.id, actor=street.coord, cancel=True, note="")
    cancelled = matches.resolve_dispute(
        match.id, actor=street.coord, cancel=True, note="De hulp ging niet door."
    )
    assert cancelled.status == "cancelled" and cancelled.cancelled_by_id == street.coord.id
    assert _transfers() == 0
    for party in (street.anna, street.bert):
        assert "matches.dispute_cancelled" in _kinds(party)
    again = matches.resolve_dispute(match.id, actor=street.coord, cancel=True, note="dubbel")
    assert again.status == "cancelled" and again.cancel_reason == "De hulp ging niet door."


def test_a_coordinator_never_settles_their_own_match(street, make) -> None:
    second = make.coordinator(street.hood, name="Joke")
    match = _disputed(street, make, helper=street.coord)
    assert "matches.dispute_waits" not in _kinds(street.coord)  # told as a party, not as staff
    with pytest.raises(NotAllowed):
        matches.resolve_dispute(match.id, actor=street.coord, note="")
    assert _transfers() == 0
    assert matches.resolve_dispute(match.id, actor=second, note="").status == "done"


def test_only_a_coordinator_of_the_neighbourhood_settles(street, make) -> None:
    match = _disputed(street, make)
    with pytest.raises(NotFound):
        matches.resolve_dispute(match.id, actor=street.carla, note="")
    with pytest.raises(NotFound):
        matches.resolve_dispute(match.id, actor=street.other_coord, note="")
    with pytest.raises(NotAllowed):
        matches.resolve_dispute(match.id, actor=street.anna, note="")
    undisputed = _awaiting(street, make, owner=street.carla)
    with pytest.raises(Conflict):
        matches.resolve_dispute(undisputed.id, actor=street.coord, note="")


# The clock ----------------------------------------------------------------------------------


def test_when_the_limit_refuses_the_clock_tells_the_payer_and_coordinators_once(
    street, make
) -> None:
    _low_limit(street, street.anna)
    done_at = utcnow()
    match = _awaiting(street, make, now=done_at)
    due = done_at + timedelta(days=14, hours=1)
    assert matches.tick(due)["refused"] == 1
    assert matches.tick(due + timedelta(hours=1))["refused"] == 1  # tries again, quietly
    assert _kinds(street.anna).count("matches.limit_reached") == 1
    assert _kinds(street.coord) == ["matches.limit_waits"]
    assert _waiting_ids(street.coord) == {match.id: ("limit",)}
    # Anna earns time in the meantime: the clock books it without anyone's help.
    ledger.thank(
        payer=street.carla,
        to_member_id=street.anna.id,
        minutes=60,
        description="x",
        actor=street.carla,
    )
    assert matches.tick(due + timedelta(hours=2))["confirmed"] == 1
    assert db.session.get(Match, match.id).auto_confirmed
    assert _waiting_ids(street.coord) == {}


def test_a_pool_request_already_told_the_coordinators_so_the_clock_does_not_again(
    street, make
) -> None:
    _low_limit(street, street.anna)
    done_at = utcnow()
    match = _awaiting(street, make, now=done_at)
    matches.ask_pool(match.id, actor=street.anna)
    matches.tick(done_at + timedelta(days=14, hours=1))
    assert _kinds(street.coord) == ["matches.pool_waits"]
    assert _waiting_ids(street.coord) == {match.id: ("pool", "limit")}


def _helped_resident(street: Street) -> Any:
    """A resident a coordinator keeps for: no e-mail address, no password."""
    return create_member(
        display_name="Truus",
        email=None,
        password=None,
        postcode=f"{CENTRUM[0]}AB",
        house_number="7",
        consent_version="test",
        recorded_by=street.coord,
    )


def test_a_member_without_e_mail_is_helped_through_a_coordinator(street, make) -> None:
    truus = _helped_resident(street)
    assert matches.needs_coordinator(truus.id)
    assert not matches.needs_coordinator(street.anna.id)


def test_the_clock_leaves_a_helped_payer_to_the_coordinator(street, make) -> None:
    truus = _helped_resident(street)
    done_at = utcnow()
    match = _awaiting(street, make, owner=truus, now=done_at)
    due = done_at + timedelta(days=14, hours=1)
    assert matches.tick(due)["held"] == 1
    assert matches.tick(due + timedelta(hours=1))["confirmed"] == 0
    assert db.session.get(Match, match.id).status == "awaiting_confirmation"
    assert _transfers() == 0
    assert _kinds(street.coord) == ["matches.helped_waits"]  # once, not every hour
    assert _waiting_ids(street.coord) == {match.id: ("helped",)}
    assert matches.confirm(match.id, actor=street.coord, reason="Zij belde: het ging goed").booked
    assert _waiting_ids(street.coord) == {}


# Through the web ----------------------------------------------------------------------------


def test_the_staff_page_shows_own_neighbourhoods_only_and_is_logged(
    app, client, login, street, make
) -> None:
    match = _disputed(street, make, title="Lamp ophangen")
    login(street.coord)
    page = client.get("/matches/beheer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Lamp ophangen" in html and "Anna" in html and "Bert" in html
    assert f"/matches/{match.id}" in html
    logged = set(
        db.session.scalars(
            select(AccessLogEntry.subject_id).where(
                AccessLogEntry.viewer_id == street.coord.id,
                AccessLogEntry.what == "match-queue",
            )
        )
    )
    assert logged == {street.anna.id, street.bert.id}
    home = client.get("/").get_data(as_text=True)
    assert "/matches/beheer" in home

    login(street.other_coord)
    assert "Lamp ophangen" not in client.get("/matches/beheer").get_data(as_text=True)
    assert client.get(f"/matches/{match.id}").status_code == 404
    assert (
        client.post(f"/matches/{match.id}/beslissen", data={"decision": "confirm"}).status_code
        == 404
    )

    login(street.carla)
    assert client.get("/matches/beheer").status_code == 403
    assert "/matches/beheer" not in client.get("/").get_data(as_text=True)


def test_a_coordinator_settles_a_dispute_from_the_match_page(
    app, client, login, street, make
) -> None:
    match = _disputed(street, make)
    login(street.coord)
    make.reason(street.coord, street.anna, street.bert)  # "why do you open this?"
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert f"/matches/{match.id}/beslissen" in page and "Het was maar een half uur" in page
    assert (
        db.session.scalar(
            select(func.count(AccessLogEntry.id)).where(
                AccessLogEntry.viewer_id == street.coord.id, AccessLogEntry.what == "match"
            )
        )
        == 2
    )
    url = f"/matches/{match.id}/beslissen"
    assert client.post(url, data={"decision": "correct"}).status_code == 422  # no minutes
    no_note = client.post(url, data={"decision": "correct", "minutes": "30"})
    assert no_note.status_code == 422 and db.session.get(Match, match.id).status == "disputed"
    data = {"decision": "correct", "minutes": "30", "note": "Samen besproken."}
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data=data).status_code == 303  # pressed twice: still one transfer
    assert _transfers() == 1 and ledger.balance_minutes(street.bert) == 30

    login(street.anna)  # a party cannot settle, not even her own dispute
    assert client.post(url, data={"decision": "cancel", "note": "x"}).status_code == 403


def test_the_match_page_links_a_prefilled_grant_and_comes_back_to_confirm(
    app, client, login, street, make
) -> None:
    from html import unescape

    _fill_pool(street)
    _low_limit(street, street.anna)
    match = _awaiting(street, make)
    matches.ask_pool(match.id, actor=street.anna)
    login(street.coord)
    make.reason(street.coord, street.anna, street.bert)  # "why do you open this?"
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    start = page.index(f"/tijdbank/beheer/pot/{street.hood.id}/toekennen?")
    grant_url = unescape(page[start : page.index('"', start)])
    form = client.get(grant_url).get_data(as_text=True)
    assert f'<option selected value="{street.anna.id}"' in form
    assert 'name="hours" type="number" value="1"' in form
    assert "Boodschappen doen" in form  # what the grant is for
    booked = client.post(
        grant_url,
        data={
            "to_member_id": str(street.anna.id),
            "hours": "1",
            "minutes": "0",
            "description": "Bijdrage",
            "request_key": "grant-for-match",
        },
    )
    assert booked.status_code == 303 and booked.headers["Location"].endswith(f"/matches/{match.id}")
    assert (
        client.post(f"/matches/{match.id}/bevestigen", data={"reason": "Anna belde"}).status_code
        == 303
    )
    assert db.session.get(Match, match.id).status == "done"
    assert ledger.balance_minutes(street.bert) == 60


def test_the_list_costs_the_same_queries_however_long_it_is(street, make) -> None:
    from sqlalchemy import event

    def count(actor: Any) -> int:
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
                statements.append(statement)

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            waiting_for(actor)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return len(statements)

    _disputed(street, make, title="Eén")
    few = count(street.coord)
    for n in range(6):
        helper = make.resident(street.hood, name=f"Helper {n}")
        _disputed(street, make, helper=helper, title=f"Klus {n}")
    assert len(waiting_for(street.coord)) == 7
    assert 3 <= count(street.coord) <= few
