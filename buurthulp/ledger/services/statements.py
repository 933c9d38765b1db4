"""The SQL that writes a transfer, built once at import: the hot path pays no compiling.

Plain Core and text statements on the caller's connection, not ORM objects: for this shape
of work the unit of work costs more than the database does (see bench/ledger.py). Callers
in `booking` decide what may be written; this module only knows how, per database.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Dialect, Row, bindparam, select, text
from sqlalchemy.exc import DBAPIError

from buurthulp.extensions import db
from buurthulp.ledger.models import Account, Entry, Transfer

_ACCOUNT, _TRANSFER, _ENTRY = Account.__table__, Transfer.__table__, Entry.__table__
_BY_KEY = select(_TRANSFER.c.id, _TRANSFER.c.request_fingerprint).where(
    _TRANSFER.c.idempotency_key == bindparam("key")
)
_INSERT_TRANSFER = _TRANSFER.insert().returning(_TRANSFER.c.id)
_INSERT_ENTRY = _ENTRY.insert()
_SET_BALANCE = (
    _ACCOUNT.update()
    .where(_ACCOUNT.c.id == bindparam("account_id"))
    .values(balance=bindparam("new_balance"))
)

# Moving minutes without reading first. An account is the payer's when it is the payer
# member's or (no member) the pool of the payer's neighbourhood; a side's unused parameter
# is NULL. `balance = balance + delta` is computed under the row lock the UPDATE holds, and
# the CHECK `balance_within_limits` refuses a breach with an IntegrityError.
_IS_PAYER = "(member_id = :payer_member OR (member_id IS NULL AND neighbourhood_id = :payer_pool))"
_IS_PAYEE = "(member_id = :payee_member OR (member_id IS NULL AND neighbourhood_id = :payee_pool))"
_PAYER_FLAG = f"CASE WHEN {_IS_PAYER} THEN 1 ELSE 0 END"
_DELTA = f"CASE WHEN {_IS_PAYER} THEN -:minutes ELSE :minutes END"
_COLUMNS = (
    "kind, payer_account_id, payee_account_id, minutes, description, category, "
    "idempotency_key, request_fingerprint, entered_by_id, on_behalf_of_id, created_at"
)
_VALUES = (  # after kind, payer_account_id, payee_account_id
    ":minutes, :description, :category, "
    ":idempotency_key, :request_fingerprint, :entered_by_id, :on_behalf_of_id, :created_at"
)

# PostgreSQL: one round trip. `locked` takes the row locks in id order (UPDATE has no ORDER
# BY), so two transfers over the same accounts never deadlock; the UPDATE then adds to the
# balance it finds under that lock (READ COMMITTED re-reads a row changed meanwhile). The
# transfer and its entries are inserted only when exactly the payer's and the payee's open
# accounts moved; otherwise no row comes back and the caller rolls the half-move back.
_PG_MOVE = text(
    f"""
    WITH locked AS MATERIALIZED (
        SELECT id FROM ledger_account
        WHERE ({_IS_PAYER} OR {_IS_PAYEE}) AND closed_at IS NULL
        ORDER BY id
        FOR UPDATE
    ), moved AS (
        UPDATE ledger_account AS account
        SET balance = account.balance + {_DELTA}
        FROM locked
        WHERE account.id = locked.id
        RETURNING account.id, account.balance, {_PAYER_FLAG} AS is_payer
    ), transfer AS (
        INSERT INTO ledger_transfer ({_COLUMNS})
        SELECT :kind, payer.id, payee.id, {_VALUES}
        FROM moved AS payer JOIN moved AS payee ON payer.is_payer = 1 AND payee.is_payer = 0
        WHERE (SELECT count(*) FROM moved) = 2
        RETURNING id
    )
    INSERT INTO ledger_entry (transfer_id, account_id, minutes, balance_after)
    SELECT transfer.id, moved.id, CASE WHEN moved.is_payer = 1 THEN -:minutes ELSE :minutes END,
        moved.balance
    FROM transfer CROSS JOIN moved
    ORDER BY moved.is_payer DESC
    RETURNING transfer_id
    """
).bindparams(bindparam("created_at", type_=_TRANSFER.c.created_at.type))

# SQLite: no data-modifying CTEs, and no row locks to order (`BEGIN IMMEDIATE` admits one
# writer at a time): move both balances in one UPDATE, then insert the transfer and entries.
# Three statements, so each one's overhead counts: they go to the driver's cursor as they
# are, with sqlite3's own `:name` parameters (no compiling, no result objects; see `move`).
_SQLITE_MOVE = f"""
    UPDATE ledger_account SET balance = balance + {_DELTA}
    WHERE ({_IS_PAYER} OR {_IS_PAYEE}) AND closed_at IS NULL
    RETURNING id, balance, {_PAYER_FLAG} AS is_payer
