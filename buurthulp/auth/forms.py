"""Identity forms: log in, passwords. Length limits here are the first line; services check
again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from buurthulp.auth.services import EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN
from buurthulp.i18n import lazy_gettext as _l

REQUIRED = _l("This field is required.")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=EMAIL_MAX)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(REQUIRED), Length(max=PASSWORD_MAX)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=EMAIL_MAX)]
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(REQUIRED), Length(max=PASSWORD_MAX)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(REQUIRED), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
    )


class CodeForm(FlaskForm):
    """The second step of logging in: a code from the app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l(
            "The 6 digits your app shows now. No phone at hand? Type one of your recovery codes."
        ),
    )


class SetUpCodeForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l("The 6 digits the app shows after scanning."),
    )


class TurnOffForm(FlaskForm):
    """Shown beside the set-up form: made with `prefix="off"` so the two never share ids."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l("A code from the app or a recovery code, to show it is you."),
    )
