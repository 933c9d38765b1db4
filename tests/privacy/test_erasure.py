"""Erasure (AVG art. 17): personal data gone, open matches ended with a notice, messages
removed, the balance settled against the pool, and the ledger still right."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from buurthulp.accounts.models import Consent
from buurthulp.audit.models import AuditEntry
from buurthulp.auth.models import ApiToken, AuthSession, Member
from buurthulp.auth.permissions import CLI
from buurthulp.errors import Conflict, InvalidInput, NotFound
from buurthulp.extensions import db
from buurthulp.ledger import services as ledger
from buurthulp.ledger.models import Account, Transfer
from buurthulp.ledger.verify import verify
from buurthulp.listings.models import Listing
from buurthulp.matches.models import Match, Message, ThanksNote
from buurthulp.notifications.models import Notification
from buurthulp.outbox.models import OutboxMessage
from buurthulp.privacy.erasure import erase, erase_own_account, pseudonym_for
from tests.factories import PASSWORD
from tests.privacy.helpers import make_busy

pytestmark = pytest.mark.both_databases


def _status(match) -> str:
    return db.session.get(Match, match.id, populate_existing=True).status


def test_erasing_a_busy_resident_ends_everything_and_keeps_the_books(street, make) -> None:
    anna, bert, carla = street.anna, street.bert, street.carla
    busy = make_busy(make, anna, bert, carla)
    pool_before = ledger.pool_of(street.hood.id).balance if ledger.pool_of(street.hood.id) else 0
    anna_id, email = anna.id, anna.email

    done = erase_own_account(anna, password=PASSWORD)

    member = db.session.get(Member, anna_id, populate_existing=True)
    assert member.display_name == pseudonym_for(anna_id) == done.pseudonym
    assert (member.email, member.phone, member.postcode, member.house_number) == (None,) * 4
    assert (member.home_lat, member.public_lat, member.password_hash) == (None, None, None)
    assert member.status == "erased" and member.tags == [] and member.languages == ""
    assert (
        db.session.scalars(select(AuthSession).where(AuthSession.member_id == anna_id)).all() == []
    )
    assert db.session.scalars(select(ApiToken).where(ApiToken.member_id == anna_id)).all() == []
    # Help received and marked done is booked; everything else still open is cancelled.
    found = {name: _status(match) for name, match in busy.matches.items()}
    assert found == {
        "proposed": "cancelled",
        "agreed": "cancelled",
        "awaiting_payer": "done",
        "awaiting_payee": "cancelled",
        "done": "done",
        "invited": "cancelled",
        "disputed": "cancelled",
        "reacted": "cancelled",
    }
    assert (done.matches_booked, done.matches_cancelled) == (1, 6)
    # The other party of each hears it, in their own language when they read it.
    told = db.session.scalars(
        select(Notification.member_id).where(Notification.kind == "matches.partner_left")
    ).all()
    assert sorted(told) == sorted([bert.id] * 4 + [carla.id] * 2)
    # Listings closed, their descriptions gone; what they wrote is removed.
    listings = db.session.scalars(select(Listing).where(Listing.owner_id == anna_id)).all()
    assert {(x.status, x.description) for x in listings} == {("closed", "")}
    thread = db.session.scalars(
        select(Message).where(Message.match_id == busy.matches["agreed"].id).order_by(Message.id)
    ).all()
    assert [(m.body, m.removed_at is not None) for m in thread] == [
        ("", True),
        ("Ik kom om tien uur", False),
    ]
    assert db.session.scalar(select(ThanksNote).where(ThanksNote.author_id == anna_id)) is None
    assert db.session.get(Match, busy.matches["reacted"].id).message == ""
    assert db.session.get(Match, busy.matches["disputed"].id).dispute_reason is None
    assert db.session.get(Match, busy.matches["proposed"].id).message == "Ik kan dinsdag"
    # The ledger: the debt written off against the pool, the account closed, all sound.
    account = db.session.scalar(select(Account).where(Account.member_id == anna_id))
    assert account.balance == 0 and account.closed_at is not None
    assert done.settled_minutes == -(120 + 60)
    assert ledger.pool_of(street.hood.id).balance == pool_before - 180
    settlement = db.session.scalar(select(Transfer).where(Transfer.kind == "settlement"))
    assert "Anna" not in settlement.description and done.pseudonym in settlement.description
    assert verify() == []
    # No mail for the erased member is left, and their consents have ended.
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == email)) is None
    consents = db.session.scalars(select(Consent).where(Consent.member_id == anna_id)).all()
    assert consents and all(c.withdrawn_at is not None for c in consents)
    # In other people's notifications the name is gone too.
    bert_params = db.session.scalars(
        select(Notification.params).where(Notification.member_id == bert.id)
    ).all()
    assert not any('"Anna"' in p for p in bert_params)
    assert any(done.pseudonym in json.loads(p).get("by", "") for p in bert_params)
    assert not any("Het was korter" in p for p in bert_params)
    [row] = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "erasure")).all()
    assert (row.actor_id, row.member_id, row.actor_label) == (anna_id, anna_id, done.pseudonym)


def test_the_others_statement_shows_the_pseudonym(street, make) -> None:
    anna, bert = street.anna, street.bert
    ledger.thank(payer=anna, to_member_id=bert.id, minutes=30, description="Soep", actor=anna)
    erase(anna, actor=CLI)
    [line] = ledger.statement(ledger.account_of(bert))
    assert line.counterparty == pseudonym_for(anna.id)


def test_a_coordinator_erases_at_the_residents_request_with_a_note(street) -> None:
    with pytest.raises(InvalidInput) as refused:
        erase(street.anna, actor=street.coord, note="")
    assert refused.value.field == "note"
    with pytest.raises(NotFound):
        erase(street.anna, actor=street.other_coord, note="Telefonisch gevraagd")
    with pytest.raises(NotFound):
        erase(street.anna, actor=street.bert, note="Ik wil het")
    erase(street.anna, actor=street.coord, note="Telefonisch gevraagd op 3 december")
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.kind == "erasure"))
    assert row.actor_id == street.coord.id and "Telefonisch" in row.note
    assert row.neighbourhood_id == street.hood.id
    with pytest.raises(Conflict):
        erase(street.anna, actor=street.coord, note="Nog eens")


def test_the_wrong_password_or_a_staff_account_erases_nothing(street) -> None:
    with pytest.raises(InvalidInput) as wrong:
        erase_own_account(street.anna, password="not my password")
    assert wrong.value.field == "password"
    with pytest.raises(Conflict):
        erase_own_account(street.coord, password=PASSWORD)
    assert db.session.get(Member, street.anna.id).status == "active"
    assert db.session.get(Member, street.coord.id).status == "active"


def test_the_cli_erases_only_with_yes(street, runner) -> None:
    email = street.anna.email
    refused = runner.invoke(args=["users", "erase", email])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert db.session.get(Member, street.anna.id).status == "active"
    result = runner.invoke(args=["users", "erase", email, "--yes"])
    assert result.exit_code == 0, result.output
    assert pseudonym_for(street.anna.id) in result.output
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.kind == "erasure"))
    assert row.actor_id is None and row.actor_label == "Buurthulp (cli)"
    again = runner.invoke(args=["users", "erase", email, "--yes"])
    assert again.exit_code != 0 and "no member" in again.output


def test_help_that_cannot_be_booked_any_more_is_cancelled(street, make) -> None:
    """Her account was settled already: the booking is refused, the match simply stops."""
    from buurthulp.matches import services as matches
    from tests.privacy.helpers import agreed

    match = agreed(make, street.anna, street.bert)
    matches.complete(match.id, actor=street.bert, minutes=30)
    ledger.settle(member_id=street.anna.id, actor=street.coord, reason="Verhuisd")
    done = erase(street.anna, actor=street.coord, note="Per brief")
    assert (done.matches_booked, done.matches_cancelled, done.settled_minutes) == (0, 1, 0)
    assert _status(match) == "cancelled"
    assert verify() == []
