"""Safeguards: reports and how a coordinator handled them, and suspensions. (Blocks and
moderation decisions are read by the marketplace: `buurthulp.protection.models`.)

A report
names exactly one target (a listing, a message or a member), and always the member it is
about, so the coordinators of that member's neighbourhood (or the listing's) get it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow

REASONS = ("offensive", "scam", "unsafe", "spam", "other")
TARGETS = ("listing", "message", "member")
OUTCOMES = ("no_action", "talked", "warned", "hidden", "suspended")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Report(db.Model):
    """A member tells the coordinators about a listing, a message or a member."""

    __tablename__ = "safety_report"
    __table_args__ = (
        CheckConstraint(f"reason IN ({_in(REASONS)})", name="reason_known"),
        CheckConstraint(f"target IN ({_in(TARGETS)})", name="target_known"),
        CheckConstraint(f"outcome IS NULL OR outcome IN ({_in(OUTCOMES)})", name="outcome_known"),
        # Exactly one target: the kind says which id is filled in.
        CheckConstraint("(target = 'listing') = (listing_id IS NOT NULL)", name="listing_target"),
        CheckConstraint("(target = 'message') = (message_id IS NOT NULL)", name="message_target"),
        CheckConstraint(
            "(handled_at IS NULL) = (outcome IS NULL) AND (handled_at IS NULL) = "
            "(handled_by_label IS NULL)",
            name="handled_whole",
        ),
        CheckConstraint("reporter_id <> member_id", name="not_oneself"),
        # The open reports of some neighbourhoods, oldest first.
        Index("ix_safety_report_open", "neighbourhood_id", "handled_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"), index=True)
    target: Mapped[str] = mapped_column(String(8))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings_listing.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("matches_message.id"))
    # Whom it is about: the listing's owner, the message's author, or the member reported.
    member_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"), index=True)
    # Whose coordinators handle it (NULL: a member of no neighbourhood; admins only).
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    handled_by_label: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str | None] = mapped_column(String(12))
    # For staff only: what was done and why.
    note: Mapped[str] = mapped_column(String(500), default="")
    # What the reported member read (a warning, or why their listing or account was stopped).
    message_to_member: Mapped[str] = mapped_column(String(500), default="")

    reporter: Mapped[Member] = relationship(foreign_keys=[reporter_id])
    member: Mapped[Member] = relationship(foreign_keys=[member_id])

    @property
    def open(self) -> bool:
        return self.handled_at is None


class Suspension(db.Model):
    """A member may not use Buurthulp for now: why, by whom, since when, and when it ended."""

    __tablename__ = "safety_suspension"
    __table_args__ = (
        # At most one suspension in force per member.
        Index(
            "uq_safety_suspension_open",
            "member_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
        CheckConstraint("(lifted_at IS NULL) = (lifted_by_label IS NULL)", name="lifted_whole"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("safety_report.id"))
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    suspended_by_label: Mapped[str] = mapped_column(String(80))
    suspended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    lifted_by_label: Mapped[str | None] = mapped_column(String(80))
    lift_note: Mapped[str] = mapped_column(String(500), default="")
