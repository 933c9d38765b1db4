"""Listing rules: post, change, pause, reopen, close, extend; who may see and change what.

Every action is one service call and one transaction; the acting member comes in as
`actor`. A listing that the actor may not know exists is a 404; one they may see but not
change is a 403. The parts: `posting` (input and the two writes), `lifecycle` (what happens
after posting), `visibility` (the one rule of who sees and who may help), `categories`.
Callers import from here.
"""

from buurthulp.listings.services.categories import (
    categories_for,
    category_label,
    ensure_shared_categories,
    trust_needed,
)
from buurthulp.listings.services.common import (
    DESCRIPTION_MAX,
    HORIZON_DAYS,
    LISTING_DAYS,
    PLACE_MAX,
    STILL_ON_DAYS,
    TITLE_MAX,
    TITLE_MIN,
    not_found,
)
from buurthulp.listings.services.lifecycle import (
    ACTIONS,
    change_status,
    check_link_stamp,
    clock_stamp,
    close_all_of,
    extend,
    lifecycle_steps,
    link_used,
    skip_date,
)
from buurthulp.listings.services.posting import Clean, ListingInput, post_listing, update_listing
from buurthulp.listings.services.visibility import (
    get_listing,
    helpable_by,
    in_feed,
    is_expired,
    listed,
    listing_by_code,
    may_view,
    my_listings,
    visible_to,
)

__all__ = [
    "ACTIONS",
    "DESCRIPTION_MAX",
    "HORIZON_DAYS",
    "LISTING_DAYS",
    "PLACE_MAX",
    "STILL_ON_DAYS",
    "TITLE_MAX",
    "TITLE_MIN",
    "Clean",
    "ListingInput",
    "categories_for",
    "category_label",
    "change_status",
    "check_link_stamp",
    "clock_stamp",
    "close_all_of",
    "ensure_shared_categories",
    "extend",
    "get_listing",
    "helpable_by",
    "in_feed",
    "is_expired",
    "lifecycle_steps",
    "link_used",
    "listed",
    "listing_by_code",
    "may_view",
    "my_listings",
    "not_found",
    "post_listing",
    "skip_date",
    "trust_needed",
    "update_listing",
    "visible_to",
]
