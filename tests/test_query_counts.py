"""A page costs the same number of SQL statements whatever the data behind it.

An N+1 (a lazy load per statement line, a query per member of a list) is invisible with the
few rows of a test and a slow page in a real neighbourhood. So each page is opened on a
small town (10 transfers on the resident's account, 10 members in the neighbourhood) and on
a big one (1,000 transfers, 60 members), counting the statements one GET sends to the
database; the big town may not cost more than the small one, and neither more than a
page's budget in MOST.

The small town's transfers are booked through the service. The big town's are inserted in
bulk with the rows the service writes (a transfer, its two entries with the running
balance, both cached balances moved), and `verify()` must pass afterwards. Through the
service, 1,000 thank-yous took 1.0 s on SQLite but 17 s on PostgreSQL here: inside the one
transaction a test runs in, every update of the same two account rows leaves a row version
that the next update's lock has to step over, so each booking is slower than the last.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select, update

from buurthulp.auth.models import Member
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Account, Entry, Transfer
from buurthulp.ledger.verify import verify
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood
from tests.factories import CENTRUM, OOST

pytestmark = pytest.mark.both_databases

MINUTES = 15  # per transfer, back and forth: no balance goes further than this from 0
# Queries one view may cost at all: the session's member and roles, the header (balance,
# unread notifications), then the page's own few. The member list writes the access log, and
# that transaction's end expires the session's member, loaded again afterwards.
MOST = {"home": 8, "statement": 8, "members": 15}
# Transaction control belongs to the harness (savepoints here, BEGIN on SQLite), not to the
# page: left out of the counts, so they mean the same on both databases.
CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


@dataclass(frozen=True)
class Size:
    transfers: int  # on the resident's account
    members: int  # in the neighbourhood, the coordinator included
    bulk: bool  # insert the transfers' rows at once instead of calling the service


SMALL = Size(transfers=10, members=10, bulk=False)
BIG = Size(transfers=1_000, members=60, bulk=True)


@dataclass
class Town:
    size: Size
    hood: Neighbourhood
    resident: Member
    coordinator: Member


def _town(make: Any, size: Size, pc4: tuple[str, ...]) -> Town:
    hood = make.neighbourhood(pc4=pc4)
    coordinator = make.coordinator(hood)
    resident, neighbour = make.resident(hood), make.resident(hood)
    for _ in range(size.members - 3):
        make.resident(hood)
    book = _book_in_bulk if size.bulk else _book_through_the_service
    book(resident, neighbour, size.transfers)
    return Town(size, hood, resident, coordinator)


def _book_through_the_service(resident: Member, neighbour: Member, transfers: int) -> None:
    for n in range(transfers):
        payer, payee = (resident, neighbour) if n % 2 == 0 else (neighbour, resident)
        services.thank(
            payer=payer,
            to_member_id=payee.id,
            minutes=MINUTES,
            description=f"Bedankt ({n + 1})",
            actor=payer,
        )


def _book_in_bulk(resident: Member, neighbour: Member, transfers: int) -> None:
    """What `_book_through_the_service` would write, in one transaction of four statements."""
    with transaction():
        found = db.session.scalars(
            select(Account).where(Account.member_id.in_([resident.id, neighbour.id]))
        )
        by_member = {account.member_id: account for account in found}
        ours, theirs = by_member[resident.id], by_member[neighbour.id]
        balance = {ours.id: ours.balance, theirs.id: theirs.balance}
        rows, sides = [], []
        for n in range(transfers):
            payer, payee = (ours, theirs) if n % 2 == 0 else (theirs, ours)
            balance[payer.id] -= MINUTES
            balance[payee.id] += MINUTES
            rows.append(
                {
                    "kind": "thanks",
                    "payer_account_id": payer.id,
                    "payee_account_id": payee.id,
                    "minutes": MINUTES,
                    "description": f"Bedankt ({n + 1})",
                    "entered_by_id": payer.member_id,
                    "created_at": utcnow(),
                }
            )
            sides.append(((payer.id, balance[payer.id]), (payee.id, balance[payee.id])))
        ids = db.session.scalars(
            insert(Transfer).returning(Transfer.id, sort_by_parameter_order=True), rows
        ).all()
        entries = [  # the payer's entry first, as the service writes them
            {"transfer_id": transfer_id, "account_id": account, "minutes": m, "balance_after": b}
            for transfer_id, (payer, payee) in zip(ids, sides, strict=True)
            for (account, b), m in ((payer, -MINUTES), (payee, MINUTES))
        ]
        db.session.execute(insert(Entry), entries)
        for account_id, new_balance in balance.items():
            db.session.execute(
                update(Account).where(Account.id == account_id).values(balance=new_balance)
            )


def _one_get(client: FlaskClient, url: str) -> tuple[list[str], str]:
    """The queries of one warm GET (the page was opened once before) and the page."""
    assert client.get(url).status_code == 200, url  # shows any pending flash, fills caches
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, (url, response.status_code)
    queries = [s for s in sent if not s.upper().startswith(CONTROL)]
    return queries, response.get_data(as_text=True)


def _measure(client: FlaskClient, login: Any, town: Town) -> dict[str, list[str]]:
    """The queries of each page, after checking it shows what the town holds."""
    login(town.resident)
    home, _html = _one_get(client, "/")
    statement, html = _one_get(client, "/tijdbank/")
    assert f"Bedankt ({town.size.transfers})" in html  # the newest transfer is listed
    login(town.coordinator)
    members, html = _one_get(client, f"/tijdbank/beheer/buurt/{town.hood.id}/leden")
    assert html.count('href="/tijdbank/beheer/leden/') == town.size.members  # all listed
    return {"home": home, "statement": statement, "members": members}


def test_a_page_view_costs_the_same_queries_whatever_the_data(
    app: Any, client: FlaskClient, make: Any, login: Any
) -> None:
    started = time.perf_counter()
    small = _measure(client, login, _town(make, SMALL, pc4=CENTRUM))
    big_town = _town(make, BIG, pc4=OOST)
    assert verify() == []  # the bulk rows are a ledger the service could have written
    big = _measure(client, login, big_town)
    took = time.perf_counter() - started

    counts = {page: (len(small[page]), len(big[page])) for page in small}
    report = "queries per GET, small -> big town: " + ", ".join(
        f"{page} {few} -> {many}" for page, (few, many) in counts.items()
    )
    report += f" ({db.engine.dialect.name}, {took:.1f} s)"
    print(report)
    for page, (few, many) in counts.items():
        listing = "\n".join(big[page])
        assert many <= few, f"{page} costs more with more data; {report}\n{listing}"
        assert many <= MOST[page], f"{page} costs over {MOST[page]} queries; {report}\n{listing}"
