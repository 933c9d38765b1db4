"""Roles and named permissions (`area:resource:action`), and which role holds which.

One table, read top to bottom, answers "who may do what". Staff roles are scoped: a
coordinator or outreach worker holds their permissions only in the neighbourhoods they are
assigned to; an admin assignment without a neighbourhood holds everywhere.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    COORDINATOR = "coordinator"
    OUTREACH = "outreach"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.COORDINATOR, Role.OUTREACH, Role.ADMIN})


class Permission(StrEnum):
    # A member's own things: every member holds these for themselves.
    ACCOUNT_SELF_MANAGE = "auth:account:manage-own"
    LEDGER_OWN_TRANSFER = "ledger:transfer:create-own"
    LISTINGS_POST = "listings:listing:post-own"
    MATCHES_TAKE_PART = "matches:match:take-part"
    SAFETY_OWN_REPORT = "safety:report:create-own"
    SAFETY_OWN_BLOCK = "safety:block:manage-own"
    # Staff, scoped to neighbourhoods.
    MEMBERS_DIRECTORY_VIEW = "members:directory:view"
    MEMBERS_PERSONAL_VIEW = "members:personal:view"
    LEDGER_STATEMENT_VIEW = "ledger:statement:view"
    LEDGER_POOL_GRANT = "ledger:pool:grant"
    LEDGER_ACCOUNT_SETTLE = "ledger:account:settle"
    LEDGER_TRANSFER_REVERSE = "ledger:transfer:reverse"
    LEDGER_LIMIT_CHANGE = "ledger:limit:change"
    LEDGER_HEALTH_VIEW = "ledger:health:view"
    LEDGER_PROXY_ACT = "ledger:transfer:on-behalf"
    OUTREACH_VISIT_REGISTER = "outreach:visit:register"
    LISTINGS_VIEW_ALL = "listings:listing:view-all"
    MATCHES_VIEW_ALL = "matches:match:view-all"
    MATCHES_CONFIRM_ON_BEHALF = "matches:match:confirm-on-behalf"
    MATCHES_DISPUTE_RESOLVE = "matches:dispute:resolve"
    AUDIT_VIEW = "audit:log:view"
    # A resident's AVG rights, handled for them at their request: export, consent, erasure.
    PRIVACY_RIGHTS_HANDLE = "privacy:rights:handle"
    SAFETY_REPORTS_HANDLE = "safety:report:handle"
    SAFETY_LISTINGS_MODERATE = "safety:listing:moderate"
    SAFETY_MEMBERS_SUSPEND = "safety:member:suspend"
    # The back office: the work queue, trust levels, the vulnerable mark, proxy residents.
    BACKOFFICE_QUEUE_VIEW = "backoffice:queue:view"
    MEMBERS_TRUST_SET = "members:trust:set"
    MEMBERS_VULNERABLE_MARK = "members:vulnerable:mark"
    RESIDENTS_PROXY_ACT = "members:resident:act-for"
    # Admin.
    NEIGHBOURHOODS_MANAGE = "neighbourhoods:area:manage"
    ROLES_MANAGE = "auth:role:manage"
    SECOND_FACTOR_RESET = "auth:second-factor:reset"
    OUTBOX_VIEW = "notifications:outbox:view"


_RESIDENT = {
    Permission.ACCOUNT_SELF_MANAGE,
    Permission.LEDGER_OWN_TRANSFER,
    Permission.LISTINGS_POST,
    Permission.MATCHES_TAKE_PART,
    Permission.SAFETY_OWN_REPORT,
    Permission.SAFETY_OWN_BLOCK,
}
_COORDINATOR = {
    Permission.MEMBERS_DIRECTORY_VIEW,
    Permission.MEMBERS_PERSONAL_VIEW,
    Permission.LEDGER_STATEMENT_VIEW,
    Permission.LEDGER_POOL_GRANT,
    Permission.LEDGER_ACCOUNT_SETTLE,
    Permission.LEDGER_TRANSFER_REVERSE,
    Permission.LEDGER_LIMIT_CHANGE,
    Permission.LEDGER_HEALTH_VIEW,
    Permission.LEDGER_PROXY_ACT,
    Permission.LISTINGS_VIEW_ALL,
    Permission.MATCHES_VIEW_ALL,
    Permission.MATCHES_CONFIRM_ON_BEHALF,
    Permission.MATCHES_DISPUTE_RESOLVE,
    Permission.AUDIT_VIEW,
    Permission.PRIVACY_RIGHTS_HANDLE,
    Permission.SAFETY_REPORTS_HANDLE,
    Permission.SAFETY_LISTINGS_MODERATE,
    Permission.SAFETY_MEMBERS_SUSPEND,
    Permission.BACKOFFICE_QUEUE_VIEW,
    Permission.MEMBERS_TRUST_SET,
    Permission.MEMBERS_VULNERABLE_MARK,
    Permission.RESIDENTS_PROXY_ACT,
}
_OUTREACH = {
    Permission.MEMBERS_DIRECTORY_VIEW,
    Permission.OUTREACH_VISIT_REGISTER,
    Permission.LISTINGS_VIEW_ALL,
}
_ADMIN = {
    Permission.NEIGHBOURHOODS_MANAGE,
    Permission.ROLES_MANAGE,
    Permission.SECOND_FACTOR_RESET,
    Permission.OUTBOX_VIEW,
    Permission.LEDGER_HEALTH_VIEW,
    Permission.AUDIT_VIEW,
    # Suspending a member anywhere (and lifting it); reports stay with the coordinators.
    Permission.SAFETY_MEMBERS_SUSPEND,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RESIDENT: frozenset(_RESIDENT),
    Role.COORDINATOR: frozenset(_RESIDENT | _COORDINATOR),
    Role.OUTREACH: frozenset(_RESIDENT | _OUTREACH),
    Role.ADMIN: frozenset(_RESIDENT | _ADMIN),
}

# Permissions about one's own account: held regardless of neighbourhood scope.
SELF_PERMISSIONS = frozenset(_RESIDENT)
