"""The reason guard: before a single-resident staff page opens, ask once per resident per
day why the member of staff opens it.

    @bp.route("/beheer/leden/<int:member_id>")
    @requires(Permission.LEDGER_STATEMENT_VIEW)
    @asks_reason(lambda actor, member_id, **_: [load_and_authorise(member_id, actor).id])
    def member_statement(member_id): ...

The function names the residents the page shows, after authorising (it raises the page's
own 404 or 403, so the question never tells whether someone exists). Without a reason
today the short "why do you open this?" form comes first; it sends the visitor back to the
page. With one, the page runs and every access-log row it writes carries the reason.
Lists never ask: they log "overview".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import render_template, request

from buurthulp.access import reasons
from buurthulp.access.log import page_reasons
from buurthulp.auth.guards import current_member

F = TypeVar("F", bound=Callable[..., Any])
Subjects = Callable[..., Iterable[int]]


def asks_reason(subjects: Subjects, *, back: Callable[..., str] | None = None) -> Callable[[F], F]:
    """Ask why, once per resident per day, before the page shows their data. `back` gives
    the page to return to after answering, for a POST-only action (it has no page of its
    own to come back to)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = current_member()
            assert actor is not None  # the route's own guard runs first
            ids = sorted({i for i in subjects(actor, **kwargs) if i != actor.id})
            if not ids:
                return view(*args, **kwargs)
            given = reasons.reasons_today(actor, ids)
            if set(ids) - set(given):
                return ask(ids, next_url=back(**kwargs) if back else None)
            with page_reasons(given):
                return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def ask(
    subject_ids: list[int], form: Any = None, status: int = 200, next_url: str | None = None
) -> Any:
    """The short form: why do you open this? It comes back here afterwards. It names
    nobody: nothing of the residents is shown before the reason is given."""
    from buurthulp.access.forms import ReasonForm

    if form is None:
        form = ReasonForm(formdata=None)
        form.subjects.data = ",".join(str(i) for i in subject_ids)
        form.next.data = next_url or request.full_path.rstrip("?")
    return render_template("access/reason.html", form=form, count=len(subject_ids)), status
