"""Group activities: sign up within capacity, a waiting list that moves up by itself,
dates of a weekly or monthly series (one can be skipped) and reminders. (The .ics file
is `buurthulp.listings.ics`.)

A sign-up is for one date of the activity (the next one, as a rule). Two people taking the
last seat at once cannot both get it: the activity's row is locked while the seats are
counted (on SQLite the write lock already admits one writer at a time).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from buurthulp.access.log import record_staff_view
from buurthulp.auth.limits import hold_back
from buurthulp.auth.models import Member, staff_role_expr
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_text
from buurthulp.links import path_for
from buurthulp.listings.models import Listing, Signup
from buurthulp.listings.services import get_listing, is_expired
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import notify
from buurthulp.protection.blocks import blocked_between, blocked_ids
from buurthulp.protection.text import refuse_contact_details

MESSAGE_MAX = 2000
LOOKAHEAD = 400  # dates of a series looked at, at most (a weekly series: ~8 years)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def _add_months(day: date, months: int) -> date | None:
    """The same day of the month, `months` later; None when that month is too short."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    if day.day > calendar.monthrange(year, month)[1]:
        return None
    return day.replace(year=year, month=month)


def occurrences(listing: Listing, *, after: datetime | None = None, count: int = 5) -> list[date]:
    """The next dates (Amsterdam) the activity takes place, skipped ones left out."""
    if listing.starts_at is None:
        return []
    after = after or utcnow()
    first = _local(listing.starts_at)
    skipped = {s.day for s in listing.skipped}
    found: list[date] = []
    for n in range(LOOKAHEAD if listing.recurrence else 1):
        if listing.recurrence == "weekly":
            day = (first + timedelta(weeks=n)).date()
        elif listing.recurrence == "monthly":
            day = _add_months(first.date(), n)
            if day is None:
                continue
        else:
            day = first.date()
        starts = datetime.combine(day, first.timetz())
        if starts.astimezone(LOCAL_TZ) < after.astimezone(LOCAL_TZ) - timedelta(hours=2):
            continue
        if day in skipped:
            continue
        found.append(day)
        if len(found) >= count:
            break
    return found


def starts_on(listing: Listing, day: date) -> datetime:
    """The moment the activity starts on `day` (the first date's clock time, in Amsterdam)."""
    first = _local(listing.starts_at)  # type: ignore[arg-type]
    return datetime.combine(day, first.time(), tzinfo=LOCAL_TZ)


def next_occurrence(listing: Listing, now: datetime | None = None) -> date | None:
    dates = occurrences(listing, after=now, count=1)
    return dates[0] if dates else None


@dataclass(frozen=True)
class Place:
    """Where a member stands for one date: confirmed, or waiting at `position`."""

    status: str
    position: int | None
    occurrence: date


def _activity(listing_id: object, actor: Member) -> Listing:
    listing = get_listing(listing_id, actor)
    if listing.kind != "activity":
        raise Conflict(_("Only an activity has sign-ups."))
    return listing


def _count(listing_id: int, day: date, status: str) -> int:
    return int(
        db.session.scalar(
            select(func.count(Signup.id)).where(
                Signup.listing_id == listing_id, Signup.occurrence == day, Signup.status == status
            )
        )
        or 0
    )


def position_of(signup: Signup) -> int | None:
    if signup.status != "waiting":
        return None
    ahead = db.session.scalar(
        select(func.count(Signup.id)).where(
            Signup.listing_id == signup.listing_id,
            Signup.occurrence == signup.occurrence,
            Signup.status == "waiting",
            (Signup.queued_at < signup.queued_at)
            | ((Signup.queued_at == signup.queued_at) & (Signup.id < signup.id)),
        )
    )
    return int(ahead or 0) + 1


