"""The one way a write begins, commits and rolls back.

Every user action is one service call and one transaction: `with transaction():`. On SQLite
the transaction takes the write lock at its start (`BEGIN IMMEDIATE`), so two writers never
read the same balance and then both write; readers keep working thanks to WAL. On PostgreSQL
services lock the rows they change (`SELECT ... FOR UPDATE`, or an `UPDATE` that takes the
lock itself). Nothing else commits.

What must happen only once the data is safe (delivering the mail a change caused) is
registered with `after_commit()` and runs after the outermost commit; a rollback drops it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import ARRAY, Integer, any_, bindparam, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from buurthulp.extensions import db

log = logging.getLogger(__name__)

_sqlite_begin: ContextVar[str] = ContextVar("sqlite_begin", default="BEGIN")
_depth: ContextVar[int] = ContextVar("transaction_depth", default=0)
_AFTER_COMMIT = "buurthulp_after_commit"
_BATCHES = "buurthulp_after_commit_batches"

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    # FULL: a committed transfer survives a power cut, not only a process crash.
    "PRAGMA synchronous=FULL",
    # Erasure must leave no erased text in the file: deleted content is overwritten with
    # zeros, and the write-ahead log is cut back to nothing each time it starts over.
    "PRAGMA secure_delete=ON",
    "PRAGMA journal_size_limit=0",
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
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_sqlite_begin.get())


@contextmanager
def transaction(*, keep_loaded: bool = False) -> Iterator[Session]:
    """Run a block as one write transaction: commit on success, roll back on any error.

    A nested call joins the outer transaction, so services can call each other. A read
    snapshot left open by the request (loading the current user, say) is closed first: a
    writer must start from fresh data and, on SQLite, take the write lock before reading.

    `keep_loaded=True` is for a write that changes no loaded object (an access-log row
    written while a page is read): the commit leaves what the page already loaded as it is,
    instead of expiring it and loading it all again.
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
        if keep_loaded:
            _commit_keeping_loaded(session)  # nothing is pending (checked above): a read ends
        else:
            session.rollback()
    session.info.pop(_AFTER_COMMIT, None)
    session.info.pop(_BATCHES, None)
    depth_token = _depth.set(1)
    begin_token = _sqlite_begin.set("BEGIN IMMEDIATE")
    committed = False
    try:
        yield session
        if keep_loaded:
            _commit_keeping_loaded(session)
        else:
            session.commit()
        committed = True
    except BaseException:
        session.rollback()
        raise
    finally:
        _sqlite_begin.reset(begin_token)
        _depth.reset(depth_token)
        callbacks = session.info.pop(_AFTER_COMMIT, [])
        session.info.pop(_BATCHES, None)
    if committed:
        _run_after_commit(callbacks)


def _commit_keeping_loaded(session: Session) -> None:
    before = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = before


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the outermost transaction has committed (never on rollback).

    For work outside the database that a change causes: it must not hold the write lock,
    and its failure must not undo the change (the outbox keeps the row and retries).
    """
    if not in_transaction():
        raise RuntimeError("after_commit() outside a transaction()")
    db.session().info.setdefault(_AFTER_COMMIT, []).append(callback)


def after_commit_batch(key: str, run: Callable[[list[Any]], object]) -> list[Any]:
    """This transaction's list under `key`: what is appended to it is handed to `run` in one
    call after the outermost commit (never on rollback). For work done per row that is
    cheaper done once for all rows of a commit (delivering the mails it queued)."""
    batches: dict[str, list[Any]] = db.session().info.setdefault(_BATCHES, {})
    if key not in batches:
        batch: list[Any] = []
        batches[key] = batch
        after_commit(lambda: run(batch))
    return batches[key]


def _run_after_commit(callbacks: list[Callable[[], object]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the change is committed; what follows is retried later
            log.exception("after-commit work failed; it will be retried")


def in_transaction() -> bool:
    """True inside `transaction()`: helpers that only flush can assert they are called there."""
    return _depth.get() > 0


def id_in(column: Any, ids: Collection[int]) -> Any:
    """`column IN ids` with all the ids as one parameter (a JSON array on SQLite, an array
    on PostgreSQL): hundreds of ids cost one bound value instead of hundreds, both to build
    in SQLAlchemy and to plan in the database."""
    values = sorted({int(i) for i in ids})
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", values, type_=ARRAY(Integer), unique=True))
    found = text("SELECT value FROM json_each(:ids)").bindparams(
        bindparam("ids", json.dumps(values), unique=True)
    )
    return column.in_(found)
