"""Who may act on whose ledger: load and authorise in one step, and log what staff see.

A member outside the actor's scope is a 404 (they need not know it exists); a public thing
(a neighbourhood) they may see but not act on is a 403. Staff never act for their own
benefit: a grant, a payment "on behalf of" someone, a limit or a reversal that would favour
the actor is refused; another coordinator or an admin must do it.
"""

from __future__ import annotations

from buurthulp.access.log import record_staff_view
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import is_id
from buurthulp.ledger.models import Transfer
from buurthulp.neighbourhoods.models import Neighbourhood


def not_found_member() -> NotFound:
    return NotFound(_("We could not find this member."), field="to_member_id")


def not_for_yourself() -> NotAllowed:
    return NotAllowed(
        _("You cannot do this for your own account. Ask another coordinator or an admin to do it."),
        code="own_benefit",
    )


def acting_for(actor: Member, member: Member) -> Member | None:
    """None when `actor` acts for themselves; `member` when a coordinator acts for them."""
    if actor.id == member.id:
        if not may(actor, Permission.LEDGER_OWN_TRANSFER):
            raise NotAllowed(_("Your account cannot make transfers right now."))
        return None
    if not may(actor, Permission.LEDGER_PROXY_ACT, member.neighbourhood_id):
        raise not_found_member()
    if member.status != "active":
        raise Conflict(_("This member's account is not active."))
    return member


def active_member_or_404(member_id: object) -> Member:
    if not is_id(member_id):
        raise not_found_member()
    member = db.session.get(Member, member_id)
    if member is None or member.status != "active":
        raise not_found_member()
    return member


def staff_member_or_404(member_id: object, actor: Member, permission: Permission) -> Member:
    """A member whose ledger `actor` may handle with `permission`; 404 outside their scope."""
    if not may(actor, permission):
        raise NotAllowed(_("This is for coordinators only."))
    if not is_id(member_id):
        raise not_found_member()
    member = db.session.get(Member, member_id)
    if member is None or not may(actor, permission, member.neighbourhood_id):
        raise not_found_member()
    return member


def open_member_for_staff(
    member_id: object, actor: Member, permission: Permission, *, what: str
) -> Member:
    """`staff_member_or_404` for a page that shows the member's data: the view is logged."""
    member = staff_member_or_404(member_id, actor, permission)
    record_staff_view(viewer=actor, subject_ids=[member.id], what=what)
    return member


def pool_for_staff(
    neighbourhood_id: object, actor: Member, permission: Permission
) -> Neighbourhood:
    """Neighbourhoods are public; acting on another one's pool is a 403, not a 404."""
    hood = db.session.get(Neighbourhood, neighbourhood_id) if is_id(neighbourhood_id) else None
    if hood is None:
        raise NotFound(_("This neighbourhood does not exist."))
    if not may(actor, permission, hood.id):
        raise NotAllowed(_("You are not a coordinator of this neighbourhood."))
    return hood


def staff_transfer_or_404(transfer_id: object, actor: Member, permission: Permission) -> Transfer:
    """A transfer touching an account in the actor's neighbourhoods; 404 otherwise."""
    if not may(actor, permission):
        raise NotAllowed(_("This is for coordinators only."))
    if not is_id(transfer_id):
        raise NotFound(_("This transfer does not exist."))
    transfer = db.session.get(Transfer, transfer_id)
    if transfer is None or not all(
        may(actor, permission, account.neighbourhood_id)
        for account in (transfer.payer, transfer.payee)
    ):
        raise NotFound(_("This transfer does not exist."))
    return transfer


def open_transfer_for_staff(
    transfer_id: object, actor: Member, permission: Permission, *, reason: str = ""
) -> Transfer:
    """`staff_transfer_or_404` for a page that shows the transfer: both sides are logged."""
    transfer = staff_transfer_or_404(transfer_id, actor, permission)
    record_staff_view(
        viewer=actor,
        subject_ids=[transfer.payer.member_id, transfer.payee.member_id],
        what="transfer",
        reason=reason,
    )
    return transfer


def refuse_own_benefit(actor: Member, *member_ids: int | None) -> None:
    """Staff may not be the one who gains from their own staff action."""
    if actor.id in member_ids:
        raise not_for_yourself()
