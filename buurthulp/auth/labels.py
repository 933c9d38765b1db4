"""Words people read for roles and account states, in their language."""

from __future__ import annotations

from buurthulp.i18n import lazy_gettext as _l

ROLE_LABELS = {
    "resident": _l("resident"),
    "coordinator": _l("coordinator"),
    "outreach": _l("outreach worker"),
    "admin": _l("admin"),
}

STATUS_LABELS = {
    "pending": _l("not confirmed yet"),
    "active": _l("active"),
    "suspended": _l("suspended"),
    "erased": _l("erased"),
}


def role_label(role: str | None) -> str:
    return str(ROLE_LABELS.get(role or "", role or ""))


def status_label(status: str | None) -> str:
    return str(STATUS_LABELS.get(status or "", status or ""))
