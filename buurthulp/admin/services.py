"""What the admin's pages read about members, loaded, authorised and logged in one step:
the list of staff and the mail that could not be delivered."""

from __future__ import annotations

from buurthulp.access.log import record_staff_view
from buurthulp.accounts import roles as staff_roles
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.errors import NotAllowed
from buurthulp.i18n import gettext as _
from buurthulp.outbox import services as outbox
from buurthulp.outbox.models import OutboxMessage


def staff_list_for_staff(actor: Member) -> list[Member]:
    """Everyone with a staff role, for the admin's roles page; each of them is logged."""
    if not may(actor, Permission.ROLES_MANAGE):
        raise NotAllowed(_("Only an admin can give roles."))
    staff = staff_roles.staff_members()
    record_staff_view(viewer=actor, subject_ids=[m.id for m in staff], what="staff-list")
    return staff


def dead_mail_for_staff(actor: Member) -> list[OutboxMessage]:
    """Mail that could not be delivered (no bodies); each member it was for is logged."""
    if not may(actor, Permission.OUTBOX_VIEW):
        raise NotAllowed(_("This is for admins only."))
    dead = outbox.dead_messages()
    record_staff_view(viewer=actor, subject_ids=[m.member_id for m in dead], what="mail-status")
    return dead