def sign_up(
    listing_id: object, *, actor: Member, day: date | None = None, now: datetime | None = None
) -> Place:
    """A seat if there is one, else the waiting list; signing up twice changes nothing."""
    if not may(actor, Permission.MATCHES_TAKE_PART):
        raise NotAllowed(_("Your account cannot sign up right now."))
    now = now or utcnow()
    listing = _activity(listing_id, actor)
    if listing.owner_id == actor.id:
        raise Conflict(_("You organise this activity yourself."))
    if blocked_between(actor.id, listing.owner_id):
        raise Conflict(_("You cannot sign up for this activity."))
    dates = occurrences(listing, after=now, count=60)
    chosen = day or (dates[0] if dates else None)
    if chosen is None or chosen not in dates:
        raise InvalidInput(_("This activity does not take place on that date."), field="day")
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        if listing.status != "open" or is_expired(listing, now):
            raise Conflict(_("This activity is no longer open for sign-ups."))
        signup = db.session.scalar(
            select(Signup).where(
                Signup.listing_id == listing.id,
                Signup.occurrence == chosen,
                Signup.member_id == actor.id,
            )
        )
        if signup is not None and signup.status != "cancelled":
            return Place(signup.status, position_of(signup), chosen)
        full = _count(listing.id, chosen, "confirmed") >= (listing.capacity or 0)
        status = "waiting" if full else "confirmed"
        if signup is None:
            signup = Signup(listing_id=listing.id, member_id=actor.id, occurrence=chosen)
            db.session.add(signup)
        signup.status, signup.queued_at, signup.reminded_at = status, now, None
        db.session.flush()
        notify(
            listing.owner_id,
            "activities.signed_up",
            url=path_for("listings.show", listing_id=listing.id),
            by=actor.display_name,
            title=listing.title,
        )
        return Place(status, position_of(signup), chosen)


def cancel_signup(
    listing_id: object, *, actor: Member, day: date | None = None, now: datetime | None = None
) -> None:
    """Give up a seat (or a place on the waiting list); the first waiting moves up."""
    now = now or utcnow()
    listing = _activity(listing_id, actor)
    with transaction():
        listing = db.session.get_one(Listing, listing.id, with_for_update=True)
        query = select(Signup).where(
            Signup.listing_id == listing.id,
            Signup.member_id == actor.id,
            Signup.status != "cancelled",
        )
        if day is not None:
            query = query.where(Signup.occurrence == day)
        signups = list(db.session.scalars(query.order_by(Signup.occurrence)))
        if not signups:
            raise Conflict(_("You are not signed up for this activity."))
        for signup in signups[:1] if day is None else signups:
            was_confirmed = signup.status == "confirmed"
            signup.status = "cancelled"
            db.session.flush()
            if was_confirmed:
                _move_up(listing, signup.occurrence)


def cancel_all_signups_of(member_id: int, *, now: datetime, organiser_id: int | None = None) -> int:
    """The member leaves (or, with `organiser_id`, leaves that organiser's activities: a
    block between the two): their seats and waiting places from today on are given up, and
    the first waiting move up (only flushes). Returns how many were given up."""
    today = _local(now).date()
    query = select(Signup).where(
        Signup.member_id == member_id,
        Signup.status != "cancelled",
        Signup.occurrence >= today,
    )
    if organiser_id is not None:
        query = query.where(
            Signup.listing_id.in_(select(Listing.id).where(Listing.owner_id == organiser_id))
        )
    signups = db.session.scalars(query.order_by(Signup.listing_id, Signup.occurrence)).all()
    for signup in signups:
        listing = db.session.get_one(Listing, signup.listing_id, with_for_update=True)
        was_confirmed = signup.status == "confirmed"
        signup.status = "cancelled"
        db.session.flush()
        if was_confirmed:
            _move_up(listing, signup.occurrence)
    return len(signups)


def _move_up(listing: Listing, day: date) -> None:
    """Fill freed seats from the waiting list, first come first served (only flushes)."""
    free = (listing.capacity or 0) - _count(listing.id, day, "confirmed")
    if free <= 0:
        return
    waiting = db.session.scalars(
        select(Signup)
        .where(
            Signup.listing_id == listing.id, Signup.occurrence == day, Signup.status == "waiting"
        )
        .order_by(Signup.queued_at, Signup.id)
        .limit(free)
    ).all()
    for signup in waiting:
        signup.status = "confirmed"
        db.session.flush()
        notify(
            signup.member_id,
            "activities.moved_up",
            url=path_for("listings.show", listing_id=listing.id),
            title=listing.title,
            day=day.isoformat(),
        )


def my_places(listing: Listing, member: Member, now: datetime | None = None) -> list[Place]:
    """The member's seats and waiting places from today on."""
    today = _local(now or utcnow()).date()
    signups = db.session.scalars(
        select(Signup)
        .where(
            Signup.listing_id == listing.id,
            Signup.member_id == member.id,
            Signup.status != "cancelled",
            Signup.occurrence >= today,
        )
        .order_by(Signup.occurrence)
    )
    return [Place(s.status, position_of(s), s.occurrence) for s in signups]


