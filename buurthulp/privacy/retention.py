"""Retention: what is not needed any more goes, on a timer (`flask retention run`).

Two rules, each set per neighbourhood by the admin:

- the texts of a match's thread (and the reaction that started it) go
  `retention_message_months` (12) after the match ended (done, cancelled or declined);
- an account nobody used for `retention_inactive_months` (24) is erased, after a warning
  mail a month before. Logging in again starts the count anew; a second run within the
  month does not warn again.

A resident helped through a coordinator (`matches.services.needs_coordinator`: today one
without e-mail) never counts as inactive for this rule: such a resident may never log in
and still need help most of all. Their accounts are listed for the coordinator instead
(`retention_due_for_review`), who asks them. Staff accounts are not erased by the timer.

`plan` decides and changes nothing (the dry run prints it); `run` carries a plan out, one
transaction per account. Tests pass `now` to move the clock instead of waiting.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, or_, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from buurthulp.auth.models import ApiToken, Member, RoleAssignment
from buurthulp.auth.permissions import SystemActor
from buurthulp.auth.roles import Role
from buurthulp.db import transaction
from buurthulp.errors import BuurthulpError
from buurthulp.extensions import db
from buurthulp.i18n import day
from buurthulp.i18n import gettext as _
from buurthulp.listings.models import Listing
from buurthulp.matches.models import Match, Message
from buurthulp.matches.services import (
    CLOSED_STATUSES,
    helped_through_coordinator,
    remove_thread_texts,
)
from buurthulp.models_base import UTCDateTime, utcnow
from buurthulp.neighbourhoods.models import (
    DEFAULT_INACTIVE_MONTHS,
    DEFAULT_MESSAGE_MONTHS,
    Neighbourhood,
)
from buurthulp.outbox.services import forget_old_bodies, link_marker, queue_mail
from buurthulp.privacy.erasure import erase
from buurthulp.privacy.models import RetentionNotice

#: Who erases an account for inactivity, in the audit log.
RETENTION = SystemActor("retention")
WARN_MONTHS_BEFORE = 1


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (31 March - 1 = 28/29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last))


def _greatest(*values: ColumnElement) -> ColumnElement:
    """The latest of these moments (none is NULL), on SQLite and PostgreSQL alike."""
    name = db.session.get_bind().dialect.name
    combined = func.greatest(*values) if name == "postgresql" else func.max(*values)
    return type_coerce(combined, UTCDateTime)


def last_active() -> ColumnElement:
    """When the member last did something: joined, logged in, took an API token, posted a
    listing or moved a match (the last two count for residents a coordinator acts for)."""
    joined = Member.created_at
    moments = [
        func.coalesce(Member.last_login_at, joined),
        func.coalesce(
            select(func.max(ApiToken.created_at))
            .where(ApiToken.member_id == Member.id)
            .scalar_subquery(),
            joined,
        ),
        func.coalesce(
            select(func.max(Listing.updated_at))
            .where(Listing.owner_id == Member.id)
            .scalar_subquery(),
            joined,
        ),
        func.coalesce(
            select(func.max(Match.updated_at))
            .where(or_(Match.owner_id == Member.id, Match.responder_id == Member.id))
            .scalar_subquery(),
            joined,
        ),
    ]
    return _greatest(joined, *moments)


def _settings() -> dict[int, tuple[int, int]]:
    """(message months, inactive months) per neighbourhood."""
    rows = db.session.execute(
        select(
            Neighbourhood.id,
            Neighbourhood.retention_message_months,
            Neighbourhood.retention_inactive_months,
        )
    )
    return {row.id: (row[1], row[2]) for row in rows}


def _per_hood(
    hood_column: ColumnElement,
    moment: ColumnElement,
    settings: dict[int, tuple[int, int]],
    months_of: int,
    default: int,
    now: datetime,
    extra: int = 0,
) -> ColumnElement:
    """`moment` is older than the neighbourhood's number of months (+ `extra` earlier):
    one OR over the neighbourhoods, so the whole town is one query."""
    by_months: dict[int, list[int]] = {}
    for hood_id, values in settings.items():
        by_months.setdefault(values[months_of], []).append(hood_id)
    default_cutoff = months_before(now, default - extra)
    parts = [hood_column.is_(None) & (moment < default_cutoff)]
    for months, hood_ids in sorted(by_months.items()):
        cutoff = months_before(now, months - extra)
        parts.append(hood_column.in_(hood_ids) & (moment < cutoff))
    return or_(*parts)


@dataclass(frozen=True)
class Thread:
    match_id: int
    ended_at: datetime
    messages: int


@dataclass(frozen=True)
class Account:
    member_id: int
    display_name: str
    neighbourhood_id: int | None
    last_active_at: datetime
    warned_at: datetime | None = None


@dataclass
class Plan:
    """What a run does (or, dry, would do)."""

    now: datetime
    threads: list[Thread] = field(default_factory=list)
    warnings: list[Account] = field(default_factory=list)
    erasures: list[Account] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    mails: int = 0  # sent or dead mails whose text was (or would be) emptied


def plan(now: datetime | None = None) -> Plan:
    """Decide what is due; change nothing."""
    now = now or utcnow()
    settings = _settings()
    result = Plan(now=now)
    result.threads = _threads_due(now, settings)
    warn, erase_ = _accounts_due(now, settings)
    result.warnings, result.erasures = warn, erase_
    return result


def _threads_due(now: datetime, settings: dict[int, tuple[int, int]]) -> list[Thread]:
    live = (
        select(func.count(Message.id))
        .where(Message.match_id == Match.id, Message.removed_at.is_(None))
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Match.id, Match.updated_at, live.label("messages"))
        .join(Listing, Listing.id == Match.listing_id)
        .where(
            Match.status.in_(CLOSED_STATUSES),
            _per_hood(
                Listing.neighbourhood_id,
                Match.updated_at,
                settings,
                0,
                DEFAULT_MESSAGE_MONTHS,
                now,
            ),
            or_(live > 0, Match.message != ""),
        )
        .order_by(Match.id)
    )
    return [Thread(row.id, row.updated_at, int(row.messages)) for row in rows]


def _candidates(now: datetime, settings: dict[int, tuple[int, int]], extra: int) -> ColumnElement:
    return _per_hood(
        Member.neighbourhood_id,
        last_active(),
        settings,
        1,
        DEFAULT_INACTIVE_MONTHS,
        now,
        extra=extra,
    )


def _staff() -> ColumnElement:
    return Member.roles.any(RoleAssignment.role != Role.RESIDENT.value)


def _accounts_due(
    now: datetime, settings: dict[int, tuple[int, int]]
) -> tuple[list[Account], list[Account]]:
    """(to warn, to erase): residents with e-mail, inactive for the months less one (warn)
    or all of them with a warning at least a month old given in this stretch (erase)."""
    active_at = last_active().label("active_at")
    rows = db.session.execute(
        select(
            Member.id,
            Member.display_name,
            Member.neighbourhood_id,
            active_at,
            RetentionNotice.warned_at,
        )
        .outerjoin(RetentionNotice, RetentionNotice.member_id == Member.id)
        .where(
            Member.status == "active",
            ~helped_through_coordinator(),
            ~_staff(),
            _candidates(now, settings, WARN_MONTHS_BEFORE),
        )
        .order_by(Member.id)
    ).all()
    warn_due = months_before(now, WARN_MONTHS_BEFORE)

    def _cutoff(hood_id: int | None) -> datetime:
        months = settings[hood_id][1] if hood_id in settings else DEFAULT_INACTIVE_MONTHS
        return months_before(now, months)

    warnings, erasures = [], []
    for row in rows:
        account = Account(
            row.id, row.display_name, row.neighbourhood_id, row.active_at, row.warned_at
        )
        warned = row.warned_at is not None and row.warned_at > row.active_at
        if not warned:
            warnings.append(account)
        elif row.active_at < _cutoff(row.neighbourhood_id) and row.warned_at <= warn_due:
            erasures.append(account)
    return warnings, erasures


def run(now: datetime | None = None, *, dry_run: bool = False) -> Plan:
    """Apply the rules (or, dry, only say what they would do)."""
    todo = plan(now)
    keep_days = current_app.config["OUTBOX_KEEP_DAYS"]
    todo.mails = forget_old_bodies(todo.now, keep_days=keep_days, dry_run=dry_run)
    if dry_run:
        return todo
    if todo.threads:
        with transaction():
            remove_thread_texts([t.match_id for t in todo.threads], now=todo.now)
    for account in todo.warnings:
        _warn(account.member_id, todo.now)
    for account in todo.erasures:
        member = db.session.get(Member, account.member_id)
        if member is None:
            continue
        try:
            erase(
                member,
                actor=RETENTION,
                note=_("Not used since %(day)s.", day=day(account.last_active_at)),
                now=todo.now,
            )
        except BuurthulpError as exc:  # changed meanwhile (erased, made staff): next time
            todo.failed.append(f"member {account.member_id}: {exc.message}")
    return todo


def _warn(member_id: int, now: datetime) -> None:
    """One warning mail, in the member's language, and the note that it went (one
    transaction: a mail is never queued without the note, nor the note without the mail)."""
    with transaction():
        member = db.session.get(Member, member_id, with_for_update=True)
        if member is None or not member.email or member.status != "active":
            return
        hood = member.neighbourhood
        months = hood.retention_inactive_months if hood else DEFAULT_INACTIVE_MONTHS
        with force_locale(member.locale or "nl"):
            queue_mail(
                to=member.email,
                member_id=member.id,
                subject=_("Your Buurthulp account will be erased"),
                body=_(
                    "Hello %(name)s,\n\nYou have not used Buurthulp for a long time. To "
                    "protect your privacy, we erase accounts that nobody used for %(months)s "
                    "months. We will erase yours after %(day)s.\n\nDo you want to keep your "
                    "account? Then log in before that day: %(url)s\n\nDid you stop on "
                    "purpose? Then you do not need to do anything.",
                    name=member.display_name,
                    months=months,
                    day=day(months_before(now, -WARN_MONTHS_BEFORE), "long"),
                    url=link_marker("login"),
                ),
                links={"login": ("login", {})},
            )
        found = db.session.scalar(
            select(RetentionNotice).where(RetentionNotice.member_id == member.id)
        )
        if found is None:
            db.session.add(RetentionNotice(member_id=member.id, warned_at=now))
        else:
            found.warned_at = now


@dataclass(frozen=True)
class Review:
    """A resident helped through a coordinator who did nothing here for the neighbourhood's
    inactivity period: the coordinator asks them whether they still want the account."""

    member_id: int
    display_name: str
    neighbourhood_id: int | None
    last_active_at: datetime


def retention_due_for_review(
    scope: Collection[int] | None, *, now: datetime | None = None
) -> list[Review]:
    """The residents helped through a coordinator in these neighbourhoods (None: all) who
    would be erased for inactivity if they were not: for the coordinator's work queue.
    Two queries however many there are (the settings, then the members)."""
    now = now or utcnow()
    settings = _settings()
    active_at = last_active().label("active_at")
    query = (
        select(Member.id, Member.display_name, Member.neighbourhood_id, active_at)
        .where(
            Member.status == "active",
            helped_through_coordinator(),
            ~_staff(),
            _candidates(now, settings, 0),
        )
        .order_by(active_at, Member.id)
    )
    if scope is not None:
        query = query.where(Member.neighbourhood_id.in_(sorted(scope) or [-1]))
    return [
        Review(row.id, row.display_name, row.neighbourhood_id, row.active_at)
        for row in db.session.execute(query)
    ]
