"""Time bank rules: every movement of minutes is one call, one transaction, two entries.

How a movement stays correct under races: inside `transaction()` the two accounts are locked
(PostgreSQL `SELECT ... FOR UPDATE` in id order; SQLite's `BEGIN IMMEDIATE` already lets one
writer in at a time), the limits are checked against the locked balances, and the transfer,
its two entries and the cached balances are written together. A retry carries the same
idempotency key; the unique constraint on it decides the race, and the loser returns the
winner's transfer. Services never read the request: the acting member comes in as `actor`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, inspect, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import has_permission, scoped_neighbourhood_ids
from buurthulp.auth.roles import Permission
from buurthulp.db import in_transaction, transaction
from buurthulp.errors import (
    BuurthulpError,
    Conflict,
    InvalidInput,
    LimitExceeded,
    NotAllowed,
    NotFound,
)
from buurthulp.extensions import db
from buurthulp.ledger.models import Account, Entry, LimitChange, Transfer
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import (
    DEFAULT_LOWER_LIMIT,
    DEFAULT_UPPER_LIMIT,
    Neighbourhood,
)
from buurthulp.privacy.services import log_access

MAX_TRANSFER_MINUTES = 10_000
LIMIT_BOUND = 100_000
TEXT_MAX = 500
KEY_MAX = 100
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
_CATEGORY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Booking:
    """A booked transfer and whether this call booked it (False: a retry of an earlier call)."""

    transfer_id: int
    created: bool

    @property
    def transfer(self) -> Transfer:
        """The transfer itself, loaded when asked for (the hot path does not need it)."""
        return db.session.get_one(Transfer, self.transfer_id)


# Cleaning ---------------------------------------------------------------------------------


def clean_minutes(value: object, field: str = "minutes") -> int:
    """Whole minutes, 1 to 10,000 per transfer."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("Give the time as a whole number of minutes."), field=field)
    if value < 1:
        raise InvalidInput(_("Give at least 1 minute."), field=field)
    if value > MAX_TRANSFER_MINUTES:
        raise InvalidInput(
            _("One transfer can be at most %(n)s minutes.", n=MAX_TRANSFER_MINUTES), field=field
        )
    return value


def clean_text(value: object, *, field: str, required: bool, empty_message: str = "") -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise InvalidInput(_("This must be text."), field=field)
    if required and not text:
        raise InvalidInput(empty_message or _("Please fill this in."), field=field)
    if len(text) > TEXT_MAX:
        raise InvalidInput(_("Use at most %(n)s characters.", n=TEXT_MAX), field=field)
    if _CONTROL.search(text):
        raise InvalidInput(_("This text contains characters we cannot use."), field=field)
    return text


