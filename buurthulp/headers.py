"""The headers every response carries: a strict Content-Security-Policy, no sniffing, no
framing, no caching of a member's pages, HSTS on an https site.

Its own module (not the web wiring) so a view that sets a policy of its own builds on this
one without importing the composition root.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session

from buurthulp.auth.sessions import SESSION_KEY

#: Every response's, unless a view sets its own (the standalone export page allows its
#: own inline style by hash: privacy/views.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)


def security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    # Pages and downloads for a logged-in member are theirs alone: no browser or proxy may
    # keep a copy for the next person at a shared computer (a library, a community centre).
    personal = (
        SESSION_KEY in session  # logged in (or was: the cookie is theirs either way)
        or "Authorization" in request.headers
        or "attachment" in headers.get("Content-Disposition", "")
    )
    if personal:
        headers["Cache-Control"] = "no-store"
        headers.setdefault("Vary", "Cookie")
    if request.is_secure or response_is_https_site():
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def response_is_https_site() -> bool:
    """Production served under an https base URL: HSTS even when TLS ends at a proxy."""
    config = current_app.config
    return config["ENV"] == "production" and config["BUURTHULP_BASE_URL"].startswith("https://")
