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
)
from sqlalchemy import text

from buurthulp.access.log import access_log_for
from buurthulp.auth import totp
from buurthulp.auth.guards import (
    before_second_factor,
    current_member,
    login_required,
    public,
    safe_next,
)
from buurthulp.extensions import db
from buurthulp.home import home_links
from buurthulp.i18n import LOCALES
from buurthulp.safety.services import my_blocks

bp = Blueprint("core", __name__)


@bp.route("/")
@public
def home():
    member = current_member()
    if member is None:
        return render_template("core/welcome.html")
    links = home_links(current_app, member)
    return render_template("core/home.html", member=member, home_links=links)


@bp.route("/account")
@login_required
@before_second_factor
def account():
    member = current_member()
    return render_template(
        "core/account.html",
        member=member,
        blocks=my_blocks(member),
        two_step_on=totp.is_enabled(member.id),
    )


@bp.route("/taal", methods=["POST"])
@public
def set_language():
    chosen = request.form.get("locale", "")
    if chosen in LOCALES:
        session["locale"] = chosen
    return redirect(safe_next(request.form.get("next", "")), code=303)


@bp.route("/privacy")
@public
def privacy_statement():
    return render_template("core/privacy.html")


@bp.route("/account/inzage")
@login_required
def access_log():
    """Who of staff looked at my data, and why: the resident's right to know."""
    return render_template("core/access_log.html", rows=access_log_for(current_member()))


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
