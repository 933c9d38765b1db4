"""API models of a match: its state, and (only for its parties, once agreed) the contact."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from buurthulp.listings.schemas import OwnerOut
from buurthulp.schemas_base import StrictModel


class ReactIn(StrictModel):
    message: str = Field(min_length=1, max_length=1000)


class MinutesIn(StrictModel):
    minutes: int = Field(ge=1, le=10_000)


class MessageIn(StrictModel):
    body: str = Field(min_length=1, max_length=2000)


class ContactOut(BaseModel):
    first_name: str
    email: str | None
    phone: str | None
    meeting_place: str | None
    via_coordinator: bool = Field(
        default=False,
        description="the other is helped through a coordinator: these are the coordinator's "
        "details, and there is no meeting place",
    )


class MatchOut(BaseModel):
    id: int
    listing_id: int
    listing_title: str
    status: str
    owner: OwnerOut
    responder: OwnerOut
    message: str
    minutes: int | None
    transfer_id: int | None
    contact: ContactOut | None = Field(description="only for the two parties, once agreed")
    booked: bool | None = Field(default=None, description="confirm: the time was booked")
    limit_message: str | None = Field(
        default=None, description="confirm: why the payer's limit refused the booking"
    )
    created_at: datetime
    updated_at: datetime


class MatchPage(BaseModel):
    items: list[MatchOut]
    next_cursor: str | None = Field(default=None, description="always null: one page")


class MessageOut(BaseModel):
    id: int
    author_id: int
    body: str = Field(description="empty once removed")
    created_at: datetime
    removed: bool = Field(
        default=False, description="the text was removed (its author left, or it is old)"
    )


class MessageList(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None = None


class InviteIn(StrictModel):
    member_id: int = Field(ge=1, le=2**31 - 1)
    message: str = Field(default="", max_length=1000)


class AnswerIn(StrictModel):
    yes: bool


class ReasonIn(StrictModel):
    reason: str = Field(min_length=1, max_length=500)


class ThanksIn(StrictModel):
    body: str = Field(min_length=1, max_length=500)


class ThanksOut(BaseModel):
    id: int
    author_id: int
    body: str
