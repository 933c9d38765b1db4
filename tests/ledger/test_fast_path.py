"""The fast path's own transaction (`core_transaction`) on a committed database.

The ordinary tests bind the session to one Connection, so there `core_transaction()` is plain
`transaction()`; with an Engine (production, the benchmark) the fast path books on a pooled
connection of its own, outside the session. These tests pin what that path must keep: one
transaction, a refusal rolled back whole and decided by the general path, the session's
objects as fresh afterwards as after a session commit, and no way for the session to write
beside it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from buurthulp.auth.models import Member
from buurthulp.db import core_transaction, transaction
from buurthulp.errors import LimitExceeded
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Account, Transfer
from buurthulp.ledger.services import booking
from buurthulp.ledger.verify import verify
from tests.ledger.realdb import build_town, context, in_context

on_both = pytest.mark.parametrize("committed_app", ["sqlite", "postgresql"], indirect=True)


def _account(member_id: int) -> Account:
    return db.session.scalars(select(Account).where(Account.member_id == member_id)).one()


def _count() -> int:
    return db.session.scalar(select(func.count(Transfer.id)))


@on_both
def test_a_booking_skips_the_session_and_leaves_its_objects_fresh(
    committed_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = build_town(committed_app, residents=2)
    payer_id, payee_id = ids.residents

    def general(_move: Any) -> int:
        raise AssertionError("the general path ran")

    with context(committed_app):
        payer, payee = db.session.get(Member, payer_id), db.session.get(Member, payee_id)
        account = _account(payer_id)
        assert account.balance == 0  # loaded: the session has a read transaction open
        with monkeypatch.context() as patch:
            patch.setattr(booking, "_write_general", general)
            first = services.book_match_payment(1, payer, payee, 30, "tuin", payer)
        assert first.created
        assert not db.session().in_transaction()  # the session took no part
        assert account.balance == -30  # expired, as a session commit would have left it
        # A retry fails on the key and is replayed by the general path.
        again = services.book_match_payment(1, payer, payee, 30, "tuin", payer)
        assert (again.transfer_id, again.created) == (first.transfer_id, False)
    assert in_context(committed_app, lambda: (verify(), _count())) == ([], 1)


@on_both
def test_a_limit_breach_rolls_back_whole_and_is_worded_by_the_general_path(
    committed_app,
) -> None:
    ids = build_town(committed_app, residents=2, default_lower_limit=-60)
    payer_id, payee_id = ids.residents
    with context(committed_app):
        payer, payee = db.session.get(Member, payer_id), db.session.get(Member, payee_id)
        services.book_match_payment(1, payer, payee, 50, "tuin", payer)
        with pytest.raises(LimitExceeded, match="60"):
            services.book_match_payment(2, payer, payee, 20, "tuin", payer)
    balances = in_context(
        committed_app, lambda: (_account(payer_id).balance, _account(payee_id).balance)
    )
    assert balances == (-50, 50)
    assert in_context(committed_app, lambda: (verify(), _count())) == ([], 1)


@on_both
def test_core_transaction_commits_or_rolls_back_as_a_whole(committed_app) -> None:
    build_town(committed_app, residents=1)
    rename = text("UPDATE neighbourhoods_neighbourhood SET name = :name")
    name = text("SELECT name FROM neighbourhoods_neighbourhood")
    with context(committed_app):
        with core_transaction() as connection:
            connection.execute(rename, {"name": "Eerst"})
        with pytest.raises(ZeroDivisionError), core_transaction() as connection:
            connection.execute(rename, {"name": "Half"})
            1 / 0  # noqa: B018
    assert in_context(committed_app, lambda: db.session.scalar(name)) == "Eerst"


@on_both
def test_the_session_may_not_be_used_inside_core_transaction(committed_app) -> None:
    build_town(committed_app, residents=1)
    rename = text("UPDATE neighbourhoods_neighbourhood SET name = :name")
    name = text("SELECT name FROM neighbourhoods_neighbourhood")
    with context(committed_app):
        before = db.session.scalar(name)
        with pytest.raises(RuntimeError, match="session was used"), core_transaction() as c:
            c.execute(rename, {"name": "Nooit"})
            db.session.scalar(name)  # a read: fine for the database, refused all the same
        assert not db.session().in_transaction()
    assert in_context(committed_app, lambda: db.session.scalar(name)) == before


@on_both
def test_inside_a_transaction_core_transaction_joins_it(committed_app) -> None:
    build_town(committed_app, residents=1)
    with context(committed_app), transaction() as session, core_transaction() as connection:
        assert connection is session.connection()


def test_on_a_session_bound_to_a_connection_it_is_plain_transaction(db_session) -> None:
    """The test suite's binding: nothing may escape the test's own transaction."""
    with core_transaction() as connection:
        assert connection is db_session.connection()
