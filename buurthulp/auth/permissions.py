"""Policy functions: does this member hold this permission, and where?"""

from __future__ import annotations

from buurthulp.auth.models import Member
from buurthulp.auth.roles import ROLE_PERMISSIONS, SELF_PERMISSIONS, Permission, Role


def has_permission(
    member: Member | None, permission: Permission, neighbourhood_id: int | None = None
) -> bool:
    """True when `member` holds `permission`; with a neighbourhood, only if scoped there.

    Without `neighbourhood_id` the question is "anywhere at all" (may this member open the
    page); the object-level check then asks again with the object's neighbourhood.
    """
    if member is None or not member.is_active:
        return False
    for assignment in member.roles:
        if permission not in ROLE_PERMISSIONS[Role(assignment.role)]:
            continue
        if permission in SELF_PERMISSIONS or neighbourhood_id is None:
            return True
        if assignment.neighbourhood_id is None or assignment.neighbourhood_id == neighbourhood_id:
            return True
    return False


def scoped_neighbourhood_ids(member: Member, permission: Permission) -> set[int] | None:
    """Neighbourhoods where `member` holds `permission`; None means everywhere."""
    ids: set[int] = set()
    for assignment in member.roles:
        if permission not in ROLE_PERMISSIONS[Role(assignment.role)]:
            continue
        if assignment.neighbourhood_id is None:
            return None
        ids.add(assignment.neighbourhood_id)
    return ids
