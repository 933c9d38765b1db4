"""Log in, log out, register, reset and change the password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from buurthulp.auth import services
from buurthulp.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from buurthulp.auth.guards import current_member, login_required, public
from buurthulp.errors import BuurthulpError, apply_to_form
from buurthulp.extensions import limiter

bp = Blueprint("auth", __name__)


def login_limit() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect to another host after logging in."""
    if not target:
        return url_for("core.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("core.home")
    return target


def _log_in(member: object) -> None:
    login_user(member)  # type: ignore[arg-type]
    services.record_login(member)  # type: ignore[arg-type]


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            member = services.authenticate(form.email.data, form.password.data)
        except BuurthulpError as exc:
            form.form_errors.append(exc.message)
        else:
            _log_in(member)
            flash(_("Welcome, %(name)s.", name=member.display_name), "success")
            return redirect(safe_next(request.args.get("next")))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/uitloggen", methods=["POST"])
@public
def logout():
    logout_user()
    flash(_("You are logged out. See you soon."), "success")
    return redirect(url_for("core.home"))


@bp.route("/aanmelden", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            member = services.register(
                services.Registration(
                    display_name=form.display_name.data,
                    email=form.email.data,
                    password=form.password.data,
                    postcode=form.postcode.data,
                    house_number=form.house_number.data,
                    privacy_consent=form.privacy_consent.data,
                    locale=request.accept_languages.best_match(["nl", "en"]) or "nl",
                )
            )
        except BuurthulpError as exc:
            apply_to_form(form, exc)
        else:
            _log_in(member)
            flash(_("Welcome to Buurthulp, %(name)s!", name=member.display_name), "success")
            return redirect(url_for("core.home"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset_url = url_for("auth.reset_password", token="TOKEN", _external=True)
        services.request_password_reset(
            form.email.data, reset_url=reset_url.replace("TOKEN", "{token}")
        )
        flash(
            _(
                "If this address has an account, we have sent an e-mail with a link. "
                "Check your inbox."
            ),
            "success",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@public
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except BuurthulpError as exc:
            apply_to_form(form, exc)
        else:
            flash(_("Your password has been changed. You can log in now."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/reset.html", form=form), status


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    member = current_member()
    if form.validate_on_submit():
        try:
            member = services.change_password(
                member, current=form.current_password.data, new=form.new_password.data
            )
        except BuurthulpError as exc:
            apply_to_form(form, exc)
        else:
            login_user(member)  # this session continues with the new version; others end
            flash(
                _("Your password has been changed. Other devices have been logged out."), "success"
            )
            return redirect(url_for("core.account"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/change_password.html", form=form), status
