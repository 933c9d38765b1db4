"""Roles: an admin gives a member a staff role for a neighbourhood (or the global admin
role), and takes it away again. New powers start with a new login, and taken powers end at
once (every session and token); every change is in the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.permissions import Actor, may
from buurthulp.auth.roles import Permission, Role
from buurthulp.auth.services import end_all_sessions
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import is_id
from buurthulp.neighbourhoods.models import Neighbourhood


def _role_changed(
    member: Member, sign: str, role: Role, neighbourhood: Neighbourhood | None, actor: Actor
) -> None:
    """A role given (+) or taken (-): every session and token of the member ends, and the
    audit log says which role, where (inside the caller's transaction)."""
    end_all_sessions(member.id)
    where = f" ({neighbourhood.name})" if neighbourhood else ""
    audit.record(
        actor,
        "role-change",
        member_id=member.id,
        neighbourhood_id=neighbourhood.id if neighbourhood else None,
        note=f"{sign} {role.value}{where}",
    )


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
            _role_changed(member, "+", role, neighbourhood, actor)
    except IntegrityError:
        raise Conflict(_("This member already has that role.")) from None
    # The member's loaded roles would otherwise miss this one until the next commit (a
    # demo town built in one transaction refused a coordinator in their second area).
    if member in db.session:
        db.session.expire(member, ["roles"])
    return assignment


def remove_role(
    member: Member, role: Role, *, neighbourhood: Neighbourhood | None, actor: Actor
) -> int:
    """Take a staff role away: in one neighbourhood, or (no neighbourhood) everywhere the
    member holds it. Every session and API token of theirs ends at once: the powers they
    had must not outlive the decision. The last admin keeps the role (someone must be able
    to give roles). Audited; returns how many assignments went."""
    if not may(actor, Permission.ROLES_MANAGE):
        raise NotAllowed(_("Only an admin can take roles away."))
    if role is Role.RESIDENT:
        raise InvalidInput(_("Only a staff role can be taken away."), field="role")
    with transaction():
        query = select(RoleAssignment).where(
            RoleAssignment.member_id == member.id, RoleAssignment.role == role.value
        )
        if neighbourhood is not None:
            query = query.where(RoleAssignment.neighbourhood_id == neighbourhood.id)
        found = db.session.scalars(query.with_for_update()).all()
        if not found:
            raise Conflict(_("This member does not have that role."))
        if role is Role.ADMIN:
            admins = db.session.scalars(
                select(RoleAssignment.member_id).where(RoleAssignment.role == Role.ADMIN.value)
            ).all()
            if set(admins) == {member.id}:
                raise Conflict(_("This is the last admin: give someone else the role first."))
        for assignment in found:
            db.session.delete(assignment)
        db.session.flush()
        _role_changed(member, "-", role, neighbourhood, actor)
    if member in db.session:
        db.session.expire(member, ["roles"])
    return len(found)


def remove_assignment(assignment_id: object, *, actor: Actor) -> str:
    """The roles page's button: take away this one role (see `remove_role`). Returns the
    member's name for the page."""
    found = db.session.get(RoleAssignment, assignment_id) if is_id(assignment_id) else None
    if found is None:
        raise NotFound(_("This role could not be found."))
    member = db.session.get_one(Member, found.member_id)
    hood = db.session.get(Neighbourhood, found.neighbourhood_id) if found.neighbourhood_id else None
    remove_role(member, Role(found.role), neighbourhood=hood, actor=actor)
    return member.display_name


def staff_members() -> list[Member]:
    """Everyone with a staff role, by name: the admin's roles page."""
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.roles.any(RoleAssignment.role != Role.RESIDENT.value))
            .order_by(Member.display_name, Member.id)
        )
    )
