"""The safeguards' services: reports (any member tells the coordinators; a coordinator
handles it), and the front door to the rest, so callers find everything here: blocks
(`blocks`), the lists the coordinators' work queue reads (`queue`: `open_reports`,
`pending_listings`, each in one query). Moderating a listing and suspending a member have
their own modules; handling a report may call them inside the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from buurthulp.access.log import record_staff_view
from buurthulp.audit import services as audit
from buurthulp.auth.limits import hold_back
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import holders_of, may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_choice, clean_text, is_id
from buurthulp.links import path_for
from buurthulp.listings import services as listings
from buurthulp.listings.models import Listing
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match, Message
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.safety import moderation, suspension
from buurthulp.safety.blocks import BlockedMember as BlockedMember
from buurthulp.safety.blocks import block as block
from buurthulp.safety.blocks import has_blocked as has_blocked
from buurthulp.safety.blocks import known_member
from buurthulp.safety.blocks import my_blocks as my_blocks
from buurthulp.safety.blocks import unblock as unblock
from buurthulp.safety.labels import OUTCOME_LABELS
from buurthulp.safety.models import OUTCOMES, REASONS, Report
from buurthulp.safety.queue import QueueRow as QueueRow
from buurthulp.safety.queue import open_reports as open_reports
from buurthulp.safety.queue import pending_listings as pending_listings

REPORT_TEXT_MAX = 2000
NOTE_MAX = 500

#: These outcomes tell the reported member something, so they need the words for it.
TELLS_THE_MEMBER = ("warned", "hidden", "suspended")


# Reports ---------------------------------------------------------------------------------------


@dataclass
class ReportInput:
    """One target (a listing, a message or a member), a reason from the list, and text."""

    reason: object
    text: object = ""
    listing_id: object = None
    message_id: object = None
    member_id: object = None


@dataclass(frozen=True)
class Target:
    kind: str
    member_id: int
    neighbourhood_id: int | None
    listing_id: int | None = None
    message_id: int | None = None


def _reportable_listing(listing_id: object, actor: Member) -> Listing:
    """A listing the actor may see, or one of a member they blocked: blocking hides the
    listing from them, and "block and report" is one flow."""
    try:
        return listings.get_listing(listing_id, actor)
    except NotFound:
        found = db.session.get(Listing, listing_id) if is_id(listing_id) else None
        if found is None or not has_blocked(actor, found.owner_id):
            raise
        return found


def target_of(data: ReportInput, actor: Member) -> Target:
    """What is reported, loaded as the reporter may see it: a 404 for what they cannot."""
    given = [
        (name, value)
        for name, value in (
            ("listing_id", data.listing_id),
            ("message_id", data.message_id),
            ("member_id", data.member_id),
        )
        if value not in (None, "")
    ]
    if len(given) != 1:
        raise InvalidInput(
            _("Report one thing at a time: a listing, a message or a member."), field="target"
        )
    name, value = given[0]
    if name == "listing_id":
        listing = _reportable_listing(value, actor)
        if listing.owner_id == actor.id:
            raise InvalidInput(_("This is your own listing."), field="listing_id")
        return Target("listing", listing.owner_id, listing.neighbourhood_id, listing_id=listing.id)
    if name == "message_id":
        message = db.session.get(Message, value) if is_id(value) else None
        match = db.session.get(Match, message.match_id) if message is not None else None
        if match is None or not matches.is_party(match, actor.id):
            raise NotFound(_("We could not find this message."), field="message_id")
        if message.author_id == actor.id:  # type: ignore[union-attr]
            raise InvalidInput(_("You wrote this message yourself."), field="message_id")
        return Target(
            "message",
            message.author_id,  # type: ignore[union-attr]
            match.listing.neighbourhood_id,
            message_id=message.id,  # type: ignore[union-attr]
        )
    member = known_member(value, actor)
    # A member of no neighbourhood: the reporter's own coordinators take it.
    return Target("member", member.id, member.neighbourhood_id or actor.neighbourhood_id)


def report(data: ReportInput, *, actor: Member) -> Report:
    """A member reports a listing, a message or a member. It lands with the coordinators of
    the neighbourhood it belongs to; they are told once, not for every report about the
    same member while one waits. The same report again (before it is handled) is the same."""
    if not may(actor, Permission.SAFETY_OWN_REPORT):
        raise NotAllowed(_("Your account cannot make reports right now."))
    reason = clean_choice(data.reason, REASONS, field="reason")
    text = clean_text(
        data.text,
        field="text",
        max_length=REPORT_TEXT_MAX,
        required=reason == "other",
        empty_message=_("Write in a few words what happened."),
    )
    target = target_of(data, actor)
    hold_back("report", actor)
    with transaction():
        same = db.session.scalar(
            select(Report).where(
                Report.reporter_id == actor.id,
                Report.target == target.kind,
                Report.member_id == target.member_id,
                Report.listing_id.is_(None)
                if target.listing_id is None
                else Report.listing_id == target.listing_id,
                Report.message_id.is_(None)
                if target.message_id is None
                else Report.message_id == target.message_id,
                Report.handled_at.is_(None),
            )
        )
        if same is not None:
            return same
        already_waiting = db.session.scalar(
            select(Report.id)
            .where(Report.member_id == target.member_id, Report.handled_at.is_(None))
            .limit(1)
        )
        row = Report(
            reporter_id=actor.id,
            target=target.kind,
            listing_id=target.listing_id,
            message_id=target.message_id,
            member_id=target.member_id,
            neighbourhood_id=target.neighbourhood_id,
            reason=reason,
            text=text,
        )
        db.session.add(row)
        db.session.flush()
        if already_waiting is None and target.neighbourhood_id is not None:
            for member_id in holders_of(Permission.SAFETY_REPORTS_HANDLE, target.neighbourhood_id):
                if member_id not in (actor.id, target.member_id):
                    notify(
                        member_id,
                        "safety.report_waits",
                        url=path_for("safety.report", report_id=row.id),
                    )
    return row


def get_report(report_id: object, actor: Member) -> Report:
    """A report for a coordinator of its neighbourhood; a 404 for everyone else."""
    if not is_id(report_id):
        raise NotFound(_("We could not find this report."))
    found = db.session.get(Report, report_id)
    if found is None or not may(actor, Permission.SAFETY_REPORTS_HANDLE, found.neighbourhood_id):
        raise NotFound(_("We could not find this report."))
    return found


@dataclass(frozen=True)
class ReportView:
    """One report as the coordinator reads it: what was reported, and by whom."""

    report: Report
    listing: Listing | None
    message: Message | None
    match: Match | None


def report_for_staff(report_id: object, actor: Member) -> ReportView:
    """The report page: `report_view`, and both people it names written to the access log
    (the reason guard asked first; it loads with `report_view`, which writes nothing)."""
    view = report_view(report_id, actor)
    found = view.report
    record_staff_view(viewer=actor, subject_ids=[found.member_id, found.reporter_id], what="report")
    return view


def report_view(report_id: object, actor: Member) -> ReportView:
    found = get_report(report_id, actor)
    listing = db.session.get(Listing, found.listing_id) if found.listing_id else None
    message = db.session.get(Message, found.message_id) if found.message_id else None
    match = db.session.get(Match, message.match_id) if message is not None else None
    return ReportView(found, listing, message, match)


def handle_report(
    report_id: object,
    *,
    actor: Member,
    outcome: object,
    note: object = "",
    message: object = "",
) -> Report:
    """A coordinator decides: no action, a talk, a warning (the member reads `message`),
    the listing hidden or the account suspended (the member reads why). The reporter hears
    that it was handled, without details. Deciding the same twice changes nothing."""
    found = get_report(report_id, actor)
    if actor.id in (found.member_id, found.reporter_id):
        raise NotAllowed(
            _("You are part of this report. Ask another coordinator to handle it."),
            code="own_benefit",
        )
    chosen = clean_choice(outcome, OUTCOMES, field="outcome")
    staff_note = clean_text(note, field="note", max_length=NOTE_MAX)
    to_member = clean_text(
        message,
        field="message_to_member",
        max_length=NOTE_MAX,
        required=chosen in TELLS_THE_MEMBER,
        empty_message=_("Write what the member reads: what was not right, and what you expect."),
    )
    if chosen == "hidden" and found.listing_id is None:
        raise InvalidInput(_("Only a reported listing can be hidden."), field="outcome")
    if chosen == "suspended" and not may(
        actor, Permission.SAFETY_MEMBERS_SUSPEND, found.member.neighbourhood_id
    ):
        raise NotAllowed(_("Ask a coordinator of the member's neighbourhood to suspend them."))
    with transaction():
        found = db.session.get_one(Report, found.id, with_for_update=True, populate_existing=True)
        if found.handled_at is not None:
            if found.outcome == chosen:
                return found  # pressed twice
            raise Conflict(_("This report was already handled."))
        found.handled_at, found.handled_by_id = utcnow(), actor.id
        found.handled_by_label, found.outcome = actor.display_name[:80], chosen
        found.note = staff_note
        found.message_to_member = to_member if chosen in TELLS_THE_MEMBER else ""
        db.session.flush()
        if chosen == "warned":
            notify(found.member_id, "safety.warning", message=to_member)
        elif chosen == "hidden":
            moderation.hide_in_transaction(found.listing_id, actor=actor, reason=to_member)
        elif chosen == "suspended" and found.member.status != "suspended":
            # (One suspended already, by another report, stays so: nothing to add.)
            suspension.suspend_in_transaction(
                found.member_id, actor=actor, reason=to_member, report_id=found.id
            )
        audit.record(
            actor,
            "report",
            member_id=found.member_id,
            neighbourhood_id=found.neighbourhood_id,
            note=" · ".join(p for p in (str(OUTCOME_LABELS[chosen]), staff_note) if p),
        )
        notify(found.reporter_id, "safety.report_handled")
    return found


def describe(target: Target) -> str:
    """What is reported, in a few words, for the report page."""
    if target.listing_id is not None:
        listing = db.session.get_one(Listing, target.listing_id)
        return _("The listing “%(title)s”", title=listing.title)
    name = db.session.get_one(Member, target.member_id).display_name
    if target.message_id is not None:
        return _("A message from %(name)s", name=name)
    return _("The member %(name)s", name=name)


def match_of_message(message_id: int) -> int:
    return int(db.session.scalar(select(Message.match_id).where(Message.id == message_id)))


def reports_about(member_id: int, actor: Member, *, leave_out: int | None = None) -> list[Report]:
    """Other reports about this member the coordinator may read, newest first."""
    query = (
        select(Report)
        .where(Report.member_id == member_id)
        .order_by(Report.created_at.desc(), Report.id.desc())
        .limit(50)
    )
    if leave_out is not None:
        query = query.where(Report.id != leave_out)
    return [
        r
        for r in db.session.scalars(query)
        if may(actor, Permission.SAFETY_REPORTS_HANDLE, r.neighbourhood_id)
    ]
