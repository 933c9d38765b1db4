"""The time bank in the JSON API: my entries, and a transfer with an Idempotency-Key."""

from __future__ import annotations

from typing import Any

from flask import request

from buurthulp.api import registry
from buurthulp.api.spec import Parameter
from buurthulp.auth.guards import current_member
from buurthulp.auth.models import Member
from buurthulp.errors import BuurthulpError, InvalidInput
from buurthulp.i18n import gettext as _
from buurthulp.inputs import (
    CURSOR_MAX,
    InvalidQuery,
    arg_int,
    decode_cursor,
    encode_cursor,
    is_id,
)
from buurthulp.ledger import services
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.schemas import EntryOut, EntryPage, TransferIn, TransferOut

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

CURSOR_PARAM = Parameter(
    "cursor",
    "query",
    {"type": "string", "maxLength": CURSOR_MAX},
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
    limit = arg_int(
        request.args, "limit", minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT, code="bad_limit"
    )
    cursor = decode_cursor(request.args.get("cursor"), ("before",))
    before = cursor["before"] if cursor else None
    if before is not None and not is_id(before):
        raise InvalidQuery(
            _("This cursor is not valid. Start again without one."), code="bad_cursor"
        )
    account = services.account_of(member)
    lines = services.statement(account, before_entry_id=before, limit=limit + 1) if account else []
    next_cursor = (
        encode_cursor({"before": lines[limit - 1].entry_id}) if len(lines) > limit else None
    )
    return EntryPage(items=[EntryOut.of(line) for line in lines[:limit]], next_cursor=next_cursor)


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
    except InvalidInput as exc:  # a malformed header is a 400, like a malformed query
        raise InvalidQuery(exc.message, code=exc.code, field=exc.field) from None
    booking = services.thank(
        payer=member,
        to_member_id=body.to_member_id,
        minutes=body.minutes,
        description=body.description,
        actor=member,
        idempotency_key=key,
    )
    return _transfer_out(booking.transfer, member), 201 if booking.created else 200
