"""The back-office pages at /beheer: the work queue (`queue`), a resident's file, trust and
the vulnerable mark (`residents`), and acting for residents who are not online (`proxy`)."""

from __future__ import annotations

from flask import Blueprint

from buurthulp.auth.guards import current_member
from buurthulp.auth.models import Member

bp = Blueprint("backoffice", __name__, url_prefix="/beheer")


def me() -> Member:
    member = current_member()
    assert member is not None  # the guard saw to it
    return member


from buurthulp.backoffice.views import proxy, queue, residents  # noqa: E402,F401  (the routes)
