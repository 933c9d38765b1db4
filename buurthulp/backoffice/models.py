"""The back office's tables: trust history. (Notes of handled queue items are
`buurthulp.work.models`; the vulnerable
mark and proxy residents are read by the marketplace: `buurthulp.protection.models`; the
reasons staff give are `buurthulp.access.models`.)

`Member.trust_level` stays the current level (matching reads it); `TrustRecord` keeps how
each level was reached: by whom, when, and for a VOG its date of issue. The document itself
is never stored.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow

TRUST_LEVELS = ("new", "verified", "vog")
# How a level was reached: met in person or an ID seen (verified), a VOG seen (vog), lowered
# by a coordinator, or lapsed by the clock (a VOG older than three years).
TRUST_HOWS = ("in-person", "id-seen", "vog", "lowered", "lapsed")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class TrustRecord(db.Model):
    """One step on a member's trust ladder (up or down), in the order it happened."""

    __tablename__ = "backoffice_trust_record"
    __table_args__ = (
        CheckConstraint(f"level IN ({_in(TRUST_LEVELS)})", name="level_known"),
        CheckConstraint(f"how IN ({_in(TRUST_HOWS)})", name="how_known"),
        # A VOG step carries its date of issue; no other step does.
        CheckConstraint("(how = 'vog') = (vog_issued_on IS NOT NULL)", name="vog_has_date"),
        CheckConstraint("(how = 'vog') = (level = 'vog')", name="vog_is_vog"),
        Index("ix_backoffice_trust_record_member", "member_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(8))
    how: Mapped[str] = mapped_column(String(12))
    vog_issued_on: Mapped[date | None] = mapped_column(Date)
    # NULL: the clock (a lapsed VOG).
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_member.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(500), default="")
    # The "renew your VOG" reminder went out (once per VOG).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
