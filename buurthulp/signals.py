"""Domain events that let a higher feature react inside the same transaction.

A lower room never imports a higher one: the neighbourhoods and accounts services announce
what happened, and the ledger (say) adds its own rows. Receivers only flush, never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sent with the Neighbourhood after it was created or changed (flushed, not committed)
neighbourhood_saved = _signals.signal("neighbourhood-saved")
#: sent with the Member after the account was created (flushed, not committed)
member_created = _signals.signal("member-created")
#: sent with the Member after their neighbourhood changed (flushed, not committed)
member_moved = _signals.signal("member-moved")
#: sent with the Listing its owner just closed (inside the transaction, not committed)
listing_closed = _signals.signal("listing-closed")
