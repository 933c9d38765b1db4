"""Who may act on whose ledger: load and authorise in one step.

A member outside the actor's scope is a 404 (they need not know it exists); a public thing
(a neighbourhood) they may see but not act on is a 403.
"""

from __future__ import annotations

from flask_babel import gettext as _

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import has_permission, scoped_neighbourhood_ids
from buurthulp.auth.roles import Permission
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.ledger.models import Transfer
from buurthulp.ledger.services.cleaning import is_id
from buurthulp.neighbourhoods.models import Neighbourhood


def may(actor: Member, permission: Permission, neighbourhood_id: int | None) -> bool:
    """`actor` holds `permission` for this neighbourhood (no neighbourhood: global staff only)."""
    if not has_permission(actor, permission):
        return False
    scope = scoped_neighbourhood_ids(actor, permission)
    return scope is None or (neighbourhood_id is not None and neighbourhood_id in scope)


def not_found_member() -> NotFound:
    return NotFound(_("We could not find this member."), field="to_member_id")


def acting_for(actor: Member, member: Member) -> Member | None:
    """None when `actor` acts for themselves; `member` when a coordinator acts for them."""
    if actor.id == member.id:
        if not has_permission(actor, Permission.LEDGER_OWN_TRANSFER):
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
    if not has_permission(actor, permission):
        raise NotAllowed(_("This is for coordinators only."))
    if not is_id(member_id):
        raise not_found_member()
    member = db.session.get(Member, member_id)
    if member is None or not may(actor, permission, member.neighbourhood_id):
        raise not_found_member()
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
    if not has_permission(actor, permission):
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
