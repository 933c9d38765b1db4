"""The work queue, and the note that takes an item without a "done" state off it."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from buurthulp.auth.guards import requires
from buurthulp.auth.roles import Permission
from buurthulp.backoffice.forms import HandledForm
from buurthulp.backoffice.views import bp, me
from buurthulp.i18n import gettext as _
from buurthulp.models_base import utcnow
from buurthulp.pages import Outcome, handle_form
from buurthulp.work import queue as work


@bp.route("/werklijst")
@requires(Permission.BACKOFFICE_QUEUE_VIEW)
def queue() -> Any:
    found = work.read_queue(me(), kind=request.args.get("soort") or None)
    return render_template("backoffice/queue.html", queue=found)


@bp.route("/werklijst/<kind>/<int:item_id>/afgehandeld", methods=["GET", "POST"])
@requires(Permission.BACKOFFICE_QUEUE_VIEW)
def handle(kind: str, item_id: int) -> Any:
    actor, now = me(), utcnow()
    source, item = work.item_for_staff(kind, item_id, actor=actor, now=now)
    form = HandledForm()

    def act() -> Outcome:
        work.handle_item(kind, item_id, note=form.note.data, actor=actor, now=now)
        return _("Handled: it left your work queue."), url_for("backoffice.queue")

    return handle_form(form, act, "backoffice/handle.html", item=item, label=source.label, now=now)
