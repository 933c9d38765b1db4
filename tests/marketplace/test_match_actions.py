"""The match rules as one table (`matches.actions`): for every status and every one who
asks, which steps are allowed; every service guard refuses exactly when the table says no;
and both match pages offer exactly the allowed steps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from buurthulp.auth.models import Member
from buurthulp.backoffice import residents
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.listings.services import ListingInput, post_listing
from buurthulp.matches import services as matches
from buurthulp.matches.actions import (
    ACCEPT,
    ACTIONS,
    ASK_POOL,
    CANCEL,
    COMPLETE,
    CONFIRM,
    DECLINE,
    DISPUTE,
    MESSAGE,
    RESOLVE,
    SAY_YES,
    THANK,
    allowed_actions,
)
from buurthulp.matches.models import Match, MatchStatus
from buurthulp.models_base import utcnow
from tests.factories import CENTRUM
from tests.marketplace.conftest import Street

pytestmark = pytest.mark.usefixtures("english")

S = MatchStatus


@dataclass(frozen=True)
class Seat:
    """Who asks, in a match between `owner` and `responder` (the street's people by name,
    or "truus", a resident the coordinator keeps)."""

    owner: str
    responder: str
    actor: str
    on_behalf_of: str | None = None


SEATS = {
    "owner": Seat("anna", "bert", "anna"),
    "responder": Seat("anna", "bert", "bert"),
    "coordinator for the owner": Seat("truus", "bert", "coord", "truus"),
    "coordinator for the responder": Seat("anna", "truus", "coord", "truus"),
    "coordinator": Seat("anna", "bert", "coord"),
    "neighbour": Seat("anna", "bert", "carla"),
    "coordinator elsewhere": Seat("anna", "bert", "other_coord"),
}

# The rules, written out by hand. Once the minutes are given it is the responder (the
# helper) who gave them; a dispute comes from the owner. Anyone not named: nothing.
EXPECTED: dict[MatchStatus, dict[str, set[str]]] = {
    S.INVITED: {
        "owner": {CANCEL},
        "responder": {SAY_YES, DECLINE, CANCEL},
        "coordinator for the responder": {SAY_YES, DECLINE},
    },
    S.PROPOSED: {
        "owner": {ACCEPT, CANCEL},
        "responder": {CANCEL},
        "coordinator for the owner": {ACCEPT},
    },
    S.AGREED: {
        "owner": {COMPLETE, CANCEL, MESSAGE},
        "responder": {COMPLETE, CANCEL, MESSAGE},
        "coordinator for the owner": {MESSAGE},
        "coordinator for the responder": {MESSAGE},
    },
    S.AWAITING_CONFIRMATION: {
        "owner": {CONFIRM, DISPUTE, CANCEL, ASK_POOL, MESSAGE},
        "responder": {CANCEL, ASK_POOL, MESSAGE},
        "coordinator for the owner": {CONFIRM, MESSAGE},
        "coordinator for the responder": {MESSAGE},
        # A coordinator confirms for no one in particular only where the match waits for a
        # coordinator (the pool, a limit, a resident helped through them): see below.
    },
    S.DONE: {
        "owner": {MESSAGE, THANK},
        "responder": {MESSAGE, THANK},
        "coordinator for the owner": {MESSAGE},
        "coordinator for the responder": {MESSAGE},
    },
    S.DISPUTED: {
        "owner": {MESSAGE},
        "responder": {MESSAGE},
        "coordinator for the owner": {MESSAGE},
        "coordinator for the responder": {MESSAGE},
        "coordinator": {RESOLVE},
    },
    S.DECLINED: {},
    S.CANCELLED: {},
}

# The services that take `on_behalf_of`; the others a coordinator cannot take for anyone.
ON_BEHALF = {ACCEPT, SAY_YES, DECLINE, CONFIRM, MESSAGE}


@pytest.fixture
def truus(street: Street) -> Member:
    """A resident without e-mail or computer, whose account Marieke (coordinator) keeps."""
    return residents.create_proxy_resident(
        actor=street.coord,
        display_name="Truus de Vries",
        postcode=f"{CENTRUM[0]}AB",
        house_number="7",
        phone="06 12345678",
        consent_how="paper",
    )


def _person(street: Street, truus: Member, name: str | None) -> Member | None:
    if name is None:
        return None
    return truus if name == "truus" else getattr(street, name)


def _match(
    street: Street, truus: Member, status: MatchStatus, owner: Member, responder: Member
) -> Match:
    """A match in `status`, written as the steps before it would have left it."""
    data = ListingInput(kind="request", title="Boodschappen doen", category="boodschappen")
    if owner.id == truus.id:
        listing = post_listing(data, actor=street.coord, owner=truus)
    else:
        listing = post_listing(data, actor=owner)
    now = utcnow()
    fields: dict[str, Any] = {
        "listing_id": listing.id,
        "owner_id": owner.id,
        "responder_id": responder.id,
        "status": status,
        "message": "Ik help graag",
        "invited": status in (S.INVITED, S.DECLINED),
    }
    if status in (S.AGREED, S.AWAITING_CONFIRMATION, S.DONE, S.DISPUTED):
        fields["agreed_at"] = now
    if status in (S.AWAITING_CONFIRMATION, S.DONE, S.DISPUTED):
        fields.update(minutes=30, completed_by_id=responder.id, completed_at=now)
        fields["confirm_due_at"] = now + timedelta(days=14)
    if status == S.DONE:
        fields.update(confirmed_by_id=owner.id, confirmed_at=now)
    if status == S.DISPUTED:
        fields.update(disputed_by_id=owner.id, disputed_at=now, dispute_reason="Korter")
    if status == S.CANCELLED:
        fields.update(cancelled_by_id=responder.id, cancel_reason="Ik ben ziek")
    with transaction():
        match = Match(**fields)
        db.session.add(match)
    return match


def _seated(street: Street, truus: Member, status: MatchStatus, seat: Seat) -> tuple[Any, ...]:
    match = _match(
        street,
        truus,
        status,
        _person(street, truus, seat.owner),
        _person(street, truus, seat.responder),
    )
    return match, _person(street, truus, seat.actor), _person(street, truus, seat.on_behalf_of)


@pytest.mark.parametrize("seat", SEATS)
@pytest.mark.parametrize("status", list(MatchStatus))
def test_the_table_for_every_status_and_everyone_who_asks(
    street: Street, truus: Member, status: MatchStatus, seat: str
) -> None:
    match, actor, for_whom = _seated(street, truus, status, SEATS[seat])
    allowed = allowed_actions(match, actor, on_behalf_of=for_whom)
    assert allowed == EXPECTED[status].get(seat, set())
    assert allowed <= ACTIONS


def _take(action: str, match: Match, actor: Member, for_whom: Member | None) -> None:
    """Take `action` through its service, as the pages and the API do."""
    kw: dict[str, Any] = {"on_behalf_of": for_whom} if for_whom is not None else {}
    if action == ACCEPT:
        matches.accept(match.id, actor=actor, **kw)
    elif action in (SAY_YES, DECLINE):
        matches.answer_invitation(match.id, yes=action == SAY_YES, actor=actor, **kw)
    elif action == CANCEL:
        matches.cancel(match.id, actor=actor, reason="Het lukt me niet")
    elif action == COMPLETE:
        matches.complete(match.id, actor=actor, minutes=45)
    elif action == CONFIRM:
        assert matches.confirm(match.id, actor=actor, reason="Gebeld", **kw).booked
    elif action == DISPUTE:
        matches.dispute(match.id, actor=actor, reason="Het was een kwartier")
    elif action == ASK_POOL:
        matches.ask_pool(match.id, actor=actor)
    elif action == MESSAGE:
        matches.post_message(match.id, actor=actor, body="Tot zaterdag", **kw)
    elif action == THANK:
        matches.leave_thanks(match.id, actor=actor, body="Dank je wel")
    elif action == RESOLVE:
        matches.resolve_dispute(match.id, actor=actor)
    else:  # pragma: no cover - a new step needs its line here
        raise AssertionError(action)


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("status", list(MatchStatus))
def test_each_guard_refuses_exactly_when_the_table_says_no(
    street: Street, truus: Member, status: MatchStatus, action: str
) -> None:
    for name, seat in SEATS.items():
        if seat.on_behalf_of is not None and action not in ON_BEHALF:
            continue  # no way to ask: the service takes no one to act for
        match, actor, for_whom = _seated(street, truus, status, seat)
        allowed = action in allowed_actions(match, actor, on_behalf_of=for_whom)
        # A second confirm is no refusal: it changes nothing and says "booked".
        sees_it = name not in ("neighbour", "coordinator elsewhere")
        pressed_again = action == CONFIRM and status == S.DONE and sees_it
        try:
            _take(action, match, actor, for_whom)
        except (Conflict, NotAllowed, NotFound) as refused:
            assert not allowed and not pressed_again, (name, refused.message)
        else:
            assert allowed or pressed_again, f"{name} could {action} a {status} match"


@pytest.mark.parametrize(
    ("status", "seat", "action", "error", "message"),
    [
        (S.PROPOSED, "responder", ACCEPT, NotAllowed, "Only the person who posted the listing"),
        (S.AGREED, "owner", ACCEPT, Conflict, "This reaction cannot be accepted now."),
        (S.INVITED, "owner", SAY_YES, NotAllowed, "Only the neighbour who was asked"),
        (S.AGREED, "responder", DECLINE, Conflict, "already answered or withdrawn"),
        (S.AGREED, "coordinator", CANCEL, NotAllowed, "Only the two people"),
        (S.DONE, "owner", CANCEL, Conflict, "cannot be cancelled any more"),
        (S.PROPOSED, "owner", COMPLETE, Conflict, "Only an agreed match can be marked done."),
        (S.AWAITING_CONFIRMATION, "responder", CONFIRM, NotAllowed, "The other person confirms"),
        (S.AGREED, "coordinator", CONFIRM, Conflict, "not waiting for a confirmation"),
        (S.AWAITING_CONFIRMATION, "responder", DISPUTE, NotAllowed, "You gave these minutes"),
        (S.AGREED, "owner", DISPUTE, Conflict, "Only minutes that wait"),
        (S.AGREED, "owner", ASK_POOL, Conflict, "not waiting for a confirmation"),
        (S.PROPOSED, "owner", MESSAGE, Conflict, "once you have agreed"),
        (S.AGREED, "owner", THANK, Conflict, "once the help is confirmed"),
        (S.DISPUTED, "owner", RESOLVE, NotAllowed, "You are part of this match"),
        (S.AGREED, "coordinator", RESOLVE, Conflict, "not disputed"),
    ],
)
def test_each_refusal_keeps_its_own_reason(
    street: Street,
    truus: Member,
    status: MatchStatus,
    seat: str,
    action: str,
    error: type[Exception],
    message: str,
) -> None:
    match, actor, for_whom = _seated(street, truus, status, SEATS[seat])
    with pytest.raises(error) as refused:
        _take(action, match, actor, for_whom)
    assert message in refused.value.message


def test_a_note_of_thanks_is_allowed_once(street: Street, truus: Member) -> None:
    match, anna, _ = _seated(street, truus, S.DONE, SEATS["owner"])
    matches.leave_thanks(match.id, actor=anna, body="Dank je wel")
    assert THANK not in allowed_actions(match, anna)
    assert THANK in allowed_actions(match, street.bert)
    with pytest.raises(Conflict) as refused:
        matches.leave_thanks(match.id, actor=anna, body="Nog eens")
    assert refused.value.message == "You already left a note of thanks."


def test_a_coordinator_who_is_a_party_has_a_partys_steps(street: Street, truus: Member) -> None:
    disputed = _match(street, truus, S.DISPUTED, street.anna, street.coord)
    assert allowed_actions(disputed, street.coord) == {MESSAGE}
    with pytest.raises(NotAllowed) as refused:
        matches.resolve_dispute(disputed.id, actor=street.coord)
    assert refused.value.code == "own_benefit"
    waiting = _match(street, truus, S.AWAITING_CONFIRMATION, street.coord, street.bert)
    assert CONFIRM in allowed_actions(waiting, street.coord)  # as the helped party
    assert CONFIRM not in allowed_actions(waiting, street.bert)  # he gave the minutes


def test_nothing_for_a_resident_one_does_not_keep(street: Street, truus: Member) -> None:
    proposed = _match(street, truus, S.PROPOSED, truus, street.bert)
    assert allowed_actions(proposed, street.coord, on_behalf_of=truus) == {ACCEPT}
    assert allowed_actions(proposed, street.other_coord, on_behalf_of=truus) == frozenset()
    online = _match(street, truus, S.PROPOSED, street.anna, street.bert)
    assert allowed_actions(online, street.coord, on_behalf_of=street.anna) == frozenset()


# The pages ---------------------------------------------------------------------------------

FORM = re.compile(r'<form method="post" action="([^"]+)"')
PARTY_PATHS = {
    ACCEPT: "accepteren",
    SAY_YES: "ja",
    DECLINE: "nee",
    CANCEL: "annuleren",
    COMPLETE: "klaar",
    CONFIRM: "bevestigen",
    DISPUTE: "niet-akkoord",
    MESSAGE: "bericht",
    THANK: "bedanken",
    RESOLVE: "beslissen",
}


def _forms(html: str) -> set[str]:
    main = html[html.index("<main") : html.index("</main>")]
    return set(FORM.findall(main))


@pytest.mark.parametrize("seat", ["owner", "responder", "coordinator"])
@pytest.mark.parametrize("status", list(MatchStatus))
def test_the_match_page_offers_exactly_the_allowed_steps(
    client: Any,
    login: Any,
    make: Any,
    street: Street,
    truus: Member,
    status: MatchStatus,
    seat: str,
) -> None:
    match, actor, _ = _seated(street, truus, status, SEATS[seat])
    login(actor)
    if seat == "coordinator":
        make.reason(actor, street.anna, street.bert)
    response = client.get(f"/matches/{match.id}")
    assert response.status_code == 200
    # Asking the pool is offered only once the payer's limit refused a confirmation.
    steps = allowed_actions(match, actor) - {ASK_POOL}
    assert _forms(response.text) == {f"/matches/{match.id}/{PARTY_PATHS[s]}" for s in steps}


@pytest.mark.parametrize("seat", ["coordinator for the owner", "coordinator for the responder"])
@pytest.mark.parametrize("status", list(MatchStatus))
def test_the_page_on_her_behalf_offers_exactly_the_allowed_steps(
    client: Any,
    login: Any,
    make: Any,
    street: Street,
    truus: Member,
    status: MatchStatus,
    seat: str,
) -> None:
    match, coord, _ = _seated(street, truus, status, SEATS[seat])
    login(coord)
    make.reason(coord, truus)
    page = f"/beheer/namens/{truus.id}/matches/{match.id}"
    response = client.get(page)
    assert response.status_code == 200
    paths = {ACCEPT: "accepteren", SAY_YES: "ja", DECLINE: "nee", CONFIRM: "bevestigen"}
    paths[MESSAGE] = "bericht"
    steps = allowed_actions(match, coord, on_behalf_of=truus)
    assert _forms(response.text) == {f"{page}/{paths[s]}" for s in steps}


def test_a_coordinator_confirms_only_what_waits_for_a_coordinator(
    street: Street, truus: Member
) -> None:
    """Staff who act for no one in particular step in only where a match waits for them;
    elsewhere the parties confirm (403, with a reason a person can read)."""
    match = _match(street, truus, S.AWAITING_CONFIRMATION, street.anna, street.bert)
    assert CONFIRM not in allowed_actions(match, street.coord)
    with pytest.raises(NotAllowed, match=r"waits for a coordinator|op een coördinator wacht"):
        matches.confirm(match.id, actor=street.coord, reason="Gebeld")
    matches.ask_pool(match.id, actor=street.anna)  # now it waits: the pool is asked
    assert CONFIRM in allowed_actions(db.session.get(Match, match.id), street.coord)
    assert matches.confirm(match.id, actor=street.coord, reason="Anna belde").booked
