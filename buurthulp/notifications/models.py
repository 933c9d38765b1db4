"""Outgoing mail as written; in development the outbox is the mailbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow


class OutboxMail(db.Model):
    __tablename__ = "notifications_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
