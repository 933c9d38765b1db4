"""Admin forms: neighbourhoods, their categories, and roles."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from buurthulp.auth.labels import ROLE_LABELS
from buurthulp.auth.roles import Role
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import MAX_ID
from buurthulp.listings.categories import NAME_MAX as CATEGORY_NAME_MAX


class NeighbourhoodForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    pc4_codes = TextAreaField(
        _l("PC4 postcodes"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Four-digit postcodes, separated by commas or spaces, e.g. 6511, 6512."),
    )
    area_file = FileField(_l("Area as GeoJSON file (optional)"))
    area_text = TextAreaField(_l("Or paste GeoJSON"), validators=[Optional(), Length(max=500_000)])
    default_lower_hours = IntegerField(
        _l("Default lower credit limit (hours, 0 or below)"),
        validators=[Optional(), NumberRange(min=-1000, max=0)],
        default=-10,
    )
    default_upper_hours = IntegerField(
        _l("Default upper credit limit (hours)"),
        validators=[Optional(), NumberRange(min=0, max=1000)],
        default=50,
    )
    premoderation = BooleanField(_l("Check new members' first listings before they are shown"))
    retention_message_months = IntegerField(
        _l("Remove the messages of a match after (months)"),
        validators=[Optional(), NumberRange(min=1, max=120)],
        default=12,
        description=_l("Counted from the day the match ended. 12 is a year."),
    )
    retention_inactive_months = IntegerField(
        _l("Erase an account nobody used after (months)"),
        validators=[Optional(), NumberRange(min=2, max=240)],
        default=24,
        description=_l(
            "The member gets an e-mail a month before. Residents helped through a "
            "coordinator are never erased this way: the coordinator is asked instead."
        ),
    )


class RoleForm(FlaskForm):
    email = StringField(
        _l("E-mail address of the member"), validators=[DataRequired(), Length(max=254)]
    )
    role = SelectField(
        _l("Role"), choices=[(r.value, ROLE_LABELS[r.value]) for r in Role if r != Role.RESIDENT]
    )
    neighbourhood_id = SelectField(_l("Neighbourhood"), coerce=int, validate_choice=True)


class RemoveRoleForm(FlaskForm):
    """One "take away" button per role a staff member holds."""

    assignment_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])


class RetryForm(FlaskForm):
    message_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])


TRUST_CHOICES = [
    ("", _l("Anyone may help")),
    ("verified", _l("Only a verified helper")),
    ("vog", _l("Only a helper with a certificate of conduct (VOG)")),
]


class CategoryForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=CATEGORY_NAME_MAX)],
        description=_l("A few words residents understand, for example: bike repairs."),
    )
    trust_needed = SelectField(
        _l("Who may help with it in this neighbourhood?"),
        choices=TRUST_CHOICES,
        default="",
        description=_l("For help inside someone's home, ask for a verified helper."),
    )


class CategoryEditForm(CategoryForm):
    remove = SubmitField(_l("Remove this category"))


class ResetSecondFactorForm(FlaskForm):
    email = StringField(
        _l("E-mail address of the member"), validators=[DataRequired(), Length(max=254)]
    )
    reason = StringField(
        _l("Why"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: phone lost, she called on Monday and I knew her voice."),
    )
    checked = BooleanField(
        _l("I have checked that the member asked for this themselves"),
        validators=[DataRequired(_l("Check who asked first, then tick this box."))],
    )
