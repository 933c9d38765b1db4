"""Wiring: extensions, blueprints, CLI groups, template helpers and security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for
from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.middleware.proxy_fix import ProxyFix

from buurthulp.auth.labels import role_label, status_label
from buurthulp.extensions import babel, csrf, db, limiter, login_manager, migrate
from buurthulp.headers import security_headers
from buurthulp.i18n import day, format_minutes, select_locale, translations, when
from buurthulp.inputs import IdConverter, control_in, refuse_control_characters
from buurthulp.names import member_name


def register_web(app: Flask) -> None:
    from buurthulp import models  # noqa: F401  (every table known to Alembic)
    from buurthulp.accounts.cli import users_cli
    from buurthulp.accounts.login_views import bp as auth_bp
    from buurthulp.accounts.second_factor import register_notification_kinds
    from buurthulp.accounts.views import bp as accounts_bp
    from buurthulp.admin.views import bp as admin_bp
    from buurthulp.api import bp as api_bp
    from buurthulp.audit.views import bp as audit_bp
    from buurthulp.auth.sessions import load_web_member
    from buurthulp.core.views import bp as core_bp
    from buurthulp.demo import demo_command
    from buurthulp.notifications.views import bp as notifications_bp
    from buurthulp.outbox.cli import outbox_cli

    proxies = app.config["BUURTHULP_PROXY_COUNT"]
    if proxies:
        # Only the last `proxies` hops are ours: an X-Forwarded-For a client wrote itself is
        # not believed, so rate limits and HSTS see the real client and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    # Every <int:...> in every route is an id: 1 <= id <= 2**31 - 1 (INTEGER columns), so
    # nothing overflows on either database.
    app.url_map.converters["int"] = IdConverter

    db.init_app(app)
    # The member first, before CSRF and the rate limiter check anything: their language is
    # known before any page (an error page too) is translated.
    app.before_request(_load_member)
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
    # Templates translate through the per-request catalogue (buurthulp.i18n).
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        newstyle=True,
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_web_member)

    blueprints = (core_bp, auth_bp, accounts_bp, admin_bp, audit_bp, notifications_bp, api_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)
    _register_optional(app)

    register_notification_kinds()
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(outbox_cli)

    app.jinja_env.filters["minutes"] = format_minutes
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["member_name"] = member_name
    app.jinja_env.globals["path"] = _cached_path
    app.jinja_env.globals["status_label"] = status_label
    app.context_processor(_template_globals)
    app.before_request(_check_request)
    app.after_request(security_headers)


def _register_optional(app: Flask) -> None:
    """Features that plug in their own blueprint, CLI group and template globals."""
    from buurthulp.backoffice import plugin as backoffice_plugin
    from buurthulp.ledger import plugin as ledger_plugin
    from buurthulp.marketplace import plugin as marketplace_plugin
    from buurthulp.privacy import plugin as privacy_plugin
    from buurthulp.safety import plugin as safety_plugin

    ledger_plugin.register(app)
    marketplace_plugin.register(app)
    privacy_plugin.register(app)
    safety_plugin.register(app)
    backoffice_plugin.register(app)


def _load_member() -> None:
    """Load the member of the web session now (the loader puts their language where
    `i18n.select_locale` reads it); API requests are loaded by their token."""
    from buurthulp.auth.guards import current_member

    if request.endpoint != "static":
        current_member()


def _check_request() -> None:
    """Before any view: pages take forms, not JSON; no field, file name or query parameter
    may carry control characters (U+0000 and kin)."""
    if request.is_json and not request.path.startswith("/api/"):
        # Flask-WTF would read a JSON body as form data and trip over anything but an object.
        raise UnsupportedMediaType()
    for values in (request.args, request.form, request.files):
        field = control_in(values)
        if field is not None:
            raise refuse_control_characters(field)


def _cached_path(endpoint: str, **values: Any) -> str:
    """`url_for` for the links on every page (menu, stylesheet), worked out once per app.

    They do not depend on the visitor, and the menu alone asked url_for a dozen times a page.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = app.extensions.setdefault(
        "buurthulp_paths", {}
    )
    key = (endpoint, tuple(sorted(values.items())))
    found = cache.get(key)
    if found is None:
        found = cache[key] = url_for(endpoint, **values)
    return found


def _template_globals() -> dict[str, Any]:
    """What every page needs: who is here, their language, and the menu they may use."""
    from buurthulp.auth.guards import current_member
    from buurthulp.core.menu import menu_for

    member = current_member() if request else None
    return {
        "current_member": member,
        "menu": menu_for(member),
        "current_locale": select_locale(),
    }
