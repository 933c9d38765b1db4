"""Random sequences of all six kinds of movement, valid and invalid, keep every invariant.

A model keeps the balances we expect; after every step the database must agree with it,
`verify` must pass, and a refused step must have changed nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import pytest
from flask.globals import app_ctx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlalchemy.orm import scoped_session, sessionmaker

from buurthulp.auth.models import Member
from buurthulp.errors import BuurthulpError
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Account, Transfer
from buurthulp.ledger.verify import verify
from tests.factories import CENTRUM, Factories
from tests.ledger.helpers import snapshot
from tests.support.examples import budget

pytestmark = pytest.mark.both_databases

MINUTES = st.one_of(st.integers(1, 400), st.sampled_from([0, -1, 601, 10_001]))
PEOPLE = 4


def isolated(app: Any, stack: ExitStack) -> None:
    """Like the db_session fixture, per example: everything is rolled back afterwards."""
    stack.enter_context(app.app_context())
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    # A plain Session, as in the db_session fixture: Flask-SQLAlchemy's picks the engine.
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=lambda: id(app_ctx._get_current_object()),
    )

    def restore() -> None:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()

    stack.callback(restore)
    stack.enter_context(app.test_request_context())


def make_machine(app: Any) -> type[RuleBasedStateMachine]:
    class Ledger(RuleBasedStateMachine):
        transfers = Bundle("transfers")

        def __init__(self) -> None:
            super().__init__()
            self.stack = ExitStack()
            isolated(app, self.stack)
            make = Factories()
            self.hood = make.neighbourhood(pc4=CENTRUM)
            self.people = [make.resident(self.hood) for _ in range(PEOPLE)]
            self.coord = make.coordinator(self.hood)
            self.expected: dict[int, int] = {a: 0 for a in self._accounts()}
            self.booked = 0

        def teardown(self) -> None:
            self.stack.close()

        def _accounts(self) -> dict[int, Account]:
            return {a.id: a for a in db.session.scalars(select(Account))}

        def _attempt(self, action: Callable[[], Any]) -> Any:
            """Run a movement; refused ones must leave the ledger exactly as it was."""
            before = snapshot()
            try:
                result = action()
            except BuurthulpError:
                assert snapshot() == before
                return None
            return result

        def _apply(self, transfer: Transfer | None, created: bool = True) -> None:
            if transfer is None or not created:
                return
            self.expected[transfer.payer_account_id] -= transfer.minutes
            self.expected[transfer.payee_account_id] += transfer.minutes
            self.booked += 1

        def _who(self, index: int) -> Member:
            return self.people[index % PEOPLE]

        @initialize()
        def start(self) -> None:
            assert verify() == []

        @rule(
            target=transfers,
            payer=st.integers(0, PEOPLE - 1),
            payee=st.integers(0, PEOPLE),
            minutes=MINUTES,
            key=st.sampled_from([None, "a", "b"]),
        )
        def thank(self, payer: int, payee: int, minutes: int, key: str | None) -> Any:
            member = self._who(payer)
            to_id = self._who(payee).id if payee < PEOPLE else 999_999
            account = services.account_of(member)
            replay = key is not None and db.session.scalar(
                select(Transfer).where(Transfer.idempotency_key == f"t:{member.id}:{key}")
            )
            fits = (
                0 < minutes <= 10_000
                and account.balance - minutes >= account.lower_limit
                and account.closed_at is None
            )
            booking = self._attempt(
                lambda: services.thank(
                    payer=member,
                    to_member_id=to_id,
                    minutes=minutes,
                    description="hulp",
                    actor=member,
                    idempotency_key=f"t:{member.id}:{key}" if key else None,
                )
            )
            if booking is not None:
                assert booking.created != bool(replay)
                assert booking.created or booking.transfer.id == replay.id
            elif fits and to_id != member.id and payee < PEOPLE and not replay:
                payee_account = services.account_of(self._who(payee))
                # Only the receiver's side can explain a refusal now.
                assert (
                    payee_account.balance + minutes > payee_account.upper_limit
                    or payee_account.closed_at is not None
                )
            self._apply(
                booking.transfer if booking else None, booking.created if booking else False
            )
            return booking.transfer.id if booking and booking.created else -1

        @rule(
            target=transfers,
            match=st.integers(1, 3),
            payer=st.integers(0, PEOPLE - 1),
            payee=st.integers(0, PEOPLE - 1),
            minutes=MINUTES,
        )
        def match(self, match: int, payer: int, payee: int, minutes: int) -> Any:
            a, b = self._who(payer), self._who(payee)
            booking = self._attempt(
                lambda: services.book_match_payment(match, a, b, minutes, "klus", b)
            )
            self._apply(
                booking.transfer if booking else None, booking.created if booking else False
            )
            return booking.transfer.id if booking and booking.created else -1

        @rule(target=transfers, payer=st.integers(0, PEOPLE - 1), minutes=MINUTES)
        def donate(self, payer: int, minutes: int) -> Any:
            member = self._who(payer)
            booking = self._attempt(
                lambda: services.donate(payer=member, minutes=minutes, actor=member)
            )
            self._apply(booking.transfer if booking else None)
            return booking.transfer.id if booking else -1

        @rule(
            target=transfers,
            payee=st.integers(0, PEOPLE - 1),
            minutes=MINUTES,
            by_coord=st.booleans(),
        )
        def grant(self, payee: int, minutes: int, by_coord: bool) -> Any:
            actor = self.coord if by_coord else self._who(payee)
            booking = self._attempt(
                lambda: services.grant(
                    neighbourhood_id=self.hood.id,
                    to_member_id=self._who(payee).id,
                    minutes=minutes,
                    description="uit de pot",
                    actor=actor,
                )
            )
            if not by_coord:
                assert booking is None
            self._apply(booking.transfer if booking else None)
            return booking.transfer.id if booking else -1

        @rule(target=transfers, member=st.integers(0, PEOPLE - 1))
        def settle(self, member: int) -> Any:
            transfer = self._attempt(
                lambda: services.settle(
                    member_id=self._who(member).id, actor=self.coord, reason="vertrekt"
                )
            )
            self._apply(transfer)
            if transfer is not None:
                account = services.account_of(self._who(member))
                assert account.balance == 0 and account.closed_at is not None
            return transfer.id if transfer else -1

        @rule(target=transfers, transfer_id=transfers, by_coord=st.booleans())
        def reverse(self, transfer_id: int, by_coord: bool) -> Any:
            actor = self.coord if by_coord else self.people[0]
            reversal = self._attempt(
                lambda: services.reverse(transfer_id=transfer_id, actor=actor, reason="vergissing")
            )
            if not by_coord or transfer_id == -1:
                assert reversal is None
            self._apply(reversal)
            return reversal.id if reversal else -1

        @rule(
            member=st.integers(0, PEOPLE - 1),
            lower=st.integers(-900, 50),
            upper=st.integers(-50, 900),
        )
        def change_limits(self, member: int, lower: int, upper: int) -> None:
            account = services.account_of(self._who(member))
            ok = lower <= min(0, account.balance) and upper >= max(0, account.balance)
            result = self._attempt(
                lambda: services.change_limits(
                    member_id=self._who(member).id,
                    lower=lower,
                    upper=upper,
                    actor=self.coord,
                    reason="bijgesteld",
                )
            )
            assert (result is not None) == ok

        @invariant()
        def ledger_is_sound(self) -> None:
            assert verify() == []
            actual = {a.id: a.balance for a in self._accounts().values()}
            assert actual == self.expected
            assert sum(actual.values()) == 0

    return Ledger


def test_random_movements_keep_every_invariant(app: Any) -> None:
    machine = make_machine(app)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=budget(30),
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
