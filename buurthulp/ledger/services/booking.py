"""The one write path of the ledger: lock, check, write, once.

Every movement of minutes, whatever its kind, ends here, inside `transaction()`:

- **lock and check in one statement**: `move_minutes` moves both balances with
  `balance = balance + delta` in a single UPDATE whose WHERE holds the limits, so the row
  locks are taken by the write itself and a breach simply moves nothing (on PostgreSQL the
  two rows are locked in id order first, so two transfers never deadlock). The CHECK on
  the balance in the database stays as the last guard;
- **write**: the transfer and both entries, with the balances the UPDATE returned;
- **once**: an idempotency key (unique in the database) makes every retry path book at most
  once: a retry's INSERT fails, and the first booking is returned instead.

When the UPDATE moves fewer than two accounts, the reason is looked up under lock and
worded for a person (`LimitExceeded` with the room left, a closed account, a missing one).
Settlement and reversal decide from the locked balance first (`lock`), then use the same
`move_minutes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, inspect
from sqlalchemy.exc import IntegrityError

from buurthulp.auth.models import Member
from buurthulp.db import in_transaction, transaction
from buurthulp.errors import BuurthulpError, Conflict, InvalidInput, LimitExceeded, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.services.accounts import ensure_member_account, ensure_pool
from buurthulp.ledger.services.cleaning import fingerprint
from buurthulp.ledger.services.sql import (
    BY_KEY,
    INSERT_ENTRIES,
    INSERT_TRANSFER,
    LOCK,
    MOVE,
    UNDO,
)
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood


@dataclass(frozen=True)
class Booking:
    """A booked transfer and whether this call booked it (False: a retry of an earlier call)."""

    transfer_id: int
    created: bool

    @property
    def transfer(self) -> Transfer:
        return db.session.get_one(Transfer, self.transfer_id)


@dataclass(frozen=True)
class Key:
    value: str
    fingerprint: str

    @classmethod
    def optional(cls, client_key: str | None, *payload: object) -> Key | None:
        """The key for a retried request, or None when the caller sent none."""
        return cls(client_key, fingerprint(*payload)) if client_key else None


def member_pk(member: Member) -> int:
    """A member's id without reloading an instance that a commit expired."""
    identity = inspect(member).identity
    return int(identity[0]) if identity else member.id


@dataclass(frozen=True)
class Side:
    """One end of a movement: a member's account, a neighbourhood's pool, or an account.

    Named by owner rather than account id, so a movement needs no lookup first.
    """

    member: Member | None = None
    member_id: int | None = None
    pool_of: int | None = None  # the neighbourhood whose pool this is
    account_id: int | None = None

    @classmethod
    def of_member(cls, member: Member) -> Side:
        return cls(member=member, member_id=member_pk(member))

    @classmethod
    def pool(cls, neighbourhood_id: int) -> Side:
        return cls(pool_of=neighbourhood_id)

    @classmethod
    def account(cls, account_id: int) -> Side:
        return cls(account_id=account_id)


@dataclass(frozen=True)
class Move:
    """Everything one movement books."""

    kind: str
    payer: Side
    payee: Side
    minutes: int
    actor_id: int
    on_behalf_of_id: int | None = None
    description: str = ""
    category: str | None = None
    key: Key | None = None
    reverses_id: int | None = None
    reason: str | None = None


# Lock: accounts read under row locks, in id order --------------------------------------------


@dataclass
class Locked:
    """An account row read under lock."""

    id: int
    kind: str
    member_id: int | None
    balance: int
    lower_limit: int | None
    upper_limit: int | None
    closed_at: datetime | None


@dataclass
class Locks:
    by_id: dict[int, Locked]

    def of_member(self, member_id: int) -> Locked:
        return next(a for a in self.by_id.values() if a.member_id == member_id)


def lock(*account_ids: int, members: tuple[Member, ...] = ()) -> Locks:
    """Lock accounts (by id, and those of `members`) in id order, so no two transactions
    deadlock; read their balances under the lock. Members' missing accounts are created.
    On SQLite the lock clause is dropped: `BEGIN IMMEDIATE` admits one writer at a time.
    """
    if not in_transaction():
        raise RuntimeError("lock() must run inside transaction()")
    member_ids = sorted({member_pk(m) for m in members})
    params = {"ids": sorted(set(account_ids)), "member_ids": member_ids}
    locked = {row.id: Locked(*row) for row in db.session.connection().execute(LOCK, params)}
    have = {a.member_id for a in locked.values()}
    if any(m not in have for m in member_ids):
        for member in members:
            if member_pk(member) not in have:
                ensure_member_account(member)
        rows = db.session.connection().execute(LOCK, params)
        locked = {row.id: Locked(*row) for row in rows}
    if len(locked) != len(set(account_ids)) + len(member_ids):
        raise NotFound(_("This account does not exist."))
    return Locks(locked)


# Check: the refusal, worded for a person --------------------------------------------------------


def _owner_name(account: Locked) -> str:
    if account.kind == "pool":
        return _("the solidarity pool")
    member = db.session.get(Member, account.member_id)
    return member.display_name if member else _("this member")


def check_limits(payer: Locked, payee: Locked, minutes: int, actor_id: int) -> None:
    """Raise the refusal a person can act on; return when the movement fits."""
    if payer.id == payee.id:
        raise InvalidInput(_("You cannot pay yourself."), field="to_member_id")
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


# Write -------------------------------------------------------------------------------------------


def _side_params(prefix: str, side: Side) -> dict[str, int | None]:
    return {
        f"{prefix}_account": side.account_id,
        f"{prefix}_member": side.member_id,
        f"{prefix}_pool": side.pool_of,
    }


