"""The one way a page handles a form: validate, call one service, redirect or show errors.

A service error lands on the field it names (or above the form), the page answers 422 and
everything typed stays; an error about the page itself (403, 404) becomes an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from buurthulp.errors import BuurthulpError, apply_to_form

#: What an action returns: (flash message or "", where to go next), or a response of its own.
Outcome = tuple[str, str] | Response


def handle_form(
    form: FlaskForm,
    action: Callable[[], Outcome],
    template: str,
    **context: Any,
) -> Any:
    """Show `template` with `form`; on a valid POST run `action` and follow its outcome."""
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            outcome = action()
        except BuurthulpError as exc:
            if exc.status in (403, 404):
                raise
            apply_to_form(form, exc)
            if exc.status == 429:  # the form keeps what was typed; try again later
                status = 429
        else:
            if isinstance(outcome, Response):
                return outcome
            message, url = outcome
            if message:
                flash(message, "success")
            return redirect(url, code=303)
    return render_template(template, form=form, **context), status
