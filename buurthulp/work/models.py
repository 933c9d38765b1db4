"""The work queue's one table: notes of items that left the queue by hand.

The table keeps its first name (`backoffice_handled`): the back office introduced it, and
renaming it would buy nothing but a migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow


class HandledItem(db.Model):
    """A queue item without a "done" state of its own (a request nobody reacted to, a quiet
    vulnerable resident) left the queue: who handled it, when, and what they did."""

    __tablename__ = "backoffice_handled"
    __table_args__ = (Index("ix_backoffice_handled_item", "kind", "item_id", "handled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int]
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id", ondelete="SET NULL")
    )
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_member.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(500))
