"""Erasure (AVG art. 17): a member's personal data goes, the ledger stays right.

One call, one transaction. In order: their open matches end (help they received that waits
for their confirmation is booked first, as the clock would; the other party of each hears
that they left), their listings close and lose their descriptions, their seats at
activities are given up, what they wrote to others is removed ("removed" in a thread), their
time account is settled against the pool and closed, their name in other members'
notifications becomes the pseudonym, their own notifications, settings and mail go, their
consents end, and the member row keeps only a pseudonym ("Verwijderd lid 1234"), the
status "erased" and no way to log in. Every session and token ends.

Then every feature forgets what it keeps about them (`buurthulp.personal_data`: each
feature declares its data and its step): the vulnerable mark with its reason and note,
notes on trust steps and handled queue items, the texts of reports by or about them and of
their suspensions, the words staff gave to open their file, the notes of audit rows about
them, the descriptions they wrote on transfers ("verwijderd") and the reasons for changing
their limits, and mail to others that names them.

History keeps its rows: ledger entries, the access log and the audit log stay, against the
pseudonymous row, so every balance and `ledger verify` still hold; only their free text is
forgotten, the one change the database allows there. A settlement booked here already
carries the pseudonym, never the name. On SQLite the search index is optimised afterwards
and deleted pages are overwritten (`secure_delete`), so no erased text stays in the file.

Who: the member themselves (with their password), a coordinator of their neighbourhood at
their request (with a note of how it was asked), or the command line and the retention
job as a named system actor. Staff accounts are not erased here: an admin first takes the
staff roles away (what they did stays in the audit log under their name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select

from buurthulp.access.log import record_staff_view
from buurthulp.audit import services as audit
from buurthulp.auth.models import ApiToken, AuthSession, Member, RecoveryCode, SecondFactor
from buurthulp.auth.passwords import verify_password
from buurthulp.auth.permissions import Actor, SystemActor, may
from buurthulp.auth.roles import Permission
from buurthulp.auth.services import deactivate
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import format_minutes
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_text, is_id
from buurthulp.ledger.services import close_account
from buurthulp.links import path_for
from buurthulp.listings import search
from buurthulp.listings.activities import cancel_all_signups_of
from buurthulp.listings.models import Listing
from buurthulp.listings.services import close_all_of
from buurthulp.matches.models import Match
from buurthulp.matches.services import end_for_leaving_member, remove_texts_of, texts_of
from buurthulp.models_base import utcnow
from buurthulp.notifications.forgetting import forget_member
from buurthulp.outbox.services import forget_recipient
from buurthulp.personal_data import Forgetting, forget_everywhere
from buurthulp.privacy.consents import withdraw_all

NOTE_MAX = 500


def pseudonym_for(member_id: int) -> str:
    """What an erased member is called from then on, everywhere (never translated: it is
    stored as their name)."""
    return f"Verwijderd lid {member_id}"


@dataclass(frozen=True)
class Erasure:
    """What an erasure did, for the page, the command line and the audit note."""

    member_id: int
    pseudonym: str
    listings_closed: int
    matches_cancelled: int
    matches_booked: int
    messages_removed: int
    settled_minutes: int  # the balance settled with the pool: < 0 written off, > 0 given

    def summary(self) -> str:
        return (
            f"{self.listings_closed} listings closed, {self.matches_cancelled} matches "
            f"cancelled, {self.matches_booked} booked, {self.messages_removed} messages "
            f"removed, balance {format_minutes(self.settled_minutes)} settled with the pool"
        )


def not_found() -> NotFound:
    return NotFound(_("We could not find this member."))


def member_for_staff(member_id: object, actor: Actor) -> Member:
    """Load and authorise in one step: a member of a neighbourhood where `actor` handles
    privacy requests; 404 for anyone else (they need not know the member exists)."""
    if not is_id(member_id):
        raise not_found()
    member = db.session.get(Member, member_id)
    if member is None or not may(actor, Permission.PRIVACY_RIGHTS_HANDLE, member.neighbourhood_id):
        raise not_found()
    return member


def open_member_for_staff(member_id: object, actor: Member, *, what: str) -> Member:
    """`member_for_staff` for a page that shows the member's data: the view is logged."""
    member = member_for_staff(member_id, actor)
    record_staff_view(viewer=actor, subject_ids=[member.id], what=what)
    return member


def check_erasable(member: Member) -> None:
    """Refuse what erasure cannot do, with a reason a person can act on."""
    if member.status == "erased":
        raise Conflict(_("This account is already erased."))
    if member.is_staff:
        raise Conflict(
            _(
                "This is a staff account. An admin first takes away the staff roles; "
                "then the account can be erased."
            )
        )


