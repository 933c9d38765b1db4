"""Roles: an admin gives a member a staff role for a neighbourhood (or the global admin
role). New powers start with a new login; every change is in the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.permissions import Actor, may
from buurthulp.auth.roles import Permission, Role
from buurthulp.auth.services import end_all_sessions
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.neighbourhoods.models import Neighbourhood


def assign_role(
    member: Member, role: Role, *, neighbourhood: Neighbourhood | None, actor: Actor
) -> RoleAssignment:
    """Give a member a role. Coordinators and outreach workers work in one neighbourhood;
    an admin role is global only."""
    if not may(actor, Permission.ROLES_MANAGE):
        raise NotAllowed(_("Only an admin can give roles."))
    if role in (Role.COORDINATOR, Role.OUTREACH) and neighbourhood is None:
        raise InvalidInput(_("Choose the neighbourhood this role is for."), field="neighbourhood")
    if role in (Role.ADMIN, Role.RESIDENT) and neighbourhood is not None:
        raise InvalidInput(
            _("An admin works for all neighbourhoods: choose “All neighbourhoods”."),
            field="neighbourhood",
        )
    try:
        with transaction():
            assignment = RoleAssignment(
                member_id=member.id,
                role=role.value,
                neighbourhood_id=neighbourhood.id if neighbourhood else None,
            )
            db.session.add(assignment)
            db.session.flush()
            # New powers start with a new login, on every device (and, for staff, with
            # their second factor).
            end_all_sessions(member.id)
            audit.record(
                actor,
                "role-change",
                member_id=member.id,
                neighbourhood_id=neighbourhood.id if neighbourhood else None,
                note=f"+ {role.value}" + (f" ({neighbourhood.name})" if neighbourhood else ""),
            )
    except IntegrityError:
        raise Conflict(_("This member already has that role.")) from None
    # The member's loaded roles would otherwise miss this one until the next commit (a
    # demo town built in one transaction refused a coordinator in their second area).
    if member in db.session:
        db.session.expire(member, ["roles"])
    return assignment


def staff_members() -> list[Member]:
    """Everyone with a staff role, by name: the admin's roles page."""
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.roles.any(RoleAssignment.role != Role.RESIDENT.value))
            .order_by(Member.display_name, Member.id)
        )
    )
