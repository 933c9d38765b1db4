"""A member's rights over their data in the JSON API: the export (AVG art. 15 and 20)."""

from __future__ import annotations

from typing import Any

from buurthulp.api import registry
from buurthulp.api.marketplace import acting_member
from buurthulp.privacy.export import export_of
from buurthulp.privacy.schemas import MemberExport


@registry.operation(
    "/me/export",
    "GET",
    summary="All my data: profile, listings, matches, my messages, ledger entries, consents, "
    "notifications, and who of staff looked at my data",
    tag="members",
    responses={200: ("Everything Buurthulp keeps about me", MemberExport)},
    errors=(),
)
def my_export() -> Any:
    return export_of(acting_member())
