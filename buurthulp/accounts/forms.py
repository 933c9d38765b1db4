"""Account forms: sign up, log in, passwords. Length limits here are the first line;
services check again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from buurthulp.auth.services import EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.widgets import REQUIRED, SLOT_CHOICES, MultiCheckboxField


class RegisterForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(REQUIRED), Length(max=NAME_MAX)],
        description=_l("Other neighbours see this name. Your first name is enough."),
    )
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(REQUIRED), Length(max=EMAIL_MAX)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(REQUIRED), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
        description=_l("At least 10 characters. A short sentence is easy to remember."),
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[DataRequired(REQUIRED), Length(max=10)],
        description=_l(
            "For example 6511 AB. We use it to find neighbours close by. "
            "Other residents never see your address."
        ),
    )
    house_number = StringField(
        _l("House number"), validators=[DataRequired(REQUIRED), Length(max=12)]
    )
    privacy_consent = BooleanField(
        _l("I have read the privacy statement and agree to it."),
        validators=[DataRequired(_l("You need to agree to the privacy statement to join."))],
    )


class ConfirmForm(FlaskForm):
    """A button, so a mail scanner that opens the link confirms nothing; and the password,
    so only whoever chose it can open the account: the link alone proves the mailbox, not
    who signed up with it (someone else may have signed up with this address)."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(REQUIRED), Length(max=PASSWORD_MAX)],
        description=_l("The password you chose when you signed up."),
    )


class ProfileForm(FlaskForm):
    interests = StringField(
        _l("What do you like?"),
        validators=[Length(max=400)],
        description=_l("Words separated by commas, for example: wandelen, koken, kaarten."),
    )
    talents = StringField(
        _l("What can you help with?"),
        validators=[Length(max=400)],
        description=_l("For example: boodschappen, tuin, computer en telefoon."),
    )
    availability = MultiCheckboxField(_l("When are you usually free?"), choices=SLOT_CHOICES)
    radius_km = SelectField(
        _l("How far will you go?"),
        choices=[
            ("500", "500 m"),
            ("1000", "1 km"),
            ("2000", "2 km"),
            ("5000", "5 km"),
            ("10000", "10 km"),
        ],
        default="2000",
    )
    languages = StringField(
        _l("Languages you speak (optional)"),
        validators=[Length(max=60)],
        description=_l("Codes separated by commas, for example: nl, en, tr."),
    )
    phone = StringField(
        _l("Phone number (optional)"),
        validators=[Length(max=32)],
        description=_l("Only a neighbour you agreed with sees it, and your coordinator."),
    )


# Logging in and passwords ----------------------------------------------------------------


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


class StartSetUpForm(FlaskForm):
    """The first set-up asks nothing: there is no factor yet to show it is the member."""


class NewPhoneForm(FlaskForm):
    """Setting it up again on a new phone: first show it is you (a stolen session is not
    enough). Made with `prefix="phone"`, beside the page's other forms."""

    password = PasswordField(
        _l("Current password"), validators=[DataRequired(REQUIRED), Length(max=PASSWORD_MAX)]
    )
    code = StringField(
        _l("Code"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l("A code from the app or a recovery code, to show it is you."),
    )


class TurnOffForm(FlaskForm):
    """Shown beside the set-up form: made with `prefix="off"` so the two never share ids."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(REQUIRED), Length(max=40)],
        description=_l("A code from the app or a recovery code, to show it is you."),
    )
