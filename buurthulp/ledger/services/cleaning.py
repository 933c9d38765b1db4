"""What comes in from a form, the API or the CLI, checked once before any lock is taken.

Every entry point hands raw values to the services; cleaning here means a refused value
never reaches the database and the message names the field it belongs to.
"""

from __future__ import annotations

import hashlib
import json
import re

from buurthulp.auth.models import Member
from buurthulp.errors import InvalidInput
from buurthulp.i18n import gettext as _
from buurthulp.inputs import has_control

MAX_TRANSFER_MINUTES = 10_000
LIMIT_BOUND = 100_000
TEXT_MAX = 500
KEY_MAX = 100
_CATEGORY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def clean_minutes(value: object, field: str = "minutes") -> int:
    """Whole minutes, 1 to 10,000 per transfer."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("Give the time as a whole number of minutes."), field=field)
    if value < 1:
        raise InvalidInput(_("Give at least 1 minute."), field=field)
    if value > MAX_TRANSFER_MINUTES:
        raise InvalidInput(
            _("One transfer can be at most %(n)s minutes.", n=MAX_TRANSFER_MINUTES), field=field
        )
    return value


def clean_text(value: object, *, field: str, required: bool, empty_message: str = "") -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise InvalidInput(_("This must be text."), field=field)
    if required and not text:
        raise InvalidInput(empty_message or _("Please fill this in."), field=field)
    if len(text) > TEXT_MAX:
        raise InvalidInput(_("Use at most %(n)s characters.", n=TEXT_MAX), field=field)
    if has_control(text):
        raise InvalidInput(_("This text contains characters we cannot use."), field=field)
    return text


def clean_category(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _CATEGORY.fullmatch(value):
        raise InvalidInput(_("This category is not known."), field="category")
    return value


def clean_client_key(value: object) -> str:
    """An Idempotency-Key as clients send it: 1 to 100 printable ASCII characters."""
    if not isinstance(value, str) or not 1 <= len(value) <= KEY_MAX:
        raise InvalidInput(
            _("Send an Idempotency-Key header of 1 to %(n)s characters.", n=KEY_MAX),
            field="Idempotency-Key",
            code="bad_idempotency_key",
        )
    if not all(" " <= c <= "~" for c in value):
        raise InvalidInput(
            _("The Idempotency-Key may only contain printable ASCII characters."),
            field="Idempotency-Key",
            code="bad_idempotency_key",
        )
    return value


def scoped_key(channel: str, actor: Member, client_key: str) -> str:
    """One namespace per channel and sender, so two members' keys never collide."""
    return f"{channel}:{actor.id}:{clean_client_key(client_key)}"


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
