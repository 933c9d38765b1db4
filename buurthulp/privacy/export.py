"""Export (AVG art. 15 and 20): everything Buurthulp keeps about a member, in one document.

The member reads it as a page, downloads it as JSON or as a page to keep or print, and
the API gives the same JSON. A coordinator makes it for a resident of their neighbourhood
who asked (a resident without e-mail or computer gets it printed): that is logged twice,
in the resident's access log and in the audit log of staff actions.

Other people appear by display name only, never with their contact details or where they
live; of a thread only the messages the member wrote are in it.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from buurthulp.access.log import access_log_for, record_staff_view
from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.ledger.services import account_of, statement
from buurthulp.listings.models import Listing, Signup
from buurthulp.listings.schemas import ListingOut, listing_out
from buurthulp.matches.models import Match, Message, ThanksNote
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from buurthulp.notifications.services import text_of
from buurthulp.privacy.consents import consents_of
from buurthulp.privacy.erasure import member_for_staff
from buurthulp.privacy.schemas import (
    AccessOut,
    ConsentOut,
    EntryOut,
    HomePoint,
    LedgerOut,
    MatchOut,
    MemberExport,
    MessageOut,
    NotificationOut,
    ProfileOut,
    SignupOut,
    ThanksOut,
)
from buurthulp.schemas_base import slot_names

#: Far more than anyone has: the export is everything, not a page of it.
ALL = 1_000_000


def export_of(member: Member, *, now: datetime | None = None) -> MemberExport:
    """The member's data (reads only; the caller decides who may have it)."""
    return MemberExport(
        exported_at=now or utcnow(),
        profile=_profile(member),
        listings=_listings(member),
        matches=_matches(member),
        messages=[
            MessageOut(
                match_id=m.match_id, at=m.created_at, body=m.body, removed=bool(m.removed_at)
            )
            for m in db.session.scalars(
                select(Message).where(Message.author_id == member.id).order_by(Message.id)
            )
        ],
        thanks=[
            ThanksOut(match_id=t.match_id, at=t.created_at, body=t.body)
            for t in db.session.scalars(
                select(ThanksNote).where(ThanksNote.author_id == member.id).order_by(ThanksNote.id)
            )
        ],
        signups=[
            SignupOut(listing_title=title, day=signup.occurrence, status=signup.status)
            for signup, title in db.session.execute(
                select(Signup, Listing.title)
                .join(Listing, Listing.id == Signup.listing_id)
                .where(Signup.member_id == member.id)
                .order_by(Signup.occurrence, Signup.id)
            )
        ],
        ledger=_ledger(member),
        consents=[
            ConsentOut(
                purpose=row.label,
                text_version=row.text_version,
                given_at=row.given_at,
                withdrawn_at=row.withdrawn_at,
                how=row.method_label,
                recorded_by=row.recorded_by,
            )
            for row in consents_of(member)
        ],
        notifications=[
            NotificationOut(at=n.created_at, text=text_of(n), read=n.read_at is not None)
            for n in db.session.scalars(
                select(Notification)
                .where(Notification.member_id == member.id)
                .order_by(Notification.id.desc())
            )
        ],
        access_log=[
            AccessOut(at=row.at, who=row.viewer, what=row.what, why=row.reason)
            for row in access_log_for(member, limit=ALL)
        ],
    )


def _profile(member: Member) -> ProfileOut:
    point = None
    if member.home_lat is not None and member.home_lon is not None:
        point = HomePoint(lat=member.home_lat, lon=member.home_lon)
    return ProfileOut(
        id=member.id,
        display_name=member.display_name,
        email=member.email,
        phone=member.phone,
        postcode=member.postcode,
        house_number=member.house_number,
        home_point=point,
        neighbourhood=member.neighbourhood.name if member.neighbourhood else None,
        roles=member.role_names,
        trust_level=member.trust_level,
        status=member.status,
        language=member.locale,
        languages_spoken=[code for code in (member.languages or "").split(",") if code],
        available=slot_names(member.availability),
        radius_m=member.radius_m,
        interests=member.tag_list("interest"),
        talents=member.tag_list("talent"),
        joined_at=member.created_at,
        last_login_at=member.last_login_at,
    )


def _listings(member: Member) -> list[ListingOut]:
    """Their listings in the shape the API gives them (`listings.schemas.listing_out`):
    one shape per entity, so the export never lacks what the listing says (tags, slots,
    the end date, capacity, repetition)."""
    listings = db.session.scalars(
        select(Listing)
        .where(Listing.owner_id == member.id)
        .options(selectinload(Listing.category))
        .order_by(Listing.id)
    )
    return [listing_out(listing, member) for listing in listings]


def _matches(member: Member) -> list[MatchOut]:
    other = Member.__table__.alias("other")
    rows = db.session.execute(
        select(Match, Listing.title, other.c.display_name)
        .join(Listing, Listing.id == Match.listing_id)
        .join(
            other,
            other.c.id.in_([Match.owner_id, Match.responder_id]) & (other.c.id != member.id),
        )
        .where(or_(Match.owner_id == member.id, Match.responder_id == member.id))
        .order_by(Match.id)
    )
    out = []
    for match, title, other_name in rows:
        mine = match.owner_id == member.id
        wrote_it = match.invited if mine else not match.invited
        out.append(
            MatchOut(
                id=match.id,
                listing_title=title,
                my_part="owner" if mine else "responder",
                other_party=other_name,
                status=match.status,
                minutes=match.minutes,
                my_reaction=(match.message or None) if wrote_it else None,
                created_at=match.created_at,
                agreed_at=match.agreed_at,
                completed_at=match.completed_at,
                confirmed_at=match.confirmed_at,
            )
        )
    return out


def _ledger(member: Member) -> LedgerOut:
    account = account_of(member)
    if account is None:
        return LedgerOut(
            balance_minutes=0, lower_limit=None, upper_limit=None, closed_at=None, entries=[]
        )
    return LedgerOut(
        balance_minutes=account.balance,
        lower_limit=account.lower_limit,
        upper_limit=account.upper_limit,
        closed_at=account.closed_at,
        entries=[
            EntryOut(
                at=line.at,
                kind=line.kind,
                minutes=line.minutes,
                balance_after=line.balance_after,
                description=line.description,
                counterparty=line.counterparty,
            )
            for line in statement(account, limit=None)
        ],
    )


def as_json(export: MemberExport) -> str:
    """The download: readable by people and programs alike (art. 20: a common format)."""
    return json.dumps(export.model_dump(mode="json"), ensure_ascii=False, indent=2)


def export_for_staff(member_id: object, *, actor: Actor, fmt: str) -> MemberExport:
    """A coordinator makes the export for a resident of their neighbourhood who asked for
    it: the resident's access log and the audit log both say so."""
    member = member_for_staff(member_id, actor)
    export = export_of(member)
    with transaction():
        record_staff_view(viewer=actor, subject_ids=[member.id], what="export")
        audit.record(actor, "export", member_id=member.id, note=fmt)
    return export
