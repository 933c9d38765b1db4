"""The audit log's one table. Append-only in the database itself (see `append_only`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow


class AuditEntry(db.Model):
    """One staff action: who did what, to whom, where, when, and the note they gave.

    `actor_id` is NULL for the command line and scheduled jobs (`actor_label` names them);
    `member_id` is the member the action concerned (NULL for, say, a category change),
    `neighbourhood_id` where it happened, for scoping who may read the row.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_member", "member_id", "id"),
        Index("ix_audit_entry_actor", "actor_id", "id"),
        Index("ix_audit_entry_hood", "neighbourhood_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    actor_label: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    # Plain foreign keys: members and neighbourhoods are never deleted (erasure
    # pseudonymises), and a cascade would be an UPDATE the append-only trigger refuses.
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id")
    )
    note: Mapped[str] = mapped_column(String(500), default="")
