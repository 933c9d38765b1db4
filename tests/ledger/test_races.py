"""Real concurrency on a committed database: threads with their own connections.

SQLite serialises writers with BEGIN IMMEDIATE (and a busy timeout); PostgreSQL with row
locks on the two accounts. Either way: no lost update, no double booking, no balance past a
limit, and `verify` passes afterwards.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from buurthulp.auth.models import Member
from buurthulp.errors import BuurthulpError, LimitExceeded
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Account, Transfer
from buurthulp.ledger.verify import verify
from tests.ledger.realdb import build_town, context, in_context

pytestmark = [
    pytest.mark.both_databases,
    pytest.mark.slow,
    pytest.mark.parametrize("committed_app", ["sqlite", "postgresql"], indirect=True),
]
THREADS = 8


def _member(member_id: int) -> Member:
    return db.session.get(Member, member_id)


def _state(app) -> tuple[list[str], int, dict[int, int]]:
    def read() -> tuple[list[str], int, dict[int, int]]:
        balances = dict(
            db.session.execute(
                select(Account.member_id, Account.balance).where(Account.member_id.is_not(None))
            ).all()
        )
        return verify(), db.session.scalar(select(func.count(Transfer.id))), balances

    return in_context(app, read)


def test_threads_hammering_the_same_accounts_lose_nothing(committed_app) -> None:
    ids = build_town(committed_app, residents=4)
    people = ids.residents

    def work(seed: int) -> Counter:
        rng = random.Random(seed)
        done: Counter = Counter()
        with context(committed_app):
            for n in range(12):
                payer, payee = rng.sample(people, 2)
                payer_member = _member(payer)
                try:
                    services.thank(
                        payer=payer_member,
                        to_member_id=payee,
                        minutes=rng.randint(1, 120),
                        description=f"t{seed}-{n}",
                        actor=payer_member,
                    )
                    done["booked"] += 1
                except LimitExceeded:
                    done["refused"] += 1
                # Everyone also retries one shared request: it must be booked once in total.
                first = _member(people[0])
                booking = services.thank(
                    payer=first,
                    to_member_id=people[1],
                    minutes=7,
                    description="shared",
                    actor=first,
                    idempotency_key="api:shared:1",
                )
                done["shared-created" if booking.created else "shared-replayed"] += 1
        return done

    with ThreadPoolExecutor(THREADS) as pool:
        totals = sum(pool.map(work, range(THREADS)), Counter())
    problems, transfers, balances = _state(committed_app)
    assert problems == []
    assert totals["shared-created"] == 1
    assert totals["shared-replayed"] == THREADS * 12 - 1
    assert transfers == totals["booked"] + 1
    assert sum(balances.values()) == 0
    assert all(-600 <= b <= 3000 for b in balances.values())


def test_the_same_key_at_the_same_moment_books_once(committed_app) -> None:
    ids = build_town(committed_app, residents=2)
    barrier = threading.Barrier(THREADS)

    def send(_n: int) -> tuple[int, bool]:
        with context(committed_app):
            payer = _member(ids.residents[0])
            barrier.wait()
            booking = services.thank(
                payer=payer,
                to_member_id=ids.residents[1],
                minutes=30,
                description="samen",
                actor=payer,
                idempotency_key="api:race:same-key",
            )
            return booking.transfer.id, booking.created

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(send, range(THREADS)))
    assert len({transfer_id for transfer_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    problems, transfers, balances = _state(committed_app)
    assert (problems, transfers) == ([], 1)
    assert balances[ids.residents[0]] == -30


def test_a_confirm_racing_itself_pays_the_match_once(committed_app) -> None:
    ids = build_town(committed_app, residents=2)
    barrier = threading.Barrier(THREADS)

    def confirm(n: int) -> bool:
        with context(committed_app):
            payer, payee = _member(ids.residents[0]), _member(ids.residents[1])
            barrier.wait()
            actor = payer if n % 2 else payee
            return services.book_match_payment(42, payer, payee, 90, "tuin", actor).created

    with ThreadPoolExecutor(THREADS) as pool:
        created = list(pool.map(confirm, range(THREADS)))
    assert created.count(True) == 1
    problems, transfers, balances = _state(committed_app)
    assert (problems, transfers, balances[ids.residents[1]]) == ([], 1, 90)


def test_payments_racing_to_the_lower_limit_stop_at_it(committed_app) -> None:
    ids = build_town(committed_app, residents=THREADS + 1)
    payer_id, payees = ids.residents[0], ids.residents[1:]
    barrier = threading.Barrier(THREADS)

    def pay(payee: int) -> Any:
        with context(committed_app):
            payer = _member(payer_id)
            barrier.wait()
            try:
                services.thank(
                    payer=payer, to_member_id=payee, minutes=100, description="race", actor=payer
                )
                return "ok"
            except BuurthulpError as exc:
                return exc.code

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = Counter(pool.map(pay, payees))
    # The lower limit is -600: exactly six payments of 100 fit, whatever the order.
    assert outcomes == Counter({"ok": 6, "limit_exceeded": THREADS - 6})
    problems, transfers, balances = _state(committed_app)
    assert (problems, transfers, balances[payer_id]) == ([], 6, -600)
