"""Match forms: the message, the minutes, a reason, a note of thanks."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from buurthulp.i18n import lazy_gettext as _l

REQUIRED = _l("This field is required.")


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[InputRequired(REQUIRED), Length(max=2000)])


class MinutesForm(FlaskForm):
    minutes = IntegerField(
        _l("How many minutes did it take?"),
        validators=[
            InputRequired(_l("Fill in the minutes.")),
            NumberRange(min=1, max=10_000, message=_l("Give 1 to 10000 minutes.")),
        ],
        description=_l("One hour is 60 minutes. The other person confirms."),
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Why?"), validators=[InputRequired(REQUIRED), Length(max=500)])


class ThanksForm(FlaskForm):
    body = TextAreaField(
        _l("A few words of thanks"), validators=[InputRequired(REQUIRED), Length(max=500)]
    )


class CancelForm(FlaskForm):
    cancel_reason = TextAreaField(
        _l("Why do you stop?"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        description=_l("The other person reads this."),
    )
