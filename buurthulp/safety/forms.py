"""Safeguard forms: a report, a coordinator's handling of one, a moderation decision, and
a suspension (or lifting it). Blocking is one button: its form carries only the token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from buurthulp.i18n import lazy_gettext as _l
from buurthulp.widgets import REQUIRED


class ButtonForm(FlaskForm):
    """One button (block, unblock): nothing but the CSRF token."""


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong?"),
        choices=[],  # filled from services.REASON_LABELS
        validators=[InputRequired(_l("Choose what is wrong."))],
    )
    text = TextAreaField(
        _l("What happened?"),
        validators=[Length(max=2000)],
        description=_l(
            "Only coordinators read this. The person you report does not see who reported."
        ),
    )


class HandleForm(FlaskForm):
    outcome = RadioField(
        _l("What did you do?"),
        choices=[],  # filled from services.OUTCOME_LABELS
        validators=[InputRequired(_l("Choose what you did."))],
    )
    note = TextAreaField(
        _l("Note for coordinators"),
        validators=[Length(max=500)],
        description=_l(
            "Only coordinators read this. The one who reported hears only that it is handled."
        ),
    )
    message_to_member = TextAreaField(
        _l("What the member reads"),
        validators=[Length(max=500)],
        description=_l("Needed for a warning, a hidden listing or a suspension."),
    )


class ModerationForm(FlaskForm):
    decision = RadioField(
        _l("What do you decide?"),
        choices=[],  # the decisions that fit the listing's state
        validators=[InputRequired(_l("Choose what you decide."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=500)],
        description=_l("The owner reads this. Needed when you refuse or hide a listing."),
    )


class SuspendForm(FlaskForm):
    suspension_reason = TextAreaField(
        _l("Why do you suspend this account?"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        description=_l("The member reads this in an e-mail. It is kept in the audit log."),
    )


class LiftForm(FlaskForm):
    lift_note = TextAreaField(
        _l("Note (optional)"),
        validators=[Length(max=500)],
        description=_l("Kept in the audit log."),
    )
