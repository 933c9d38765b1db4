"""Erasure in the time bank: the ledger's history stays whole (amounts, dates, accounts:
every balance and `ledger verify` still hold), and the words in it that are the member's go.

The database allows exactly this change to its append-only tables (`append_only`): a
description becomes "verwijderd", a reason becomes empty.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update

from buurthulp.append_only import ERASED
from buurthulp.extensions import db
from buurthulp.ledger.models import Account, LimitChange, Transfer
from buurthulp.personal_data import Forgetting


def forget(forgetting: Forgetting) -> None:
    """Descriptions the member wrote (or a coordinator wrote on their behalf) become
    "verwijderd"; the reasons staff gave for changing their limits or reversing their
    transfers (money worries, often) are emptied."""
    member_id = forgetting.member_id
    account = select(Account.id).where(Account.member_id == member_id).scalar_subquery()
    written = or_(Transfer.entered_by_id == member_id, Transfer.on_behalf_of_id == member_id)
    forgetting.quote(*db.session.scalars(select(Transfer.description).where(written)))
    on_account = or_(Transfer.payer_account_id == account, Transfer.payee_account_id == account)
    forgetting.quote(*db.session.scalars(select(Transfer.reason).where(on_account)))
    forgetting.quote(
        *db.session.scalars(select(LimitChange.reason).where(LimitChange.account_id == account))
    )
    statements = (
        update(Transfer)
        .where(
            written,
            Transfer.description.not_in(("", ERASED)),
        )
        .values(description=ERASED),
        update(Transfer)
        .where(
            on_account,
            Transfer.reason.is_not(None),
            Transfer.reason != "",
        )
        .values(reason=""),
        update(LimitChange)
        .where(LimitChange.account_id == account, LimitChange.reason != "")
        .values(reason=""),
    )
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
