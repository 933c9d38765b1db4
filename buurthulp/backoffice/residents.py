"""A resident as the back office sees them: their file (trust, the vulnerable mark, whether
a coordinator keeps their account), marking them vulnerable, and the residents who are not
online (proxy residents): creating their account and what a coordinator prints for them.

Every page that shows a resident's data loads them through `open_resident` or
`open_proxy_resident`, which authorise and write the access log in one step; what a proxy
page shows of others (the list, the neighbours' listings) comes through a `..._for_staff`
loader that logs them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from buurthulp.access.log import record_staff_view
from buurthulp.accounts.services import clean_phone, create_member
from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.backoffice.trust import TrustStep, current_vog, history, vog_valid_until
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import clean_choice, clean_text, is_id
from buurthulp.ledger.services import balance_minutes
from buurthulp.listings.models import Listing
from buurthulp.listings.services import get_listing, is_expired, my_listings
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.matches.services import get_match, matches_of, other_party
from buurthulp.matching.feed import Card, FeedPage, feed
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.neighbourhoods.services import resolve_home
from buurthulp.protection.marks import acting_for
from buurthulp.protection.models import CONSENT_HOWS, ProxyResident, Vulnerability

REASON_MAX = 200
NOTE_MAX = 2000
CONSENT = {
    "paper": _l("on paper, signed"),
    "phone": _l("by phone"),
    "in-person": _l("in person, out loud"),
}
assert set(CONSENT) == set(CONSENT_HOWS)


def _not_found() -> NotFound:
    return NotFound(_("We could not find this member."))


# Loading and authorising ---------------------------------------------------------------------


def staff_resident(member_id: object, actor: Member, permission: Permission) -> Member:
    """A member `actor` may handle with `permission` (in their neighbourhoods); 404 for
    anyone else, so ids outside their scope tell nothing. Writes nothing."""
    if not is_id(member_id):
        raise _not_found()
    member = db.session.get(Member, member_id)
    if member is None or not may(actor, permission, member.neighbourhood_id):
        raise _not_found()
    return member


def open_resident(
    member_id: object, actor: Member, permission: Permission, *, what: str = "resident-page"
) -> Member:
    """`staff_resident` for a page that shows the member's data: the view is logged."""
    member = staff_resident(member_id, actor, permission)
    record_staff_view(viewer=actor, subject_ids=[member.id], what=what)
    return member


def proxy_resident(member_id: object, actor: Member) -> Member:
    """A resident this coordinator keeps (acts for); 404 for anyone else. Writes nothing."""
    if not is_id(member_id):
        raise _not_found()
    member = db.session.get(Member, member_id)
    if member is None:
        raise _not_found()
    return acting_for(actor, member)


def open_proxy_resident(member_id: object, actor: Member, *, what: str = "proxy-page") -> Member:
    """`proxy_resident` for a page that shows their data: the view is logged."""
    member = proxy_resident(member_id, actor)
    record_staff_view(viewer=actor, subject_ids=[member.id], what=what)
    return member


def _others_seen(actor: Member, member: Member, others: Iterable[int]) -> None:
    """The neighbours a proxy page shows beside the resident (a helper's name and phone)."""
    record_staff_view(viewer=actor, subject_ids=[i for i in others if i != member.id], what="match")


def proxy_matches_for_staff(member: Member, actor: Member) -> list[Match]:
    """The matches of a resident the coordinator keeps (`member`, opened with
    `open_proxy_resident`); the neighbour on the other side of each is logged."""
    mine = matches_of(member)
    _others_seen(actor, member, [other_party(m, member.id) for m in mine])
    return mine


def proxy_match_for_staff(member: Member, match_id: object, actor: Member) -> Match:
    """One of her matches (hers only: loaded as she may see it); the other side is logged."""
    match = get_match(match_id, member)
    _others_seen(actor, member, [other_party(match, member.id)])
    return match


# A resident's file --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentFile:
    member: Member
    trust: list[TrustStep]
    vog_valid_until: date | None
    vulnerability: Vulnerability | None
    proxy: ProxyResident | None
    can_trust: bool
    can_mark: bool
    can_act_for: bool
    can_ledger: bool
    can_audit: bool


