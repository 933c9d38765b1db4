"""The notifications page: newest first, and "mark all as read"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from buurthulp.auth.guards import current_member, login_required, public
from buurthulp.extensions import csrf
from buurthulp.i18n import gettext as _
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


@bp.route("/instellingen", methods=["GET", "POST"])
@login_required
def settings():
    """One line per topic: e-mail at once, in the daily digest, or not at all."""
    member = current_member()
    if request.method == "POST":
        for setting in services.settings_of(member):
            # "topic-…": a field named "matches" would hide the form's own matches().
            chosen = request.form.get(f"topic-{setting.topic}")
            if chosen is not None and chosen != setting.choice:
                services.set_choice(member, setting.topic, chosen, actor=member)
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("notifications.settings"), code=303)
    return render_template("notifications/settings.html", settings=services.settings_of(member))


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    """From a mail, without logging in: one button, no more mail about this topic.

    No CSRF token: a mail program POSTs here by itself (RFC 8058 one-click), and the signed
    token in the path already proves the link came from our mail; a GET changes nothing,
    so a link scanner that opens it unsubscribes nobody."""
    _member, topic = services.read_unsubscribe(token)
    if request.method == "POST":
        services.unsubscribe(token)
        return render_template("notifications/unsubscribed.html", topic=services.topic_label(topic))
    return render_template(
        "notifications/unsubscribe.html", topic=services.topic_label(topic), token=token
    )
