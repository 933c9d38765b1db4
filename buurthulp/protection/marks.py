"""The back office's rules that lower rooms must follow: is a resident vulnerable, is a
resident kept by a coordinator, may this coordinator act for them, and whom a helper
contacts instead of a vulnerable resident.

Listings, matches and matching import this (never the back office's services), so the
marks are enforced where feeds, suggestions, reactions and agreements are decided.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import holders_of, may
from buurthulp.auth.roles import Permission
from buurthulp.errors import Conflict, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.personal_data import Forgetting
from buurthulp.protection.models import ProxyResident, Vulnerability

TRUST_ORDER = {"new": 0, "verified": 1, "vog": 2}


def vulnerable_ids() -> Any:
    """A subquery of every vulnerable resident's id, for `NOT IN` filters in SQL."""
    return select(Vulnerability.member_id)


def is_vulnerable(member_id: int | None) -> bool:
    if member_id is None:
        return False
    return (
        db.session.scalar(
            select(Vulnerability.member_id).where(Vulnerability.member_id == member_id)
        )
        is not None
    )


def which_vulnerable(member_ids: list[int] | set[int]) -> set[int]:
    """The vulnerable ones among `member_ids` (one query)."""
    if not member_ids:
        return set()
    return set(
        db.session.scalars(
            select(Vulnerability.member_id).where(Vulnerability.member_id.in_(sorted(member_ids)))
        )
    )


def is_vog(member: Member) -> bool:
    return member.trust_level == "vog"


def trust_needed_for(base: str | None, helped_id: int | None) -> str | None:
    """The trust a helper needs: the category's rule, raised to "vog" for a vulnerable
    resident."""
    if is_vulnerable(helped_id):
        return "vog"
    return base


def trusted_enough(helper: Member, needed: str | None) -> bool:
    if needed is None:
        return True
    return TRUST_ORDER.get(helper.trust_level, 0) >= TRUST_ORDER[needed]


def levels_at_least(needed: str | None) -> tuple[str, ...]:
    """The trust levels that meet `needed` (all of them for None), for SQL `IN` filters."""
    floor = TRUST_ORDER[needed] if needed else 0
    return tuple(level for level, rank in TRUST_ORDER.items() if rank >= floor)


def levels_above(level: str) -> tuple[str, ...]:
    """The trust levels a member of `level` does not reach: a rule asking one of them is
    not for this member."""
    rank = TRUST_ORDER.get(level, 0)
    return tuple(other for other, other_rank in TRUST_ORDER.items() if other_rank > rank)


def vog_checked_ids() -> Any:
    """A subquery of every member whose VOG the coordinator recorded."""
    return select(Member.id).where(Member.trust_level == "vog")


def is_proxy_resident(member_id: int) -> bool:
    return db.session.get(ProxyResident, member_id) is not None


def acting_for(actor: Member, member: Member) -> Member:
    """Check that `actor` (a coordinator) may act for `member` (a resident they keep) and
    return the member. Outside the coordinator's neighbourhoods, or for a resident who is
    online themself, the resident is not found (404)."""
    if actor.id == member.id:
        raise NotFound(_("We could not find this member."))
    if not may(actor, Permission.RESIDENTS_PROXY_ACT, member.neighbourhood_id):
        raise NotFound(_("We could not find this member."))
    if not is_proxy_resident(member.id):
        raise NotFound(_("We could not find this member."))
    if member.status != "active":
        raise Conflict(_("This member's account is not active."))
    return member


def keeps_account_of(actor: Member, member: Member) -> bool:
    """Does `actor` (a coordinator) keep `member`'s account, and so act for them?"""
    try:
        acting_for(actor, member)
    except (NotFound, Conflict):
        return False
    return True


def record_proxy(actor: Member, member: Member, what: str) -> None:
    """The audit row of one thing done on a resident's behalf (in the caller's transaction):
    "namens <resident> door <coordinator>"."""
    audit.record(
        actor,
        "proxy",
        member_id=member.id,
        note=_("on behalf of %(name)s: %(what)s", name=member.display_name, what=what),
    )


def contact_person_for(member_id: int) -> Member | None:
    """Whom a helper contacts instead of a vulnerable resident: the coordinator who marked
    them, while they still coordinate there; otherwise one of the neighbourhood's."""
    mark = db.session.get(Vulnerability, member_id)
    member = db.session.get(Member, member_id)
    if mark is None or member is None:
        return None
    hood = member.neighbourhood_id
    if mark.marked_by_id is not None:
        marker = db.session.get(Member, mark.marked_by_id)
        if marker is not None and may(marker, Permission.MEMBERS_VULNERABLE_MARK, hood):
            return marker
    if hood is None:
        return None
    for holder_id in holders_of(Permission.MEMBERS_VULNERABLE_MARK, hood):
        if holder_id != member_id:
            return db.session.get(Member, holder_id)
    return None


def forget(forgetting: Forgetting) -> None:
    """Erasure: the vulnerable mark goes, with its reason and the professionals' note
    (health data: nothing of it stays)."""
    for row in db.session.execute(
        select(Vulnerability.reason, Vulnerability.note).where(
            Vulnerability.member_id == forgetting.member_id
        )
    ):
        forgetting.quote(*row)
    db.session.execute(
        delete(Vulnerability)
        .where(Vulnerability.member_id == forgetting.member_id)
        .execution_options(synchronize_session=False)
    )
