"""Wiring: extensions, blueprints, CLI groups, template helpers and security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from buurthulp.extensions import babel, csrf, db, limiter, login_manager, migrate

LOCALES = ("nl", "en")


def select_locale() -> str:
    """The visitor's own choice first (session or account), then Dutch.

    Outside a request (CLI, scripts) there is no visitor: Dutch, the default.
    """
    if not has_request_context():
        return "nl"
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    user = current_user._get_current_object() if current_user else None
    if user is not None and getattr(user, "locale", None) in LOCALES:
        return user.locale
    return "nl"


def format_minutes(minutes: int | None) -> str:
    """1 u 30 min, -45 min, 2 u: time credits the way people say them."""
    if minutes is None:
        return ""
    sign = "\N{MINUS SIGN}" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    from flask_babel import gettext as _

    if hours and rest:
        return sign + _("%(h)s h %(m)s min", h=hours, m=rest)
    if hours:
        return sign + _("%(h)s h", h=hours)
    return sign + _("%(m)s min", m=rest)


def register_web(app: Flask) -> None:
    from buurthulp import models  # noqa: F401  (every table known to Alembic)
    from buurthulp.admin.views import bp as admin_bp
    from buurthulp.api import bp as api_bp
    from buurthulp.auth.cli import users_cli
    from buurthulp.auth.services import load_session_member
    from buurthulp.auth.views import bp as auth_bp
    from buurthulp.core.views import bp as core_bp
    from buurthulp.demo import demo_command

    db.init_app(app)
    # Batch mode: SQLite can only ALTER a table by copying it; Alembic does that for us.
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_member)

    for blueprint in (core_bp, auth_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)
    _register_optional(app)

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)

    app.jinja_env.filters["minutes"] = format_minutes
    app.context_processor(_template_globals)
    app.after_request(_security_headers)


def _register_optional(app: Flask) -> None:
    """Features that plug in their own blueprint, CLI group and template globals."""
    from buurthulp.ledger import plugin as ledger_plugin

    ledger_plugin.register(app)


def _template_globals() -> dict[str, Any]:
    from buurthulp.auth.guards import current_member
    from buurthulp.auth.permissions import has_permission
    from buurthulp.auth.roles import Permission

    member = current_member() if request else None
    return {
        "current_member": member,
        "Permission": Permission,
        "can": lambda perm: has_permission(member, perm),
        "current_locale": select_locale(),
    }


def _security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