def resident_file(member: Member, actor: Member) -> ResidentFile:
    hood = member.neighbourhood_id
    vog = current_vog(member)
    return ResidentFile(
        member=member,
        trust=history(member),
        vog_valid_until=vog_valid_until(vog.vog_issued_on) if vog and vog.vog_issued_on else None,
        vulnerability=db.session.get(Vulnerability, member.id),
        proxy=db.session.get(ProxyResident, member.id),
        can_trust=member.id != actor.id and may(actor, Permission.MEMBERS_TRUST_SET, hood),
        can_mark=member.id != actor.id and may(actor, Permission.MEMBERS_VULNERABLE_MARK, hood),
        can_act_for=may(actor, Permission.RESIDENTS_PROXY_ACT, hood),
        can_ledger=may(actor, Permission.LEDGER_STATEMENT_VIEW, hood),
        can_audit=may(actor, Permission.AUDIT_VIEW, hood),
    )


# Vulnerable ------------------------------------------------------------------------------------


def _member_to_mark(member_id: object, actor: Member) -> Member:
    member = staff_resident(member_id, actor, Permission.MEMBERS_VULNERABLE_MARK)
    if member.id == actor.id:
        raise NotAllowed(
            _("You cannot do this for your own account. Ask another coordinator to do it."),
            code="own_benefit",
        )
    return member


def mark_vulnerable(
    member_id: object, *, reason: object, note: object = "", actor: Member
) -> Vulnerability:
    """A coordinator marks a resident vulnerable (kwetsbaar), with a reason and a note for
    professionals only (on the mark; the audit log says only that it was marked: health
    data never goes into a log kept for good). Marking again changes
    the reason and the note. From then on only VOG-checked helpers see their requests,
    contact goes through the coordinator, and the clock never confirms for them."""
    member = _member_to_mark(member_id, actor)
    why = clean_text(
        reason,
        field="reason",
        required=True,
        max_length=REASON_MAX,
        multiline=False,
        empty_message=_("Write in a few words why this resident needs extra care."),
    )
    text = clean_text(note, field="note", max_length=NOTE_MAX)
    with transaction():
        mark = db.session.get(Vulnerability, member.id, with_for_update=True)
        if mark is None:
            mark = Vulnerability(member_id=member.id)
            db.session.add(mark)
        mark.reason, mark.note = why, text
        mark.marked_by_id, mark.marked_at = actor.id, utcnow()
        db.session.flush()
        # Helpers who may no longer reach them let go of what was still open.
        matches.withdraw_unreachable(member.id)
        audit.record(
            # Never the reason: it is health data, and the log is kept for good.
            actor,
            "vulnerable",
            member_id=member.id,
            note=_("marked vulnerable"),
        )
    return mark


def unmark_vulnerable(member_id: object, *, reason: object, actor: Member) -> None:
    """The mark comes off (with a reason, audited); the professionals' note goes with it."""
    member = _member_to_mark(member_id, actor)
    # Asked so the coordinator says it to themself; kept nowhere: it is often about health.
    clean_text(
        reason,
        field="reason",
        required=True,
        max_length=REASON_MAX,
        multiline=False,
        empty_message=_("Write in a few words why the mark comes off."),
    )
    with transaction():
        mark = db.session.get(Vulnerability, member.id, with_for_update=True)
        if mark is None:
            return  # already off: pressed twice
        db.session.delete(mark)
        audit.record(
            actor,
            "vulnerable",
            member_id=member.id,
            note=_("no longer marked vulnerable"),  # the reason can be about health
        )


# Residents who are not online ------------------------------------------------------------------


