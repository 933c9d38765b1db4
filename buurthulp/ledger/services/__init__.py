"""Time bank rules: every movement of minutes is one call, one transaction, two entries.

How a movement stays correct under races: inside `transaction()` one UPDATE moves both
balances and holds the limits in its WHERE (on PostgreSQL after locking both rows in id
order; SQLite's `BEGIN IMMEDIATE` lets one writer in at a time), then the transfer and its
two entries are written (`booking`). A retry carries the same idempotency key; the unique
constraint on it decides the race, and the loser returns the winner's transfer. Services
never read the request: the acting member comes in as `actor`.

"Where is a thank-you booked?" `movements.thank` decides, `booking.write` writes.

- `cleaning`  raw input checked before any lock is taken;
- `accounts`  accounts and pools, balances, the page header and its nudge;
- `access`    who may act on whose ledger (load and authorise in one step, log staff views);
- `booking`   the one write path: lock, check, write, once;
- `movements` thanks, match payment, donation, grant, settlement, reversal;
- `limits`    coordinators' limit changes and their log;
- `reading`   statements, pools and members for staff, totals.

Callers import from here (`from buurthulp.ledger.services import thank`); the rooms are
free to move things between them.
"""

from buurthulp.i18n import LOCAL_TZ
from buurthulp.inputs import is_id
from buurthulp.ledger.services.access import (
    open_member_for_staff,
    open_transfer_for_staff,
    staff_member_or_404,
    staff_transfer_or_404,
)
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
    MAX_TRANSFER_MINUTES,
    TEXT_MAX,
    clean_category,
    clean_client_key,
    clean_minutes,
    clean_text,
    scoped_key,
)
from buurthulp.ledger.services.limits import change_limits, limit_changes
from buurthulp.ledger.services.movements import (
    Closed,
    book_match_payment,
    close_account,
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
    record_lines_view,
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
    "Closed",
    "StatementLine",
    "account_of",
    "balance_minutes",
    "book_match_payment",
    "change_limits",
    "clean_category",
    "clean_client_key",
    "clean_minutes",
    "clean_text",
    "close_account",
    "donate",
    "ensure_member_account",
    "ensure_pool",
    "follow_move",
    "grant",
    "is_id",
    "ledger_header",
    "limit_changes",
    "members_for",
    "open_member_for_staff",
    "open_member_statement",
    "open_pool",
    "open_transfer_for_staff",
    "pool_of",
    "pools_for",
    "recipients_for",
    "record_lines_view",
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
