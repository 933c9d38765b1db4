"""Ledger tables: accounts, transfers, entries (double entry) and the limit-change log.

What the database can hold it guards itself: every amount is non-zero, a transfer moves a
positive amount between two different accounts, a balance stays inside its limits, one
idempotency key books at most one transfer, a transfer is reversed at most once. Transfers
and entries are append-only: the session refuses to flush an update or delete of either.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow
from buurthulp.neighbourhoods.models import Neighbourhood

TRANSFER_KINDS = ("match", "thanks", "donation", "grant", "settlement", "reversal")
ACCOUNT_KINDS = ("member", "pool")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Account(db.Model):
    """A member's time account, or a neighbourhood's solidarity pool (no limits)."""

    __tablename__ = "ledger_account"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(ACCOUNT_KINDS)})", name="kind_known"),
        CheckConstraint(
            "(kind = 'member' AND member_id IS NOT NULL AND lower_limit IS NOT NULL "
            "AND upper_limit IS NOT NULL) OR "
            "(kind = 'pool' AND member_id IS NULL AND neighbourhood_id IS NOT NULL)",
            name="kind_shape",
        ),
        CheckConstraint("lower_limit IS NULL OR lower_limit <= 0", name="lower_limit_not_positive"),
        CheckConstraint("upper_limit IS NULL OR upper_limit >= 0", name="upper_limit_not_negative"),
        CheckConstraint(
            "(lower_limit IS NULL OR balance >= lower_limit) "
            "AND (upper_limit IS NULL OR balance <= upper_limit)",
            name="balance_within_limits",
        ),
        # One solidarity pool per neighbourhood.
        Index(
            "uq_ledger_account_pool",
            "neighbourhood_id",
            unique=True,
            sqlite_where=text("kind = 'pool'"),
            postgresql_where=text("kind = 'pool'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"), unique=True)
    # A pool's neighbourhood; for a member, the neighbourhood they live in (follows moves).
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id"), index=True
    )
    # Cached sum of the account's entries, kept in the same transaction; `verify` checks it.
    balance: Mapped[int] = mapped_column(default=0)
    lower_limit: Mapped[int | None]
    upper_limit: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a leaving member's account is settled; a closed account takes no transfers.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[Member | None] = relationship()
    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    entries: Mapped[list[Entry]] = relationship(back_populates="account", viewonly=True)

    @property
    def is_pool(self) -> bool:
        return self.kind == "pool"

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.kind} balance={self.balance}>"


class Transfer(db.Model):
    """Minutes moved from one account to another: one row here, two entries below."""

    __tablename__ = "ledger_transfer"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(TRANSFER_KINDS)})", name="kind_known"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("payer_account_id <> payee_account_id", name="two_accounts"),
        CheckConstraint(
            "(kind = 'reversal') = (reverses_transfer_id IS NOT NULL)", name="reversal_linked"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    # No indexes on payer/payee/category: nothing looks transfers up by them (statements read
    # entries), and every index is one more page written on each transfer's commit.
    payer_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"))
    payee_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"))
    minutes: Mapped[int]
    description: Mapped[str] = mapped_column(String(500), default="")
    # The listing category, so reports can say how many hours went to each kind of help.
    category: Mapped[str | None] = mapped_column(String(40))
    # Scoped ("api:<member>:<key>", "match:<id>", "web:<member>:<token>"): one constraint
    # makes every retry path book at most once.
    idempotency_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    # Hash of what was asked, to tell a retry from a different request reusing its key.
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    reverses_transfer_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_transfer.id"), unique=True
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    payer: Mapped[Account] = relationship(foreign_keys=[payer_account_id])
    payee: Mapped[Account] = relationship(foreign_keys=[payee_account_id])
    entered_by: Mapped[Member] = relationship(foreign_keys=[entered_by_id])
    on_behalf_of: Mapped[Member | None] = relationship(foreign_keys=[on_behalf_of_id])
    reverses: Mapped[Transfer | None] = relationship(
        remote_side=[id], foreign_keys=[reverses_transfer_id]
    )
    entries: Mapped[list[Entry]] = relationship(back_populates="transfer", order_by="Entry.id")

    def __repr__(self) -> str:
        return f"<Transfer {self.id} {self.kind} {self.minutes} min>"


class Entry(db.Model):
    """One side of a transfer on one account, with the account's balance right after it."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("minutes <> 0", name="minutes_not_zero"),
        UniqueConstraint("transfer_id", "account_id", name="uq_ledger_entry_transfer_account"),
        Index("ix_ledger_entry_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfer.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"))
    minutes: Mapped[int]
    balance_after: Mapped[int]

    transfer: Mapped[Transfer] = relationship(back_populates="entries")
    account: Mapped[Account] = relationship(back_populates="entries")


class LimitChange(db.Model):
    """Who changed an account's limits, when, from what to what, and why."""

    __tablename__ = "ledger_limit_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    old_lower: Mapped[int | None]
    old_upper: Mapped[int | None]
    new_lower: Mapped[int | None]
    new_upper: Mapped[int | None]
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"))
    reason: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by: Mapped[Member] = relationship()


class HistoryIsAppendOnly(RuntimeError):
    """A code path tried to edit or delete a transfer or entry."""


@event.listens_for(Session, "before_flush")
def _refuse_history_edits(session: Session, _context: object, _instances: object) -> None:
    """History is never edited: a mistake is undone by a reversal, not an UPDATE."""
    for obj in session.deleted:
        if isinstance(obj, Transfer | Entry | LimitChange):
            raise HistoryIsAppendOnly(f"{obj!r} cannot be deleted; book a reversal instead")
    for obj in session.dirty:
        if isinstance(obj, Transfer | Entry | LimitChange) and session.is_modified(
            obj, include_collections=False
        ):
            raise HistoryIsAppendOnly(f"{obj!r} cannot be changed; book a reversal instead")
