"""Privacy forms: consents, erasing an account. Services check everything again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from buurthulp.auth.services import NAME_MAX, PASSWORD_MAX
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.privacy.consents import METHOD_LABELS, PURPOSES, STAFF_METHODS
from buurthulp.privacy.erasure import NOTE_MAX
from buurthulp.widgets import REQUIRED


class GiveConsentForm(FlaskForm):
    purpose = HiddenField(validators=[DataRequired(REQUIRED), Length(max=40)])


class RecordConsentForm(FlaskForm):
    purpose = SelectField(
        _l("What the resident agrees to"),
        choices=[(key, purpose.label) for key, purpose in PURPOSES.items()],
    )
    method = SelectField(
        _l("How the resident gave consent"),
        choices=[(m, METHOD_LABELS[m]) for m in STAFF_METHODS],
    )


class EraseOwnForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(REQUIRED), Length(max=PASSWORD_MAX)],
        description=_l("So we know it is really you."),
    )
    confirm = BooleanField(
        _l("Yes, erase my account. I know this cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class EraseForStaffForm(FlaskForm):
    note = TextAreaField(
        _l("How did the resident ask for this?"),
        validators=[DataRequired(REQUIRED), Length(max=NOTE_MAX)],
        description=_l("For example: by phone on 3 December, or on paper during a visit."),
    )
    confirm_name = StringField(
        _l("Type the resident's name to confirm"),
        validators=[DataRequired(REQUIRED), Length(max=NAME_MAX)],
    )
