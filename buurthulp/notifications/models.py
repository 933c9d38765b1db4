"""In-app notifications: what happened that a member should know about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow


class Notification(db.Model):
    """One notification for one member. Its text is made when it is read, in their language:
    `kind` names the sentence, `params` (JSON) fills it in."""

    __tablename__ = "notifications_notification"
    __table_args__ = (
        Index("ix_notifications_notification_member_read", "member_id", "read_at"),
        Index("ix_notifications_notification_digest", "digest_pending", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # Waiting for the member's daily digest mail (their choice for this kind's topic).
    digest_pending: Mapped[bool] = mapped_column(default=False)
    params: Mapped[str] = mapped_column(Text, default="{}")
    # Where it leads: a path on this site.
    url: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


CHOICES = ("instant", "daily", "off")


class Preference(db.Model):
    """How a member wants to hear about one topic by e-mail: at once, in the daily digest,
    or not at all (the bell in the menu always shows everything)."""

    __tablename__ = "notifications_preference"
    __table_args__ = (
        UniqueConstraint("member_id", "topic", name="uq_notifications_preference"),
        CheckConstraint("choice IN ('instant', 'daily', 'off')", name="choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(20))
    choice: Mapped[str] = mapped_column(String(8))


class DigestSent(db.Model):
    """A listing that went out in a member's digest: never the same one twice."""

    __tablename__ = "notifications_digest_sent"
    __table_args__ = (
        UniqueConstraint("member_id", "listing_id", name="uq_notifications_digest_sent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings_listing.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
