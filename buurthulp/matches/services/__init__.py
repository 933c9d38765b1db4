"""Match rules: react, invite, accept, cancel, complete, confirm (the ledger books once),
dispute, message, thank. Every illegal step is refused with a reason a person can read.

In a match the one who was helped pays the helper: for a request the listing's owner pays,
for an offer the responder pays. Contact details and the meeting place are shared only
once both have agreed.

One module grew to a thousand lines; it is split by meaning, and callers keep importing
from here (`from buurthulp.matches import services as matches`, then `matches.react(...)`):

- `common`: the limits, loading and locking a match, who is who in it, telling them;
- `agreeing`: react, invite, answer an invitation, accept, cancel, a member who leaves;
- `completing`: mark it done, confirm, book, dispute, ask the pool, settle a dispute;
- `contact`: the thread, notes of thanks, contact details, lists, removing texts;
- `clock`: reminders, confirming by itself, fairness counts, a listing that closes.

Which step is allowed when, and for whom, is one table: `buurthulp.matches.actions`.
"""

from __future__ import annotations

# Callers (and tests) have always reached the listing's loader through this module.
from buurthulp.listings.services import get_listing
from buurthulp.matches.services.agreeing import (
    ENDED,
    accept,
    answer_invitation,
    cancel,
    end_for_leaving_member,
    invite,
    react,
)
from buurthulp.matches.services.clock import (
    helped_through_coordinator,
    invitations_since,
    needs_coordinator,
    on_listing_closed,
    open_match_counts,
    tick,
    withdraw_open_reactions,
    withdraw_unreachable,
)
from buurthulp.matches.services.common import (
    CONFIRM_DAYS,
    MESSAGE_MAX,
    REACTION_MAX,
    REASON_MAX,
    REMINDERS_AFTER,
    TAKEN,
    THANKS_MAX,
    get_match,
    is_party,
    match_for_staff,
    may_help,
    not_found,
    other_party,
    payer_and_payee,
)
from buurthulp.matches.services.completing import (
    Confirmation,
    ask_pool,
    complete,
    confirm,
    dispute,
    resolve_dispute,
)
from buurthulp.matches.services.contact import (
    CLOSED_STATUSES,
    Contact,
    contact_for,
    leave_thanks,
    matches_for_listing,
    matches_of,
    may_read_thread,
    messages_of,
    post_message,
    read_thread,
    remove_texts_of,
    remove_thread_texts,
    texts_of,
    thanks_of,
)

__all__ = [
    "CLOSED_STATUSES",
    "CONFIRM_DAYS",
    "ENDED",
    "MESSAGE_MAX",
    "REACTION_MAX",
    "REASON_MAX",
    "REMINDERS_AFTER",
    "TAKEN",
    "THANKS_MAX",
    "Confirmation",
    "Contact",
    "accept",
    "answer_invitation",
    "ask_pool",
    "cancel",
    "complete",
    "confirm",
    "contact_for",
    "dispute",
    "end_for_leaving_member",
    "get_listing",
    "get_match",
    "helped_through_coordinator",
    "invitations_since",
    "invite",
    "is_party",
    "leave_thanks",
    "match_for_staff",
    "matches_for_listing",
    "matches_of",
    "may_help",
    "may_read_thread",
    "messages_of",
    "needs_coordinator",
    "not_found",
    "on_listing_closed",
    "open_match_counts",
    "other_party",
    "payer_and_payee",
    "post_message",
    "react",
    "read_thread",
    "remove_texts_of",
    "remove_thread_texts",
    "resolve_dispute",
    "texts_of",
    "thanks_of",
    "tick",
    "withdraw_open_reactions",
    "withdraw_unreachable",
]
