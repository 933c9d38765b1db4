"""The time bank pages at /tijdbank: residents (`resident`) and coordinators (`staff`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from flask_wtf import FlaskForm

from buurthulp.errors import BuurthulpError, apply_to_form

bp = Blueprint("ledger", __name__, url_prefix="/tijdbank")


def handle_form(
    form: FlaskForm,
    action: Callable[[], tuple[str, str]],
    template: str,
    **context: Any,
) -> Any:
    """Validate, call the service, then redirect with a flash; else re-render (422).

    `action` returns (message, url). Errors about the page itself (403/404) become error
    pages; any other service error lands on its field, and nothing was saved.
    """
    if form.validate_on_submit():
        try:
            message, url = action()
        except BuurthulpError as exc:
            if exc.status in (401, 403, 404):
                raise
            apply_to_form(form, exc)
        else:
            flash(message, "success")
            return redirect(url, code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


from buurthulp.ledger.views import resident, staff  # noqa: E402,F401  (registers the routes)
