"""Suspending a member, and lifting it: a coordinator of their neighbourhood or an admin,
always with a reason.

A suspended member cannot log in, and every browser session and API token they had ends at
once. Their open listings are paused (they reopen them themselves once it is lifted);
reactions and invitations that nobody answered yet are declined; their agreed matches go
to the coordinator (`matches.needs_coordinator` is true for them, so the clock never
confirms for them), and the other party and the coordinators are told. The member gets
a mail that says why and whom to ask.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from buurthulp.access.log import record_staff_view
from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import holders_of, may
from buurthulp.auth.roles import Permission
from buurthulp.auth.services import deactivate
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_text, is_id
from buurthulp.links import absolute_url, path_for
from buurthulp.listings.models import Listing
from buurthulp.matches.models import Match
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.outbox.services import queue_mail
from buurthulp.safety.models import Suspension

REASON_MAX = 500
# Agreed, and the help not yet settled: these go to the coordinator.
HANDED_OVER = ("agreed", "awaiting_confirmation", "disputed")


def not_found() -> NotFound:
    return NotFound(_("We could not find this member."), field="member_id")


def member_for_staff(member_id: object, actor: Member) -> Member:
    """The suspension page: `member_for_suspension`, and the member in the access log."""
    member = member_for_suspension(member_id, actor)
    record_staff_view(viewer=actor, subject_ids=[member.id], what="suspension")
    return member


def member_for_suspension(member_id: object, actor: Member) -> Member:
    """A member `actor` may suspend (their neighbourhood's, or anyone's for an admin)."""
    if not is_id(member_id):
        raise not_found()
    member = db.session.get(Member, member_id)
    if member is None or not may(actor, Permission.SAFETY_MEMBERS_SUSPEND, member.neighbourhood_id):
        raise not_found()
    return member


def current_suspension(member_id: int) -> Suspension | None:
    return db.session.scalar(
        select(Suspension).where(Suspension.member_id == member_id, Suspension.lifted_at.is_(None))
    )


def history(member_id: int) -> list[Suspension]:
    return list(
        db.session.scalars(
            select(Suspension)
            .where(Suspension.member_id == member_id)
            .order_by(Suspension.id.desc())
        )
    )


def _may_suspend(member: Member, actor: Member) -> None:
    """Never one's own account; a member of staff only by an admin (both ways)."""
    if member.id == actor.id:
        raise NotAllowed(_("This is your own account."), code="own_benefit")
    if member.is_staff and not may(actor, Permission.ROLES_MANAGE):
        raise NotAllowed(_("Only an admin can suspend a member of staff."))


def suspend(member_id: object, *, actor: Member, reason: object) -> Suspension:
    """Suspend a member now; `reason` is what they read, and it is kept."""
    why = clean_text(
        reason,
        field="suspension_reason",
        required=True,
        max_length=REASON_MAX,
        empty_message=_("Write the reason: the member reads it."),
    )
    member = member_for_suspension(member_id, actor)
    with transaction():
        return suspend_in_transaction(member.id, actor=actor, reason=why)


def suspend_in_transaction(
    member_id: int, *, actor: Member, reason: str, report_id: int | None = None
) -> Suspension:
    """The suspension itself, inside the caller's transaction (a handled report)."""
    member = db.session.get_one(Member, member_id, with_for_update=True, populate_existing=True)
    _may_suspend(member, actor)
    if member.status == "suspended":
        raise Conflict(_("This account is suspended already."))
    if member.status != "active":
        raise Conflict(_("Only an active account can be suspended."))
    now = utcnow()
    deactivate(member, "suspended")  # every session and token ends now
    row = Suspension(
        member_id=member.id,
        reason=reason,
        report_id=report_id,
        suspended_by_id=actor.id,
        suspended_by_label=actor.display_name[:80],
        suspended_at=now,
    )
    db.session.add(row)
    db.session.flush()
    for listing in db.session.scalars(
        select(Listing).where(Listing.owner_id == member.id, Listing.status == "open")
    ):
        listing.status, listing.updated_at = "paused", now
    _hand_over_matches(member, now)
    audit.record(actor, "suspension", member_id=member.id, note=_("Suspended") + f": {reason}")
    _mail_suspended(member, reason)
    return row


def _hand_over_matches(member: Member, now: object) -> None:
    """Unanswered reactions and invitations end; agreed matches go to the coordinator."""
    involved = db.session.scalars(
        select(Match)
        .where(
            or_(Match.owner_id == member.id, Match.responder_id == member.id),
            Match.status.in_(("invited", "proposed", *HANDED_OVER)),
        )
        .order_by(Match.id)
    ).all()
    for match in involved:
        if match.status in ("invited", "proposed"):
            match.status, match.updated_at = "declined", now
            continue
        other = match.responder_id if match.owner_id == member.id else match.owner_id
        url = path_for("matches.show", match_id=match.id)
        notify(other, "safety.match_handed_over", url=url, title=match.listing.title)
        for coordinator_id in holders_of(
            Permission.MATCHES_DISPUTE_RESOLVE, match.listing.neighbourhood_id
        ):
            if coordinator_id not in (match.owner_id, match.responder_id):
                notify(coordinator_id, "safety.match_waits", url=url, title=match.listing.title)
    db.session.flush()


def _mail_suspended(member: Member, reason: str) -> None:
    """They cannot log in to read a notification: a mail says why, and whom to ask."""
    if not member.email:
        return
    from flask_babel import force_locale

    with force_locale(member.locale or "nl"):
        subject = _("Your Buurthulp account is suspended")
        body = _(
            "Hello %(name)s,\n\nA coordinator has suspended your Buurthulp account. You cannot "
            "log in for now. The reason:\n\n%(reason)s\n\nDo you have a question about this, "
            "or do you not agree? Please contact the coordinator of your neighbourhood. You "
            "find how on %(url)s",
            name=member.display_name,
            reason=reason,
            url=absolute_url("core.home"),
        )
    queue_mail(to=member.email, member_id=member.id, subject=subject, body=body)


def lift(member_id: object, *, actor: Member, note: object = "") -> Suspension:
    """Lift a suspension: the member can log in again (their listings stay paused until
    they open them again)."""
    text = clean_text(note, field="lift_note", max_length=REASON_MAX)
    member = member_for_suspension(member_id, actor)
    _may_suspend(member, actor)
    with transaction():
        member = db.session.get_one(Member, member.id, with_for_update=True, populate_existing=True)
        row = current_suspension(member.id)
        if member.status != "suspended" or row is None:
            raise Conflict(_("This account is not suspended."))
        member.status = "active"
        row.lifted_at, row.lifted_by_id = utcnow(), actor.id
        row.lifted_by_label, row.lift_note = actor.display_name[:80], text
        db.session.flush()
        audit.record(
            actor,
            "suspension",
            member_id=member.id,
            note=" · ".join(part for part in (_("Suspension lifted"), text) if part),
        )
        notify(member.id, "safety.suspension_lifted", url=path_for("listings.mine"))
    return row
