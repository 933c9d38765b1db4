"""Route guards: every view and API endpoint declares who may reach it.

A guard both enforces and labels: the label (`view.access`) lets a test walk the URL map and
fail for any route that forgot to say. Object-level checks ("this member's statement") come
after, in the load-and-authorise helpers of each feature.

Staff see residents' data only once their session has passed the second factor (OWASP ASVS
5.0, 6.3.3): until then every guarded page sends them to set it up, except the few marked
`before_second_factor` (the set-up itself, their own account, logging out). The API does the
same for tokens (`buurthulp.api.spec`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import flash, g, redirect, request, url_for
from flask_login import current_user

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.auth.sessions import second_factor_passed
from buurthulp.errors import NotAllowed, NotAuthenticated
from buurthulp.i18n import gettext as _

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
MEMBER = "member"


def _label(view: F, access: str | tuple[Permission, ...]) -> F:
    view.access = access  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Anyone, logged in or not."""
    return _label(view, PUBLIC)


def current_member() -> Member | None:
    """The member behind this request: the API's bearer token or the web session."""
    api_member = g.get("api_member")
    if api_member is not None:
        return api_member
    if request.path.startswith("/api/"):
        return None  # the API never trusts a session cookie: no CSRF through the API
    user = current_user._get_current_object()
    return user if isinstance(user, Member) else None


def signed_in_member() -> Member:
    """The member of a view under `@login_required` (or an API route under its token
    check): the guard already refused everyone else, so nobody here is a 401 the view would
    have to think about. Should a route ever lose its guard, this refuses (401) instead of
    letting `None` through."""
    member = current_member()
    if member is None:
        raise NotAuthenticated(_("Log in first."))
    return member


def before_second_factor(view: F) -> F:
    """Mark a page that staff may open before their second factor is set up: it shows
    nothing of any resident (put it under the guard: `@login_required` above this)."""
    view.before_second_factor = True  # type: ignore[attr-defined]
    return view


def needs_second_factor(member: Member) -> bool:
    """Staff in a web session that has not passed the second factor."""
    return member.is_staff and not second_factor_passed()


def _require_login(view: Callable[..., Any]) -> Member | Any:
    member = current_member()
    if member is None:
        if request.path.startswith("/api/"):
            raise NotAuthenticated(_("Log in first: send a valid bearer token."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if (
        not request.path.startswith("/api/")
        and not getattr(view, "before_second_factor", False)
        and needs_second_factor(member)
    ):
        flash(
            _("Set up two-step verification first. Staff see residents' data only after that."),
            "info",
        )
        return redirect(url_for("auth.second_factor_setup", next=request.full_path.rstrip("?")))
    return member


def login_required(view: F) -> F:
    """Any logged-in member."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        member = _require_login(view)
        if not isinstance(member, Member):
            return member
        return view(*args, **kwargs)

    return _label(wrapper, MEMBER)  # type: ignore[return-value]


def requires(*permissions: Permission) -> Callable[[F], F]:
    """A member holding every permission in at least one neighbourhood."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            member = _require_login(view)
            if not isinstance(member, Member):
                return member
            for permission in permissions:
                if not may(member, permission):
                    raise NotAllowed(_("This page is for staff with the right role only."))
            return view(*args, **kwargs)

        return _label(wrapper, tuple(permissions))  # type: ignore[return-value]

    return decorate


def safe_next(target: str | None) -> str:
    """Only a path on this site: never send someone to another host after logging in.

    Browsers read a backslash as a slash (`/\\evil.example` is `//evil.example`), and a
    control character can hide what follows it, so both are refused outright.
    """
    home = url_for("core.home")
    if not target or not isinstance(target, str) or len(target) > 2000:
        return home
    if "\\" in target or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target
