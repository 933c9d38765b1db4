"""The "why do you open this?" form, asked before a staff page about one resident opens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from buurthulp.access.log import REASONS
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import is_id


class ReasonForm(FlaskForm):
    """Why do you open this? Asked once per resident per day."""

    reason = RadioField(
        _l("Why do you open this?"),
        choices=[(key, label) for key, label in REASONS.items() if key != "overview"],
        validators=[InputRequired(_l("Choose a reason."))],
    )
    explanation = StringField(
        _l("In a few words (needed for “other”)"),
        validators=[Optional(), Length(max=200)],
    )
    subjects = HiddenField()
    next = HiddenField()

    def subject_ids(self) -> list[int]:
        ids = []
        for part in (self.subjects.data or "").split(",")[:10]:
            part = part.strip()
            if part.isascii() and part.isdigit() and is_id(int(part)):
                ids.append(int(part))
        return ids
