"""The retention warnings. (Consents are `accounts.models`, the access log `access.models`.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow


class RetentionNotice(db.Model):
    """The warning mail before an inactive account is erased: sent once per stretch of
    inactivity (a login after it starts the count again)."""

    __tablename__ = "privacy_retention_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), unique=True
    )
    warned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
