"""The ledger as an hledger journal: a second, independent program can check our books.

One transaction per transfer, one posting per entry, amounts in whole minutes. Accounts are
named by who holds them, never by name: `member:<member id>` and `pool:<neighbourhood id>`,
so the journal carries no personal data and an erased member's history stays in it as it
is. No free text either (descriptions are what people wrote): the kind and the transfer id.
`hledger -f FILE balance` must then show every account at the balance we keep and a total
of zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select

from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.ledger.models import Account, Entry, Transfer

COMMODITY = "min"


def account_name(kind: str, member_id: int | None, neighbourhood_id: int | None) -> str:
    if kind == "pool":
        return f"pool:{neighbourhood_id}"
    return f"member:{member_id}"


def journal_lines() -> Iterator[str]:
    """The journal, line by line, in transfer order (streamed: a big ledger fits)."""
    yield f"; Buurthulp time bank: one transaction per transfer, amounts in minutes ({COMMODITY})"
    yield ""
    rows = db.session.execute(
        select(
            Transfer.id,
            Transfer.kind,
            Transfer.created_at,
            Entry.minutes,
            Account.kind,
            Account.member_id,
            Account.neighbourhood_id,
        )
        .join(Entry, Entry.transfer_id == Transfer.id)
        .join(Account, Account.id == Entry.account_id)
        .order_by(Transfer.id, Entry.id)
        .execution_options(yield_per=2000)
    )
    current = None
    for transfer_id, kind, created_at, minutes, account_kind, member_id, hood_id in rows:
        if transfer_id != current:
            if current is not None:
                yield ""
            current = transfer_id
            date = created_at.astimezone(LOCAL_TZ).date().isoformat()
            yield f"{date} {kind} (transfer {transfer_id})"
        name = account_name(account_kind, member_id, hood_id)
        yield f"    {name:<24}  {minutes} {COMMODITY}"
    if current is not None:
        yield ""


def write_journal(out: TextIO) -> int:
    """Write the journal to `out`; returns how many lines."""
    count = 0
    for line in journal_lines():
        out.write(line + "\n")
        count += 1
    return count
