"""Signing up and confirming the e-mail address."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from buurthulp.accounts import services
from buurthulp.accounts.forms import ConfirmForm, ProfileForm, RegisterForm
from buurthulp.auth import sessions
from buurthulp.auth.guards import current_member, login_required, public
from buurthulp.auth.limits import address_limit
from buurthulp.extensions import limiter
from buurthulp.i18n import DEFAULT_LOCALE, LOCALES
from buurthulp.i18n import gettext as _
from buurthulp.pages import Outcome, handle_form
from buurthulp.widgets import slot_values, slots_of

bp = Blueprint("accounts", __name__)


@bp.route("/aanmelden", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@public
def register():
    form = RegisterForm()

    def act() -> Outcome:
        services.register(
            services.Registration(
                display_name=form.display_name.data,
                email=form.email.data,
                password=form.password.data,
                postcode=form.postcode.data,
                house_number=form.house_number.data,
                privacy_consent=form.privacy_consent.data,
                locale=request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE,
            )
        )
        return "", url_for("accounts.check_mail")

    return handle_form(form, act, "accounts/register.html")


@bp.route("/aanmelden/kijk-in-je-mail")
@public
def check_mail():
    return render_template("accounts/check_mail.html")


@bp.route("/aanmelden/bevestigen/<token>", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@public
def confirm(token: str):
    form = ConfirmForm()

    def act() -> Outcome:
        member = services.confirm_email(token, form.password.data)
        sessions.start(member)
        return (
            _("Welcome to Buurthulp, %(name)s! Your account is ready.", name=member.display_name),
            url_for("core.home"),
        )

    return handle_form(form, act, "accounts/confirm.html")


@bp.route("/account/profiel", methods=["GET", "POST"])
@login_required
def profile():
    member = current_member()
    form = ProfileForm()
    if not form.is_submitted():
        form.interests.data = ", ".join(member.tag_list("interest"))
        form.talents.data = ", ".join(member.tag_list("talent"))
        form.availability.data = slot_values(member.availability)
        form.radius_km.data = str(member.radius_m)
        form.languages.data = member.languages
        form.phone.data = member.phone or ""

    def act() -> Outcome:
        radius = form.radius_km.data
        services.update_profile(
            member,
            interests=form.interests.data or "",
            talents=form.talents.data or "",
            availability=slots_of(form.availability.data),
            radius_m=int(radius) if radius and radius.isdigit() else None,
            languages=form.languages.data or "",
            phone=form.phone.data or "",
            actor=member,
        )
        return _("Your profile is saved."), url_for("accounts.profile")

    return handle_form(form, act, "accounts/profile.html")
