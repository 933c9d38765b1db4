"""The back-office pages at /beheer: the work queue (`queue`), a resident's file, trust and
the vulnerable mark (`residents`), and acting for residents who are not online (`proxy`)."""

from __future__ import annotations

from flask import Blueprint

# The views' "who is here" is the one guard every room uses.
from buurthulp.auth.guards import signed_in_member as me  # noqa: F401

bp = Blueprint("backoffice", __name__, url_prefix="/beheer")


from buurthulp.backoffice.views import proxy, queue, residents  # noqa: E402,F401  (the routes)