def took_part(listing: Listing, member: Member, now: datetime | None = None) -> bool:
    """Had a seat on a date that has begun: may thank the organiser, if they asked for it.

    An activity gives no time credits by itself; when the organiser asks for them, each
    participant thanks with the ordinary thank-you transfer (one write path, their choice
    of minutes), so nobody pays for a coffee morning they did not attend."""
    moment = now or utcnow()
    if not listing.credits or listing.owner_id == member.id:
        return False
    days = db.session.scalars(
        select(Signup.occurrence).where(
            Signup.listing_id == listing.id,
            Signup.member_id == member.id,
            Signup.status == "confirmed",
            Signup.occurrence <= _local(moment).date(),
        )
    )
    return any(starts_on(listing, day) <= moment for day in days)


@dataclass(frozen=True)
class Attendee:
    member_id: int
    display_name: str
    status: str
    occurrence: date
    staff_role: str | None = None


def attendees(listing: Listing, *, actor: Member) -> list[Attendee]:
    """Who comes (and who waits): for the organiser and staff of the neighbourhood. What
    staff read is logged here, one row per attendee, so the page and the API both are."""
    organiser = listing.owner_id == actor.id
    if not organiser and not may(actor, Permission.LISTINGS_VIEW_ALL, listing.neighbourhood_id):
        raise NotAllowed(_("Only the organiser sees who comes."))
    rows = db.session.execute(
        select(Signup, Member.display_name, staff_role_expr(Member.id))
        .join(Member, Member.id == Signup.member_id)
        .where(Signup.listing_id == listing.id, Signup.status != "cancelled")
        .order_by(Signup.occurrence, Signup.status, Signup.queued_at, Signup.id)
    )
    people = [Attendee(s.member_id, name, s.status, s.occurrence, role) for s, name, role in rows]
    if not organiser:
        record_staff_view(viewer=actor, subject_ids=[p.member_id for p in people], what="attendees")
    return people


def message_attendees(listing_id: object, *, actor: Member, body: object) -> int:
    """The organiser writes to everyone signed up for the next date; returns how many."""
    text = clean_text(
        body,
        field="body",
        required=True,
        max_length=MESSAGE_MAX,
        empty_message=_("Write your message."),
    )
    # Everyone who signed up reads it, before any of them agreed anything with the writer.
    refuse_contact_details(text, field="body", allow_address=True)
    listing = _activity(listing_id, actor)
    if listing.owner_id != actor.id:
        raise NotAllowed(_("Only the organiser can write to everyone."))
    hold_back("broadcast", actor)
    day = next_occurrence(listing)
    with transaction():
        members = db.session.scalars(
            select(Signup.member_id).where(
                Signup.listing_id == listing.id,
                Signup.occurrence == day,
                Signup.status.in_(("confirmed", "waiting")),
            )
        ).all()
        blocked = blocked_ids(actor.id)
        members = [m for m in members if m not in blocked]
        for member_id in members:
            notify(
                member_id,
                "activities.message",
                url=path_for("listings.show", listing_id=listing.id),
                by=actor.display_name,
                title=listing.title,
                text=text[:300],
            )
    return len(members)


def remind(now: datetime | None = None) -> int:
    """The day before: a reminder for every confirmed seat, checked again when it is sent
    (a cancelled seat or activity is never reminded of). Run from `flask listings tick`."""
    now = now or utcnow()
    tomorrow = (_local(now) + timedelta(days=1)).date()
    due = db.session.scalars(
        select(Signup.id).where(
            Signup.occurrence == tomorrow,
            Signup.status == "confirmed",
            Signup.reminded_at.is_(None),
        )
    ).all()
    sent = 0
    for signup_id in due:
        with transaction():
            signup = db.session.get(Signup, signup_id, with_for_update=True, populate_existing=True)
            if signup is None or signup.status != "confirmed" or signup.reminded_at is not None:
                continue
            listing = db.session.get_one(Listing, signup.listing_id)
            if listing.status != "open" or signup.occurrence not in occurrences(
                listing, after=now, count=3
            ):
                continue
            signup.reminded_at = now
            notify(
                signup.member_id,
                "activities.reminder",
                url=path_for("listings.show", listing_id=listing.id),
                title=listing.title,
                place=listing.place_label or "",
                time=starts_on(listing, signup.occurrence).strftime("%H:%M"),
            )
            sent += 1
    return sent
