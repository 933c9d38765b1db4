"""The main menu a member sees, decided in Python with scope: templates only read booleans."""

from __future__ import annotations

from dataclasses import dataclass

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.notifications.services import unread_count


@dataclass(frozen=True)
class Menu:
    staff_ledger: bool
    work_queue: bool
    admin: bool
    unread: int


def menu_for(member: Member | None) -> Menu | None:
    if member is None:
        return None
    return Menu(
        staff_ledger=may(member, Permission.LEDGER_STATEMENT_VIEW),
        work_queue=may(member, Permission.BACKOFFICE_QUEUE_VIEW),
        admin=may(member, Permission.NEIGHBOURHOODS_MANAGE),
        unread=unread_count(member),
    )
