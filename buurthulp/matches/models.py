"""Matches: a neighbour reacts to a listing (or is invited), the owner agrees, they help,
one marks it done with the minutes, the other confirms, and the ledger books it once.

    invited --yes--> agreed          proposed --accept--> agreed
    invited --no---> declined        proposed --(other helper chosen)--> declined
    agreed --complete--> awaiting_confirmation --confirm--> done (transfer booked)
                                               --dispute--> disputed (a coordinator decides)
    disputed --resolve--> done (the disputed or corrected minutes) / cancelled (a coordinator)
    invited / proposed / agreed / awaiting_confirmation --cancel--> cancelled
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.listings.models import Listing
from buurthulp.models_base import UTCDateTime, utcnow


class MatchStatus(StrEnum):
    """Where a match stands (the diagram above). Stored as its value, a plain string, so a
    member equals the text the database holds: `match.status == "agreed"` keeps working."""

    INVITED = "invited"
    PROPOSED = "proposed"
    AGREED = "agreed"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    DONE = "done"
    DISPUTED = "disputed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


STATUSES = tuple(MatchStatus)
OPEN_STATUSES = (
    MatchStatus.INVITED,
    MatchStatus.PROPOSED,
    MatchStatus.AGREED,
    MatchStatus.AWAITING_CONFIRMATION,
    MatchStatus.DISPUTED,
)
# The parties see each other's contact details and meeting place only while they help each
# other: from agreeing until the match ends (done or cancelled).
CONTACT_STATUSES = (
    MatchStatus.AGREED,
    MatchStatus.AWAITING_CONFIRMATION,
    MatchStatus.DISPUTED,
)
# They may write in the private thread from agreeing on, also after the help is done.
MESSAGE_STATUSES = (*CONTACT_STATUSES, MatchStatus.DONE)
# And read it then, and after a cancellation too: what was said stays readable for both.
THREAD_STATUSES = (*MESSAGE_STATUSES, MatchStatus.CANCELLED)


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Match(db.Model):
    __tablename__ = "matches_match"
    __table_args__ = (
        # One reaction (or invitation) per neighbour per listing.
        UniqueConstraint("listing_id", "responder_id", name="uq_matches_match"),
        CheckConstraint(f"status IN ({_in(STATUSES)})", name="status_known"),
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 1 AND 10000", name="minutes_sane"),
        CheckConstraint("owner_id <> responder_id", name="two_people"),
        Index("ix_matches_match_responder", "responder_id", "status"),
        Index("ix_matches_match_owner", "owner_id", "status"),
        Index("ix_matches_match_due", "status", "confirm_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings_listing.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"))
    responder_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"))
    status: Mapped[str] = mapped_column(String(24))
    # The reaction's first words, or the owner's invitation.
    message: Mapped[str] = mapped_column(Text, default="")
    invited: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[int | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirm_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_confirmed: Mapped[bool] = mapped_column(default=False)
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfer.id"))
    # The payer's lower limit refused the booking and a party asked the coordinator for help.
    pool_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The clock could not confirm by itself: the payer's limit refused it (the payer and the
    # coordinators are told once, at this moment), or the payer is helped through a
    # coordinator and the coordinator confirms instead.
    limit_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_for_coordinator_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispute_reason: Mapped[str | None] = mapped_column(String(500))
    disputed_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    disputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the coordinator who settled a dispute wrote to both (kept with the match).
    resolution_note: Mapped[str | None] = mapped_column(String(500))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A coordinator acting for a resident who is not online: who reacted on the responder's
    # behalf, and who accepted on the owner's (confirming on behalf is `confirmed_by_id`).
    proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))
    accepted_proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))

    listing: Mapped[Listing] = relationship()
    owner: Mapped[Member] = relationship(foreign_keys=[owner_id])
    responder: Mapped[Member] = relationship(foreign_keys=[responder_id])
    proxy_by: Mapped[Member | None] = relationship(foreign_keys=[proxy_by_id])
    accepted_proxy_by: Mapped[Member | None] = relationship(foreign_keys=[accepted_proxy_by_id])

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


class Message(db.Model):
    """A message in a match's private thread (only once agreed). Its text is removed (body
    emptied, `removed_at` set) when its author's account is erased, and by the retention
    rules a while after the match ended; the thread then shows "removed"."""

    __tablename__ = "matches_message"
    __table_args__ = (Index("ix_matches_message_thread", "match_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches_match.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The coordinator who wrote it on behalf of the author (a resident who is not online).
    proxy_by_id: Mapped[int | None] = mapped_column(ForeignKey("auth_member.id"))

    author: Mapped[Member] = relationship(foreign_keys=[author_id])
    proxy_by: Mapped[Member | None] = relationship(foreign_keys=[proxy_by_id])


class ThanksNote(db.Model):
    """After a match, a short note of thanks for the other (no public star ratings)."""

    __tablename__ = "matches_thanks"
    __table_args__ = (UniqueConstraint("match_id", "author_id", name="uq_matches_thanks"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches_match.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("auth_member.id"))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
