"""Every path that writes a transfer stores its time the same way, so period filters agree.

The fast booking path writes with driver-level SQL; the ORM path writes through the
UTCDateTime column type. If the two stored different text on SQLite ('...+00:00' against
'...'), a statement filtered by period would silently drop or keep the wrong rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from buurthulp.extensions import db
from buurthulp.ledger import services

pytestmark = pytest.mark.both_databases


def test_fast_and_orm_paths_store_the_same_timestamp_format(town) -> None:
    services.thank(
        payer=town.alice,
        to_member_id=town.bob.id,
        minutes=30,
        description="fast path",
        actor=town.alice,
    )
    # A reversal goes through the locked ORM path.
    first = db.session.execute(text("SELECT id FROM ledger_transfer ORDER BY id")).scalar()
    services.reverse(transfer_id=first, actor=town.coord, reason="typo")
    raw = (
        db.session.execute(text("SELECT CAST(created_at AS TEXT) FROM ledger_transfer ORDER BY id"))
        .scalars()
        .all()
    )
    assert len(raw) == 2
    shapes = {("+" in value[10:], len(value.split(".")[0])) for value in raw}
    assert len(shapes) == 1, raw


def test_a_statement_filtered_to_today_shows_what_was_booked_now(town) -> None:
    services.thank(
        payer=town.alice,
        to_member_id=town.bob.id,
        minutes=45,
        description="today",
        actor=town.alice,
    )
    account = services.account_of(town.bob)
    today = datetime.now(UTC).astimezone(services.LOCAL_TZ).date()
    lines = services.statement(account, since=today, until=today)
    assert [line.minutes for line in lines] == [45]
    tomorrow = today + timedelta(days=1)
    assert services.statement(account, since=tomorrow, until=tomorrow) == []
    yesterday = today - timedelta(days=1)
    assert services.statement(account, since=yesterday, until=yesterday) == []
