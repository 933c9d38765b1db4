"""The notifications page: newest first, and "mark all as read"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from buurthulp.auth.guards import current_member, login_required
from buurthulp.i18n import ngettext
from buurthulp.inputs import arg_id
from buurthulp.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notificaties")


@bp.route("/")
@login_required
def index():
    member = current_member()
    before = arg_id(request.args, "voor")
    items = services.notifications_for(member, before_id=before, limit=services.PAGE_SIZE + 1)
    next_url = (
        url_for("notifications.index", voor=items[services.PAGE_SIZE - 1].id)
        if len(items) > services.PAGE_SIZE
        else None
    )
    return render_template(
        "notifications/index.html", items=items[: services.PAGE_SIZE], next_url=next_url
    )


@bp.route("/gelezen", methods=["POST"])
@login_required
def mark_read():
    count = services.mark_all_read(current_member())
    if count:
        flash(
            ngettext(
                "%(num)d notification marked as read.",
                "%(num)d notifications marked as read.",
                count,
            ),
            "success",
        )
    return redirect(url_for("notifications.index"), code=303)
