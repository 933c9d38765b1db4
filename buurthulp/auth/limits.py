"""Limits on guessing: per client address, and per account for failed attempts.

One set of limit providers and keys for the pages and the API alike, so a password guessed
through `POST /api/v1/auth/token` counts against the same account as one typed into the
login form (an attacker spreading guesses over many addresses still meets the account
limit). A wrong code at the second step of logging in counts against the same account too:
a password and a code guessed in turns share one count, and so do the password and code
asked before the second factor moves to a new phone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from limits import parse
from werkzeug.wrappers import Response

from buurthulp.auth.guards import current_member
from buurthulp.auth.models import Member
from buurthulp.auth.sessions import held_email
from buurthulp.errors import TooMany
from buurthulp.extensions import limiter
from buurthulp.i18n import gettext as _

#: What one member may send to others, each kind counted on its own (web, API and proxy
#: alike: the services call `hold_back`).
CONTACT_KINDS = (
    "message",
    "thanks",
    "transfer",
    "invitation",
    "broadcast",
    "block",
    "report",
)


def address_limit() -> str:
    """Attempts per client address (login, sign-up, reset, change, token)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def account_limit() -> str:
    """Failed attempts per account, whatever the address."""
    return current_app.config["ACCOUNT_RATE_LIMIT"]


def email_key() -> str:
    """The account an attempt is for, from a form or a JSON body."""
    email = request.form.get("email", "")
    if not email and request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("email"), str):
            email = body["email"]
    return "account:" + email.strip().lower()[:254]


def held_key() -> str:
    """The account waiting for its second step on this browser (the code page)."""
    return "account:" + held_email().strip().lower()[:254]


def logged_in_account_key() -> str:
    """The logged-in member's account, in the same place as their logins (`email_key`)."""
    member = current_member()
    if member is None:
        return "account:"
    return "account:" + (member.email or f"#{member.id}").strip().lower()[:254]


def member_key() -> str:
    """The logged-in member (changing the password)."""
    member = current_member()
    return f"member:{member.id if member else 0}"


def failed(response: Response) -> bool:
    """Only failed attempts count towards the per-account limit: a page that logs in
    redirects, the API answers 201."""
    return response.status_code not in (201, 302, 303)


def _failed_login_limit(key_func: Callable[[], str]) -> Any:
    """One count of failed attempts per account ("failed-login"), whichever page or
    endpoint names the account with `key_func`."""
    return limiter.shared_limit(
        account_limit, scope="failed-login", key_func=key_func, methods=["POST"], deduct_when=failed
    )


#: Shared by the login form and the API's token endpoint: one count per account.
failed_logins = _failed_login_limit(email_key)
#: The code page's wrong codes count in the same place as wrong passwords for the account.
failed_codes = _failed_login_limit(held_key)
#: A wrong password or code before moving the second factor to a new phone: the same count.
failed_reauthentication = _failed_login_limit(logged_in_account_key)


def hold_back(kind: str, actor: Member) -> None:
    """Per member and kind, at most `CONTACT_RATE_LIMIT` (default 30 an hour) of the things
    that reach other people: messages, notes of thanks, transfers, invitations, messages to
    an activity's guests, blocks and reports. A friendly 429 past it. Staff acting for a
    resident are not held back (their steps are audited); nor is anyone when rate limits
    are off (the test suite)."""
    if kind not in CONTACT_KINDS:
        raise ValueError(f"unknown contact kind {kind!r}")
    if not limiter.enabled or actor.is_staff:
        return
    item = parse(current_app.config["CONTACT_RATE_LIMIT"])
    if not limiter.limiter.hit(item, "contact", kind, str(actor.id)):
        raise TooMany(
            _("You did this many times in a short while. Please wait a while and try again.")
        )
