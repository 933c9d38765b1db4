"""Home, account, language choice, privacy pages and the health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select, text

from buurthulp.auth.guards import current_member, login_required, public
from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.privacy.models import AccessLogEntry
from buurthulp.web import LOCALES

bp = Blueprint("core", __name__)


@bp.route("/")
@public
def home():
    member = current_member()
    if member is None:
        return render_template("core/welcome.html")
    links = [
        link
        for provider in current_app.extensions.get("buurthulp_home_links", [])
        for link in provider(member)
    ]
    return render_template("core/home.html", member=member, home_links=links)


@bp.route("/account")
@login_required
def account():
    return render_template("core/account.html", member=current_member())


@bp.route("/taal", methods=["POST"])
@public
def set_language():
    chosen = request.form.get("locale", "")
    if chosen in LOCALES:
        session["locale"] = chosen
    back = request.form.get("next", "")
    from buurthulp.auth.views import safe_next

    return redirect(safe_next(back) if back else url_for("core.home"))


@bp.route("/privacy")
@public
def privacy_statement():
    return render_template("core/privacy.html")


@bp.route("/account/inzage")
@login_required
def access_log():
    """Who of staff looked at my data, and why: the resident's right to know."""
    member = current_member()
    rows = db.session.scalars(
        select(AccessLogEntry)
        .where(AccessLogEntry.subject_id == member.id)
        .order_by(AccessLogEntry.at.desc())
        .limit(200)
    ).all()
    viewer_ids = {r.viewer_id for r in rows if r.viewer_id}
    names = dict(
        db.session.execute(select(Member.id, Member.display_name).where(Member.id.in_(viewer_ids)))
        .tuples()
        .all()
    )
    return render_template("core/access_log.html", rows=rows, viewer_names=names)


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
