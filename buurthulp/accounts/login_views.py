"""Log in (with a second step when the member has a code app), log out (here or
everywhere), reset and change the password, set up two-step verification."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from buurthulp.accounts import passwords, second_factor
from buurthulp.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    NewPhoneForm,
    ResetPasswordForm,
    SetUpCodeForm,
    StartSetUpForm,
    TurnOffForm,
)
from buurthulp.auth import services, sessions, totp
from buurthulp.auth.guards import (
    before_second_factor,
    current_member,
    login_required,
    public,
    safe_next,
)
from buurthulp.auth.limits import (
    account_limit,
    address_limit,
    email_key,
    failed,
    failed_codes,
    failed_logins,
    failed_reauthentication,
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
    next_url = request.args.get("next")

    def act() -> Outcome:
        member = services.authenticate(form.email.data, form.password.data)
        if totp.is_enabled(member.id):
            sessions.hold(member)  # logged in only once the code is right
            return "", url_for("auth.login_code", next=next_url)
        session_id = sessions.start(member)
        if second_factor.required_for(member):
            # Staff go straight to a QR code: nothing of any resident before it is done. A
            # new one at each login, for this browser only: whoever logged in before (with
            # a first password that leaked) does not learn the secret that will be used.
            second_factor.begin_set_up(member, actor=member, session_id=session_id)
            return (
                _(
                    "Welcome, %(name)s. First set up two-step verification: it takes a minute.",
                    name=member.display_name,
                ),
                url_for("auth.second_factor_setup", next=next_url),
            )
        return _("Welcome, %(name)s.", name=member.display_name), safe_next(next_url)

    return handle_form(form, act, "auth/login.html")


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@failed_codes
@public
def login_code():
    """The second step: the code from the app (or a recovery code), used once."""
    next_url = request.args.get("next")
    member = sessions.held_member()
    if member is None:
        if request.method == "POST":
            flash(_("That took too long. Log in again, please."), "error")
        return redirect(url_for("auth.login", next=next_url))
    form = CodeForm()

    def act() -> Outcome:
        sessions.start(member, code=form.code.data or "")  # never None: no step skipped
        return _("Welcome, %(name)s.", name=member.display_name), safe_next(next_url)

    return handle_form(form, act, "auth/login_code.html")


@bp.route("/uitloggen", methods=["POST"])
@public
def logout():
    sessions.end()
    flash(_("You are logged out. See you soon."), "success")
    return redirect(url_for("core.home"), code=303)


@bp.route("/account/overal-uitloggen", methods=["POST"])
@login_required
@before_second_factor
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
        passwords.request_password_reset(form.email.data)
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
        passwords.reset_password(token, form.password.data)
        return _("Your password has been changed. You can log in now."), url_for("auth.login")

    return handle_form(form, act, "auth/reset.html")


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@limiter.limit(address_limit, methods=["POST"])
@limiter.limit(account_limit, methods=["POST"], key_func=member_key, deduct_when=failed)
@login_required
@before_second_factor
def change_password():
    form = ChangePasswordForm()

    def act() -> Outcome:
        passwords.change_password(
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


# Two-step verification ---------------------------------------------------------------------


def _second_factor_page(
    setup_form: SetUpCodeForm | None = None,
    off_form: TurnOffForm | None = None,
    phone_form: NewPhoneForm | None = None,
    start_form: StartSetUpForm | None = None,
) -> dict[str, Any]:
    """The set-up page's forms and what it shows (a QR code while setting up)."""
    import segno

    member = current_member()
    status = second_factor.status_of(member, session_id=sessions.current_session_id())
    qr = None
    if status.pending is not None:
        # No fixed size, a viewBox instead: the CSS fits it into a 320 px wide screen.
        qr = segno.make(status.pending.uri, error="m").svg_inline(
            scale=5, omitsize=True, title=_("QR code for your code app")
        )
    return {
        "setup_form": setup_form or SetUpCodeForm(),
        "status": status,
        "qr": qr,
        "off_form": off_form or TurnOffForm(prefix="off"),
        "phone_form": phone_form or NewPhoneForm(prefix="phone"),
        "start_form": start_form or StartSetUpForm(),
        "pending_minutes": second_factor.PENDING_MINUTES,
        "next_url": request.args.get("next"),
    }


@bp.route("/account/tweestapsverificatie", methods=["GET", "POST"])
@login_required
@before_second_factor
def second_factor_setup():
    """Status and set-up: scan the QR code (or type the key), then type the first code."""
    member = current_member()
    form = SetUpCodeForm()
    context = _second_factor_page(setup_form=form)

    def act() -> Outcome:
        codes = second_factor.confirm_set_up(
            member,
            form.code.data,
            actor=member,
            session_id=sessions.current_session_id(),
        )
        # Shown once, never stored in a readable form: the answer to this POST itself.
        page = render_template(
            "auth/recovery_codes.html", codes=codes, next_url=safe_next(context["next_url"])
        )
        return make_response(page)

    return handle_form(form, act, "auth/second_factor.html", **context)


@bp.route("/account/tweestapsverificatie/starten", methods=["POST"])
@limiter.limit(address_limit, methods=["POST"])
@failed_reauthentication
@login_required
@before_second_factor
def start_second_factor():
    """A new secret to scan, for this browser (first time, or a new phone: then the
    password and a code first); the old one works until the new one is confirmed."""
    member = current_member()
    phone_form, start_form = NewPhoneForm(prefix="phone"), StartSetUpForm()
    context = _second_factor_page(phone_form=phone_form, start_form=start_form)
    form = phone_form if context["status"].enabled else start_form

    def act() -> Outcome:
        second_factor.begin_set_up(
            member,
            actor=member,
            session_id=sessions.current_session_id(),
            password=phone_form.password.data,
            code=phone_form.code.data,
        )
        return "", url_for("auth.second_factor_setup", next=request.args.get("next"))

    return handle_form(form, act, "auth/second_factor.html", **context)


@bp.route("/account/tweestapsverificatie/uitzetten", methods=["POST"])
@limiter.limit(address_limit, methods=["POST"])
@limiter.limit(account_limit, methods=["POST"], key_func=member_key, deduct_when=failed)
@login_required
@before_second_factor
def turn_off_second_factor():
    """Residents only: staff keep it on (the service refuses)."""
    member = current_member()
    off_form = TurnOffForm(prefix="off")
    context = _second_factor_page(off_form=off_form)

    def act() -> Outcome:
        second_factor.turn_off(member, off_form.code.data, actor=member)
        return _("Two-step verification is off."), url_for("core.account")

    return handle_form(off_form, act, "auth/second_factor.html", **context)
