"""Coordinators change a member's limits; every change is logged with who, when and why."""

from __future__ import annotations

from sqlalchemy import select, update

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput
from buurthulp.extensions import db
from buurthulp.i18n import format_minutes
from buurthulp.i18n import gettext as _
from buurthulp.ledger.models import Account, LimitChange
from buurthulp.ledger.services.access import refuse_own_benefit, staff_member_or_404
from buurthulp.ledger.services.booking import lock
from buurthulp.ledger.services.cleaning import LIMIT_BOUND, clean_text
from buurthulp.links import path_for
from buurthulp.notifications.services import notify


def change_limits(
    *, member_id: object, lower: object, upper: object, actor: Member, reason: object
) -> Account:
    """Set a member's limits; logged with who, when and why. The balance must already fit.

    Never one's own: another coordinator or an admin changes a coordinator's limits.
    """
    member = staff_member_or_404(member_id, actor, Permission.LEDGER_LIMIT_CHANGE)
    refuse_own_benefit(actor, member.id)
    for value, field in ((lower, "lower_limit"), (upper, "upper_limit")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(_("Give the limit as a whole number of minutes."), field=field)
    assert isinstance(lower, int) and isinstance(upper, int)
    if not -LIMIT_BOUND <= lower <= 0:
        raise InvalidInput(
            _("The lower limit must be between %(n)s and 0 minutes.", n=-LIMIT_BOUND),
            field="lower_limit",
        )
    if not 0 <= upper <= LIMIT_BOUND:
        raise InvalidInput(
            _("The upper limit must be between 0 and %(n)s minutes.", n=LIMIT_BOUND),
            field="upper_limit",
        )
    why = clean_text(
        reason, field="reason", required=True, empty_message=_("Write why the limits change.")
    )
    actor_id = actor.id
    with transaction():
        account = lock(members=(member,)).of_member(member.id)
        if account.balance < lower:
            raise InvalidInput(
                _(
                    "The balance (%(b)s minutes) is already below this lower limit.",
                    b=account.balance,
                ),
                field="lower_limit",
            )
        if account.balance > upper:
            raise InvalidInput(
                _(
                    "The balance (%(b)s minutes) is already above this upper limit.",
                    b=account.balance,
                ),
                field="upper_limit",
            )
        db.session.add(
            LimitChange(
                account_id=account.id,
                old_lower=account.lower_limit,
                old_upper=account.upper_limit,
                new_lower=lower,
                new_upper=upper,
                changed_by_id=actor_id,
                reason=why,
            )
        )
        db.session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(lower_limit=lower, upper_limit=upper)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            actor,
            "limit-change",
            member_id=member.id,
            note=f"{format_minutes(lower)} … {format_minutes(upper)} · {why}",
        )
        notify(
            member.id,
            "ledger.limits",
            url=path_for("ledger.statement"),
            by=actor.display_name,
            lower=lower,
            upper=upper,
        )
    return db.session.get_one(Account, account.id, populate_existing=True)


def limit_changes(account: Account) -> list[LimitChange]:
    return list(
        db.session.scalars(
            select(LimitChange)
            .where(LimitChange.account_id == account.id)
            .order_by(LimitChange.id.desc())
        )
    )
