"""The time bank pages at /tijdbank: residents (`resident`) and coordinators (`staff`)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ledger", __name__, url_prefix="/tijdbank")

from buurthulp.ledger.views import resident, staff  # noqa: E402,F401  (registers the routes)
