"""Listing forms. Length limits here are the first line; the services check everything
again. A form that fails keeps everything that was typed (WTForms re-renders it)."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.listings.services import (
    DESCRIPTION_MAX,
    PLACE_MAX,
    TITLE_MAX,
    ListingInput,
)
from buurthulp.widgets import REQUIRED, SLOT_CHOICES, MultiCheckboxField, slots_of


class ListingForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(REQUIRED), Length(max=TITLE_MAX)],
        description=_l("In a few words, for example: help with the shopping on Saturday."),
    )
    description = TextAreaField(
        _l("Tell a bit more (optional)"),
        validators=[Optional(), Length(max=DESCRIPTION_MAX)],
        description=_l(
            "Do not write your address, phone number or e-mail here: you share those "
            "once you have agreed with a neighbour."
        ),
    )
    category = SelectField(_l("What kind of help?"), validators=[InputRequired(REQUIRED)])
    tags = StringField(
        _l("Interests (optional)"),
        validators=[Optional(), Length(max=400)],
        description=_l("Words separated by commas, for example: tuin, planten."),
    )
    minutes_estimate = IntegerField(
        _l("About how many minutes? (optional)"),
        validators=[Optional(), NumberRange(min=1, max=10_000)],
    )
    when_kind = RadioField(
        _l("When?"),
        choices=[
            ("flexible", _l("Flexible")),
            ("date", _l("On one day")),
            ("period", _l("In a period")),
        ],
        default="flexible",
    )
    when_from = DateField(_l("Day (or first day)"), validators=[Optional()])
    when_until = DateField(_l("Last day"), validators=[Optional()])
    slots = MultiCheckboxField(_l("Which parts of the week suit? (optional)"), choices=SLOT_CHOICES)
    standing = BooleanField(_l("This offer stands: it does not end after 30 days"))
    # Activities.
    starts_on = DateField(_l("Date"), validators=[Optional()])
    starts_time = TimeField(_l("Starts at"), validators=[Optional()])
    place_label = StringField(
        _l("Where?"),
        validators=[Optional(), Length(max=PLACE_MAX)],
        description=_l("A public place, for example: buurthuis De Klokkenberg."),
    )
    capacity = IntegerField(
        _l("How many people can come?"), validators=[Optional(), NumberRange(min=1, max=500)]
    )
    recurrence = SelectField(
        _l("Does it repeat?"),
        choices=[
            ("", _l("No, once")),
            ("weekly", _l("Every week")),
            ("monthly", _l("Every month")),
        ],
        default="",
    )
    credits = BooleanField(_l("Participants thank me with time credits"))
    kind = HiddenField()

    def to_input(self) -> ListingInput:
        starts_at = None
        if self.starts_on.data and self.starts_time.data:
            starts_at = datetime.combine(self.starts_on.data, self.starts_time.data, LOCAL_TZ)
        return ListingInput(
            kind=self.kind.data,
            title=self.title.data,
            description=self.description.data or "",
            category=self.category.data,
            tags=self.tags.data or "",
            minutes_estimate=self.minutes_estimate.data,
            when_kind=self.when_kind.data or "flexible",
            when_from=self.when_from.data,
            when_until=self.when_until.data,
            slots=slots_of(self.slots.data),
            standing=bool(self.standing.data),
            starts_at=starts_at,
            place_label=self.place_label.data,
            capacity=self.capacity.data,
            recurrence=self.recurrence.data or None,
            credits=bool(self.credits.data),
        )


class FeedForm(FlaskForm):
    """The feed's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    kind = SelectField(
        _l("Show"),
        choices=[
            ("", _l("Everything")),
            ("request", _l("Requests for help")),
            ("offer", _l("Offers of help")),
            ("activity", _l("Activities")),
        ],
        default="",
    )
    category = SelectField(_l("Kind of help"), default="")
    within_km = SelectField(
        _l("Distance"),
        choices=[("", _l("Near me")), ("1", "1 km"), ("3", "3 km"), ("5", "5 km"), ("10", "10 km")],
        default="",
    )


class ReactForm(FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[InputRequired(REQUIRED), Length(max=1000)],
        description=_l("Say hello and when you could help. Contact details come later."),
    )


class InviteForm(FlaskForm):
    member_id = HiddenField(validators=[InputRequired()])
    message = TextAreaField(
        _l("A word with your question (optional)"), validators=[Length(max=1000)]
    )


class SkipForm(FlaskForm):
    day = DateField(_l("Date to skip"), validators=[InputRequired(REQUIRED)])


class BroadcastForm(FlaskForm):
    body = TextAreaField(
        _l("Message to everyone who comes"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )
