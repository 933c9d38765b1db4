"""Blocks as the marketplace reads them: have these two blocked each other, and whom must a
member never meet. Blocking and lifting a block are `safety.blocks`, one floor up."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from buurthulp.extensions import db
from buurthulp.protection.models import Block


def blocked_ids(member_id: int) -> set[int]:
    """Everyone `member_id` blocked or was blocked by: they never meet here (one query)."""
    query = (
        select(Block.blocked_id)
        .where(Block.blocker_id == member_id)
        .union(select(Block.blocker_id).where(Block.blocked_id == member_id))
    )
    return set(db.session.scalars(query))


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
