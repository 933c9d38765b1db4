"""Row locks on accounts, always taken in id order, and the balances read under them.

Everything that decides from a balance (settle, reverse, a limit change, a booking the fast
path handed back) reads it here, under `SELECT ... FOR UPDATE ... ORDER BY id`: two writers
that lock in the same order can wait for each other but never deadlock. On SQLite the lock
clause is dropped; `BEGIN IMMEDIATE` in `transaction()` already admits one writer at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, inspect, or_, select

from buurthulp.auth.models import Member
from buurthulp.errors import NotFound
from buurthulp.extensions import db
from buurthulp.ledger.models import Account
from buurthulp.ledger.services.accounts import ensure_member_account


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


# Prebuilt: compiled once and cached, no per-call cache-key work.
_ACCOUNT = Account.__table__
_LOCK = (
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


def member_pk(member: Member) -> int:
    """A member's id without reloading an instance that a commit expired."""
    identity = inspect(member).identity
    return int(identity[0]) if identity else member.id


@dataclass
class Locks:
    by_id: dict[int, Locked]

    def of_member(self, member_id: int) -> Locked:
        return next(a for a in self.by_id.values() if a.member_id == member_id)


def lock(*account_ids: int, members: tuple[Member, ...] = ()) -> Locks:
    """Lock accounts (by id, and those of `members`) in id order, so no two transactions
    deadlock; read their balances under the lock. Members' missing accounts are created.
    """
    member_ids = sorted({member_pk(m) for m in members})
    params = {"ids": sorted(set(account_ids)), "member_ids": member_ids}
    locked = {row.id: Locked(*row) for row in db.session.connection().execute(_LOCK, params)}
    have = {a.member_id for a in locked.values()}
    if any(m not in have for m in member_ids):
        for member in members:
            if member_pk(member) not in have:
                ensure_member_account(member)
        rows = db.session.connection().execute(_LOCK, params)
        locked = {row.id: Locked(*row) for row in rows}
    if len(locked) != len(set(account_ids)) + len(member_ids):
        raise NotFound(_("This account does not exist."))
    return Locks(locked)