def create_proxy_resident(
    *,
    actor: Member,
    display_name: object,
    postcode: object,
    house_number: object,
    phone: object,
    consent_how: object,
) -> Member:
    """A coordinator makes an account for a resident without e-mail or computer: no
    e-mail, no password (nobody can log in with it); the coordinator acts for them. How
    the resident agreed to the privacy statement is kept, and who recorded it."""
    if not may(actor, Permission.RESIDENTS_PROXY_ACT):
        raise NotAllowed(_("Only coordinators can do this."))
    how = clean_choice(consent_how, CONSENT_HOWS, field="consent_how")
    number = clean_phone(phone)
    if number is None:
        raise InvalidInput(
            _("Fill in a phone number: helpers and the coordinator call this resident."),
            field="phone",
        )
    home = resolve_home(
        postcode if isinstance(postcode, str) else None,
        house_number if isinstance(house_number, str) else None,
    )
    if not may(actor, Permission.RESIDENTS_PROXY_ACT, home.neighbourhood.id):
        raise InvalidInput(
            _("This address is not in a neighbourhood you coordinate."), field="postcode"
        )
    with transaction():
        member = create_member(
            display_name=display_name,
            email=None,
            password=None,
            postcode=home.postcode,
            house_number=home.house_number,
            consent_version=current_app.config["PRIVACY_STATEMENT_VERSION"],
            recorded_by=actor,
            consent_method=how,
        )
        member.phone = number
        db.session.add(ProxyResident(member_id=member.id, consent_how=how, created_by_id=actor.id))
        db.session.flush()
        audit.record(
            actor,
            "proxy",
            member_id=member.id,
            note=_(
                "account made for a resident who is not online; consent %(how)s", how=CONSENT[how]
            ),
        )
    return member


def proxy_residents_for_staff(actor: Member) -> list[tuple[int, str]]:
    """The residents this coordinator may act for (id, name), by name; one query. Names
    only, and still a list of residents read by staff: logged ("overview")."""
    query = (
        select(Member.id, Member.display_name, Member.neighbourhood_id)
        .join(ProxyResident, ProxyResident.member_id == Member.id)
        .where(Member.status == "active")
        .order_by(Member.display_name, Member.id)
    )
    people = [
        (row.id, row.display_name)
        for row in db.session.execute(query)
        if may(actor, Permission.RESIDENTS_PROXY_ACT, row.neighbourhood_id)
    ]
    record_staff_view(viewer=actor, subject_ids=[i for i, _name in people], what="proxy-list")
    return people


def proxy_feed_for_staff(
    member: Member, actor: Member, *, cursor: object = None
) -> tuple[list[Card], FeedPage]:
    """The neighbours' requests and offers a coordinator reads for a resident they keep
    (`member`, opened with `open_proxy_resident`); no activities. Each owner shown is
    logged."""
    page = feed(member, cursor=cursor)
    cards = [card for card in page.cards if card.kind != "activity"]
    record_staff_view(viewer=actor, subject_ids=[c.owner_id for c in cards], what="proxy-feed")
    return cards, page


def proxy_listing_for_staff(member: Member, listing_id: object, actor: Member) -> Listing:
    """A neighbour's listing as the resident they keep may see it, read by the coordinator
    to react on her behalf; its owner is logged."""
    listing = get_listing(listing_id, member)
    record_staff_view(viewer=actor, subject_ids=[listing.owner_id], what="proxy-feed")
    return listing


@dataclass(frozen=True)
class Agreed:
    """An agreed match on a printed summary: what, with whom (first name), their phone."""

    match: Match
    first_name: str
    phone: str | None


@dataclass(frozen=True)
class Summary:
    member: Member
    open_requests: list[Listing]
    agreed: list[Agreed]
    balance: int
    printed_at: datetime


AGREED = ("agreed", "awaiting_confirmation", "disputed")


def summary_for_staff(member: Member, actor: Member, *, now: datetime | None = None) -> Summary:
    """What the printed page says: open requests, agreed matches with the other's first
    name and phone (each of them logged), and the balance."""
    now = now or utcnow()
    requests = [
        listing
        for listing in my_listings(member)
        if listing.kind == "request"
        and listing.status in ("pending", "open", "paused")
        and not is_expired(listing, now)
    ]
    agreed = []
    for match in matches_of(member, open_only=True):
        if match.status not in AGREED:
            continue
        other = (
            match.responder if other_party(match, member.id) == match.responder_id else match.owner
        )
        agreed.append(Agreed(match, (other.display_name or "").split(" ")[0], other.phone))
    _others_seen(actor, member, [other_party(a.match, member.id) for a in agreed])
    return Summary(member, requests, agreed, balance_minutes(member), now)


def neighbourhood_of(member: Member) -> Neighbourhood | None:
    if member.neighbourhood_id is None:
        return None
    return db.session.get(Neighbourhood, member.neighbourhood_id)
