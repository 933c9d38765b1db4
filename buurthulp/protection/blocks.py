"""Blocks as the marketplace reads them: have these two blocked each other, and whom must a
member never meet. Blocking and lifting a block are `safety.blocks`, one floor up."""

from __future__ import annotations

from sqlalchemy import Select, and_, or_, select

from buurthulp.extensions import db
from buurthulp.protection.models import Block


def blocked_with(member_id: int) -> Select:
    """The ids of everyone `member_id` blocked or was blocked by, as a subquery for SQL
    filters (`owner_id NOT IN ...`)."""
    return (
        select(Block.blocked_id)
        .where(Block.blocker_id == member_id)
        .union(select(Block.blocker_id).where(Block.blocked_id == member_id))
    )


def blocked_ids(member_id: int) -> set[int]:
    """Everyone `member_id` blocked or was blocked by: they never meet here (one query)."""
    return set(db.session.scalars(blocked_with(member_id)))


def blocked_between(a: int, b: int) -> bool:
    """Did either of the two block the other?"""
    return (
        db.session.scalar(
            select(Block.id)
            .where(
                or_(
                    and_(Block.blocker_id == a, Block.blocked_id == b),
                    and_(Block.blocker_id == b, Block.blocked_id == a),
                )
            )
            .limit(1)
        )
        is not None
    )
