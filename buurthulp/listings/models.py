"""Listings: what neighbours ask for, offer, or organise together; categories; sign-ups.

A listing row stores only a blurred point (its owner's public point) and the H3 cell of
that point: no serializer can leak an exact location it never had (a peer platform kept
exact points and masked them on output, and leaked them).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.models_base import UTCDateTime, utcnow
from buurthulp.neighbourhoods.models import Neighbourhood

KINDS = ("request", "offer", "activity")
# "pending": waits for a coordinator's check; "hidden": a coordinator took it out of sight.
STATUSES = ("pending", "open", "paused", "matched", "closed", "hidden")
WHEN_KINDS = ("flexible", "date", "period")
RECURRENCES = ("weekly", "monthly")
SIGNUP_STATUSES = ("confirmed", "waiting", "cancelled")
TRUST_NEEDED = ("verified", "vog")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Category(db.Model):
    """A kind of help. Shared ones (neighbourhood NULL) are for everyone and never removed."""

    __tablename__ = "listings_category"
    __table_args__ = (UniqueConstraint("slug", "neighbourhood_id", name="uq_listings_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    # A neighbourhood's own category carries its own name; shared ones are translated.
    name: Mapped[str | None] = mapped_column(String(60))
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=100)

    @property
    def shared(self) -> bool:
        return self.neighbourhood_id is None


class CategoryRule(db.Model):
    """A neighbourhood asks for a trusted helper in a category (anything inside a home)."""

    __tablename__ = "listings_category_rule"
    __table_args__ = (
        UniqueConstraint("neighbourhood_id", "category_id", name="uq_listings_category_rule"),
        CheckConstraint(f"trust_needed IN ({_in(TRUST_NEEDED)})", name="trust_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods_neighbourhood.id", ondelete="CASCADE")
    )
    category_id: Mapped[int] = mapped_column(ForeignKey("listings_category.id", ondelete="CASCADE"))
    trust_needed: Mapped[str] = mapped_column(String(8))


class Listing(db.Model):
    """A request, an offer or an activity, with when, where (roughly) and how long."""

    __tablename__ = "listings_listing"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(KINDS)})", name="kind_known"),
        CheckConstraint(f"status IN ({_in(STATUSES)})", name="status_known"),
        CheckConstraint(f"when_kind IN ({_in(WHEN_KINDS)})", name="when_known"),
        CheckConstraint(
            f"recurrence IS NULL OR recurrence IN ({_in(RECURRENCES)})", name="recurrence_known"
        ),
        CheckConstraint(
            "minutes_estimate IS NULL OR minutes_estimate BETWEEN 1 AND 10000",
            name="minutes_sane",
        ),
        CheckConstraint(
            "(kind = 'activity') = (starts_at IS NOT NULL AND capacity IS NOT NULL)",
            name="activity_shape",
        ),
        CheckConstraint("capacity IS NULL OR capacity BETWEEN 1 AND 500", name="capacity_sane"),
        CheckConstraint("helpers_needed BETWEEN 1 AND 20", name="helpers_sane"),
        CheckConstraint("slots >= 0 AND slots < 64", name="slots_bits"),
        # The feed: open listings in these cells, newest first.
        Index("ix_listings_listing_feed", "status", "cell"),
        Index("ix_listings_listing_owner", "owner_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    owner_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"))
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhoods_neighbourhood.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("listings_category.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    minutes_estimate: Mapped[int | None]
    # When: flexible, on a date, or in a period; `slots` says which parts of the week suit
    # (the same bits as a member's availability).
    when_kind: Mapped[str] = mapped_column(String(10), default="flexible")
    when_from: Mapped[date | None] = mapped_column(Date)
    when_until: Mapped[date | None] = mapped_column(Date)
    slots: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # NULL: a standing offer, asked "still on?" every three months instead of expiring.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminded_week_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_day_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    still_on_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The owner's public (blurred) point and its H3 cell; never the home point.
    lat: Mapped[float]
    lon: Mapped[float]
    cell: Mapped[str] = mapped_column(String(16))
    helpers_needed: Mapped[int] = mapped_column(default=1)
    # Activities: the first date and time, where, how many, and whether it repeats.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place_label: Mapped[str | None] = mapped_column(String(120))
    capacity: Mapped[int | None]
    recurrence: Mapped[str | None] = mapped_column(String(8))
    # An activity gives no time credits unless the organiser asks for them.
    credits: Mapped[bool] = mapped_column(default=False)
    # Short code printed on a notice (the QR code opens the listing with it).
    code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The coordinator who posted it on behalf of the owner (a resident who is not online).
    proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))

    owner: Mapped[Member] = relationship(foreign_keys=[owner_id])
    proxy_by: Mapped[Member | None] = relationship(foreign_keys=[proxy_by_id])
    neighbourhood: Mapped[Neighbourhood] = relationship()
    category: Mapped[Category] = relationship()
    tags: Mapped[list[ListingTag]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", order_by="ListingTag.tag"
    )
    skipped: Mapped[list[SkippedDate]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", order_by="SkippedDate.day"
    )

    def tag_list(self) -> list[str]:
        return [t.tag for t in self.tags]

    def __repr__(self) -> str:
        return f"<Listing {self.id} {self.kind} {self.title!r}>"


class ListingTag(db.Model):
    __tablename__ = "listings_listing_tag"
    __table_args__ = (UniqueConstraint("listing_id", "tag", name="uq_listings_listing_tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings_listing.id", ondelete="CASCADE"), index=True
    )
    tag: Mapped[str] = mapped_column(String(40), index=True)

    listing: Mapped[Listing] = relationship(back_populates="tags")


class SkippedDate(db.Model):
    """A date a repeating activity does not happen (holiday, the room is taken)."""

    __tablename__ = "listings_skipped_date"
    __table_args__ = (UniqueConstraint("listing_id", "day", name="uq_listings_skipped_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings_listing.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)

    listing: Mapped[Listing] = relationship(back_populates="skipped")


class Signup(db.Model):
    """A member's place at one date of an activity: confirmed, or on the waiting list."""

    __tablename__ = "listings_signup"
    __table_args__ = (
        UniqueConstraint("listing_id", "occurrence", "member_id", name="uq_listings_signup"),
        CheckConstraint(f"status IN ({_in(SIGNUP_STATUSES)})", name="status_known"),
        Index("ix_listings_signup_occurrence", "listing_id", "occurrence", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings_listing.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"), index=True)
    occurrence: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    # Order on the waiting list (and of signing up): the time the place was asked for.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship()
    member: Mapped[Member] = relationship()
