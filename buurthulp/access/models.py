"""Who looked at a resident's data, and why: the access log (one row per resident shown on
a staff page or answer) and the reason staff gave, once per resident and day, before a page
about one resident opens. Append-only in the database (triggers, as for the ledger).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow

ACCESS_REASONS = ("request", "report", "resident-asked", "finance", "other")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class AccessLogEntry(db.Model):
    """Append-only: one row each time staff open a resident's personal data."""

    __tablename__ = "privacy_access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_member.id", ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccessReason(db.Model):
    """Why a member of staff opens one resident's personal data today: asked once per
    resident per day, carried by every access-log row of that day's views."""

    __tablename__ = "backoffice_access_reason"
    __table_args__ = (
        UniqueConstraint("viewer_id", "subject_id", "day", name="uq_backoffice_access_reason"),
        CheckConstraint(f"reason IN ({_in(ACCESS_REASONS)})", name="reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
