"""The one way a write begins, commits and rolls back.

Every user action is one service call and one transaction: `with transaction():`. On SQLite
the transaction takes the write lock at its start (`BEGIN IMMEDIATE`), so two writers never
read the same balance and then both write; readers keep working thanks to WAL. On PostgreSQL
services lock the rows they change (`SELECT ... FOR UPDATE`). Nothing else commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from buurthulp.extensions import db

_sqlite_begin: ContextVar[str] = ContextVar("sqlite_begin", default="BEGIN")
_depth: ContextVar[int] = ContextVar("transaction_depth", default=0)
# The connection of the running `core_transaction()`: no other may begin meanwhile.
_core: ContextVar[Connection | None] = ContextVar("core_connection", default=None)
_SESSION_IN_CORE = "the session was used inside core_transaction()"

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    # FULL: a committed transfer survives a power cut, not only a process crash.
    "PRAGMA synchronous=FULL",
)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Hand transaction control to us and switch on the safety pragmas."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see _sqlite_on_begin
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: Any) -> None:
    """`BEGIN IMMEDIATE` inside `transaction()`, a plain deferred `BEGIN` for reads."""
    if _core.get() not in (None, conn):
        # Fail now rather than wait out busy_timeout for our own write lock (SQLite).
        raise RuntimeError(_SESSION_IN_CORE)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_sqlite_begin.get())


@contextmanager
def transaction() -> Iterator[Session]:
    """Run a block as one write transaction: commit on success, roll back on any error.

    A nested call joins the outer transaction, so services can call each other. A read
    snapshot left open by the request (loading the current user, say) is closed first: a
    writer must start from fresh data and, on SQLite, take the write lock before reading.
    """
    session = db.session()  # the real Session behind the scoped proxy
    depth = _depth.get()
    if depth:
        token = _depth.set(depth + 1)
        try:
            yield session
            session.flush()
        finally:
            _depth.reset(token)
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("unsaved changes outside a transaction(): services must own writes")
    if session.in_transaction():
        session.rollback()
    depth_token = _depth.set(1)
    begin_token = _sqlite_begin.set("BEGIN IMMEDIATE")
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        _sqlite_begin.reset(begin_token)
        _depth.reset(depth_token)


@contextmanager
def core_transaction() -> Iterator[Connection]:
    """`transaction()` for a block of Core SQL only: yields the connection to run it on.

    The same guarantees: one transaction, `BEGIN IMMEDIATE` on SQLite, commit or roll back as
    a whole, joining a caller's `transaction()`. Outside one, with the session bound to an
    Engine (production, the race and crash tests, the benchmark), the block runs on a pooled
    connection of its own rather than through the session, whose begin and commit cost more
    than a few statements do (bench/ledger.py). Otherwise -- nested, or the test suite's
    session bound to one Connection whose transaction each test rolls back -- it is plain
    `transaction()` on the session's connection, so nothing escapes the caller's transaction.

    The block must not use the session: that would be a second connection (on SQLite waiting
    for our own write lock). It is refused: any other connection beginning meanwhile raises.
    """
    session = db.session()
    engine = session.get_bind()
    if _depth.get() or not isinstance(engine, Engine):
        with transaction() as joined:
            yield joined.connection()
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("unsaved changes outside a transaction(): services must own writes")
    if session.in_transaction():
        session.rollback()  # as transaction() does: start from fresh data
    depth_token = _depth.set(1)
    begin_token = _sqlite_begin.set("BEGIN IMMEDIATE")
    try:
        with engine.begin() as connection:
            core_token = _core.set(connection)
            try:
                yield connection
            finally:
                _core.reset(core_token)
            if session.in_transaction():
                raise RuntimeError(_SESSION_IN_CORE)
    except BaseException:
        session.rollback()  # as transaction() does (a no-op when the session was not used)
        raise
    finally:
        _sqlite_begin.reset(begin_token)
        _depth.reset(depth_token)
    _expire_as_commit_does(session)


def _expire_as_commit_does(session: Session) -> None:
    """Leave the session as `session.commit()` would: no object holds data loaded before.

    Normally there is nothing to do: the session had no transaction, so its objects were
    expired when the last one ended, and loading (or `add`ing) any would have begun one,
    rolled back above. A safety net, far cheaper than expiring the whole identity map again
    (in the benchmark that alone costs more than the fast path's three statements).
    """
    if not session.expire_on_commit:
        return
    loaded = [state.obj() for state in session.identity_map.all_states() if not state.expired]
    for obj in loaded:
        if obj is not None:
            session.expire(obj)


def in_transaction() -> bool:
    """True inside `transaction()`: helpers that only flush can assert they are called there."""
    return _depth.get() > 0
