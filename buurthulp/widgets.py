"""What every form shares: the "required" message, checkboxes for several choices, and the
parts of the week (a member's free time and a request's good moments are the same six).

The ground floor: accounts, listings and the back office build their forms from these, so
no feature imports another's forms.
"""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from buurthulp.i18n import lazy_gettext as _l

REQUIRED = _l("This field is required.")
SLOT_CHOICES = [
    ("1", _l("Weekday mornings")),
    ("2", _l("Weekday afternoons")),
    ("4", _l("Weekday evenings")),
    ("8", _l("Weekend mornings")),
    ("16", _l("Weekend afternoons")),
    ("32", _l("Weekend evenings")),
]


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for several choices (works without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def slots_of(values: list[str] | None) -> int:
    """The chosen parts of the week as bits (`Member.availability`, `Listing.slots`)."""
    total = 0
    for value in values or []:
        if value.isdigit() and int(value) in (1, 2, 4, 8, 16, 32):
            total |= int(value)
    return total


def slot_values(bits: int) -> list[str]:
    """The form's values for the bits that are set."""
    return [value for value, _label in SLOT_CHOICES if bits & int(value)]
