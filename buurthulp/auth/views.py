"""Log in, log out (here or everywhere), reset and change the password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from buurthulp.auth import services, sessions
from buurthulp.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from buurthulp.auth.guards import current_member, login_required, public, safe_next
from buurthulp.auth.limits import (
    account_limit,
    address_limit,
    email_key,
    failed,
    failed_logins,
    member_key,
)
from buurthulp.extensions import limiter
from buurthulp.i18n import gettext as _
from buurthulp.pages import Outcome, handle_form

bp = Blueprint("auth", __name__)


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@failed_logins
@public
def login():
    form = LoginForm()

    def act() -> Outcome:
        member = services.authenticate(form.email.data, form.password.data)
        sessions.start(member)
        return (
            _("Welcome, %(name)s.", name=member.display_name),
            safe_next(request.args.get("next")),
        )

    return handle_form(form, act, "auth/login.html")


@bp.route("/uitloggen", methods=["POST"])
@public
def logout():
    sessions.end()
    flash(_("You are logged out. See you soon."), "success")
    return redirect(url_for("core.home"), code=303)


@bp.route("/account/overal-uitloggen", methods=["POST"])
@login_required
def logout_everywhere():
    sessions.end_everywhere(current_member())
    flash(_("You are logged out on every device, this one too. Log in again to go on."), "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@limiter.limit(account_limit, methods=["POST"], key_func=email_key)
@public
def forgot_password():
    form = ForgotPasswordForm()

    def act() -> Outcome:
        services.request_password_reset(form.email.data)
        return (
            _(
                "If this address has an account, we have sent an e-mail with a link. "
                "Check your inbox."
            ),
            url_for("auth.login"),
        )

    return handle_form(form, act, "auth/forgot.html")


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@public
def reset_password(token: str):
    form = ResetPasswordForm()

    def act() -> Outcome:
        services.reset_password(token, form.password.data)
        return _("Your password has been changed. You can log in now."), url_for("auth.login")

    return handle_form(form, act, "auth/reset.html")


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@limiter.limit(account_limit, methods=["POST"], key_func=member_key, deduct_when=failed)
@login_required
def change_password():
    form = ChangePasswordForm()

    def act() -> Outcome:
        services.change_password(
            current_member(),
            current=form.current_password.data,
            new=form.new_password.data,
            keep_session_id=sessions.current_session_id(),
        )
        return (
            _("Your password has been changed. Other devices have been logged out."),
            url_for("core.account"),
        )

    return handle_form(form, act, "auth/change_password.html")
