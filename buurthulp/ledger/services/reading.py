"""What residents and staff read: statements with running balances, pools, members.

Reads take no locks and write nothing, except the access log: every staff view of a
member's data (a statement, a list of members, a pool's history) is accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from buurthulp.auth.labels import role_label
from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.permissions import may, scope_of
from buurthulp.auth.roles import Permission, Role
from buurthulp.db import transaction
from buurthulp.errors import NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.ledger.models import Account, Entry, Transfer
from buurthulp.ledger.services.access import open_member_for_staff, pool_for_staff
from buurthulp.ledger.services.accounts import ensure_member_account, pool_of
from buurthulp.neighbourhoods.models import Neighbourhood
from buurthulp.privacy.services import record_staff_view


def open_member_statement(member_id: object, *, actor: Member) -> tuple[Member, Account]:
    """Staff open a member's statement: allowed in their neighbourhoods, and logged."""
    member = open_member_for_staff(
        member_id, actor, Permission.LEDGER_STATEMENT_VIEW, what="ledger-statement"
    )
    with transaction():
        account = ensure_member_account(member)
    return member, account


def open_pool(neighbourhood_id: object, *, actor: Member) -> tuple[Neighbourhood, Account | None]:
    """A neighbourhood the coordinator looks after and its pool (None until first used)."""
    hood = pool_for_staff(neighbourhood_id, actor, Permission.LEDGER_STATEMENT_VIEW)
    return hood, pool_of(hood.id)


def pools_for(actor: Member) -> list[tuple[Neighbourhood, Account | None]]:
    """The neighbourhoods (and pools) a coordinator looks after."""
    scope = scope_of(actor, Permission.LEDGER_STATEMENT_VIEW)
    query = (
        select(Neighbourhood, Account)
        .outerjoin(
            Account, (Account.neighbourhood_id == Neighbourhood.id) & (Account.kind == "pool")
        )
        .order_by(Neighbourhood.name)
    )
    if scope is not None:
        query = query.where(Neighbourhood.id.in_(scope or {-1}))
    return [(hood, pool) for hood, pool in db.session.execute(query)]


@dataclass(frozen=True)
class MemberLine:
    """A member as a staff list shows them: plain values, so logging the view (a commit)
    leaves nothing to reload."""

    id: int
    display_name: str
    status: str
    staff_role: str | None


def members_for(
    actor: Member, neighbourhood_id: int, *, what: str = "member-list"
) -> list[tuple[MemberLine, int | None]]:
    """Members of a neighbourhood the coordinator looks after, with their balances.

    Every member in the list is shown to staff, so each gets a row in the access log.
    """
    if not may(actor, Permission.LEDGER_STATEMENT_VIEW, neighbourhood_id):
        raise NotAllowed(_("You are not a coordinator of this neighbourhood."))
    staff_role = (
        select(func.min(RoleAssignment.role))
        .where(RoleAssignment.member_id == Member.id, RoleAssignment.role != Role.RESIDENT.value)
        .scalar_subquery()
    )
    rows = [
        (MemberLine(row.id, row.display_name, row.status, row.role), row.balance)
        for row in db.session.execute(
            select(
                Member.id,
                Member.display_name,
                Member.status,
                staff_role.label("role"),
                Account.balance,
            )
            .outerjoin(Account, Account.member_id == Member.id)
            .where(Member.neighbourhood_id == neighbourhood_id)
            .order_by(Member.display_name, Member.id)
        )
    ]
    record_staff_view(viewer=actor, subject_ids=[m.id for m, _b in rows], what=what)
    return rows


def record_lines_view(actor: Member, lines: list[StatementLine], *, what: str) -> None:
    """Staff reading statement lines see the other party of each: each of them is logged
    too (a pool's history, or a member's transfers with neighbours)."""
    record_staff_view(
        viewer=actor, subject_ids=[line.counterparty_member_id for line in lines], what=what
    )


