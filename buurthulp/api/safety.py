"""Blocks and reports in the JSON API. Thin: each endpoint is one service call."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from buurthulp.api import registry
from buurthulp.api.marketplace import acting_member
from buurthulp.safety import services as safety
from buurthulp.schemas_base import StrictModel


class BlockIn(StrictModel):
    member_id: int = Field(ge=1)


class BlockOut(BaseModel):
    member_id: int
    display_name: str
    created_at: datetime


class BlockList(BaseModel):
    items: list[BlockOut]
    next_cursor: str | None = Field(default=None, description="always null: one page")


class ReportIn(StrictModel):
    """Exactly one of `listing_id`, `message_id` and `member_id`."""

    listing_id: int | None = Field(default=None, ge=1)
    message_id: int | None = Field(default=None, ge=1)
    member_id: int | None = Field(default=None, ge=1)
    reason: Literal["offensive", "scam", "unsafe", "spam", "other"]
    text: str = Field(default="", max_length=2000, description="needed when the reason is other")


class ReportOut(BaseModel):
    id: int
    target: str = Field(description="listing, message or member")
    reason: str
    status: str = Field(description="open, or handled (no details: those are the coordinator's)")
    created_at: datetime


@registry.operation(
    "/blocks",
    "POST",
    summary="Block a member: from then on neither sees the other in feeds, suggestions, "
    "reactions or messages (blocking twice changes nothing)",
    tag="safety",
    body=BlockIn,
    responses={201: ("The block", BlockOut)},
    errors=(403, 404),
)
def create_block(body: BlockIn) -> Any:
    row = safety.block(body.member_id, actor=acting_member())
    return BlockOut(
        member_id=row.blocked_id, display_name=row.blocked.display_name, created_at=row.created_at
    ), 201


@registry.operation(
    "/blocks/<int:member_id>",
    "DELETE",
    summary="Lift my block of this member (only the one who blocked can)",
    tag="safety",
    responses={204: ("The block is lifted", None)},
    errors=(404,),
)
def delete_block(member_id: int) -> Any:
    safety.unblock(member_id, actor=acting_member())
    return "", 204


@registry.operation(
    "/blocks",
    "GET",
    summary="The members I blocked, newest first; all in one page (next_cursor is always null)",
    tag="safety",
    responses={200: ("My blocks", BlockList)},
    errors=(),
)
def list_blocks() -> Any:
    return BlockList(
        items=[
            BlockOut(member_id=b.member_id, display_name=b.display_name, created_at=b.since)
            for b in safety.my_blocks(acting_member())
        ]
    )


@registry.operation(
    "/reports",
    "POST",
    summary="Report a listing, a message or a member to the coordinators of its "
    "neighbourhood; a target you may not see is a 404",
    tag="safety",
    body=ReportIn,
    responses={201: ("The report, waiting for a coordinator", ReportOut)},
    errors=(403, 404),
)
def create_report(body: ReportIn) -> Any:
    row = safety.report(
        safety.ReportInput(
            reason=body.reason,
            text=body.text,
            listing_id=body.listing_id,
            message_id=body.message_id,
            member_id=body.member_id,
        ),
        actor=acting_member(),
    )
    return ReportOut(
        id=row.id,
        target=row.target,
        reason=row.reason,
        status="open" if row.open else "handled",
        created_at=row.created_at,
    ), 201
