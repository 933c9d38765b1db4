"""Consents: what a member agreed to (the privacy statement first of all), against which
version of the text, when, and how it was given. Written at sign-up and by coordinators
for residents who are not online; read, exported and withdrawn by `privacy.consents`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow

#: How a consent was given: by the member on the site, or to a coordinator who wrote it
#: down for a resident who is not online.
CONSENT_METHODS = ("online", "paper", "phone", "in-person")


class Consent(db.Model):
    """A consent given for a purpose, against the version of the text that was shown."""

    __tablename__ = "privacy_consent"
    __table_args__ = (
        CheckConstraint(
            "method IN ({})".format(", ".join(f"'{m}'" for m in CONSENT_METHODS)),
            name="method_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("auth_member.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(40))
    text_version: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_member.id", ondelete="SET NULL")
    )
    method: Mapped[str] = mapped_column(String(12), default="online", server_default="online")
