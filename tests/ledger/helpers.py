"""Helpers for the ledger tests: the test town and snapshots of the ledger."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.ledger.models import Account, Entry, Transfer
from buurthulp.neighbourhoods.models import Neighbourhood


@dataclass
class Town:
    hood: Neighbourhood
    other_hood: Neighbourhood
    alice: Member
    bob: Member
    carol: Member
    coord: Member
    other_coord: Member
    stranger: Member  # a resident of the other neighbourhood


def balance(member: Member) -> int:
    return db.session.scalar(select(Account.balance).where(Account.member_id == member.id))


def pool_balance(hood: Neighbourhood) -> int:
    return db.session.scalar(
        select(Account.balance).where(Account.kind == "pool", Account.neighbourhood_id == hood.id)
    )


def snapshot() -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """Everything a refused movement must leave untouched."""
    transfers = db.session.scalar(select(func.count(Transfer.id)))
    entries = db.session.scalar(select(func.count(Entry.id)))
    balances = tuple(db.session.execute(select(Account.id, Account.balance).order_by(Account.id)))
    return transfers, entries, tuple(tuple(row) for row in balances)
