"""Back-office forms. Length limits here are the first line; the services check everything
again and name the field at fault."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from buurthulp.backoffice.residents import CONSENT, NOTE_MAX, REASON_MAX
from buurthulp.backoffice.trust import STEPS
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.widgets import REQUIRED


class HandledForm(FlaskForm):
    note = TextAreaField(
        _l("What did you do?"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        description=_l("For example: called her, a neighbour will help on Friday."),
    )


class TrustForm(FlaskForm):
    step = RadioField(
        _l("What did you check?"),
        choices=list(STEPS.items()),
        validators=[InputRequired(_l("Choose what you checked."))],
    )
    vog_issued_on = DateField(
        _l("Date of issue on the VOG"),
        validators=[Optional()],
        description=_l("Only for a VOG. It needs renewing three years after this date."),
    )
    note = TextAreaField(
        _l("Note (optional; needed when you lower the level)"),
        validators=[Optional(), Length(max=500)],
    )


class VulnerableForm(FlaskForm):
    reason = StringField(
        _l("Why does this resident need extra care?"),
        validators=[InputRequired(REQUIRED), Length(max=REASON_MAX)],
        description=_l("A few words. The audit log keeps them."),
    )
    note = TextAreaField(
        _l("Note for professionals (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        description=_l("Only coordinators see this. Write only what helps them help."),
    )


class UnmarkForm(FlaskForm):
    unmark_reason = StringField(
        _l("Why does the mark come off?"),
        validators=[InputRequired(REQUIRED), Length(max=REASON_MAX)],
    )


class ProxyResidentForm(FlaskForm):
    display_name = StringField(
        _l("Name"),
        validators=[InputRequired(REQUIRED), Length(max=80)],
        description=_l("The name neighbours see, for example: Truus de Vries."),
    )
    postcode = StringField(_l("Postcode"), validators=[InputRequired(REQUIRED), Length(max=8)])
    house_number = StringField(
        _l("House number"), validators=[InputRequired(REQUIRED), Length(max=12)]
    )
    phone = StringField(
        _l("Phone number"),
        validators=[InputRequired(REQUIRED), Length(max=32)],
        description=_l("Helpers see it only once a match is agreed."),
    )
    consent_how = RadioField(
        _l("How did the resident agree to the privacy statement?"),
        choices=list(CONSENT.items()),
        validators=[InputRequired(_l("Choose how the resident agreed."))],
    )


class ProxyMessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message on their behalf"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class ProxyReactForm(FlaskForm):
    message = TextAreaField(
        _l("Reaction on their behalf"),
        validators=[InputRequired(REQUIRED), Length(max=1000)],
        description=_l("Say who you are writing for and when they could use the help."),
    )
