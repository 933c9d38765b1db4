"""The time bank in the JSON API: my entries, and a transfer with an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, Field

from buurthulp.api import registry
from buurthulp.api.spec import Parameter, StrictModel, decode_cursor, encode_cursor
from buurthulp.auth.guards import current_member
from buurthulp.auth.models import Member
from buurthulp.errors import BuurthulpError, InvalidInput
from buurthulp.ledger import services
from buurthulp.ledger.models import Transfer

MAX_ID = 2**31 - 1
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class Counterparty(BaseModel):
    kind: str = Field(description="member or pool")
    member_id: int | None
    display_name: str


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


class EntryPage(BaseModel):
    items: list[EntryOut]
    next_cursor: str | None


class TransferIn(StrictModel):
    to_member_id: int = Field(ge=1, le=MAX_ID)
    minutes: int = Field(ge=1, le=services.MAX_TRANSFER_MINUTES)
    description: str = Field(min_length=1, max_length=services.TEXT_MAX)


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


CURSOR_PARAM = Parameter(
    "cursor",
    "query",
    {"type": "string", "maxLength": 200},
    description="next_cursor of the previous page",
)
LIMIT_PARAM = Parameter(
    "limit",
    "query",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
)
KEY_PARAM = Parameter(
    "Idempotency-Key",
    "header",
    {
        "type": "string",
        "minLength": 1,
        "maxLength": services.KEY_MAX,
        "pattern": "^[\\x20-\\x7E]+$",
    },
    required=True,
    description="Any unique string per transfer; sending it again returns the same transfer.",
)


def _limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput(
            _("limit must be a whole number from 1 to %(n)s.", n=MAX_LIMIT), code="bad_limit"
        )
    return int(raw)


def _bad_request(exc: BuurthulpError) -> BuurthulpError:
    """A malformed request line or header is a 400 (a wrong body field stays a 422)."""
    return BuurthulpError(exc.message, code=exc.code, field=exc.field)


@registry.operation(
    "/me/transfers",
    "GET",
    summary="My ledger entries, newest first, with running balance",
    tag="ledger",
    parameters=[CURSOR_PARAM, LIMIT_PARAM],
    responses={200: ("A page of my entries", EntryPage)},
    errors=(),
)
def my_transfers():
    member = current_member()
    try:
        limit = _limit()
        cursor = decode_cursor(request.args.get("cursor"), ("before",))
    except InvalidInput as exc:
        raise _bad_request(exc) from None
    before = None
    if cursor is not None:
        before = cursor["before"]
        if isinstance(before, bool) or not isinstance(before, int) or not 0 < before <= MAX_ID:
            raise BuurthulpError(
                _("This cursor is not valid. Start again without one."), code="bad_cursor"
            )
    account = services.account_of(member)
    lines = services.statement(account, before_entry_id=before, limit=limit + 1) if account else []
    items = [
        EntryOut(
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
            ),
            reverses_transfer_id=line.reverses_transfer_id,
            reversed=line.reversed,
        )
        for line in lines[:limit]
    ]
    next_cursor = (
        encode_cursor({"before": lines[limit - 1].entry_id}) if len(lines) > limit else None
    )
    return EntryPage(items=items, next_cursor=next_cursor)


def _transfer_out(transfer: Transfer, member: Member) -> TransferOut:
    account = services.account_of(member)
    return TransferOut(
        id=transfer.id,
        kind=transfer.kind,
        from_member_id=transfer.payer.member_id,
        to_member_id=transfer.payee.member_id,
        minutes=transfer.minutes,
        description=transfer.description,
        category=transfer.category,
        created_at=transfer.created_at,
        balance_minutes=account.balance if account else 0,
        warning=services.warning_for(account),
    )


@registry.operation(
    "/transfers",
    "POST",
    summary="Send time to a member of my neighbourhood (exactly once)",
    tag="ledger",
    body=TransferIn,
    parameters=[KEY_PARAM],
    responses={
        201: ("The transfer was booked", TransferOut),
        200: (
            "This Idempotency-Key was used before: the same transfer, not booked again",
            TransferOut,
        ),
    },
    errors=(403, 404, 409),
)
def create_transfer(body: TransferIn) -> Any:
    member = current_member()
    raw_key = request.headers.get("Idempotency-Key")
    if raw_key is None:
        raise BuurthulpError(
            _("Send an Idempotency-Key header with a unique value per transfer."),
            code="idempotency_key_missing",
            field="Idempotency-Key",
        )
    try:
        key = services.scoped_key("api", member, raw_key)
    except InvalidInput as exc:
        raise _bad_request(exc) from None
    booking = services.thank(
        payer=member,
        to_member_id=body.to_member_id,
        minutes=body.minutes,
        description=body.description,
        actor=member,
        idempotency_key=key,
    )
    return _transfer_out(booking.transfer, member), 201 if booking.created else 200
