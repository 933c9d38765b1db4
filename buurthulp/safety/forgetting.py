"""Erasure in the safeguards: what was reported by or about the member, why they were
suspended and what moderators wrote about their listings. The rows stay (that a report was
made and handled, that an account was suspended, when and by whom); every text goes."""

from __future__ import annotations

from sqlalchemy import or_, select, update

from buurthulp.extensions import db
from buurthulp.personal_data import Forgetting
from buurthulp.protection.models import Moderation
from buurthulp.safety.models import Report, Suspension


def forget(forgetting: Forgetting) -> None:
    """Empty the texts of reports by or about the member, of their suspensions, and of
    the moderation of their listings (inside the caller's transaction)."""
    member_id = forgetting.member_id
    reports = or_(Report.reporter_id == member_id, Report.member_id == member_id)
    for row in db.session.execute(
        select(Report.text, Report.note, Report.message_to_member).where(reports)
    ):
        forgetting.quote(*row)
    for row in db.session.execute(
        select(Suspension.reason, Suspension.lift_note).where(Suspension.member_id == member_id)
    ):
        forgetting.quote(*row)
    statements = [
        update(Report).where(reports).values(text="", note="", message_to_member=""),
        update(Suspension).where(Suspension.member_id == member_id).values(reason="", lift_note=""),
    ]
    if forgetting.listing_ids:
        statements.append(
            update(Moderation)
            .where(Moderation.listing_id.in_(forgetting.listing_ids))
            .values(reason="")
        )
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
