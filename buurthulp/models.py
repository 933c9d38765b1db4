"""Import every feature's models so metadata (and Alembic autogenerate) knows all tables."""

from buurthulp.auth.models import ApiToken, Member, MemberTag, RoleAssignment
from buurthulp.neighbourhoods.models import Neighbourhood, NeighbourhoodPostcode
from buurthulp.notifications.models import OutboxMail
from buurthulp.privacy.models import AccessLogEntry, Consent

__all__ = [
    "AccessLogEntry",
    "ApiToken",
    "Consent",
    "Member",
    "MemberTag",
    "Neighbourhood",
    "NeighbourhoodPostcode",
    "OutboxMail",
    "RoleAssignment",
]

from buurthulp.ledger import models as _ledger_models  # noqa: F401  (ledger tables)
