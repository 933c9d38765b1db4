"""The JSON API v1: thin endpoints over the services, described by OpenAPI."""

from flask import Blueprint

from buurthulp.api.spec import ApiRegistry

bp = Blueprint("api", __name__, url_prefix="/api/v1")
registry = ApiRegistry(bp)

from buurthulp.api import core  # noqa: E402,F401  (registers the endpoints)
from buurthulp.api import ledger  # noqa: E402,F401  (registers the endpoints)
