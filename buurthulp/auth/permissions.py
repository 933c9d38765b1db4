"""The one permission predicate: may this actor do this, here?

`may(actor, permission)` asks "anywhere at all" (may they open the page); `may(actor,
permission, neighbourhood_id)` asks about one object's neighbourhood. Staff roles hold
their permissions only in the neighbourhoods they are assigned to; an admin assignment is
global. The CLI, the demo and scheduled jobs act as a named `SystemActor`, which may do
what it is asked: it is the operator at the keyboard, not a visitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sqlalchemy import select

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.roles import ROLE_PERMISSIONS, SELF_PERMISSIONS, Permission, Role
from buurthulp.extensions import db


class _Anywhere:
    def __repr__(self) -> str:
        return "ANYWHERE"


#: "In at least one neighbourhood": the question a route guard asks before any object loads.
ANYWHERE: Final = _Anywhere()


@dataclass(frozen=True)
class SystemActor:
    """Who acts when nobody is logged in: `flask users create`, the demo, a timer job."""

    label: str
    id: None = None
    is_staff: bool = True
    is_system: bool = True

    @property
    def display_name(self) -> str:
        return f"Buurthulp ({self.label})"


CLI = SystemActor("cli")
DEMO = SystemActor("demo")

Actor = Member | SystemActor


def may(
    actor: Actor | None,
    permission: Permission,
    neighbourhood_id: int | _Anywhere | None = ANYWHERE,
) -> bool:
    """True when `actor` holds `permission` for this neighbourhood.

    `neighbourhood_id=None` is an object that belongs to no neighbourhood: only a global
    (admin) assignment reaches it. Permissions about one's own account hold everywhere.
    """
    if actor is None:
        return False
    if isinstance(actor, SystemActor):
        return True
    if not actor.is_active:
        return False
    for assignment in actor.roles:
        if permission not in ROLE_PERMISSIONS[Role(assignment.role)]:
            continue
        if permission in SELF_PERMISSIONS or neighbourhood_id is ANYWHERE:
            return True
        if assignment.neighbourhood_id is None or assignment.neighbourhood_id == neighbourhood_id:
            return True
    return False


def scope_of(actor: Actor, permission: Permission) -> set[int] | None:
    """The neighbourhoods where `actor` holds `permission`; None means everywhere."""
    if isinstance(actor, SystemActor):
        return None
    ids: set[int] = set()
    if not actor.is_active:
        return ids
    for assignment in actor.roles:
        if permission not in ROLE_PERMISSIONS[Role(assignment.role)]:
            continue
        if assignment.neighbourhood_id is None:
            return None
        ids.add(assignment.neighbourhood_id)
    return ids


def holders_of(permission: Permission, neighbourhood_id: int) -> list[int]:
    """The active staff members who hold `permission` in this neighbourhood (the inverse of
    `scope_of`): whom to tell when something there waits for them. Residents' own
    permissions are not staff work, so they never count here."""
    roles = [
        role.value
        for role, held in ROLE_PERMISSIONS.items()
        if role != Role.RESIDENT and permission in held
    ]
    if not roles:
        return []
    return list(
        db.session.scalars(
            select(RoleAssignment.member_id)
            .join(Member, Member.id == RoleAssignment.member_id)
            .where(
                RoleAssignment.role.in_(roles),
                (RoleAssignment.neighbourhood_id == neighbourhood_id)
                | RoleAssignment.neighbourhood_id.is_(None),
                Member.status == "active",
            )
            .distinct()
            .order_by(RoleAssignment.member_id)
        )
    )
