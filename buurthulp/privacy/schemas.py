"""The shape of a member's data export (AVG art. 15 and 20): one document, as JSON for the
API and the download, and as the readable page (the same object, rendered)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from buurthulp.listings.schemas import ListingOut


class HomePoint(BaseModel):
    lat: float
    lon: float


class ProfileOut(BaseModel):
    id: int
    display_name: str
    email: str | None
    phone: str | None
    postcode: str | None
    house_number: str | None
    home_point: HomePoint | None = Field(description="the exact point only staff see")
    neighbourhood: str | None
    roles: list[str]
    trust_level: str
    status: str
    language: str
    languages_spoken: list[str]
    available: list[str] = Field(description="parts of the week I am usually free")
    radius_m: int
    interests: list[str]
    talents: list[str]
    joined_at: datetime
    last_login_at: datetime | None


class MatchOut(BaseModel):
    id: int
    listing_title: str
    my_part: str = Field(description="'owner' of the listing or 'responder'")
    other_party: str = Field(description="the other person's display name only")
    status: str
    minutes: int | None
    my_reaction: str | None = Field(description="what I wrote when I reacted or asked")
    created_at: datetime
    agreed_at: datetime | None
    completed_at: datetime | None
    confirmed_at: datetime | None


class MessageOut(BaseModel):
    match_id: int
    at: datetime
    body: str
    removed: bool


class ThanksOut(BaseModel):
    match_id: int
    at: datetime
    body: str


class SignupOut(BaseModel):
    listing_title: str
    day: date
    status: str


class EntryOut(BaseModel):
    at: datetime
    kind: str
    minutes: int
    balance_after: int
    description: str
    counterparty: str


class LedgerOut(BaseModel):
    balance_minutes: int
    lower_limit: int | None
    upper_limit: int | None
    closed_at: datetime | None
    entries: list[EntryOut]


class ConsentOut(BaseModel):
    purpose: str
    text_version: str
    given_at: datetime
    withdrawn_at: datetime | None
    how: str
    recorded_by: str | None


class NotificationOut(BaseModel):
    at: datetime
    text: str
    read: bool


class AccessOut(BaseModel):
    at: datetime
    who: str
    what: str
    why: str


class MemberExport(BaseModel):
    """Everything Buurthulp keeps about one member. Other people appear by display name
    only: never their contact details or where they live."""

    format: str = "buurthulp-export"
    version: int = 1
    exported_at: datetime
    profile: ProfileOut
    listings: list[ListingOut]
    matches: list[MatchOut]
    messages: list[MessageOut] = Field(description="the messages I wrote, not the other party's")
    thanks: list[ThanksOut] = Field(description="the notes of thanks I wrote")
    signups: list[SignupOut]
    ledger: LedgerOut
    consents: list[ConsentOut]
    notifications: list[NotificationOut]
    access_log: list[AccessOut] = Field(description="each time staff looked at my data")