def clean_category(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _CATEGORY.fullmatch(value):
        raise InvalidInput(_("This category is not known."), field="category")
    return value


def clean_client_key(value: object) -> str:
    """An Idempotency-Key as clients send it: 1 to 100 printable ASCII characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= KEY_MAX:
        raise InvalidInput(
            _("Send an Idempotency-Key header of 1 to %(n)s characters.", n=KEY_MAX),
            field="Idempotency-Key",
            code="bad_idempotency_key",
        )
    if not all(" " <= c <= "~" for c in value):
        raise InvalidInput(
            _("The Idempotency-Key may only contain printable ASCII characters."),
            field="Idempotency-Key",
            code="bad_idempotency_key",
        )
    return value


def scoped_key(channel: str, actor: Member, client_key: str) -> str:
    """One namespace per channel and sender, so two members' keys never collide."""
    return f"{channel}:{actor.id}:{clean_client_key(client_key)}"


def is_id(value: object) -> bool:
    """A database id: an int (not a bool) that fits in a 32-bit integer column."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


# Accounts ---------------------------------------------------------------------------------


def _new_member_account(member: Member) -> Account:
    hood = member.neighbourhood
    account = Account(
        kind="member",
        member_id=member.id,
        neighbourhood_id=member.neighbourhood_id,
        lower_limit=hood.default_lower_limit if hood else DEFAULT_LOWER_LIMIT,
        upper_limit=hood.default_upper_limit if hood else DEFAULT_UPPER_LIMIT,
    )
    db.session.add(account)
    db.session.flush()
    return account


def ensure_member_account(member: Member) -> Account:
    """The member's account, created with the neighbourhood's default limits (only flushes)."""
    found = db.session.scalar(select(Account).where(Account.member_id == member.id))
    return found or _new_member_account(member)


def ensure_pool(neighbourhood: Neighbourhood) -> Account:
    """The neighbourhood's solidarity pool, created when missing (only flushes)."""
    found = db.session.scalar(
        select(Account).where(Account.kind == "pool", Account.neighbourhood_id == neighbourhood.id)
    )
    if found is not None:
        return found
    pool = Account(kind="pool", neighbourhood_id=neighbourhood.id)
    db.session.add(pool)
    db.session.flush()
    return pool


def follow_move(member: Member) -> None:
    """A member moved: their account follows them; limits stay as a coordinator set them."""
    account = db.session.scalar(select(Account).where(Account.member_id == member.id))
    if account is not None:
        account.neighbourhood_id = member.neighbourhood_id
        db.session.flush()


def account_of(member: Member) -> Account | None:
    return db.session.scalar(select(Account).where(Account.member_id == member.id))


def pool_of(neighbourhood_id: int) -> Account | None:
    return db.session.scalar(
        select(Account).where(Account.kind == "pool", Account.neighbourhood_id == neighbourhood_id)
    )


def balance_minutes(member: Member) -> int:
    """The member's balance in minutes; 0 before they have an account."""
    value = db.session.scalar(select(Account.balance).where(Account.member_id == member.id))
    return int(value or 0)


def warning_for(account: Account | None) -> str | None:
    """A friendly nudge once a member's balance passes 80% of either limit."""
    if account is None or account.kind != "member":
        return None
    lower, upper, balance = account.lower_limit or 0, account.upper_limit or 0, account.balance
    if lower < 0 and balance * 5 <= lower * 4:
        return _("You have received a lot of help. Maybe you can offer something?")
    if upper > 0 and balance * 5 >= upper * 4:
        return _("You have given a lot. Ask for help too, or give some to the pool.")
    return None


# Locks and the one place a transfer is written --------------------------------------------
#
# The hot path (lock, check, write) uses plain rows and Core statements: the ORM's unit of
# work costs more than the database does for this shape of work (see bench/ledger.py).


@dataclass
class _Locked:
    """An account row read under lock."""

    id: int
    kind: str
    member_id: int | None
    balance: int
    lower_limit: int | None
    upper_limit: int | None
    closed_at: datetime | None


# Prebuilt Core statements: compiled once, cached, no per-call cache-key work.
_ACCOUNT, _TRANSFER, _ENTRY = Account.__table__, Transfer.__table__, Entry.__table__
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


class _AlreadyBooked(Exception):
    """Control flow: a racing request with the same key committed first."""

    def __init__(self, transfer_id: int) -> None:
        self.transfer_id = transfer_id


@dataclass(frozen=True)
class _Key:
    value: str
    fingerprint: str


def _pk(member: Member) -> int:
    """A member's id without reloading an instance that a commit expired."""
    identity = inspect(member).identity
    return int(identity[0]) if identity else member.id


def _find_by_key(key: _Key) -> int | None:
    row = db.session.connection().execute(_BY_KEY, {"key": key.value}).first()
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


@dataclass
class _Locks:
    by_id: dict[int, _Locked]

    def of_member(self, member_id: int) -> _Locked:
        return next(a for a in self.by_id.values() if a.member_id == member_id)


def _lock(*account_ids: int, members: tuple[Member, ...] = (), key: _Key | None = None) -> _Locks:
    """Lock accounts (by id, and those of `members`) in id order, so no two transactions
    deadlock; read their balances under the lock. Members' missing accounts are created.
    """
    member_ids = sorted({_pk(m) for m in members})
    params = {"ids": sorted(set(account_ids)), "member_ids": member_ids}
    locked = {row.id: _Locked(*row) for row in db.session.connection().execute(_LOCK, params)}
    have = {a.member_id for a in locked.values()}
    if any(m not in have for m in member_ids):
        for member in members:
            if _pk(member) not in have:
                ensure_member_account(member)
        rows = db.session.connection().execute(_LOCK, params)
        locked = {row.id: _Locked(*row) for row in rows}
    if len(locked) != len(set(account_ids)) + len(member_ids):
        raise NotFound(_("This account does not exist."))
    return _Locks(locked)


def _owner_name(account: _Locked) -> str:
    if account.kind == "pool":
        return _("the solidarity pool")
    member = db.session.get(Member, account.member_id)
    return member.display_name if member else _("this member")


def _check_limits(payer: _Locked, payee: _Locked, minutes: int, actor_id: int) -> None:
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


def _book(
    *,
    kind: str,
    payer: _Locked,
    payee: _Locked,
    minutes: int,
    actor_id: int,
    on_behalf_of_id: int | None = None,
    description: str = "",
    category: str | None = None,
    key: _Key | None = None,
    reverses_id: int | None = None,
    reason: str | None = None,
) -> int:
    """Write one transfer, its two entries and both balances on locked accounts.

    The only place a transfer is written. Returns its id; the caller's transaction commits.
    """
    assert in_transaction(), "_book must run inside transaction()"
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
    connection = db.session.connection()
    transfer_id = connection.execute(
        _INSERT_TRANSFER,
        {
            "kind": kind,
            "payer_account_id": payer.id,
            "payee_account_id": payee.id,
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
        },
    ).scalar_one()
    connection.execute(
        _INSERT_ENTRY,
        [
            {
                "transfer_id": transfer_id,
                "account_id": payer.id,
                "minutes": -minutes,
                "balance_after": payer.balance,
            },
            {
                "transfer_id": transfer_id,
                "account_id": payee.id,
                "minutes": minutes,
                "balance_after": payee.balance,
            },
        ],
    )
    connection.execute(
        _SET_BALANCE,
        [
            {"account_id": payer.id, "new_balance": payer.balance},
            {"account_id": payee.id, "new_balance": payee.balance},
        ],
    )
    return int(transfer_id)


def _once(key: _Key | None, book: Callable[[], int]) -> Booking:
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


# Who may act ------------------------------------------------------------------------------


def _may(actor: Member, permission: Permission, neighbourhood_id: int | None) -> bool:
    """`actor` holds `permission` for this neighbourhood (no neighbourhood: global staff only)."""
    if not has_permission(actor, permission):
        return False
    scope = scoped_neighbourhood_ids(actor, permission)
    return scope is None or (neighbourhood_id is not None and neighbourhood_id in scope)


def _not_found_member() -> NotFound:
    return NotFound(_("We could not find this member."), field="to_member_id")


def _acting_for(actor: Member, member: Member) -> Member | None:
    """None when `actor` acts for themselves; `member` when a coordinator acts for them."""
    if actor.id == member.id:
        if not has_permission(actor, Permission.LEDGER_OWN_TRANSFER):
            raise NotAllowed(_("Your account cannot make transfers right now."))
        return None
    if not _may(actor, Permission.LEDGER_PROXY_ACT, member.neighbourhood_id):
        raise _not_found_member()
    if member.status != "active":
        raise Conflict(_("This member's account is not active."))
    return member


def _active_member_or_404(member_id: object) -> Member:
    if not is_id(member_id):
        raise _not_found_member()
    member = db.session.get(Member, member_id)
    if member is None or member.status != "active":
        raise _not_found_member()
    return member


def staff_member_or_404(member_id: object, actor: Member, permission: Permission) -> Member:
    """A member whose ledger `actor` may handle with `permission`; 404 outside their scope."""
    if not has_permission(actor, permission):
        raise NotAllowed(_("This is for coordinators only."))
    if not is_id(member_id):
        raise _not_found_member()
    member = db.session.get(Member, member_id)
    if member is None or not _may(actor, permission, member.neighbourhood_id):
        raise _not_found_member()
    return member


def _pool_for_staff(
    neighbourhood_id: object, actor: Member, permission: Permission
) -> Neighbourhood:
    """Neighbourhoods are public; acting on another one's pool is a 403, not a 404."""
    hood = db.session.get(Neighbourhood, neighbourhood_id) if is_id(neighbourhood_id) else None
    if hood is None:
        raise NotFound(_("This neighbourhood does not exist."))
    if not _may(actor, permission, hood.id):
        raise NotAllowed(_("You are not a coordinator of this neighbourhood."))
    return hood


# Movements --------------------------------------------------------------------------------


def thank(
    *,
    payer: Member,
    to_member_id: object,
    minutes: object,
    description: object,
    actor: Member,
    idempotency_key: str | None = None,
    category: object = None,
) -> Booking:
    """A direct thank-you transfer to a member of the same neighbourhood."""
    amount = clean_minutes(minutes)
    text = clean_text(
        description,
        field="description",
        required=True,
        empty_message=_("Write a few words about what the time was for."),
    )
    cat = clean_category(category)
    on_behalf_of = _acting_for(actor, payer)
    if is_id(to_member_id) and to_member_id == payer.id:
        raise InvalidInput(_("You cannot pay yourself."), field="to_member_id")
    payee = _active_member_or_404(to_member_id)
    if payer.neighbourhood_id is None or payee.neighbourhood_id != payer.neighbourhood_id:
        raise _not_found_member()
    key = None
    if idempotency_key:
        key = _Key(idempotency_key, _fingerprint("thanks", payer.id, payee.id, amount, text, cat))
    actor_id, behalf_id = actor.id, on_behalf_of.id if on_behalf_of else None

    def book() -> int:
        locks = _lock(members=(payer, payee))
        return _book(
            kind="thanks",
            payer=locks.of_member(payer.id),
            payee=locks.of_member(payee.id),
            minutes=amount,
            actor_id=actor_id,
            on_behalf_of_id=behalf_id,
            description=text,
            category=cat,
            key=key,
        )

    return _once(key, book)


def book_match_payment(
    match_id: int,
    payer: Member,
    payee: Member,
    minutes: object,
    category: object,
    actor: Member,
    on_behalf_of: Member | None = None,
    description: str = "",
) -> Booking:
    """The helped party pays the helper for a confirmed match: exactly once per match id.

    The marketplace's confirm step calls this (inside its own transaction or not); a second
    confirm, sequential or racing, returns the first booking with `created=False`.
    """
    if not is_id(match_id):
        raise InvalidInput(_("This match does not exist."), field="match_id")
    amount = clean_minutes(minutes)
    cat = clean_category(category)
    text = clean_text(description, field="description", required=False)
    payer_id, payee_id, actor_id = _pk(payer), _pk(payee), _pk(actor)
    if payer_id == payee_id:
        raise InvalidInput(_("You cannot pay yourself."), field="to_member_id")
    if actor_id not in (payer_id, payee_id) and not _may(
        actor, Permission.LEDGER_PROXY_ACT, (on_behalf_of or payer).neighbourhood_id
    ):
        raise NotAllowed(_("Only the two people in this match or their coordinator can confirm."))
    key = _Key(f"match:{match_id}", _fingerprint("match", match_id, payer_id, payee_id, amount))
    behalf_id = _pk(on_behalf_of) if on_behalf_of else None

    def book() -> int:
        locks = _lock(members=(payer, payee))
        return _book(
            kind="match",
            payer=locks.of_member(payer_id),
            payee=locks.of_member(payee_id),
            minutes=amount,
            actor_id=actor_id,
            on_behalf_of_id=behalf_id,
            description=text or _("Match %(id)s", id=match_id),
            category=cat,
            key=key,
        )

    return _once(key, book)


def donate(
    *,
    payer: Member,
    minutes: object,
    description: object = "",
    actor: Member,
    idempotency_key: str | None = None,
) -> Booking:
    """Give minutes to the solidarity pool of the member's neighbourhood."""
    amount = clean_minutes(minutes)
    text = clean_text(description, field="description", required=False)
    on_behalf_of = _acting_for(actor, payer)
    if payer.neighbourhood_id is None:
        raise InvalidInput(
            _("You are not part of a neighbourhood, so there is no pool to give to.")
        )
    key = None
    if idempotency_key:
        key = _Key(idempotency_key, _fingerprint("donation", payer.id, amount, text))
    actor_id, behalf_id = actor.id, on_behalf_of.id if on_behalf_of else None
    hood_id = payer.neighbourhood_id

    def book() -> int:
        pool_id = ensure_pool(db.session.get_one(Neighbourhood, hood_id)).id
        locks = _lock(pool_id, members=(payer,))
        return _book(
            kind="donation",
            payer=locks.of_member(payer.id),
            payee=locks.by_id[pool_id],
            minutes=amount,
            actor_id=actor_id,
            on_behalf_of_id=behalf_id,
            description=text or _("Gift to the solidarity pool"),
            key=key,
        )

    return _once(key, book)


def grant(
    *,
    neighbourhood_id: object,
    to_member_id: object,
    minutes: object,
    description: object,
    actor: Member,
    category: object = None,
    idempotency_key: str | None = None,
) -> Booking:
    """A coordinator pays a member from the pool, e.g. the helper of someone who cannot."""
    hood = _pool_for_staff(neighbourhood_id, actor, Permission.LEDGER_POOL_GRANT)
    amount = clean_minutes(minutes)
    text = clean_text(
        description,
        field="description",
        required=True,
        empty_message=_("Write what the grant is for."),
    )
    cat = clean_category(category)
    payee = _active_member_or_404(to_member_id)
    if payee.neighbourhood_id != hood.id:
        raise _not_found_member()
    key = None
    if idempotency_key:
        key = _Key(idempotency_key, _fingerprint("grant", hood.id, payee.id, amount, text, cat))
    actor_id = actor.id

    def book() -> int:
        pool_id = ensure_pool(hood).id
        locks = _lock(pool_id, members=(payee,))
        return _book(
            kind="grant",
            payer=locks.by_id[pool_id],
            payee=locks.of_member(payee.id),
            minutes=amount,
            actor_id=actor_id,
            description=text,
            category=cat,
            key=key,
        )

    return _once(key, book)


def _set_closed(account_ids: tuple[int, ...], closed_at: datetime | None) -> None:
    db.session.execute(
        update(Account)
        .where(Account.id.in_(account_ids))
        .values(closed_at=closed_at)
        .execution_options(synchronize_session=False)
    )


def settle(*, member_id: object, actor: Member, reason: object) -> Transfer | None:
    """Close a leaving member's account: a debt is written off against the pool, credit
    goes to it. Returns the settling transfer, or None when the balance was already 0."""
    member = staff_member_or_404(member_id, actor, Permission.LEDGER_ACCOUNT_SETTLE)
    why = clean_text(
        reason, field="reason", required=True, empty_message=_("Write why the account is settled.")
    )
    if member.neighbourhood_id is None:
        raise InvalidInput(
            _("This member has no neighbourhood, so there is no pool to settle with.")
        )
    actor_id, name, hood_id = actor.id, member.display_name, member.neighbourhood_id
    with transaction():
        pool_id = ensure_pool(db.session.get_one(Neighbourhood, hood_id)).id
        locks = _lock(pool_id, members=(member,))
        account, pool = locks.of_member(member.id), locks.by_id[pool_id]
        if account.closed_at is not None:
            raise Conflict(_("This account is already settled."))
        transfer_id = None
        if account.balance:
            payer, payee = (account, pool) if account.balance > 0 else (pool, account)
            transfer_id = _book(
                kind="settlement",
                payer=payer,
                payee=payee,
                minutes=abs(account.balance),
                actor_id=actor_id,
                description=_("Settlement: %(name)s leaves", name=name),
                reason=why,
            )
        _set_closed((account.id,), utcnow())
    return db.session.get_one(Transfer, transfer_id) if transfer_id else None


def reverse(*, transfer_id: object, actor: Member, reason: object) -> Transfer:
    """Undo a transfer by a new one the other way, linked to it. At most once; limits apply.

    Reversing a settlement reopens the member's account.
    """
    original = staff_transfer_or_404(transfer_id, actor, Permission.LEDGER_TRANSFER_REVERSE)
    why = clean_text(
        reason,
        field="reason",
        required=True,
        empty_message=_("Write why this transfer is reversed."),
    )
    if original.kind == "reversal":
        raise Conflict(_("A reversal cannot be reversed. Book a new transfer instead."))
    actor_id = actor.id
    orig_id, orig_kind, minutes, category = (
        original.id,
        original.kind,
        original.minutes,
        original.category,
    )
    from_id, to_id = original.payee_account_id, original.payer_account_id
    try:
        with transaction():
            locks = _lock(from_id, to_id)
            already = db.session.scalar(
                select(Transfer.id).where(Transfer.reverses_transfer_id == orig_id)
            )
            if already is not None:
                raise Conflict(_("This transfer was already reversed."))
            payer, payee = locks.by_id[from_id], locks.by_id[to_id]
            if orig_kind == "settlement":
                _set_closed((from_id, to_id), None)
                payer.closed_at = payee.closed_at = None
            new_id = _book(
                kind="reversal",
                payer=payer,
                payee=payee,
                minutes=minutes,
                actor_id=actor_id,
                description=_("Reversal of transfer %(id)s", id=orig_id),
                category=category,
                reverses_id=orig_id,
                reason=why,
            )
    except IntegrityError:
        raise Conflict(_("This transfer was already reversed.")) from None
    return db.session.get_one(Transfer, new_id)


def change_limits(
    *, member_id: object, lower: object, upper: object, actor: Member, reason: object
) -> Account:
    """Set a member's limits; logged with who, when and why. The balance must already fit."""
    member = staff_member_or_404(member_id, actor, Permission.LEDGER_LIMIT_CHANGE)
    for value, field in ((lower, "lower_limit"), (upper, "upper_limit")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(_("Give the limit as a whole number of minutes."), field=field)
    assert isinstance(lower, int) and isinstance(upper, int)
    if not -LIMIT_BOUND <= lower <= 0:
        raise InvalidInput(
            _("The lower limit must be between %(n)s and 0 minutes.", n=-LIMIT_BOUND),
            field="lower_limit",
        )
    if not 0 <= upper <= LIMIT_BOUND:
        raise InvalidInput(
            _("The upper limit must be between 0 and %(n)s minutes.", n=LIMIT_BOUND),
            field="upper_limit",
        )
    why = clean_text(
        reason, field="reason", required=True, empty_message=_("Write why the limits change.")
    )
    actor_id = actor.id
    with transaction():
        account = _lock(members=(member,)).of_member(member.id)
        if account.balance < lower:
            raise InvalidInput(
                _(
                    "The balance (%(b)s minutes) is already below this lower limit.",
                    b=account.balance,
                ),
                field="lower_limit",
            )
        if account.balance > upper:
            raise InvalidInput(
                _(
                    "The balance (%(b)s minutes) is already above this upper limit.",
                    b=account.balance,
                ),
                field="upper_limit",
            )
        db.session.add(
            LimitChange(
                account_id=account.id,
                old_lower=account.lower_limit,
                old_upper=account.upper_limit,
                new_lower=lower,
                new_upper=upper,
                changed_by_id=actor_id,
                reason=why,
            )
        )
        db.session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(lower_limit=lower, upper_limit=upper)
            .execution_options(synchronize_session=False)
        )
    return db.session.get_one(Account, account.id, populate_existing=True)


# Reading ----------------------------------------------------------------------------------


def staff_transfer_or_404(transfer_id: object, actor: Member, permission: Permission) -> Transfer:
    """A transfer touching an account in the actor's neighbourhoods; 404 otherwise."""
    if not has_permission(actor, permission):
        raise NotAllowed(_("This is for coordinators only."))
    if not is_id(transfer_id):
        raise NotFound(_("This transfer does not exist."))
    transfer = db.session.get(Transfer, transfer_id)
    if transfer is None or not all(
        _may(actor, permission, account.neighbourhood_id)
        for account in (transfer.payer, transfer.payee)
    ):
        raise NotFound(_("This transfer does not exist."))
    return transfer


def open_member_statement(member_id: object, *, actor: Member) -> tuple[Member, Account]:
    """Staff open a member's statement: allowed in their neighbourhoods, and logged."""
    member = staff_member_or_404(member_id, actor, Permission.LEDGER_STATEMENT_VIEW)
    with transaction():
        account = ensure_member_account(member)
        log_access(viewer=actor, subject=member, what="ledger statement")
    return member, account


def open_pool(neighbourhood_id: object, *, actor: Member) -> tuple[Neighbourhood, Account | None]:
    """A neighbourhood the coordinator looks after and its pool (None until first used)."""
    hood = _pool_for_staff(neighbourhood_id, actor, Permission.LEDGER_STATEMENT_VIEW)
    return hood, pool_of(hood.id)


def pools_for(actor: Member) -> list[tuple[Neighbourhood, Account | None]]:
    """The neighbourhoods (and pools) a coordinator looks after."""
    scope = scoped_neighbourhood_ids(actor, Permission.LEDGER_STATEMENT_VIEW)
    query = (
        select(Neighbourhood, Account)
        .outerjoin(
            Account, (Account.neighbourhood_id == Neighbourhood.id) & (Account.kind == "pool")
        )
        .order_by(Neighbourhood.name)
    )
    if scope is not None:
        query = query.where(Neighbourhood.id.in_(scope or {-1}))
    return [(hood, pool) for hood, pool in db.session.execute(query)]


def members_for(actor: Member, neighbourhood_id: int) -> list[tuple[Member, int | None]]:
    """Members of a neighbourhood the coordinator looks after, with their balances."""
    if not _may(actor, Permission.LEDGER_STATEMENT_VIEW, neighbourhood_id):
        raise NotAllowed(_("You are not a coordinator of this neighbourhood."))
    rows = db.session.execute(
        select(Member, Account.balance)
        .outerjoin(Account, Account.member_id == Member.id)
        .where(Member.neighbourhood_id == neighbourhood_id)
        .order_by(Member.display_name)
    )
    return [(member, balance) for member, balance in rows]


def recipients_for(member: Member) -> list[tuple[int, str]]:
    """Who a member can thank: active members of their neighbourhood, by display name only."""
    if member.neighbourhood_id is None:
        return []
    rows = db.session.execute(
        select(Member.id, Member.display_name)
        .where(
            Member.neighbourhood_id == member.neighbourhood_id,
            Member.status == "active",
            Member.id != member.id,
        )
        .order_by(Member.display_name, Member.id)
    )
    return [(row.id, row.display_name) for row in rows]


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    transfer_id: int
    at: datetime
    kind: str
    minutes: int
    balance_after: int
    description: str
    category: str | None
    counterparty: str
    counterparty_member_id: int | None
    reverses_transfer_id: int | None
    reason: str | None
    reversed: bool


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def statement(
    account: Account,
    *,
    since: date | None = None,
    until: date | None = None,
    before_entry_id: int | None = None,
    limit: int | None = 50,
) -> list[StatementLine]:
    """The account's entries, newest first, each with the balance right after it."""
    other = aliased(Account)
    other_member = aliased(Member)
    other_hood = aliased(Neighbourhood)
    reversal = aliased(Transfer)
    query = (
        select(
            Entry,
            Transfer,
            other.kind,
            other_member.id,
            other_member.display_name,
            other_hood.name,
            reversal.id,
        )
        .join(Transfer, Transfer.id == Entry.transfer_id)
        .join(
            other,
            other.id
            == case(
                (Entry.minutes < 0, Transfer.payee_account_id), else_=Transfer.payer_account_id
            ),
        )
        .outerjoin(other_member, other_member.id == other.member_id)
        .outerjoin(other_hood, other_hood.id == other.neighbourhood_id)
        .outerjoin(reversal, reversal.reverses_transfer_id == Transfer.id)
        .where(Entry.account_id == account.id)
        .order_by(Entry.id.desc())
    )
    if since is not None:
        query = query.where(Transfer.created_at >= _day_start(since))
    if until is not None:
        query = query.where(Transfer.created_at < _day_start(until + timedelta(days=1)))
    if before_entry_id is not None:
        query = query.where(Entry.id < before_entry_id)
    if limit is not None:
        query = query.limit(limit)
    lines = []
    for entry, transfer, other_kind, member_id, name, hood_name, reversal_id in db.session.execute(
        query
    ):
        if other_kind == "pool":
            counterparty = _("Solidarity pool %(name)s", name=hood_name or "")
        else:
            counterparty = name or _("a former member")
        lines.append(
            StatementLine(
                entry_id=entry.id,
                transfer_id=transfer.id,
                at=transfer.created_at,
                kind=transfer.kind,
                minutes=entry.minutes,
                balance_after=entry.balance_after,
                description=transfer.description,
                category=transfer.category,
                counterparty=counterparty,
                counterparty_member_id=member_id,
                reverses_transfer_id=transfer.reverses_transfer_id,
                reason=transfer.reason,
                reversed=reversal_id is not None,
            )
        )
    return lines


def limit_changes(account: Account) -> list[LimitChange]:
    return list(
        db.session.scalars(
            select(LimitChange)
            .where(LimitChange.account_id == account.id)
            .order_by(LimitChange.id.desc())
        )
    )


def totals_by_kind() -> list[tuple[str, int, int]]:
    """(kind, transfers, minutes) over the whole ledger, for `ledger stats` and reports."""
    rows = db.session.execute(
        select(Transfer.kind, func.count(Transfer.id), func.coalesce(func.sum(Transfer.minutes), 0))
        .group_by(Transfer.kind)
        .order_by(Transfer.kind)
    )
    return [(kind, int(count), int(total)) for kind, count, total in rows]


def ledger_header(member: Member | None, statement_url: str) -> dict[str, object] | None:
    """What the page header shows a logged-in member: balance, a nudge, where to look."""
    if member is None:
        return None
    account = account_of(member)
    return {
        "balance": account.balance if account else 0,
        "warning": warning_for(account),
        "url": statement_url,
    }