def _is(side: Side, row: Any) -> bool:
    """Is this returned account row the account of `side`? (Decided here, not in SQL: an
    expression in SQLite's RETURNING clause does not see the bound parameters reliably.)"""
    if side.account_id is not None:
        return row.id == side.account_id
    if side.member_id is not None:
        return row.member_id == side.member_id
    return row.member_id is None and row.neighbourhood_id == side.pool_of


def move_minutes(connection: Connection, payer: Side, payee: Side, minutes: int) -> Any:
    """Move `minutes` from payer to payee if both accounts are open and within limits.

    Returns ((payer id, balance after), (payee id, balance after)), or None when not both
    moved; then nothing moved (a half move is undone in the same transaction).
    """
    params = {"minutes": minutes, **_side_params("payer", payer), **_side_params("payee", payee)}
    rows = connection.execute(MOVE[connection.dialect.name], params).all()
    paying = [r for r in rows if _is(payer, r)]
    paid = [r for r in rows if _is(payee, r)]
    if len(rows) == 2 and len(paying) == len(paid) == 1:
        return (int(paying[0].id), int(paying[0].balance)), (int(paid[0].id), int(paid[0].balance))
    for row in rows:  # one side moved and the other did not: put it back
        delta = -minutes if _is(payer, row) else minutes
        connection.execute(UNDO, {"delta": delta, "id": row.id})
    return None


def _refuse(move: Move) -> None:
    """Why did the move not fit? Create a missing account (and say so), or raise the reason."""
    pools = {
        side.pool_of: ensure_pool(db.session.get_one(Neighbourhood, side.pool_of)).id
        for side in (move.payer, move.payee)
        if side.pool_of is not None
    }
    accounts = [s.account_id for s in (move.payer, move.payee) if s.account_id is not None]
    members = tuple(s.member for s in (move.payer, move.payee) if s.member is not None)
    locks = lock(*pools.values(), *accounts, members=members)

    def locked(side: Side) -> Locked:
        if side.member_id is not None:
            return locks.of_member(side.member_id)
        if side.account_id is not None:
            return locks.by_id[side.account_id]
        return locks.by_id[pools[side.pool_of]]

    check_limits(locked(move.payer), locked(move.payee), move.minutes, move.actor_id)


def write(move: Move) -> int:
    """Book one transfer inside the caller's transaction; returns its id."""
    if not in_transaction():
        raise RuntimeError("write() must run inside transaction()")
    if move.payer == move.payee:
        raise InvalidInput(_("You cannot pay yourself."), field="to_member_id")
    connection = db.session.connection()
    moved = move_minutes(connection, move.payer, move.payee, move.minutes)
    if moved is None:
        try:
            _refuse(move)  # raises the reason, or created a missing account: try once more
        except BuurthulpError:
            # A retry of a booked request is answered with that booking, whatever the
            # balance is now (on PostgreSQL it may have committed while we waited).
            found = _find_by_key(move.key) if move.key is not None else None
            if found is not None:
                raise _AlreadyBooked(found) from None
            raise
        moved = move_minutes(connection, move.payer, move.payee, move.minutes)
        if moved is None:
            raise Conflict(_("This transfer could not be booked. Please try again."))
    (payer_id, payer_after), (payee_id, payee_after) = moved
    transfer_id = connection.execute(
        INSERT_TRANSFER,
        {
            "kind": move.kind,
            "payer_account_id": payer_id,
            "payee_account_id": payee_id,
            "minutes": move.minutes,
            "description": move.description,
            "category": move.category,
            "idempotency_key": move.key.value if move.key else None,
            "request_fingerprint": move.key.fingerprint if move.key else None,
            "reverses_transfer_id": move.reverses_id,
            "reason": move.reason,
            "entered_by_id": move.actor_id,
            "on_behalf_of_id": move.on_behalf_of_id,
            "created_at": utcnow(),
        },
    ).scalar_one()
    connection.execute(
        INSERT_ENTRIES,
        {
            "t": transfer_id,
            "payer": payer_id,
            "debit": -move.minutes,
            "payer_after": payer_after,
            "payee": payee_id,
            "minutes": move.minutes,
            "payee_after": payee_after,
        },
    )
    return int(transfer_id)


# Once ---------------------------------------------------------------------------------------------


class _AlreadyBooked(Exception):
    """Control flow: a request with the same key was booked before."""

    def __init__(self, transfer_id: int) -> None:
        self.transfer_id = transfer_id


def _find_by_key(key: Key) -> int | None:
    row = db.session.connection().execute(BY_KEY, {"key": key.value}).first()
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


def book(move: Move) -> Booking:
    """Book `move` in one transaction, at most once per key."""
    return once(move.key, lambda: write(move))


def once(key: Key | None, book_it: Callable[[], int]) -> Booking:
    """Run `book_it` in one transaction; with a key, at most once however often it is called.

    The unique key decides: a retry's INSERT fails, the transaction rolls back, and the first
    booking is returned. No lookup on the normal path, so a first request pays nothing extra.
    Inside a caller's transaction the booking runs in a savepoint, so a refusal or a lost
    race leaves the caller's own work intact.
    """
    nested = in_transaction()
    try:
        with transaction():
            if not nested:
                return Booking(book_it(), created=True)
            if key is not None:
                found = _find_by_key(key)
                if found is not None:
                    return Booking(found, created=False)
            with db.session.begin_nested():
                return Booking(book_it(), created=True)
    except _AlreadyBooked as replay:
        return Booking(replay.transfer_id, created=False)
    except IntegrityError:
        if key is None:
            raise
        with transaction():
            found = _find_by_key(key)
        if found is None:
            raise
        return Booking(found, created=False)
