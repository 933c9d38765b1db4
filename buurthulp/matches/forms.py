"""Match forms: the message, the minutes, a reason, a note of thanks, and a coordinator's
decision on disputed minutes."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from buurthulp.i18n import lazy_gettext as _l
from buurthulp.widgets import REQUIRED


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


class ResolveForm(FlaskForm):
    """A coordinator settles disputed minutes: as given, corrected, or not at all."""

    decision = RadioField(
        _l("What do you decide?"),
        choices=[
            ("confirm", _l("Confirm the minutes as given")),
            ("correct", _l("Confirm other minutes")),
            ("cancel", _l("Cancel the match: no time is booked")),
        ],
        validators=[InputRequired(_l("Choose what you decide."))],
    )
    minutes = IntegerField(
        _l("The right number of minutes"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10_000, message=_l("Give 1 to 10000 minutes.")),
        ],
        description=_l("Only when you confirm other minutes."),
    )
    note = TextAreaField(
        _l("A note for both"),
        validators=[Length(max=500)],
        description=_l("Both read this. Needed when you change the minutes or cancel."),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.decision.data == "correct" and self.minutes.data is None:
            self.minutes.errors = [*self.minutes.errors, _l("Fill in the minutes.")]
            return False
        return valid

    def service_arguments(self) -> dict[str, Any]:
        """What `resolve_dispute` takes, from the decision chosen."""
        return {
            "minutes": self.minutes.data if self.decision.data == "correct" else None,
            "cancel": self.decision.data == "cancel",
            "note": self.note.data,
        }
