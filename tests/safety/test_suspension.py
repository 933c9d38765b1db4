"""A coordinator (or an admin) suspends a member with a reason: every session and token
ends at once and they cannot log in; their open listings pause; what nobody answered yet
ends; their agreed matches go to the coordinator (the clock never confirms for them) and
the other party and the coordinators are told. Lifting it lets them in again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from buurthulp.access.models import AccessLogEntry
from buurthulp.audit.models import AuditEntry
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.models_base import utcnow
from buurthulp.safety import suspension
from buurthulp.safety.models import Suspension
from tests.factories import PASSWORD
from tests.safety.conftest import kinds_of

pytestmark = pytest.mark.usefixtures("english")


def _awaiting(street, make) -> Match:
    """Anna asked, Bert helped and says it took an hour: Anna (the payer) must confirm."""
    listing = make.listing(street.anna, title="Boodschappen doen")
    match = matches.react(listing.id, actor=street.bert, message="Ik help graag")
    matches.accept(match.id, actor=street.anna)
    return matches.complete(match.id, actor=street.bert, minutes=60)


def test_every_session_and_token_ends_at_once_and_login_is_refused(
    app, client, login, api_headers, street
):
    login(street.bert)
    headers = api_headers(street.bert)
    other_browser = app.test_client()
    assert (
        other_browser.post(
            "/inloggen", data={"email": street.bert.email, "password": PASSWORD}
        ).status_code
        == 303
    )
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    suspension.suspend(street.bert.id, actor=street.coord, reason="Vroeg om geld")

    for browser in (client, other_browser):
        response = browser.get("/account")
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    again = client.post("/inloggen", data={"email": street.bert.email, "password": PASSWORD})
    assert again.status_code != 303
    token = client.post(
        "/api/v1/auth/token", json={"email": street.bert.email, "password": PASSWORD}
    )
    assert token.status_code == 401


def test_open_listings_pause_and_unanswered_reactions_end(street, make):
    offer = make.listing(street.bert, "offer", title="Fietsen maken")
    activity = make.listing(street.bert, "activity", title="Koffieochtend")
    request = make.listing(street.anna, title="Boodschappen doen")
    reaction = matches.react(request.id, actor=street.bert, message="Ik help graag")
    suspension.suspend(street.bert.id, actor=street.coord, reason="Vroeg om geld")
    assert (offer.status, activity.status) == ("paused", "paused")
    assert db.session.get(Match, reaction.id).status == "declined"
    assert request.status == "open"  # Anna's own request is untouched


def test_agreed_matches_go_to_the_coordinator(street, make):
    match = _awaiting(street, make)
    assert not matches.needs_coordinator(street.anna.id)
    suspension.suspend(street.anna.id, actor=street.coord, reason="Onveilig gedrag")
    assert matches.needs_coordinator(street.anna.id)
    assert "safety.match_handed_over" in kinds_of(street.bert)
    assert "safety.match_waits" in kinds_of(street.coord)
    assert "safety.match_waits" not in kinds_of(street.other_coord)
    # After 14 days the clock does not confirm for her: the match waits for a coordinator.
    assert matches.tick(now=utcnow() + timedelta(days=15))["held"] == 1
    assert db.session.get(Match, match.id).status == "awaiting_confirmation"
    outcome = matches.confirm(match.id, actor=street.coord, reason="Zij belde: het ging goed")
    assert outcome.booked


def test_nobody_can_agree_with_a_suspended_member(street, make):
    offer = make.listing(street.anna, "offer", title="Ik kook graag")
    reaction = matches.react(offer.id, actor=street.bert, message="Lekker!")
    suspension.suspend(street.anna.id, actor=street.coord, reason="Onveilig gedrag")
    with pytest.raises(Conflict):
        matches.accept(reaction.id, actor=street.anna)


def test_the_member_gets_a_mail_with_the_reason_and_the_audit_log_keeps_it(street, make, mailbox):
    suspension.suspend(street.bert.id, actor=street.coord, reason="Vroeg om geld")
    [mail] = [m for m in mailbox if m["To"] == street.bert.email]
    assert "Vroeg om geld" in mail.get_content()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.kind == "suspension"))
    assert (entry.actor_id, entry.member_id) == (street.coord.id, street.bert.id)
    assert "Vroeg om geld" in entry.note
    row = db.session.scalar(select(Suspension))
    assert (row.member_id, row.suspended_by_id, row.lifted_at) == (
        street.bert.id,
        street.coord.id,
        None,
    )


def test_who_may_suspend(street, make):
    admin = make.admin()
    colleague = make.coordinator(street.hood, name="Joke")
    with pytest.raises(NotFound):  # a coordinator of another neighbourhood
        suspension.suspend(street.bert.id, actor=street.other_coord, reason="x")
    with pytest.raises(NotFound):  # a resident
        suspension.suspend(street.bert.id, actor=street.anna, reason="x")
    with pytest.raises(NotAllowed):  # a coordinator suspends no staff; only an admin does
        suspension.suspend(colleague.id, actor=street.coord, reason="x")
    with pytest.raises(NotAllowed):
        suspension.suspend(street.coord.id, actor=street.coord, reason="x")
    with pytest.raises(InvalidInput):
        suspension.suspend(street.bert.id, actor=street.coord, reason=" ")
    suspension.suspend(colleague.id, actor=admin, reason="Misbruik van gegevens")
    assert colleague.status == "suspended"
    suspension.suspend(street.stranger.id, actor=admin, reason="Oplichting")
    with pytest.raises(Conflict):
        suspension.suspend(street.stranger.id, actor=admin, reason="Nog eens")


def test_lifting_lets_them_in_again_with_their_listings_still_paused(client, street, make):
    offer = make.listing(street.bert, "offer", title="Fietsen maken")
    suspension.suspend(street.bert.id, actor=street.coord, reason="Vroeg om geld")
    with pytest.raises(Conflict):
        suspension.lift(street.anna.id, actor=street.coord)
    suspension.lift(street.bert.id, actor=street.coord, note="Gesprek gehad")
    assert street.bert.status == "active"
    assert offer.status == "paused"
    assert kinds_of(street.bert)[-1] == "safety.suspension_lifted"
    assert not matches.needs_coordinator(street.bert.id)
    login = client.post("/inloggen", data={"email": street.bert.email, "password": PASSWORD})
    assert login.status_code == 303
    row = db.session.scalar(select(Suspension))
    assert (row.lifted_by_id, row.lift_note) == (street.coord.id, "Gesprek gehad")
    # A second suspension later is its own row; the first stays in the history.
    suspension.suspend(street.bert.id, actor=street.coord, reason="Weer")
    assert len(suspension.history(street.bert.id)) == 2


def test_the_suspension_page_suspends_and_lifts_and_is_access_logged(client, login, street, make):
    login(street.coord)
    page = client.get(f"/veiligheid/beheer/leden/{street.bert.id}/schorsing")
    assert page.status_code == 200 and "Bert" in page.get_data(as_text=True)
    assert db.session.scalar(
        select(AccessLogEntry.id).where(
            AccessLogEntry.subject_id == street.bert.id, AccessLogEntry.what == "suspension"
        )
    )
    empty = client.post(f"/veiligheid/beheer/leden/{street.bert.id}/schorsing", data={})
    assert empty.status_code == 422
    done = client.post(
        f"/veiligheid/beheer/leden/{street.bert.id}/schorsing",
        data={"suspension_reason": "Vroeg om geld"},
    )
    assert done.status_code == 303
    assert street.bert.status == "suspended"
    lifted = client.post(
        f"/veiligheid/beheer/leden/{street.bert.id}/schorsing", data={"lift_note": "Gesprek"}
    )
    assert lifted.status_code == 303
    db.session.refresh(street.bert)
    assert street.bert.status == "active"


def test_the_suspension_page_of_another_neighbourhood_is_not_found(client, login, street):
    login(street.other_coord)
    assert client.get(f"/veiligheid/beheer/leden/{street.bert.id}/schorsing").status_code == 404
