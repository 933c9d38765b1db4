"""The audit log: who of staff did what to whom, kept for good and readable with scope.

Every staff action (verification, moderation, report handling, suspension, limit change,
reversal, grant, settling, proxy action, role change, export, erasure, a reset second
factor ...) calls `record` inside the transaction that makes the change, so the row exists
exactly when the change does. The table is append-only in the database: nobody can edit
or remove what staff did, not even an admin with a SQL prompt.

Admins read every row; a coordinator reads the rows of their own neighbourhoods. Reading
the log shows residents' names, so it is itself written to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import aliased

from buurthulp.access.log import record_staff_view
from buurthulp.audit.models import AuditEntry
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import Actor, SystemActor, may, scope_of
from buurthulp.auth.roles import Permission
from buurthulp.db import in_transaction
from buurthulp.errors import NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import InvalidQuery, decode_cursor, encode_cursor
from buurthulp.personal_data import QUOTE_MIN, Forgetting

NOTE_MAX = 500
PAGE_SIZE = 50

#: Every kind of staff action, as the log's reader sees it.
KINDS = {
    "role-change": _l("Role given or taken"),
    "limit-change": _l("Time-credit limits changed"),
    "grant": _l("Time from the solidarity pool"),
    "reversal": _l("Transfer reversed"),
    "settle": _l("Account settled"),
    "proxy": _l("Done on behalf of a resident"),
    "dispute": _l("Disputed minutes settled"),
    "verification": _l("Trust level set"),
    "moderation": _l("Listing moderated"),
    "report": _l("Report handled"),
    "suspension": _l("Account suspended or restored"),
    "vulnerable": _l("Marked vulnerable or not"),
    "queue": _l("Work-queue item handled"),
    "export": _l("Data exported"),
    "erasure": _l("Account erased"),
    "consent": _l("Consent recorded or withdrawn"),
    "second-factor": _l("Second factor reset"),
    "category": _l("Category changed"),
    "neighbourhood": _l("Neighbourhood changed"),
}


def record(
    actor: Actor,
    kind: str,
    *,
    member_id: int | None = None,
    neighbourhood_id: int | None = None,
    note: str = "",
) -> None:
    """Write one row in the caller's transaction (flush only): the action and its log row
    commit or roll back together."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    if not in_transaction():
        raise RuntimeError("audit.record() outside a transaction(): log with the change")
    if neighbourhood_id is None and member_id is not None:
        neighbourhood_id = db.session.scalar(
            select(Member.neighbourhood_id).where(Member.id == member_id)
        )
    system = isinstance(actor, SystemActor)
    db.session.add(
        AuditEntry(
            actor_id=None if system else actor.id,
            actor_label=actor.display_name[:80],
            kind=kind,
            member_id=member_id,
            neighbourhood_id=neighbourhood_id,
            note=(note or "")[:NOTE_MAX],
        )
    )
    db.session.flush()


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    kind: str
    kind_label: str
    actor: str
    member_id: int | None
    member: str | None
    note: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_cursor: str | None


@dataclass(frozen=True)
class AuditFilter:
    """What the reader narrows the log to; every field optional."""

    member_id: int | None = None
    staff_id: int | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def read(
    actor: Actor, filters: AuditFilter, *, cursor: str | None = None, limit: int = PAGE_SIZE
) -> AuditPage:
    """One page of the log, newest first, within the reader's neighbourhoods."""
    if not may(actor, Permission.AUDIT_VIEW):
        raise NotAllowed(_("Only coordinators and admins read the audit log."))
    if filters.kind is not None and filters.kind not in KINDS:
        raise InvalidQuery(_("This kind of action is not known."), field="kind")
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidQuery(_("The first day comes after the last day."), field="van")
    after = decode_cursor(cursor, ("i",))
    subject = aliased(Member)
    query = (
        select(AuditEntry, subject.display_name)
        .outerjoin(subject, subject.id == AuditEntry.member_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit + 1)
    )
    scope = scope_of(actor, Permission.AUDIT_VIEW)
    if scope is not None:
        query = query.where(AuditEntry.neighbourhood_id.in_(sorted(scope)))
    if filters.member_id is not None:
        query = query.where(AuditEntry.member_id == filters.member_id)
    if filters.staff_id is not None:
        query = query.where(AuditEntry.actor_id == filters.staff_id)
    if filters.kind is not None:
        query = query.where(AuditEntry.kind == filters.kind)
    if filters.since is not None:
        query = query.where(AuditEntry.at >= _start_of(filters.since))
    if filters.until is not None:
        query = query.where(AuditEntry.at < _start_of(filters.until + timedelta(days=1)))
    if after is not None:
        query = query.where(AuditEntry.id < after["i"])
    found = db.session.execute(query).all()
    rows = [
        AuditRow(
            id=entry.id,
            at=entry.at,
            kind=entry.kind,
            kind_label=str(KINDS.get(entry.kind, entry.kind)),
            actor=entry.actor_label,
            member_id=entry.member_id,
            member=name,
            note=entry.note,
        )
        for entry, name in found[:limit]
    ]
    record_staff_view(viewer=actor, subject_ids=[row.member_id for row in rows], what="audit-log")
    next_cursor = encode_cursor({"i": rows[-1].id}) if len(found) > limit and rows else None
    return AuditPage(rows, next_cursor)


def staff_choices(actor: Actor) -> list[tuple[int, str]]:
    """Staff who appear in the reader's part of the log: the "by whom" filter."""
    acted = select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None))
    scope = scope_of(actor, Permission.AUDIT_VIEW)
    if scope is not None:
        acted = acted.where(AuditEntry.neighbourhood_id.in_(sorted(scope)))
    query = (
        select(Member.id, Member.display_name)
        .where(Member.id.in_(acted.distinct()))
        .order_by(Member.display_name, Member.id)
    )
    return [(row.id, row.display_name) for row in db.session.execute(query)]


def forget(forgetting: Forgetting) -> None:
    """Erasure: the notes of every row about the member, and of any row whose note names
    them or quotes what erasure removed (a report's note, a dispute's settlement), are
    emptied; the rows stay (who did what, when). The database allows no other change to
    the log (`append_only.FORGETTABLE`)."""
    needles = sorted(forgetting.quoted)
    if len(forgetting.old_name) >= QUOTE_MIN:  # a shorter name would empty unrelated notes
        needles.append(forgetting.old_name)
    conditions = [AuditEntry.member_id == forgetting.member_id]
    conditions += [AuditEntry.note.contains(n, autoescape=True) for n in needles]
    for start in range(0, len(conditions), 50):  # a statement of bounded size
        db.session.execute(
            update(AuditEntry)
            .where(or_(*conditions[start : start + 50]), AuditEntry.note != "")
            .values(note="")
            .execution_options(synchronize_session=False)
        )
