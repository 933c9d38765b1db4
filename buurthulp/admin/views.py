"""The admin's pages: neighbourhoods, roles and (in development) the mail outbox."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from buurthulp.admin.forms import NeighbourhoodForm, RoleForm
from buurthulp.auth import services as auth_services
from buurthulp.auth.guards import current_member, requires
from buurthulp.auth.models import Member
from buurthulp.auth.roles import Permission, Role
from buurthulp.errors import BuurthulpError, apply_to_form
from buurthulp.extensions import db
from buurthulp.neighbourhoods import services as hoods
from buurthulp.notifications.services import recent_outbox

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.route("/")
@requires(Permission.NEIGHBOURHOODS_MANAGE)
def index():
    return render_template("admin/index.html", neighbourhoods=hoods.list_neighbourhoods())


def _save(form: NeighbourhoodForm, neighbourhood_id: int | None) -> bool:
    area = form.area_text.data or None
    if form.area_file.data:
        raw = form.area_file.data.read(500_001)
        area = raw.decode("utf-8", errors="replace") if len(raw) <= 500_000 else "x" * 500_001
    try:
        hoods.save_neighbourhood(
            actor=current_member(),
            name=form.name.data,
            description=form.description.data or "",
            pc4_codes=form.pc4_codes.data or "",
            area=area,
            default_lower_limit=(form.default_lower_hours.data or 0) * 60
            if form.default_lower_hours.data is not None
            else None,
            default_upper_limit=(form.default_upper_hours.data or 0) * 60
            if form.default_upper_hours.data is not None
            else None,
            premoderation=bool(form.premoderation.data),
            neighbourhood_id=neighbourhood_id,
        )
    except BuurthulpError as exc:
        if exc.field == "area":
            exc.field = "area_text"
        apply_to_form(form, exc)
        return False
    return True


@bp.route("/buurten/nieuw", methods=["GET", "POST"])
@requires(Permission.NEIGHBOURHOODS_MANAGE)
def new_neighbourhood():
    form = NeighbourhoodForm()
    if form.validate_on_submit() and _save(form, None):
        flash(_("The neighbourhood has been saved."), "success")
        return redirect(url_for("admin.index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/neighbourhood_form.html", form=form, hood=None), status


@bp.route("/buurten/<int:neighbourhood_id>", methods=["GET", "POST"])
@requires(Permission.NEIGHBOURHOODS_MANAGE)
def edit_neighbourhood(neighbourhood_id: int):
    hood = hoods.get_neighbourhood_or_404(neighbourhood_id)
    form = NeighbourhoodForm(obj=hood)
    if not form.is_submitted():
        form.pc4_codes.data = ", ".join(hood.pc4_codes)
        form.default_lower_hours.data = hood.default_lower_limit // 60
        form.default_upper_hours.data = hood.default_upper_limit // 60
        form.area_text.data = hood.area_geojson or ""
    if form.validate_on_submit() and _save(form, neighbourhood_id):
        flash(_("The neighbourhood has been saved."), "success")
        return redirect(url_for("admin.index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/neighbourhood_form.html", form=form, hood=hood), status


@bp.route("/rollen", methods=["GET", "POST"])
@requires(Permission.ROLES_MANAGE)
def roles():
    form = RoleForm()
    form.neighbourhood_id.choices = [(0, _("All neighbourhoods (admin only)"))] + [
        (h.id, h.name) for h in hoods.list_neighbourhoods()
    ]
    if form.validate_on_submit():
        member = db.session.scalar(
            select(Member).where(Member.email == (form.email.data or "").strip().lower())
        )
        if member is None:
            form.email.errors = [_("No member has this e-mail address.")]
        else:
            hood = (
                db.session.get(hoods.Neighbourhood, form.neighbourhood_id.data)
                if form.neighbourhood_id.data
                else None
            )
            try:
                auth_services.assign_role(
                    member, Role(form.role.data), neighbourhood=hood, actor=current_member()
                )
            except BuurthulpError as exc:
                apply_to_form(form, exc)
            else:
                flash(_("The role has been given."), "success")
                return redirect(url_for("admin.roles"))
    staff = db.session.scalars(
        select(Member).where(Member.roles.any()).order_by(Member.display_name)
    ).all()
    staff = [m for m in staff if m.is_staff]
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/roles.html", form=form, staff=staff), status


@bp.route("/uitgaande-mail")
@requires(Permission.OUTBOX_VIEW)
def outbox():
    return render_template("admin/outbox.html", mails=recent_outbox())