def recipients_for(member: Member, *, viewer: Member | None = None) -> list[tuple[int, str]]:
    """Who a member can thank: active members of their neighbourhood, by display name only.

    Staff are marked by the site ("Marieke · coördinator"), never by the name they chose.
    When staff open the list for a resident (`viewer`), everyone in it is logged.
    """
    if member.neighbourhood_id is None:
        return []
    staff_role = (
        select(func.min(RoleAssignment.role))
        .where(RoleAssignment.member_id == Member.id, RoleAssignment.role != Role.RESIDENT.value)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Member.id, Member.display_name, staff_role.label("role"))
        .where(
            Member.neighbourhood_id == member.neighbourhood_id,
            Member.status == "active",
            Member.id != member.id,
        )
        .order_by(Member.display_name, Member.id)
    )
    choices = [
        (row.id, f"{row.display_name} · {role_label(row.role)}" if row.role else row.display_name)
        for row in rows
    ]
    if viewer is not None and viewer.id != member.id:
        record_staff_view(viewer=viewer, subject_ids=[i for i, _n in choices], what="member-list")
    return choices


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    transfer_id: int
    at: datetime
    kind: str
    minutes: int
    balance_after: int
    description: str
    category: str | None
    counterparty: str
    counterparty_member_id: int | None
    counterparty_role: str | None  # a staff role, shown beside the name
    reverses_transfer_id: int | None
    reason: str | None
    reversed: bool


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def statement(
    account: Account,
    *,
    since: date | None = None,
    until: date | None = None,
    before_entry_id: int | None = None,
    limit: int | None = 50,
) -> list[StatementLine]:
    """The account's entries, newest first, each with the balance right after it."""
    other = aliased(Account)
    other_member = aliased(Member)
    other_hood = aliased(Neighbourhood)
    reversal = aliased(Transfer)
    staff_role = (
        select(func.min(RoleAssignment.role))
        .where(
            RoleAssignment.member_id == other_member.id,
            RoleAssignment.role != Role.RESIDENT.value,
        )
        .scalar_subquery()
    )
    query = (
        select(
            Entry,
            Transfer,
            other.kind,
            other_member.id,
            other_member.display_name,
            other_hood.name,
            reversal.id,
            staff_role,
        )
        .join(Transfer, Transfer.id == Entry.transfer_id)
        .join(
            other,
            other.id
            == case(
                (Entry.minutes < 0, Transfer.payee_account_id), else_=Transfer.payer_account_id
            ),
        )
        .outerjoin(other_member, other_member.id == other.member_id)
        .outerjoin(other_hood, other_hood.id == other.neighbourhood_id)
        .outerjoin(reversal, reversal.reverses_transfer_id == Transfer.id)
        .where(Entry.account_id == account.id)
        .order_by(Entry.id.desc())
    )
    if since is not None:
        query = query.where(Transfer.created_at >= _day_start(since))
    if until is not None:
        query = query.where(Transfer.created_at < _day_start(until + timedelta(days=1)))
    if before_entry_id is not None:
        query = query.where(Entry.id < before_entry_id)
    if limit is not None:
        query = query.limit(limit)
    lines = []
    rows = db.session.execute(query)
    for entry, transfer, other_kind, member_id, name, hood_name, reversal_id, role in rows:
        if other_kind == "pool":
            counterparty = _("Solidarity pool %(name)s", name=hood_name or "")
        else:
            counterparty = name or _("a former member")
        lines.append(
            StatementLine(
                entry_id=entry.id,
                transfer_id=transfer.id,
                at=transfer.created_at,
                kind=transfer.kind,
                minutes=entry.minutes,
                balance_after=entry.balance_after,
                description=transfer.description,
                category=transfer.category,
                counterparty=counterparty,
                counterparty_member_id=member_id,
                counterparty_role=role,
                reverses_transfer_id=transfer.reverses_transfer_id,
                reason=transfer.reason,
                reversed=reversal_id is not None,
            )
        )
    return lines


def totals_by_kind() -> list[tuple[str, int, int]]:
    """(kind, transfers, minutes) over the whole ledger, for `ledger stats` and reports."""
    rows = db.session.execute(
        select(Transfer.kind, func.count(Transfer.id), func.coalesce(func.sum(Transfer.minutes), 0))
        .group_by(Transfer.kind)
        .order_by(Transfer.kind)
    )
    return [(kind, int(count), int(total)) for kind, count, total in rows]
