"""Import every feature's models so metadata (and Alembic autogenerate) knows all tables."""

from buurthulp.access.models import AccessLogEntry
from buurthulp.accounts.models import Consent
from buurthulp.auth.models import ApiToken, AuthSession, Member, MemberTag, RoleAssignment
from buurthulp.neighbourhoods.models import Neighbourhood, NeighbourhoodPostcode
from buurthulp.notifications.models import DigestSent, Notification, Preference
from buurthulp.outbox.models import OutboxMessage

__all__ = [
    "AccessLogEntry",
    "ApiToken",
    "AuthSession",
    "Consent",
    "DigestSent",
    "Member",
    "MemberTag",
    "Neighbourhood",
    "NeighbourhoodPostcode",
    "Notification",
    "OutboxMessage",
    "Preference",
    "RoleAssignment",
]

from buurthulp.audit import models as _audit_models  # noqa: F401  (the audit log)
from buurthulp.backoffice import models as _backoffice_models  # noqa: F401  (back office)
from buurthulp.ledger import models as _ledger_models  # noqa: F401  (ledger tables)
from buurthulp.listings import models as _listings_models  # noqa: F401  (marketplace)
from buurthulp.matches import models as _matches_models  # noqa: F401
from buurthulp.privacy import models as _privacy_models  # noqa: F401  (retention)
from buurthulp.protection import models as _protection_models  # noqa: F401  (safeguards)
from buurthulp.safety import models as _safety_models  # noqa: F401  (safeguards)
from buurthulp.work import models as _work_models  # noqa: F401  (the work queue)
