"""The time bank's API models: what comes in and what goes out, and how lines map to them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from buurthulp.inputs import MAX_ID
from buurthulp.ledger.services import MAX_TRANSFER_MINUTES, TEXT_MAX, StatementLine
from buurthulp.schemas_base import StrictModel


class Counterparty(BaseModel):
    kind: str = Field(description="member or pool")
    member_id: int | None
    display_name: str
    staff_role: str | None = Field(
        description="coordinator, outreach or admin when the counterparty is staff, else null"
    )


class EntryOut(BaseModel):
    entry_id: int
    transfer_id: int
    created_at: datetime
    kind: str
    minutes: int = Field(description="Signed: negative when minutes left my account.")
    balance_after: int = Field(description="My balance right after this entry.")
    description: str
    category: str | None
    counterparty: Counterparty
    reverses_transfer_id: int | None
    reversed: bool

    @classmethod
    def of(cls, line: StatementLine) -> EntryOut:
        return cls(
            entry_id=line.entry_id,
            transfer_id=line.transfer_id,
            created_at=line.at,
            kind=line.kind,
            minutes=line.minutes,
            balance_after=line.balance_after,
            description=line.description,
            category=line.category,
            counterparty=Counterparty(
                kind="member" if line.counterparty_member_id else "pool",
                member_id=line.counterparty_member_id,
                display_name=line.counterparty,
                staff_role=line.counterparty_role,
            ),
            reverses_transfer_id=line.reverses_transfer_id,
            reversed=line.reversed,
        )


class EntryPage(BaseModel):
    items: list[EntryOut]
    next_cursor: str | None


class TransferIn(StrictModel):
    to_member_id: int = Field(ge=1, le=MAX_ID)
    minutes: int = Field(ge=1, le=MAX_TRANSFER_MINUTES)
    description: str = Field(min_length=1, max_length=TEXT_MAX)


class TransferOut(BaseModel):
    id: int
    kind: str
    from_member_id: int | None
    to_member_id: int | None
    minutes: int
    description: str
    category: str | None
    created_at: datetime
    balance_minutes: int = Field(description="The sender's balance now.")
    warning: str | None = Field(description="A friendly nudge near a limit, else null.")
