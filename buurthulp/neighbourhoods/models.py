"""Neighbourhoods (service areas): a set of PC4 postcodes and/or a polygon, with settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow

DEFAULT_LOWER_LIMIT = -10 * 60
DEFAULT_UPPER_LIMIT = 50 * 60
# Retention (privacy.retention): message texts go this long after a match ended, accounts
# after this long unused (with a warning mail a month before).
DEFAULT_MESSAGE_MONTHS = 12
DEFAULT_INACTIVE_MONTHS = 24


class Neighbourhood(db.Model):
    __tablename__ = "neighbourhoods_neighbourhood"
    __table_args__ = (
        CheckConstraint("default_lower_limit <= 0", name="lower_limit_not_positive"),
        CheckConstraint("default_upper_limit >= 0", name="upper_limit_not_negative"),
        CheckConstraint("retention_message_months BETWEEN 1 AND 120", name="message_months_sane"),
        CheckConstraint("retention_inactive_months BETWEEN 2 AND 240", name="inactive_months_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # GeoJSON geometry (lon/lat order) of the area when it is drawn rather than PC4-based.
    area_geojson: Mapped[str | None] = mapped_column(Text)
    default_lower_limit: Mapped[int] = mapped_column(default=DEFAULT_LOWER_LIMIT)
    default_upper_limit: Mapped[int] = mapped_column(default=DEFAULT_UPPER_LIMIT)
    premoderation: Mapped[bool] = mapped_column(default=False)
    retention_message_months: Mapped[int] = mapped_column(
        default=DEFAULT_MESSAGE_MONTHS, server_default=str(DEFAULT_MESSAGE_MONTHS)
    )
    retention_inactive_months: Mapped[int] = mapped_column(
        default=DEFAULT_INACTIVE_MONTHS, server_default=str(DEFAULT_INACTIVE_MONTHS)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    postcodes: Mapped[list[NeighbourhoodPostcode]] = relationship(
        back_populates="neighbourhood",
        cascade="all, delete-orphan",
        order_by="NeighbourhoodPostcode.pc4",
    )

    @property
    def pc4_codes(self) -> list[str]:
        return [p.pc4 for p in self.postcodes]


class NeighbourhoodPostcode(db.Model):
    """One PC4 area belongs to at most one neighbourhood, so a postcode decides unambiguously."""

    __tablename__ = "neighbourhoods_postcode"

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id", ondelete="CASCADE"), index=True
    )
    pc4: Mapped[str] = mapped_column(String(4), unique=True)

    neighbourhood: Mapped[Neighbourhood] = relationship(back_populates="postcodes")