def erase_own_account(member: Member, *, password: object, now: datetime | None = None) -> Erasure:
    """The member erases their own account, after typing their password (someone else at an
    open screen cannot do it)."""
    if not isinstance(password, str) or not verify_password(member.password_hash, password):
        raise InvalidInput(_("Your password is not right."), field="password")
    return erase(member, actor=member, note=_("Erased by the member themselves."), now=now)


def erase(
    member: Member, *, actor: Actor, note: object = "", now: datetime | None = None
) -> Erasure:
    """Erase `member` (see the module's docstring). Staff give a note of how the member
    asked for it."""
    own = not isinstance(actor, SystemActor) and actor.id == member.id
    if not own and not may(actor, Permission.PRIVACY_RIGHTS_HANDLE, member.neighbourhood_id):
        raise not_found()
    why = clean_text(
        note,
        field="note",
        required=not own and not isinstance(actor, SystemActor),
        max_length=NOTE_MAX,
        empty_message=_("Write how the resident asked for this, for example: by phone today."),
    )
    check_erasable(member)
    now = now or utcnow()
    with transaction():
        member = db.session.get_one(Member, member.id, with_for_update=True, populate_existing=True)
        check_erasable(member)
        erasure = _erase_locked(member, actor=actor, now=now)
        audit.record(
            actor, "erasure", member_id=member.id, note=f"{why} · {erasure.summary()}"[:NOTE_MAX]
        )
    return erasure


def _theirs(member_id: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The ids of their listings and of their matches (read before anything closes)."""
    match_ids = db.session.scalars(
        select(Match.id).where(or_(Match.owner_id == member_id, Match.responder_id == member_id))
    ).all()
    listing_ids = db.session.scalars(select(Listing.id).where(Listing.owner_id == member_id)).all()
    return tuple(listing_ids), tuple(match_ids)


def _their_urls(listing_ids: tuple[int, ...], match_ids: tuple[int, ...]) -> set[str]:
    """The pages of their matches and listings: notifications that lead there and carry
    free text carry theirs."""
    return {path_for("matches.show", match_id=i) for i in match_ids} | {
        path_for("listings.show", listing_id=i) for i in listing_ids
    }


def _erase_locked(member: Member, *, actor: Actor, now: datetime) -> Erasure:
    member_id, old_name, old_email = member.id, member.display_name, member.email
    pseudonym = pseudonym_for(member_id)
    listing_ids, match_ids = _theirs(member_id)
    forgetting = Forgetting(
        member_id=member_id,
        old_name=old_name,
        old_email=old_email,
        pseudonym=pseudonym,
        listing_ids=listing_ids,
        match_ids=match_ids,
        now=now,
    )
    forgetting.quote(*texts_of(member_id))  # read before it goes
    cancelled, booked = end_for_leaving_member(member_id, now=now)
    closed = close_all_of(member_id, now=now)
    cancel_all_signups_of(member_id, now=now)
    removed = remove_texts_of(member_id, now=now)
    forget_recipient(member_id, old_email)
    withdraw_all(member_id, now=now)
    # Every feature's own step (`buurthulp.personal_data`): marks, notes, reports, the
    # words in the ledger, then the audit log and mail that quote any of it.
    forget_everywhere(forgetting)
    forget_member(
        member_id,
        old_name=old_name,
        new_name=pseudonym,
        since=member.created_at,
        their_urls=_their_urls(listing_ids, match_ids),
        quoted=forgetting.quoted,
    )
    _pseudonymise(member, pseudonym)  # deactivates: every session and token ends
    for model in (AuthSession, ApiToken, SecondFactor, RecoveryCode):
        db.session.execute(
            delete(model)
            .where(model.member_id == member_id)
            .execution_options(synchronize_session=False)
        )
    # After the pseudonym: the settlement's description names the member as they are now.
    entered_by = member_id if isinstance(actor, SystemActor) else actor.id
    settled = close_account(member, actor_id=entered_by, reason=_("Account erased"))
    db.session.flush()
    search.optimise(db.session)
    return Erasure(
        member_id=member_id,
        pseudonym=pseudonym,
        listings_closed=closed,
        matches_cancelled=cancelled,
        matches_booked=booked,
        messages_removed=removed,
        settled_minutes=settled.balance if settled else 0,
    )


def _pseudonymise(member: Member, pseudonym: str) -> None:
    """Only the pseudonym, the neighbourhood (the ledger and staff scope need it) and the
    dates the account was made remain."""
    member.display_name = pseudonym
    member.email = member.password_hash = member.phone = None
    member.postcode = member.house_number = None
    member.home_lat = member.home_lon = member.public_lat = member.public_lon = None
    member.home_cell = None
    member.availability, member.radius_m, member.languages = 0, 2000, ""
    member.trust_level, member.last_login_at = "new", None
    deactivate(member, "erased")  # every session and token ends now
    member.tags.clear()
    db.session.flush()
