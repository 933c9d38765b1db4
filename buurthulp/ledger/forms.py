"""Ledger forms. Time is entered as hours plus minutes; services check everything again."""

from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from buurthulp.i18n import lazy_gettext as _l
from buurthulp.ledger.services import LIMIT_BOUND, MAX_TRANSFER_MINUTES, TEXT_MAX
from buurthulp.widgets import REQUIRED

MAX_HOURS = MAX_TRANSFER_MINUTES // 60


class _TimeForm(FlaskForm):
    """Hours and minutes, and a one-time token so a double click books once."""

    hours = IntegerField(
        _l("Hours"),
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_HOURS, message=_l("Give 0 to %(max)s hours.")),
        ],
    )
    minutes = IntegerField(
        _l("Minutes"),
        validators=[Optional(), NumberRange(min=0, max=59, message=_l("Give 0 to 59 minutes."))],
    )
    request_key = HiddenField()

    def total_minutes(self) -> int:
        return (self.hours.data or 0) * 60 + (self.minutes.data or 0)

    def fresh_key(self) -> None:
        if not self.request_key.data or len(self.request_key.data) > 64:
            self.request_key.data = secrets.token_urlsafe(16)


class ThankForm(_TimeForm):
    to_member_id = SelectField(
        _l("Who do you want to thank?"),
        coerce=int,
        validators=[InputRequired(_l("Choose a neighbour."))],
        description=_l("You see the names of neighbours in your neighbourhood."),
    )
    description = TextAreaField(
        _l("What was it for?"),
        validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
        description=_l("For example: help with the shopping."),
    )


class DonateForm(_TimeForm):
    description = TextAreaField(_l("A note (optional)"), validators=[Length(max=TEXT_MAX)])


class GrantForm(_TimeForm):
    to_member_id = SelectField(
        _l("Who receives the time?"),
        coerce=int,
        validators=[InputRequired(_l("Choose a member."))],
    )
    description = TextAreaField(
        _l("What is the grant for?"),
        validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
    )
    category = StringField(
        _l("Category (optional)"),
        validators=[Optional(), Length(max=40)],
        description=_l("The kind of help, for example shopping or transport."),
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
        description=_l("The member can read this on their statement."),
    )


class SettleForm(ReasonForm):
    confirm = BooleanField(
        _l("Yes, close this account now."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class LimitsForm(FlaskForm):
    lower_limit = IntegerField(
        _l("Lower limit in minutes"),
        validators=[InputRequired(REQUIRED), NumberRange(min=-LIMIT_BOUND, max=0)],
        description=_l("0 or below. -600 is 10 hours of help before giving any."),
    )
    upper_limit = IntegerField(
        _l("Upper limit in minutes"),
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=LIMIT_BOUND)],
        description=_l("0 or above. 3000 is 50 hours."),
    )
    reason = TextAreaField(
        _l("Why do the limits change?"),
        validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
    )


class PeriodForm(FlaskForm):
    """The statement's period filter: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    van = DateField(_l("From"), validators=[Optional()])
    tot = DateField(_l("Until"), validators=[Optional()])

    def validate_tot(self, field: DateField) -> None:
        from wtforms.validators import ValidationError

        if field.data and self.van.data and field.data < self.van.data:
            raise ValidationError(_l("The end date must be on or after the start date."))
