"""Time bank rules: every movement of minutes is one call, one transaction, two entries.

How a movement stays correct under races: inside `transaction()` the two accounts are locked
(PostgreSQL row locks in id order; SQLite's `BEGIN IMMEDIATE` already lets one writer in at a
time), the limits are checked against the locked balances, and the transfer, its two entries
and the cached balances are written together (`booking`). A retry carries the same
idempotency key; the unique constraint on it decides the race, and the loser returns the
winner's transfer. Services never read the request: the acting member comes in as `actor`.

The rooms, by what they are about:

- `cleaning`  raw input checked before any lock is taken;
- `accounts`  accounts and pools, balances, the page header and its nudge;
- `access`    who may act on whose ledger (load and authorise in one step);
- `booking`   locking, the one write path, exactly-once per idempotency key;
- `movements` thanks, match payment, donation, grant, settlement, reversal;
- `limits`    coordinators' limit changes and their log;
- `reading`   statements, pools and members for staff, totals.

Callers import from here (`from buurthulp.ledger.services import thank`); the rooms are
free to move things between them.
"""

from buurthulp.ledger.services.access import staff_member_or_404, staff_transfer_or_404
from buurthulp.ledger.services.accounts import (
    account_of,
    balance_minutes,
    ensure_member_account,
    ensure_pool,
    follow_move,
    ledger_header,
    pool_of,
    warning_for,
)
from buurthulp.ledger.services.booking import Booking
from buurthulp.ledger.services.cleaning import (
    KEY_MAX,
    LIMIT_BOUND,
    LOCAL_TZ,
    MAX_TRANSFER_MINUTES,
    TEXT_MAX,
    clean_category,
    clean_client_key,
    clean_minutes,
    clean_text,
    is_id,
    scoped_key,
)
from buurthulp.ledger.services.limits import change_limits, limit_changes
from buurthulp.ledger.services.movements import (
    book_match_payment,
    donate,
    grant,
    reverse,
    settle,
    thank,
)
from buurthulp.ledger.services.reading import (
    StatementLine,
    members_for,
    open_member_statement,
    open_pool,
    pools_for,
    recipients_for,
    statement,
    totals_by_kind,
)

__all__ = [
    "KEY_MAX",
    "LIMIT_BOUND",
    "LOCAL_TZ",
    "MAX_TRANSFER_MINUTES",
    "TEXT_MAX",
    "Booking",
    "StatementLine",
    "account_of",
    "balance_minutes",
    "book_match_payment",
    "change_limits",
    "clean_category",
    "clean_client_key",
    "clean_minutes",
    "clean_text",
    "donate",
    "ensure_member_account",
    "ensure_pool",
    "follow_move",
    "grant",
    "is_id",
    "ledger_header",
    "limit_changes",
    "members_for",
    "open_member_statement",
    "open_pool",
    "pool_of",
    "pools_for",
    "recipients_for",
    "reverse",
    "scoped_key",
    "settle",
    "staff_member_or_404",
    "staff_transfer_or_404",
    "statement",
    "thank",
    "totals_by_kind",
    "warning_for",
]