"""
_SQLITE_INSERT_TRANSFER = f"""
    INSERT INTO ledger_transfer ({_COLUMNS})
    VALUES (:kind, :payer_account_id, :payee_account_id, {_VALUES})
    RETURNING id
"""
_SQLITE_INSERT_ENTRIES = (  # both entries in one statement: the payer's, then the payee's
    "INSERT INTO ledger_entry (transfer_id, account_id, minutes, balance_after) "
    "VALUES (?, ?, ?, ?), (?, ?, ?, ?)"
)


def find_by_key(key: str) -> Row[Any] | None:
    """The transfer booked with this idempotency key: (id, request_fingerprint), or None."""
    return db.session.connection().execute(_BY_KEY, {"key": key}).first()


def insert_transfer(row: dict[str, Any], payer: tuple[int, int], payee: tuple[int, int]) -> int:
    """Insert a transfer and its two entries; `payer`, `payee`: (account id, balance after)."""
    connection = db.session.connection()
    transfer_id = int(connection.execute(_INSERT_TRANSFER, row).scalar_one())
    minutes = row["minutes"]
    connection.execute(
        _INSERT_ENTRY,
        [
            {"transfer_id": transfer_id, "account_id": account, "minutes": m, "balance_after": b}
            for (account, b), m in ((payer, -minutes), (payee, minutes))
        ],
    )
    return transfer_id


def set_balances(*balances: tuple[int, int]) -> None:
    """Store balances computed under lock: (account id, new balance) pairs."""
    db.session.connection().execute(
        _SET_BALANCE, [{"account_id": a, "new_balance": b} for a, b in balances]
    )


def move(connection: Connection, row: dict[str, Any]) -> int | None:
    """Move the minutes between the two sides named in `row` and book the transfer.

    Returns the transfer id, or None when not exactly both (open) accounts were found; the
    caller must then roll back. A limit breach or a used key raises IntegrityError.
    """
    if connection.dialect.name != "sqlite":
        transfer_id = connection.execute(_PG_MOVE, row).scalar()
        return None if transfer_id is None else int(transfer_id)
    # Straight to the driver's cursor, in the transaction `connection` began: through
    # SQLAlchemy each statement costs more than sqlite3 takes to run it. Its errors are
    # wrapped as SQLAlchemy would (a limit breach or used key is an IntegrityError all the
    # same); what this skips are only the engine's statement events and echo logging.
    statement: str = _SQLITE_MOVE
    params: Any = row
    cursor = connection.connection.cursor()
    try:
        moved = cursor.execute(statement, params).fetchall()  # (id, balance, is_payer)
        moved.sort(key=lambda r: -r[2])
        if [r[2] for r in moved] != [1, 0]:
            return None
        (payer, payer_balance, _), (payee, payee_balance, _) = moved
        created_at = _sqlite_datetime(connection.dialect)(row["created_at"])
        statement = _SQLITE_INSERT_TRANSFER
        params = row | {"payer_account_id": payer, "payee_account_id": payee}
        params["created_at"] = created_at
        ((transfer_id,),) = cursor.execute(statement, params).fetchall()
        minutes = row["minutes"]
        statement = _SQLITE_INSERT_ENTRIES
        params = (transfer_id, payer, -minutes, payer_balance)
        params += (transfer_id, payee, minutes, payee_balance)
        cursor.execute(statement, params)
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(
            statement, params, error, connection.dialect.loaded_dbapi.Error
        ) from error
    finally:
        cursor.close()
    return int(transfer_id)


@functools.cache
def _sqlite_datetime(dialect: Dialect) -> Callable[[Any], Any]:
    """How the model's `created_at` column stores a datetime on SQLite (driver SQL skips it)."""
    processor = _TRANSFER.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    assert processor is not None
    return processor
