"""`flask ledger verify`: exit 0 on a sound ledger, exit 1 listing what is wrong."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.ledger import services
from tests.ledger.realdb import build_town, context

pytestmark = [
    pytest.mark.both_databases,
    pytest.mark.parametrize("committed_app", ["sqlite", "postgresql"], indirect=True),
]


def _book_some(committed_app) -> list[int]:
    ids = build_town(committed_app)
    with context(committed_app):
        a, b, c = (db.session.get(Member, i) for i in ids.residents[:3])
        services.thank(payer=a, to_member_id=b.id, minutes=40, description="x", actor=a)
        services.thank(payer=b, to_member_id=c.id, minutes=25, description="y", actor=b)
        services.donate(payer=c, minutes=10, actor=c)
    return ids.residents


def test_verify_passes_on_a_sound_ledger(committed_app) -> None:
    _book_some(committed_app)
    result = committed_app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output and "3 transfers, 6 entries" in result.output
    stats = committed_app.test_cli_runner().invoke(args=["ledger", "stats"])
    assert stats.exit_code == 0 and "thanks" in stats.output


def test_verify_fails_and_lists_what_raw_sql_broke(committed_app) -> None:
    residents = _book_some(committed_app)
    with context(committed_app):
        # Tampering that bypasses the services: a cached balance nudged, an entry removed.
        db.session.execute(
            text("UPDATE ledger_account SET balance = balance + 5 WHERE member_id = :m"),
            {"m": residents[3]},
        )
        db.session.execute(
            text("DELETE FROM ledger_entry WHERE id = (SELECT MAX(id) FROM ledger_entry)")
        )
        db.session.commit()
    result = committed_app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1
    output = result.output
    assert "violation" in output
    assert "transfer balanced: transfer 3 has 1 entries summing to -10" in output
    assert "all balances sum to zero: all balances together are 5 minutes" in output
    assert "all entries sum to zero" in output
    assert "cached balance" in output
