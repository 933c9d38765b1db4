"""The ledger's SQL, as text and Core statements, apart from the code that runs them: the
one UPDATE that moves both balances and checks the limits in its WHERE (one statement per
database), the lock in id order, and the inserts. Read `booking.py` for when each runs.

Every value is a bound parameter; the f-strings only join the constant fragments below.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, text

from buurthulp.ledger.models import Account, Entry, Transfer

_ACCOUNT, _TRANSFER, _ENTRY = Account.__table__, Transfer.__table__, Entry.__table__

# Accounts read under row locks, in id order (two transfers never deadlock).
LOCK = (
    select(
        _ACCOUNT.c.id,
        _ACCOUNT.c.kind,
        _ACCOUNT.c.member_id,
        _ACCOUNT.c.balance,
        _ACCOUNT.c.lower_limit,
        _ACCOUNT.c.upper_limit,
        _ACCOUNT.c.closed_at,
    )
    .where(
        or_(
            _ACCOUNT.c.id.in_(bindparam("ids", expanding=True)),
            _ACCOUNT.c.member_id.in_(bindparam("member_ids", expanding=True)),
        )
    )
    .order_by(_ACCOUNT.c.id)
    .with_for_update()
)

# An account is a side's when it is that side's account id, its member's account, or (no
# member) the pool of its neighbourhood. Unused parameters are NULL; COALESCE turns their
# comparisons into FALSE, so each predicate is TRUE or FALSE, never NULL (a NULL inside
# NOT ... OR ... would silently apply the payer's limit to the payee).
_IS_PAYER = (
    "(COALESCE(id = :payer_account, FALSE) OR COALESCE(member_id = :payer_member, FALSE) "
    "OR (member_id IS NULL AND COALESCE(neighbourhood_id = :payer_pool, FALSE)))"
)
_IS_PAYEE = (
    "(COALESCE(id = :payee_account, FALSE) OR COALESCE(member_id = :payee_member, FALSE) "
    "OR (member_id IS NULL AND COALESCE(neighbourhood_id = :payee_pool, FALSE)))"
)
# The limits, in the WHERE: an account whose limit would break is simply not moved.
_FITS = (
    f"closed_at IS NULL AND (NOT {_IS_PAYER} OR lower_limit IS NULL "
    "OR balance - :minutes >= lower_limit) "
    f"AND (NOT {_IS_PAYEE} OR upper_limit IS NULL OR balance + :minutes <= upper_limit)"
)
_DELTA = f"CASE WHEN {_IS_PAYER} THEN -:minutes ELSE :minutes END"
_RETURNING = "id, balance, member_id, neighbourhood_id"

MOVE = {
    # PostgreSQL: lock both rows in id order first (an UPDATE alone has no ORDER BY), then
    # move what fits; READ COMMITTED re-checks the WHERE on the row version it locked.
    # Built from the constant fragments above; every value is a bound parameter. (The
    # empty string lets bandit's B608 exception sit on the line it reports.)
    "postgresql": text(
        ""  # nosec B608
        f"""
        WITH locked AS MATERIALIZED (
            SELECT id AS locked_id FROM ledger_account WHERE {_IS_PAYER} OR {_IS_PAYEE}
            ORDER BY id FOR UPDATE
        )
        UPDATE ledger_account SET balance = balance + {_DELTA}
        FROM locked WHERE ledger_account.id = locked.locked_id AND {_FITS}
        RETURNING ledger_account.id, ledger_account.balance, ledger_account.member_id,
            ledger_account.neighbourhood_id
        """
    ),
    # SQLite: `BEGIN IMMEDIATE` already admits one writer at a time.
    "sqlite": text(
        ""  # nosec B608
        f"""
        UPDATE ledger_account SET balance = balance + {_DELTA}
        WHERE ({_IS_PAYER} OR {_IS_PAYEE}) AND {_FITS}
        RETURNING {_RETURNING}
        """
    ),
}
UNDO = text("UPDATE ledger_account SET balance = balance - :delta WHERE id = :id")
INSERT_TRANSFER = _TRANSFER.insert().returning(_TRANSFER.c.id)
INSERT_ENTRIES = text(
    "INSERT INTO ledger_entry (transfer_id, account_id, minutes, balance_after) "
    "VALUES (:t, :payer, :debit, :payer_after), (:t, :payee, :minutes, :payee_after)"
)
BY_KEY = select(_TRANSFER.c.id, _TRANSFER.c.request_fingerprint).where(
    _TRANSFER.c.idempotency_key == bindparam("key")
)
