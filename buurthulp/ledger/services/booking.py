"""Booking a movement of minutes: at most once per key, on the fast path when all is well.

Two ways to write one set of rows (a transfer, its two entries, both cached balances):

- the fast path, `write`: moves both balances with `balance = balance + delta`, so the row
  locks are taken by the write itself and the database's CHECK on the balance refuses a
  breach; one statement on PostgreSQL, three on SQLite (`statements.move`), in a
  `core_transaction()`, which spares them the session's begin and commit. It commits only
  when both accounts exist and are open, the limits hold and the key is new;
- the general path, `write_locked`: lock both rows (`locking`), check in Python, write. It
  creates missing accounts and words every refusal for a person.

Whatever the fast path does not commit (a missing or closed account, a limit, a retried key,
a booking inside a caller's transaction) is rolled back and decided again by the general
path, so the outcome (booked rows, refusal and its message, replay of an earlier booking)
is the one the general path alone gives; the fast path only saves round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from buurthulp.auth.models import Member
from buurthulp.db import core_transaction, in_transaction, transaction
from buurthulp.errors import BuurthulpError, Conflict, InvalidInput, LimitExceeded
from buurthulp.extensions import db
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.services import statements
from buurthulp.ledger.services.accounts import ensure_pool
from buurthulp.ledger.services.cleaning import fingerprint
from buurthulp.ledger.services.locking import Locked, lock, member_pk
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood


@dataclass(frozen=True)
class Booking:
    """A booked transfer and whether this call booked it (False: a retry of an earlier call)."""

    transfer_id: int
    created: bool

    @property
    def transfer(self) -> Transfer:
        """The transfer itself, loaded when asked for (the hot path does not need it)."""
        return db.session.get_one(Transfer, self.transfer_id)


@dataclass(frozen=True)
class Key:
    value: str
    fingerprint: str

    @classmethod
    def optional(cls, client_key: str | None, *payload: object) -> Key | None:
        """The key for a retried request, or None when the caller sent none."""
        return cls(client_key, fingerprint(*payload)) if client_key else None


@dataclass(frozen=True)
class Side:
    """One end of a movement: a member's account, or a neighbourhood's solidarity pool.

    Named by owner rather than account id, so the fast path needs no lookup first.
    """

    member: Member | None = None
    member_id: int | None = None
    pool_of: int | None = None  # the neighbourhood whose pool this is

    @classmethod
    def of_member(cls, member: Member) -> Side:
        return cls(member=member, member_id=member_pk(member))

    @classmethod
    def pool(cls, neighbourhood_id: int) -> Side:
        return cls(pool_of=neighbourhood_id)


@dataclass(frozen=True)
class Move:
    """Everything a thank-you, match payment, donation or grant books."""

    kind: str
    payer: Side
    payee: Side
    minutes: int
    actor_id: int
    on_behalf_of_id: int | None = None
    description: str = ""
    category: str | None = None
    key: Key | None = None


class _AlreadyBooked(Exception):
    """Control flow: a racing request with the same key committed first."""

    def __init__(self, transfer_id: int) -> None:
        self.transfer_id = transfer_id


class _Unusual(Exception):
    """Control flow: the fast path found something only the general path may decide."""


def _transfer_row(
    *,
    kind: str,
    payer_id: int | None,
    payee_id: int | None,
    minutes: int,
    actor_id: int,
    on_behalf_of_id: int | None,
    description: str,
    category: str | None,
    key: Key | None,
    reverses_id: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "payer_account_id": payer_id,
        "payee_account_id": payee_id,
        "minutes": minutes,
        "description": description,
        "category": category,
        "idempotency_key": key.value if key else None,
        "request_fingerprint": key.fingerprint if key else None,
        "reverses_transfer_id": reverses_id,
        "reason": reason,
        "entered_by_id": actor_id,
        "on_behalf_of_id": on_behalf_of_id,
        "created_at": utcnow(),
    }


def write(connection: Connection, move: Move) -> int:
    """The fast path: move the minutes without reading first. Returns the transfer id.

    Runs on the connection of a `core_transaction()`. Raises `_Unusual` (or the database's
    IntegrityError) when the general path must decide; the transaction then rolls back
    whatever this wrote.
    """
    assert in_transaction(), "write() must run inside core_transaction()"
    row = _transfer_row(
        kind=move.kind,
        payer_id=None,
        payee_id=None,
        minutes=move.minutes,
        actor_id=move.actor_id,
        on_behalf_of_id=move.on_behalf_of_id,
        description=move.description,
        category=move.category,
        key=move.key,
    )
    transfer_id = statements.move(
        connection,
        row
        | {
            "payer_member": move.payer.member_id,
            "payer_pool": move.payer.pool_of,
            "payee_member": move.payee.member_id,
            "payee_pool": move.payee.pool_of,
        },
    )
    if transfer_id is None:
        raise _Unusual
    return transfer_id


# The general path ----------------------------------------------------------------------------


def _find_by_key(key: Key) -> int | None:
    row = statements.find_by_key(key.value)
    if row is None:
        return None
    if row.request_fingerprint != key.fingerprint:
        raise Conflict(
            _(
                "This Idempotency-Key was already used for a different transfer. "
                "Use a new key for a new transfer."
            ),
            code="idempotency_key_reused",
        )
    return int(row.id)


def _owner_name(account: Locked) -> str:
    if account.kind == "pool":
        return _("the solidarity pool")
    member = db.session.get(Member, account.member_id)
    return member.display_name if member else _("this member")


def _check_limits(payer: Locked, payee: Locked, minutes: int, actor_id: int) -> None:
    if payer.closed_at is not None or payee.closed_at is not None:
        raise Conflict(_("This account is closed: it was settled when the member left."))
    if payer.lower_limit is not None and payer.balance - minutes < payer.lower_limit:
        room = max(payer.balance - payer.lower_limit, 0)
        if payer.member_id == actor_id:
            message = _(
                "You do not have enough time credit for this. Your balance may not go "
                "below %(limit)s minutes, so you can pay at most %(room)s minutes now.",
                limit=payer.lower_limit,
                room=room,
            )
        else:
            message = _(
                "%(name)s does not have enough time credit for this. Their balance may "
                "not go below %(limit)s minutes, so at most %(room)s minutes fit now.",
                name=_owner_name(payer),
                limit=payer.lower_limit,
                room=room,
            )
        raise LimitExceeded(message, field="minutes")
    if payee.upper_limit is not None and payee.balance + minutes > payee.upper_limit:
        if payee.member_id == actor_id:
            message = _(
                "Your balance would go above your limit of %(limit)s minutes. "
                "Ask for help too, or give some time to the pool.",
                limit=payee.upper_limit,
            )
        else:
            message = _(
                "%(name)s cannot receive this much right now: their balance would go "
                "above its limit. Give fewer minutes, or give to the solidarity pool.",
                name=_owner_name(payee),
            )
        raise LimitExceeded(message, field="minutes")


def write_locked(
    *,
    kind: str,
    payer: Locked,
    payee: Locked,
    minutes: int,
    actor_id: int,
    on_behalf_of_id: int | None = None,
    description: str = "",
    category: str | None = None,
    key: Key | None = None,
    reverses_id: int | None = None,
    reason: str | None = None,
) -> int:
    """Write one transfer, its two entries and both balances on accounts locked by `lock`.

    Returns the transfer's id; the caller's transaction commits.
    """
    assert in_transaction(), "write_locked() must run inside transaction()"
    if payer.id == payee.id:
        raise InvalidInput(_("You cannot pay yourself."), field="to_member_id")
    try:
        _check_limits(payer, payee, minutes, actor_id)
    except BuurthulpError:
        # A retry of a booked request is answered with that booking, whatever the balance
        # is now (on PostgreSQL it may have committed while we waited for the lock).
        found = _find_by_key(key) if key is not None else None
        if found is not None:
            raise _AlreadyBooked(found) from None
        raise
    payer.balance -= minutes
    payee.balance += minutes
    row = _transfer_row(
        kind=kind,
        payer_id=payer.id,
        payee_id=payee.id,
        minutes=minutes,
        actor_id=actor_id,
        on_behalf_of_id=on_behalf_of_id,
        description=description,
        category=category,
        key=key,
        reverses_id=reverses_id,
        reason=reason,
    )
    transfer_id = statements.insert_transfer(
        row, (payer.id, payer.balance), (payee.id, payee.balance)
    )
    statements.set_balances((payer.id, payer.balance), (payee.id, payee.balance))
    return transfer_id


def _write_general(move: Move) -> int:
    """Resolve both sides to accounts (creating missing ones), lock them, check, write."""
    pools = {
        side.pool_of: ensure_pool(db.session.get_one(Neighbourhood, side.pool_of)).id
        for side in (move.payer, move.payee)
        if side.member is None
    }
    members = tuple(side.member for side in (move.payer, move.payee) if side.member is not None)
    locks = lock(*pools.values(), members=members)

    def account(side: Side) -> Locked:
        if side.member_id is not None:
            return locks.of_member(side.member_id)
        return locks.by_id[pools[side.pool_of]]

    return write_locked(
        kind=move.kind,
        payer=account(move.payer),
        payee=account(move.payee),
        minutes=move.minutes,
        actor_id=move.actor_id,
        on_behalf_of_id=move.on_behalf_of_id,
        description=move.description,
        category=move.category,
        key=move.key,
    )


# At most once ----------------------------------------------------------------------------------


def book(move: Move) -> Booking:
    """Book `move` in one transaction, at most once per key: fast path first, when it may.

    Inside a caller's transaction only the general path runs: a refused fast statement
    would abort the caller's work on PostgreSQL.
    """
    if not in_transaction():
        try:
            with core_transaction() as connection:
                return Booking(write(connection, move), created=True)
        except (_Unusual, IntegrityError):
            pass  # rolled back; the general path decides, with the exact message
    return once(move.key, lambda: _write_general(move))


def once(key: Key | None, book: Callable[[], int]) -> Booking:
    """Run `book` in one transaction; with a key, at most once however often it is called.

    The unique key decides: a retry's INSERT fails, the transaction rolls back, and the first
    booking is returned. No lookup on the normal path, so a first request pays nothing extra.
    """
    nested = in_transaction()
    try:
        with transaction():
            if key is not None and nested:
                found = _find_by_key(key)
                if found is not None:
                    return Booking(found, created=False)
            if nested and key is not None:
                # Inside a caller's transaction a lost race must not poison it: savepoint.
                with db.session.begin_nested():
                    return Booking(book(), created=True)
            return Booking(book(), created=True)
    except _AlreadyBooked as replay:
        return Booking(replay.transfer_id, created=False)
    except IntegrityError:
        if key is None:
            raise
        found = _find_by_key(key)
        if found is None:
            raise
        return Booking(found, created=False)
