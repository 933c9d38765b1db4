"""Every way minutes move, and every refusal, through the services."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from buurthulp.accounts.services import move_home
from buurthulp.auth.services import deactivate
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, LimitExceeded, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Account, Entry, HistoryIsAppendOnly, LimitChange, Transfer
from buurthulp.ledger.verify import verify
from buurthulp.neighbourhoods.models import DEFAULT_LOWER_LIMIT, DEFAULT_UPPER_LIMIT
from tests.factories import DUKENBURG
from tests.ledger.helpers import Town, balance, pool_balance, snapshot

pytestmark = [pytest.mark.both_databases, pytest.mark.usefixtures("english")]


def thank(town: Town, minutes: object = 60, *, payer=None, to=None, actor=None, **kw):
    payer = payer or town.alice
    return services.thank(
        payer=payer,
        to_member_id=(to or town.bob).id,
        minutes=minutes,
        description=kw.pop("description", "Boodschappen gedaan"),
        actor=actor or payer,
        **kw,
    )


# Accounts --------------------------------------------------------------------------------


def test_new_member_gets_an_account_with_the_neighbourhood_limits(make) -> None:
    # Not Centrum: the module's shared town may hold it already (tests run in any order).
    hood = make.neighbourhood(pc4=DUKENBURG, default_lower_limit=-120, default_upper_limit=240)
    member = make.resident(hood)
    account = services.account_of(member)
    assert (account.kind, account.balance) == ("member", 0)
    assert (account.lower_limit, account.upper_limit) == (-120, 240)
    assert account.neighbourhood_id == hood.id


def test_every_neighbourhood_has_one_pool_without_limits(town: Town) -> None:
    pool = services.pool_of(town.hood.id)
    assert pool is not None and pool.kind == "pool"
    assert (pool.lower_limit, pool.upper_limit, pool.balance) == (None, None, 0)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Account(kind="pool", neighbourhood_id=town.hood.id))
        db.session.flush()


def test_balance_is_zero_without_an_account(make, town: Town) -> None:
    db.session.execute(
        text("DELETE FROM ledger_account WHERE member_id = :m"), {"m": town.carol.id}
    )
    assert services.balance_minutes(town.carol) == 0
    assert services.ledger_header(town.carol, "/tijdbank/") == {
        "balance": 0,
        "warning": None,
        "url": "/tijdbank/",
    }
    assert services.ledger_header(None, "/tijdbank/") is None


def test_a_member_without_an_account_gets_one_when_time_first_moves(town: Town) -> None:
    db.session.execute(
        text("DELETE FROM ledger_account WHERE member_id = :m"), {"m": town.carol.id}
    )
    db.session.commit()
    thank(town, 25, to=town.carol)
    account = services.account_of(town.carol)
    assert (account.balance, account.lower_limit) == (25, town.hood.default_lower_limit)
    assert verify() == []


def test_default_limits_are_ten_hours_down_and_fifty_up(town: Town) -> None:
    account = services.account_of(town.alice)
    assert (account.lower_limit, account.upper_limit) == (DEFAULT_LOWER_LIMIT, DEFAULT_UPPER_LIMIT)
    assert (DEFAULT_LOWER_LIMIT, DEFAULT_UPPER_LIMIT) == (-600, 3000)


def test_a_moving_member_keeps_their_account_and_limits(make, town: Town) -> None:
    far = make.neighbourhood(pc4=DUKENBURG)
    services.change_limits(
        member_id=town.alice.id, lower=-60, upper=60, actor=town.coord, reason="afspraak"
    )
    move_home(town.alice, postcode="6535AB", house_number="3", actor=town.alice)
    account = services.account_of(town.alice)
    assert account.neighbourhood_id == far.id
    assert (account.lower_limit, account.upper_limit) == (-60, 60)


# Thank-you transfers ----------------------------------------------------------------------


def test_thanking_moves_minutes_as_two_entries_that_sum_to_zero(town: Town) -> None:
    booking = thank(town, 90)
    assert booking.created
    transfer = booking.transfer
    assert (transfer.kind, transfer.minutes, transfer.entered_by_id) == (
        "thanks",
        90,
        town.alice.id,
    )
    assert transfer.on_behalf_of_id is None
    assert [(e.minutes, e.balance_after) for e in transfer.entries] == [(-90, -90), (90, 90)]
    assert (balance(town.alice), balance(town.bob)) == (-90, 90)
    thank(town, 30, payer=town.bob, to=town.alice)
    assert (balance(town.alice), balance(town.bob)) == (-60, 60)
    assert verify() == []


def test_a_newcomer_can_ask_for_up_to_ten_hours_before_giving(town: Town) -> None:
    thank(town, 600)
    assert balance(town.alice) == -600
    before = snapshot()
    with pytest.raises(LimitExceeded) as refused:
        thank(town, 1)
    assert "at most 0 minutes" in refused.value.message
    assert refused.value.code == "limit_exceeded" and refused.value.status == 409
    assert snapshot() == before


def test_a_payment_past_the_lower_limit_is_refused_and_changes_nothing(town: Town) -> None:
    thank(town, 500)
    before = snapshot()
    with pytest.raises(LimitExceeded) as refused:
        thank(town, 101)
    assert "100 minutes" in refused.value.message
    assert snapshot() == before
    thank(town, 100)
    assert balance(town.alice) == -600


def test_a_payment_past_the_receivers_upper_limit_is_refused(town: Town) -> None:
    services.change_limits(
        member_id=town.bob.id, lower=-600, upper=100, actor=town.coord, reason="proef"
    )
    thank(town, 100)
    before = snapshot()
    with pytest.raises(LimitExceeded) as refused:
        thank(town, 1)
    assert "Bob" in refused.value.message
    assert snapshot() == before


def test_you_cannot_pay_yourself(town: Town) -> None:
    with pytest.raises(InvalidInput) as refused:
        thank(town, 10, to=town.alice)
    assert refused.value.field == "to_member_id"


@pytest.mark.parametrize("minutes", [0, -5, 10_001, 10**12, "10", 1.5, True, None])
def test_minutes_must_be_whole_and_in_range(town: Town, minutes: object) -> None:
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        thank(town, minutes)
    assert refused.value.field == "minutes"
    assert snapshot() == before


@pytest.mark.parametrize("description", ["", "   ", "x" * 10_000, "nul\x00byte", 42])
def test_a_thank_you_needs_a_short_readable_description(town: Town, description) -> None:
    with pytest.raises(InvalidInput) as refused:
        thank(town, 10, description=description)
    assert refused.value.field == "description"


def test_unknown_erased_or_far_away_recipients_are_not_found(town: Town) -> None:
    with pytest.raises(NotFound):
        services.thank(
            payer=town.alice, to_member_id=999_999, minutes=5, description="x", actor=town.alice
        )
    for bad_id in (True, -1, 2**40, "2"):
        with pytest.raises(NotFound):
            services.thank(
                payer=town.alice, to_member_id=bad_id, minutes=5, description="x", actor=town.alice
            )
    with pytest.raises(NotFound):
        thank(town, 5, to=town.stranger)
    with transaction():
        deactivate(town.carol, "erased")
    with pytest.raises(NotFound):
        thank(town, 5, to=town.carol)
    assert verify() == []


def test_the_same_key_twice_books_one_transfer(town: Town) -> None:
    first = thank(town, 45, idempotency_key="api:1:abc")
    second = thank(town, 45, idempotency_key="api:1:abc")
    assert first.created and not second.created
    assert first.transfer.id == second.transfer.id
    assert balance(town.alice) == -45
    assert db.session.scalar(select(Transfer.id).where(Transfer.kind == "thanks")) is not None


def test_a_replay_is_answered_even_when_the_limit_is_now_reached(town: Town) -> None:
    thank(town, 600, idempotency_key="api:1:all")
    again = thank(town, 600, idempotency_key="api:1:all")
    assert not again.created and balance(town.alice) == -600


def test_the_same_key_with_a_different_request_is_a_conflict(town: Town) -> None:
    thank(town, 45, idempotency_key="api:1:abc")
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        thank(town, 46, idempotency_key="api:1:abc")
    assert refused.value.code == "idempotency_key_reused"
    assert snapshot() == before


# Acting on behalf -------------------------------------------------------------------------


def test_a_coordinator_can_thank_on_behalf_of_a_resident(town: Town) -> None:
    booking = thank(town, 30, actor=town.coord)
    assert booking.transfer.entered_by_id == town.coord.id
    assert booking.transfer.on_behalf_of_id == town.alice.id
    assert balance(town.alice) == -30


@pytest.mark.parametrize("who", ["bob", "other_coord", "stranger"])
def test_others_cannot_pay_from_someone_elses_account(town: Town, who: str) -> None:
    with pytest.raises(NotFound):
        thank(town, 30, to=town.carol, actor=getattr(town, who))
    assert balance(town.alice) == 0


# Matches ----------------------------------------------------------------------------------


def test_a_match_is_paid_exactly_once_with_its_category(town: Town) -> None:
    first = services.book_match_payment(7, town.alice, town.bob, 120, "boodschappen", town.bob)
    again = services.book_match_payment(7, town.alice, town.bob, 120, "boodschappen", town.alice)
    assert first.created and not again.created and first.transfer.id == again.transfer.id
    assert (first.transfer.kind, first.transfer.category) == ("match", "boodschappen")
    assert first.transfer.idempotency_key == "match:7"
    assert (balance(town.alice), balance(town.bob)) == (-120, 120)
    with pytest.raises(Conflict):
        services.book_match_payment(7, town.alice, town.bob, 60, "boodschappen", town.bob)


def test_a_match_booked_inside_a_callers_transaction_is_still_once(town: Town) -> None:
    with transaction():
        one = services.book_match_payment(8, town.alice, town.bob, 30, None, town.alice)
        two = services.book_match_payment(8, town.alice, town.bob, 30, None, town.alice)
    assert one.transfer.id == two.transfer.id and balance(town.bob) == 30


def test_only_the_parties_or_their_coordinator_confirm_a_match(town: Town) -> None:
    with pytest.raises(NotAllowed):
        services.book_match_payment(9, town.alice, town.bob, 30, None, town.carol)
    with pytest.raises(NotAllowed):
        services.book_match_payment(9, town.alice, town.bob, 30, None, town.other_coord)
    booking = services.book_match_payment(
        9, town.alice, town.bob, 30, None, town.coord, on_behalf_of=town.alice
    )
    assert booking.transfer.on_behalf_of_id == town.alice.id
    with pytest.raises(LimitExceeded):
        services.book_match_payment(10, town.alice, town.bob, 571, None, town.alice)


# Pool --------------------------------------------------------------------------------------


def test_a_donation_goes_to_the_neighbourhoods_pool(town: Town) -> None:
    thank(town, 100, payer=town.bob, to=town.alice)
    booking = services.donate(payer=town.alice, minutes=40, actor=town.alice)
    assert booking.transfer.kind == "donation"
    assert (balance(town.alice), pool_balance(town.hood)) == (60, 40)
    assert verify() == []


def test_a_coordinator_grants_from_the_pool(town: Town) -> None:
    booking = services.grant(
        neighbourhood_id=town.hood.id,
        to_member_id=town.bob.id,
        minutes=90,
        description="Hulp aan mevrouw die niets terug kan doen",
        category="vervoer",
        actor=town.coord,
    )
    assert (booking.transfer.kind, booking.transfer.category) == ("grant", "vervoer")
    assert booking.transfer.entered_by_id == town.coord.id
    assert (balance(town.bob), pool_balance(town.hood)) == (90, -90)
    assert verify() == []


def test_grants_are_for_the_neighbourhoods_own_coordinator(town: Town) -> None:
    args = {
        "neighbourhood_id": town.hood.id,
        "to_member_id": town.bob.id,
        "minutes": 10,
        "description": "x",
    }
    with pytest.raises(NotAllowed):
        services.grant(actor=town.alice, **args)
    with pytest.raises(NotAllowed):
        services.grant(actor=town.other_coord, **args)
    with pytest.raises(NotFound):
        services.grant(actor=town.coord, **{**args, "to_member_id": town.stranger.id})
    with pytest.raises(NotFound):
        services.grant(actor=town.coord, **{**args, "neighbourhood_id": 999_999})
    assert pool_balance(town.hood) == 0


# Settling a leaving member ---------------------------------------------------------------


def test_settling_a_debt_writes_it_off_against_the_pool(town: Town) -> None:
    thank(town, 200)
    transfer = services.settle(member_id=town.alice.id, actor=town.coord, reason="verhuisd")
    assert (transfer.kind, transfer.minutes, transfer.reason) == ("settlement", 200, "verhuisd")
    assert (balance(town.alice), pool_balance(town.hood)) == (0, -200)
    assert services.account_of(town.alice).closed_at is not None
    with pytest.raises(Conflict):
        thank(town, 1, payer=town.bob, to=town.alice)
    with pytest.raises(Conflict):
        services.settle(member_id=town.alice.id, actor=town.coord, reason="nog eens")
    assert verify() == []


def test_settling_credit_gives_it_to_the_pool(town: Town) -> None:
    thank(town, 75)
    services.settle(member_id=town.bob.id, actor=town.coord, reason="overleden")
    assert (balance(town.bob), pool_balance(town.hood)) == (0, 75)


def test_settling_a_zero_balance_only_closes(town: Town) -> None:
    assert services.settle(member_id=town.carol.id, actor=town.coord, reason="weg") is None
    assert services.account_of(town.carol).closed_at is not None


def test_settling_is_for_the_members_own_coordinator(town: Town) -> None:
    with pytest.raises(NotAllowed):
        services.settle(member_id=town.bob.id, actor=town.alice, reason="x")
    with pytest.raises(NotFound):
        services.settle(member_id=town.bob.id, actor=town.other_coord, reason="x")
    with pytest.raises(InvalidInput):
        services.settle(member_id=town.bob.id, actor=town.coord, reason=" ")


# Reversal ---------------------------------------------------------------------------------


def test_a_reversal_is_a_new_linked_transfer_the_other_way(town: Town) -> None:
    original = thank(town, 50).transfer
    reversal = services.reverse(transfer_id=original.id, actor=town.coord, reason="vergissing")
    assert (reversal.kind, reversal.reverses_transfer_id, reversal.minutes) == (
        "reversal",
        original.id,
        50,
    )
    assert (reversal.payer_account_id, reversal.payee_account_id) == (
        original.payee_account_id,
        original.payer_account_id,
    )
    assert (balance(town.alice), balance(town.bob)) == (0, 0)
    assert db.session.get(Transfer, original.id).minutes == 50  # history untouched
    assert verify() == []


def test_a_transfer_is_reversed_at_most_once(town: Town) -> None:
    original = thank(town, 50).transfer
    reversal = services.reverse(transfer_id=original.id, actor=town.coord, reason="fout")
    with pytest.raises(Conflict):
        services.reverse(transfer_id=original.id, actor=town.coord, reason="fout")
    with pytest.raises(Conflict):
        services.reverse(transfer_id=reversal.id, actor=town.coord, reason="fout")
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(
            Transfer(
                kind="reversal",
                payer_account_id=reversal.payer_account_id,
                payee_account_id=reversal.payee_account_id,
                minutes=50,
                reverses_transfer_id=original.id,
                entered_by_id=town.coord.id,
            )
        )
        db.session.flush()


def test_reversals_respect_the_limits(town: Town) -> None:
    original = thank(town, 300).transfer
    thank(town, 700, payer=town.bob, to=town.carol)  # Bob passes his 300 on, and more
    before = snapshot()
    with pytest.raises(LimitExceeded):
        services.reverse(transfer_id=original.id, actor=town.coord, reason="fout")
    assert snapshot() == before


def test_reversing_a_settlement_reopens_the_account(town: Town) -> None:
    thank(town, 100)
    settlement = services.settle(member_id=town.alice.id, actor=town.coord, reason="weg")
    services.reverse(transfer_id=settlement.id, actor=town.coord, reason="toch gebleven")
    assert services.account_of(town.alice).closed_at is None
    assert (balance(town.alice), pool_balance(town.hood)) == (-100, 0)
    assert verify() == []


def test_reversal_needs_a_reason_and_the_right_coordinator(town: Town) -> None:
    original = thank(town, 50).transfer
    with pytest.raises(InvalidInput):
        services.reverse(transfer_id=original.id, actor=town.coord, reason="")
    with pytest.raises(NotFound):
        services.reverse(transfer_id=original.id, actor=town.other_coord, reason="x")
    with pytest.raises(NotAllowed):
        services.reverse(transfer_id=original.id, actor=town.bob, reason="x")
    with pytest.raises(NotFound):
        services.reverse(transfer_id=123_456, actor=town.coord, reason="x")


# Limits -----------------------------------------------------------------------------------


def test_a_limit_change_is_logged_with_who_and_why(town: Town) -> None:
    services.change_limits(
        member_id=town.alice.id,
        lower=-1200,
        upper=600,
        actor=town.coord,
        reason="Mantelzorger, heeft veel hulp nodig",
    )
    account = services.account_of(town.alice)
    assert (account.lower_limit, account.upper_limit) == (-1200, 600)
    change = db.session.scalar(select(LimitChange).where(LimitChange.account_id == account.id))
    assert (change.old_lower, change.old_upper, change.new_lower, change.new_upper) == (
        -600,
        3000,
        -1200,
        600,
    )
    assert change.changed_by_id == town.coord.id and change.reason.startswith("Mantelzorger")


def test_a_limit_the_balance_already_breaks_is_refused(town: Town) -> None:
    thank(town, 300)
    with pytest.raises(InvalidInput) as refused:
        services.change_limits(
            member_id=town.alice.id, lower=-200, upper=600, actor=town.coord, reason="x"
        )
    assert refused.value.field == "lower_limit"
    with pytest.raises(InvalidInput) as refused:
        services.change_limits(
            member_id=town.bob.id, lower=-200, upper=200, actor=town.coord, reason="x"
        )
    assert refused.value.field == "upper_limit"
    for lower, upper in ((10, 100), (-10, -1), ("-10", 10), (-(10**6), 10)):
        with pytest.raises(InvalidInput):
            services.change_limits(
                member_id=town.carol.id, lower=lower, upper=upper, actor=town.coord, reason="x"
            )
    with pytest.raises(NotFound):
        services.change_limits(
            member_id=town.carol.id, lower=-1, upper=1, actor=town.other_coord, reason="x"
        )
    assert services.account_of(town.alice).lower_limit == -600


def test_warnings_start_at_eighty_percent_of_a_limit(town: Town) -> None:
    thank(town, 479)
    assert services.warning_for(services.account_of(town.alice)) is None
    thank(town, 1)
    assert "received a lot of help" in services.warning_for(services.account_of(town.alice))
    services.change_limits(
        member_id=town.carol.id, lower=-600, upper=500, actor=town.coord, reason="x"
    )
    thank(town, 399, payer=town.bob, to=town.carol)
    assert services.warning_for(services.account_of(town.carol)) is None
    thank(town, 1, payer=town.bob, to=town.carol)
    assert "given a lot" in services.warning_for(services.account_of(town.carol))


# The database guards history too ----------------------------------------------------------


def test_transfers_and_entries_cannot_be_edited_or_deleted(town: Town) -> None:
    transfer = thank(town, 20).transfer
    transfer.minutes = 2000
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    entry = db.session.scalar(select(Entry).where(Entry.transfer_id == transfer.id).limit(1))
    db.session.delete(entry)
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert verify() == []


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO ledger_entry (transfer_id, account_id, minutes, balance_after) "
        "VALUES (:t, :a, 0, 0)",
        "INSERT INTO ledger_transfer (kind, payer_account_id, payee_account_id, minutes, "
        "description, entered_by_id, created_at) VALUES ('thanks', :a, :a, 5, '', :m, :now)",
        "INSERT INTO ledger_transfer (kind, payer_account_id, payee_account_id, minutes, "
        "description, entered_by_id, created_at) VALUES ('thanks', :a, :b, -5, '', :m, :now)",
        "INSERT INTO ledger_transfer (kind, payer_account_id, payee_account_id, minutes, "
        "description, entered_by_id, created_at) VALUES ('gift', :a, :b, 5, '', :m, :now)",
        "UPDATE ledger_account SET balance = -601 WHERE id = :a",
        "INSERT INTO ledger_entry (transfer_id, account_id, minutes, balance_after) "
        "VALUES (:t, :a, 5, 0)",
    ],
)
def test_the_database_refuses_impossible_rows(town: Town, sql: str) -> None:
    from buurthulp.models_base import utcnow

    transfer = thank(town, 20).transfer
    params = {
        "t": transfer.id,
        "a": services.account_of(town.alice).id,
        "b": services.account_of(town.bob).id,
        "m": town.alice.id,
        "now": utcnow(),
    }
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text(sql), params)
