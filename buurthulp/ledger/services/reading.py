"""What residents and staff read: statements with running balances, pools, members.

Reads take no locks and write nothing, except the access log: every staff view of a
member's data (a statement, a list of members, a pool's history) is accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, case, func, select

from buurthulp.access.log import record_staff_view
from buurthulp.auth.labels import role_label
from buurthulp.auth.models import Member, RoleAssignment, staff_role_expr
from buurthulp.auth.permissions import may, scope_of
from buurthulp.auth.roles import Permission, Role
from buurthulp.db import transaction
from buurthulp.errors import NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.ledger.models import Account, Entry, Transfer
from buurthulp.ledger.services.access import open_member_for_staff, pool_for_staff
from buurthulp.ledger.services.accounts import ensure_member_account, pool_of
from buurthulp.neighbourhoods.models import Neighbourhood


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
    staff_role = staff_role_expr(Member.id)
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
    staff_role = staff_role_expr(Member.id)
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


def _statement_query():
    """The statement's SELECT, built once: plain columns from Core tables, so a page pays
    neither for building aliases nor for loading ORM objects (bench/web.py)."""
    entry, transfer = Entry.__table__, Transfer.__table__
    other = Account.__table__.alias("other")
    other_member = Member.__table__.alias("other_member")
    other_hood = Neighbourhood.__table__.alias("other_hood")
    reversal = Transfer.__table__.alias("reversal")
    roles = RoleAssignment.__table__
    staff_role = (
        select(func.min(roles.c.role))
        .where(roles.c.member_id == other_member.c.id, roles.c.role != Role.RESIDENT.value)
        .scalar_subquery()
    )
    query = (
        select(
            entry.c.id.label("entry_id"),
            entry.c.minutes,
            entry.c.balance_after,
            transfer.c.id.label("transfer_id"),
            transfer.c.created_at,
            transfer.c.kind,
            transfer.c.description,
            transfer.c.category,
            transfer.c.reverses_transfer_id,
            transfer.c.reason,
            other.c.kind.label("other_kind"),
            other_member.c.id.label("member_id"),
            other_member.c.display_name,
            other_hood.c.name.label("hood_name"),
            reversal.c.id.label("reversal_id"),
            staff_role.label("role"),
        )
        .select_from(entry)
        .join(transfer, transfer.c.id == entry.c.transfer_id)
        .join(
            other,
            other.c.id
            == case(
                (entry.c.minutes < 0, transfer.c.payee_account_id),
                else_=transfer.c.payer_account_id,
            ),
        )
        .outerjoin(other_member, other_member.c.id == other.c.member_id)
        .outerjoin(other_hood, other_hood.c.id == other.c.neighbourhood_id)
        .outerjoin(reversal, reversal.c.reverses_transfer_id == transfer.c.id)
        .where(entry.c.account_id == bindparam("account_id"))
        .order_by(entry.c.id.desc())
    )
    return query, entry, transfer


_STATEMENT, _ENTRY_T, _TRANSFER_T = _statement_query()
# The two shapes every page asks: the newest page, and the page before an entry. Prebuilt,
# so their cache keys are made once, not on every request.
_PAGE = _STATEMENT.limit(bindparam("limit"))
_PAGE_BEFORE = _STATEMENT.where(_ENTRY_T.c.id < bindparam("before")).limit(bindparam("limit"))


def statement(
    account: Account,
    *,
    since: date | None = None,
    until: date | None = None,
    before_entry_id: int | None = None,
    limit: int | None = 50,
) -> list[StatementLine]:
    """The account's entries, newest first, each with the balance right after it."""
    params: dict[str, object] = {"account_id": account.id}
    if since is None and until is None and limit is not None:
        query = _PAGE if before_entry_id is None else _PAGE_BEFORE
        params.update(limit=limit, before=before_entry_id)
    else:
        query = _STATEMENT
        if since is not None:
            query = query.where(_TRANSFER_T.c.created_at >= _day_start(since))
        if until is not None:
            query = query.where(_TRANSFER_T.c.created_at < _day_start(until + timedelta(days=1)))
        if before_entry_id is not None:
            query = query.where(_ENTRY_T.c.id < before_entry_id)
        if limit is not None:
            query = query.limit(limit)
    pool_names: dict[str, str] = {}
    former = None
    lines = []
    for row in db.session.connection().execute(query, params):
        if row.other_kind == "pool":
            hood = row.hood_name or ""
            if hood not in pool_names:
                pool_names[hood] = _("Solidarity pool %(name)s", name=hood)
            counterparty = pool_names[hood]
        else:
            if row.display_name is None and former is None:
                former = _("a former member")
            counterparty = row.display_name or former or ""
        lines.append(
            StatementLine(
                entry_id=row.entry_id,
                transfer_id=row.transfer_id,
                at=row.created_at,
                kind=row.kind,
                minutes=row.minutes,
                balance_after=row.balance_after,
                description=row.description,
                category=row.category,
                counterparty=counterparty,
                counterparty_member_id=row.member_id,
                counterparty_role=row.role,
                reverses_transfer_id=row.reverses_transfer_id,
                reason=row.reason,
                reversed=row.reversal_id is not None,
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
