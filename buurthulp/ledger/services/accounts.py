"""Accounts and pools: created on first use, read for balances, the header and its nudge.

Creation only flushes, so it joins whatever transaction asked for the account (a member
joining, a neighbourhood created, a first transfer).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.ledger.models import Account
from buurthulp.neighbourhoods.models import DEFAULT_LOWER_LIMIT, DEFAULT_UPPER_LIMIT, Neighbourhood


def _new_member_account(member: Member) -> Account:
    hood = member.neighbourhood
    account = Account(
        kind="member",
        member_id=member.id,
        neighbourhood_id=member.neighbourhood_id,
        lower_limit=hood.default_lower_limit if hood else DEFAULT_LOWER_LIMIT,
        upper_limit=hood.default_upper_limit if hood else DEFAULT_UPPER_LIMIT,
    )
    db.session.add(account)
    db.session.flush()
    return account


def ensure_member_account(member: Member) -> Account:
    """The member's account, created with the neighbourhood's default limits (only flushes)."""
    found = db.session.scalar(select(Account).where(Account.member_id == member.id))
    return found or _new_member_account(member)


def ensure_pool(neighbourhood: Neighbourhood) -> Account:
    """The neighbourhood's solidarity pool, created when missing (only flushes)."""
    found = db.session.scalar(
        select(Account).where(Account.kind == "pool", Account.neighbourhood_id == neighbourhood.id)
    )
    if found is not None:
        return found
    pool = Account(kind="pool", neighbourhood_id=neighbourhood.id)
    db.session.add(pool)
    db.session.flush()
    return pool


def follow_move(member: Member) -> None:
    """A member moved: their account follows them; limits stay as a coordinator set them."""
    account = db.session.scalar(select(Account).where(Account.member_id == member.id))
    if account is not None:
        account.neighbourhood_id = member.neighbourhood_id
        db.session.flush()


_ACCOUNT_OF = select(Account).where(Account.member_id == bindparam("member_id"))
_HEADER = select(
    Account.__table__.c.balance, Account.__table__.c.lower_limit, Account.__table__.c.upper_limit
).where(Account.__table__.c.member_id == bindparam("member_id"))


def account_of(member: Member) -> Account | None:
    return db.session.scalar(_ACCOUNT_OF, {"member_id": member.id})


def pool_of(neighbourhood_id: int) -> Account | None:
    return db.session.scalar(
        select(Account).where(Account.kind == "pool", Account.neighbourhood_id == neighbourhood_id)
    )


def balance_minutes(member: Member) -> int:
    """The member's balance in minutes; 0 before they have an account."""
    value = db.session.scalar(select(Account.balance).where(Account.member_id == member.id))
    return int(value or 0)


def warning_for(account: Account | None) -> str | None:
    """A friendly nudge once a member's balance passes 80% of either limit."""
    if account is None or account.kind != "member":
        return None
    return _nudge(account.balance, account.lower_limit, account.upper_limit)


def _nudge(balance: int, lower_limit: int | None, upper_limit: int | None) -> str | None:
    lower, upper = lower_limit or 0, upper_limit or 0
    if lower < 0 and balance * 5 <= lower * 4:
        return _("You have received a lot of help. Maybe you can offer something?")
    if upper > 0 and balance * 5 >= upper * 4:
        return _("You have given a lot. Ask for help too, or give some to the pool.")
    return None


def ledger_header(member: Member | None, statement_url: str) -> dict[str, object] | None:
    """What the page header shows a logged-in member: balance, a nudge, where to look."""
    if member is None:
        return None
    row = db.session.connection().execute(_HEADER, {"member_id": member.id}).first()
    return {
        "balance": row.balance if row else 0,
        "warning": _nudge(*row) if row else None,
        "url": statement_url,
    }
