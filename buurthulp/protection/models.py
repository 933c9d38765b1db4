"""What the marketplace must respect about people, as tables: who blocked whom, who is
vulnerable, whose account a coordinator keeps, and what a coordinator decided about a
listing.

The safeguards (`safety/`) and the back office (`backoffice/`) write these rows; listings,
matches and matching read them through `buurthulp.protection`, one floor below them all.
Table names keep the prefix of the feature that writes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow

DECISIONS = ("approved", "refused", "hidden", "restored")
CONSENT_HOWS = ("paper", "phone", "in-person")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Block(db.Model):
    """`blocker` does not want to meet `blocked`: from now on neither sees the other."""

    __tablename__ = "safety_block"
    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id", name="uq_safety_block"),
        CheckConstraint("blocker_id <> blocked_id", name="two_people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    blocked: Mapped[Member] = relationship(foreign_keys=[blocked_id])


class Vulnerability(db.Model):
    """A resident a coordinator marked vulnerable (kwetsbaar): only VOG-checked helpers see
    their requests, contact goes through the coordinator, and nothing is confirmed for them
    by the clock. The note is for professionals only."""

    __tablename__ = "backoffice_vulnerable"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_member.id", ondelete="SET NULL")
    )
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProxyResident(db.Model):
    """A resident without e-mail or computer, whose account a coordinator keeps: they post,
    react, accept, confirm and write on the resident's behalf."""

    __tablename__ = "backoffice_proxy_resident"
    __table_args__ = (CheckConstraint(f"consent_how IN ({_in(CONSENT_HOWS)})", name="how_known"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), primary_key=True
    )
    consent_how: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_member.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Moderation(db.Model):
    """A coordinator's decision about a listing; the owner reads the reason."""

    __tablename__ = "safety_moderation"
    __table_args__ = (
        CheckConstraint(f"decision IN ({_in(DECISIONS)})", name="decision_known"),
        Index("ix_safety_moderation_listing", "listing_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings_listing.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(500), default="")
    # What a hidden listing was before, so restoring gives it back as it was.
    previous_status: Mapped[str | None] = mapped_column(String(10))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    actor_label: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
