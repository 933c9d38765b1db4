"""The admin's pages: neighbourhoods and their categories, roles, mail delivery, and
(development) the outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from buurthulp.accounts import roles as staff_roles
from buurthulp.accounts import second_factor
from buurthulp.admin import services as admin_services
from buurthulp.admin.forms import (
    TRUST_CHOICES,
    CategoryEditForm,
    CategoryForm,
    NeighbourhoodForm,
    RemoveRoleForm,
    ResetSecondFactorForm,
    RetryForm,
    RoleForm,
)
from buurthulp.auth import services as auth_services
from buurthulp.auth.guards import current_member, requires
from buurthulp.auth.roles import Permission, Role
from buurthulp.errors import InvalidInput
from buurthulp.i18n import gettext as _
from buurthulp.listings import categories as listing_categories
from buurthulp.neighbourhoods import services as hoods
from buurthulp.outbox import services as outbox
from buurthulp.pages import Outcome, handle_form

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.route("/")
@requires(Permission.NEIGHBOURHOODS_MANAGE)
def index():
    return render_template(
        "admin/index.html",
        neighbourhoods=hoods.list_neighbourhoods(),
        show_outbox=current_app.config["ENV"] == "development",
    )


def _area(form: NeighbourhoodForm) -> str | None:
    if form.area_file.data:
        raw = form.area_file.data.read(500_001)
        return raw.decode("utf-8", errors="replace") if len(raw) <= 500_000 else "x" * 500_001
    return form.area_text.data or None


def _hours(value: int | None) -> int | None:
    return value * 60 if value is not None else None


def _neighbourhood_page(form: NeighbourhoodForm, neighbourhood_id: int | None, hood: object):
    def act() -> Outcome:
        try:
            hoods.save_neighbourhood(
                actor=current_member(),
                name=form.name.data,
                description=form.description.data or "",
                pc4_codes=form.pc4_codes.data or "",
                area=_area(form),
                default_lower_limit=_hours(form.default_lower_hours.data),
                default_upper_limit=_hours(form.default_upper_hours.data),
                premoderation=bool(form.premoderation.data),
                neighbourhood_id=neighbourhood_id,
                retention_message_months=form.retention_message_months.data,
                retention_inactive_months=form.retention_inactive_months.data,
            )
        except InvalidInput as exc:
            if exc.field == "area":
                exc.field = "area_text"
            raise
        return _("The neighbourhood has been saved."), url_for("admin.index")

    return handle_form(form, act, "admin/neighbourhood_form.html", hood=hood)


@bp.route("/buurten/nieuw", methods=["GET", "POST"])
@requires(Permission.NEIGHBOURHOODS_MANAGE)
def new_neighbourhood():
    return _neighbourhood_page(NeighbourhoodForm(), None, None)


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
    return _neighbourhood_page(form, neighbourhood_id, hood)


@bp.route("/buurten/<int:neighbourhood_id>/categorieen", methods=["GET", "POST"])
@requires(Permission.NEIGHBOURHOODS_MANAGE)
def categories(neighbourhood_id: int):
    """The categories residents here choose from; add one for this neighbourhood."""
    actor = current_member()
    hood = hoods.get_neighbourhood_or_404(neighbourhood_id)
    rows = listing_categories.categories_of(hood.id, actor=actor)
    form = CategoryForm()

    def act() -> Outcome:
        listing_categories.add_category(
            hood.id, name=form.name.data, trust_needed=form.trust_needed.data, actor=actor
        )
        return _("The category has been added."), url_for(
            "admin.categories", neighbourhood_id=hood.id
        )

    return handle_form(
        form, act, "admin/categories.html", hood=hood, rows=rows, trust=dict(TRUST_CHOICES)
    )


@bp.route("/buurten/<int:neighbourhood_id>/categorieen/<int:category_id>", methods=["GET", "POST"])
@requires(Permission.NEIGHBOURHOODS_MANAGE)
def edit_category(neighbourhood_id: int, category_id: int):
    """Rename a neighbourhood's own category, remove it while unused, or ask for a trusted
    helper (shared categories: only the last)."""
    actor = current_member()
    hood = hoods.get_neighbourhood_or_404(neighbourhood_id)
    row = listing_categories.category_row(hood.id, category_id, actor=actor)
    form = CategoryEditForm()
    if row.category.shared:
        del form.name  # a shared category keeps its name
    if not form.is_submitted():
        if not row.category.shared:
            form.name.data = row.label
        form.trust_needed.data = row.trust_needed or ""
    back = url_for("admin.categories", neighbourhood_id=hood.id)

    def act() -> Outcome:
        if form.remove.data and not row.category.shared:
            listing_categories.remove_category(hood.id, row.category.id, actor=actor)
            return _("The category has been removed."), back
        listing_categories.save_category(
            hood.id,
            row.category.id,
            name=None if row.category.shared else form.name.data,
            trust_needed=form.trust_needed.data,
            actor=actor,
        )
        return _("The category has been saved."), back

    return handle_form(form, act, "admin/category_form.html", hood=hood, row=row)


@bp.route("/rollen", methods=["GET", "POST"])
@requires(Permission.ROLES_MANAGE)
def roles():
    actor = current_member()
    form = RoleForm()
    form.neighbourhood_id.choices = [(0, _("All neighbourhoods (admin only)"))] + [
        (h.id, h.name) for h in hoods.list_neighbourhoods()
    ]

    def act() -> Outcome:
        member = auth_services.member_by_email(form.email.data)
        if member is None:
            raise InvalidInput(_("No member has this e-mail address."), field="email")
        hood = hoods.find_neighbourhood(form.neighbourhood_id.data)
        staff_roles.assign_role(member, Role(form.role.data), neighbourhood=hood, actor=actor)
        return _("The role has been given."), url_for("admin.roles")

    staff = admin_services.staff_list_for_staff(actor)
    return handle_form(form, act, "admin/roles.html", staff=staff, remove_form=RemoveRoleForm())


@bp.route("/rollen/intrekken", methods=["POST"])
@requires(Permission.ROLES_MANAGE)
def remove_role():
    """Take one role away (the button beside it on the roles page); sessions end."""
    form = RemoveRoleForm()
    if form.validate_on_submit():
        name = staff_roles.remove_assignment(form.assignment_id.data, actor=current_member())
        flash(_("The role has been taken away from %(name)s. They are logged out.", name=name))
    else:
        flash(_("This role could not be found."), "error")
    return redirect(url_for("admin.roles"), code=303)


@bp.route("/tweestapsverificatie", methods=["GET", "POST"])
@requires(Permission.SECOND_FACTOR_RESET)
def reset_second_factor():
    """A member lost their phone and recovery codes: their second factor is reset, every
    session and token ends, they are told, and the audit log keeps who did it and why."""
    actor = current_member()
    form = ResetSecondFactorForm()

    def act() -> Outcome:
        member = auth_services.member_by_email(form.email.data)
        if member is None:
            raise InvalidInput(_("No member has this e-mail address."), field="email")
        second_factor.reset(member, actor=actor, reason=form.reason.data)
        return (
            _(
                "Two-step verification of %(name)s is reset. They are logged out everywhere "
                "and have been told.",
                name=member.display_name,
            ),
            url_for("admin.reset_second_factor"),
        )

    return handle_form(form, act, "admin/second_factor.html")


@bp.route("/mail", methods=["GET", "POST"])
@requires(Permission.OUTBOX_VIEW)
def mail_status():
    """Delivery at a glance, and mail that could not be delivered (no bodies: they are
    the residents' business, and any link in them is made only when sent)."""
    form = RetryForm()
    dead = admin_services.dead_mail_for_staff(current_member())

    def act() -> Outcome:
        outbox.retry_dead(form.message_id.data)
        return _("The mail will be sent again."), url_for("admin.mail_status")

    return handle_form(
        form, act, "admin/mail_status.html", counts=outbox.status_counts(), dead=dead
    )


@bp.route("/uitgaande-mail")
@requires(Permission.OUTBOX_VIEW)
def outbox_page():
    """Development only: the outbox as stored, so a newcomer can read the mails."""
    if current_app.config["ENV"] != "development":
        abort(404)
    return render_template("admin/outbox.html", mails=outbox.recent_messages())
