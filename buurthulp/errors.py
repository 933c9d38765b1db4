"""The BuurthulpError family and its translation to HTML pages, flashes and JSON, in one place.

Services raise these with a message a person can read; nothing else decides how an error
looks. The API always answers `{"error": {"code", "message"}}`; pages get a friendly page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)


class BuurthulpError(Exception):
    """Base of every error a person should read. `field` names the form field at fault."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(BuurthulpError):
    status = 422
    code = "invalid"


class NotAuthenticated(BuurthulpError):
    status = 401
    code = "not_authenticated"


class NotAllowed(BuurthulpError):
    status = 403
    code = "forbidden"


class NotFound(BuurthulpError):
    status = 404
    code = "not_found"


class Conflict(BuurthulpError):
    status = 409
    code = "conflict"


class LimitExceeded(Conflict):
    code = "limit_exceeded"


class TooMany(BuurthulpError):
    """The same kind of thing, from the same member, too often in a short while."""

    status = 429
    code = "too_many_requests"


ERROR_TITLES = {
    400: _l("Something was wrong with the request"),
    401: _l("Please log in"),
    403: _l("You may not do this"),
    404: _l("We could not find this page"),
    405: _l("This action is not possible here"),
    409: _l("This could not be done"),
    413: _l("That was too much at once"),
    415: _l("This page cannot read what was sent"),
    422: _l("Something was wrong with the request"),
    429: _l("Slow down a little"),
    500: _l("Something went wrong on our side"),
}

ERROR_HINTS = {
    400: _l("Please go back and try again."),
    401: _l("Log in and try again."),
    403: _l("If you think you should be able to do this, ask your coordinator."),
    404: _l("The page may have moved or the link may be wrong."),
    405: _l("Please go back and try again."),
    409: _l("Please go back and try again."),
    413: _l("Please send less text or a smaller file."),
    415: _l("Fill in the form on the page and send it from there."),
    422: _l("Please go back and check what you entered."),
    429: _l("You tried this many times in a short while. Please wait a minute and try again."),
    500: _l("We have been notified. Please try again later."),
}

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def wants_json() -> bool:
    """The API answers JSON; so does a client that asks for JSON only."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def json_error(status: int, code: str, message: str, **extra: Any):
    body: dict[str, Any] = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def error_page(status: int, message: str | None = None):
    title = ERROR_TITLES.get(status, ERROR_TITLES[400])
    hint = ERROR_HINTS.get(status, ERROR_HINTS[400])
    try:
        body = render_template(
            "errors/error.html", status=status, title=title, hint=hint, message=message
        )
    except Exception:  # the page itself failed (database down?): still answer kindly
        log.exception("error page %s could not be rendered", status)
        body = (
            f"<!doctype html><html lang=nl><title>Buurthulp</title><main><h1>{escape(title)}"
            f"</h1><p>{escape(hint)}</p></main></html>"
        )
    return body, status


def apply_to_form(form: Any, exc: BuurthulpError) -> None:
    """Put a service error on its form field when it names one, else on the form as a whole."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*list(field.errors), exc.message]
    else:
        form.form_errors.append(exc.message)


def register_error_handlers(app: Flask) -> None:
    """Turn every error into a kind page or the API's JSON error shape."""

    @app.errorhandler(BuurthulpError)
    def _domain_error(exc: BuurthulpError):
        if wants_json():
            return json_error(exc.status, exc.code, exc.message)
        return error_page(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        message = _("The form had expired or was sent twice. Please fill it in again.")
        if wants_json():
            return json_error(400, "csrf", message)
        return error_page(400, message)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        if wants_json():
            message = str(ERROR_TITLES.get(status, exc.name))
            response, code = json_error(status, HTTP_CODES.get(status, "error"), message)
            if status == 405 and exc.valid_methods:
                response.headers["Allow"] = ", ".join(exc.valid_methods)
            return response, code
        return error_page(status)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # the database may be the thing that failed
            log.warning("rollback after an unhandled error failed too")
        if wants_json():
            return json_error(500, "server_error", str(ERROR_TITLES[500]))
        return error_page(500)
