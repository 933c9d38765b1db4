"""The base of every API input model (ground floor: features' schemas.py build on it)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

# Parts of the week, as a member's availability and a listing's `slots` store them: bit n is
# the n-th name here (the web forms' checkboxes use the same bits).
Slot = Literal[
    "weekday_morning",
    "weekday_afternoon",
    "weekday_evening",
    "weekend_morning",
    "weekend_afternoon",
    "weekend_evening",
]
SLOT_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(Slot.__args__)}


def slot_bits(names: list[str]) -> int:
    """The stored bits of parts of the week named in an API body."""
    return sum(SLOT_BITS[name] for name in set(names))


def slot_names(bits: int) -> list[str]:
    """The parts of the week set in stored bits, in week order."""
    return [name for name, bit in SLOT_BITS.items() if bits & bit]


class StrictModel(BaseModel):
    """Input models refuse unknown fields and wrong types instead of guessing."""

    model_config = ConfigDict(extra="forbid", strict=True)
