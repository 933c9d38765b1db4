"""The JSON API v1: thin endpoints over the services, described by OpenAPI."""

from flask import Blueprint

from buurthulp.api.spec import ApiRegistry

bp = Blueprint("api", __name__, url_prefix="/api/v1")
registry = ApiRegistry(bp)

# The endpoint modules register themselves on `registry` when imported.
from buurthulp.api import (  # noqa: E402,F401
    core,
    ledger,
    marketplace,
    matches,
    members,
    privacy,
    safety,
)
