"""Find personal values in a page in one pass per kind of value, matched at their edges.

The privacy crawl reads a few hundred pages and must look for a few thousand values in each
(every other member's e-mail address, phone, postcode and coordinates). Searching each value
with its own regex meant about a million searches a run; here each page is read once per
kind with one pattern, and what it finds is looked up in a set.

Values are matched as a whole, at their boundaries, the way the app could write them: a
postcode as "6521 BQ", "6521-bq" or "6521BQ"; a phone with or without spaces, dashes and
brackets; a coordinate to four decimals or more (about 10 m: finer than any distance
label). A timestamp's seconds ("16:05:51.824812") are not a coordinate, and a longer run of
digits or letters (a token, a cursor) does not hold a postcode or a phone by chance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"(?<![\w])(\d{4})[ \t\-]?([A-Za-z]{2})(?![\w])")
# A run of digits with the separators people put in phone numbers, starting and ending on
# a digit, not glued to more word characters.
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d \t\-().]{6,}\d(?![\w])")
# A decimal number with four or more decimals, not part of a longer number and not the
# seconds of a time of day ("12:34:51.824812").
_COORDINATE = re.compile(r"(?<![\d.])(?<!\d:)(\d{1,3}\.\d{4,})(?![\d.])")


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def postcode_key(value: str) -> str:
    """ "6521 BQ", "6521bq" and "6521-BQ" alike."""
    return re.sub(r"[\s\-]", "", value).lower()


def coordinate_key(value: float) -> str:
    return f"{value:.4f}"


@dataclass
class Secrets:
    """What must not be read, each value mapped to what it is ("phone of member 12")."""

    emails: dict[str, str] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    postcodes: dict[str, str] = field(default_factory=dict)
    coordinates: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)  # free text: a name, a sentence

    def add_email(self, value: str, what: str) -> None:
        self.emails[value.lower()] = what

    def add_phone(self, value: str, what: str) -> None:
        self.phones[digits(value)] = what

    def add_postcode(self, value: str, what: str) -> None:
        self.postcodes[postcode_key(value)] = what

    def add_coordinate(self, value: float, what: str) -> None:
        self.coordinates[coordinate_key(value)] = what

    def add_phrase(self, value: str, what: str) -> None:
        """A name or a sentence someone wrote: found in any case and spacing."""
        self.phrases[_squeeze(value)] = what

    def found_in(self, text: str) -> list[str]:
        """ "what (value)" for every secret value that stands in `text`."""
        found: list[str] = []
        for email in {m.lower() for m in _EMAIL.findall(text)}:
            if email in self.emails:
                found.append(f"{self.emails[email]} ({email})")
        for code in {postcode_key(a + b) for a, b in _POSTCODE.findall(text)}:
            if code in self.postcodes:
                found.append(f"{self.postcodes[code]} ({code})")
        for number in {n for run in _PHONE.findall(text) for n in _numbers_in(run)}:
            if number in self.phones:
                found.append(f"{self.phones[number]} ({number})")
        for number in set(_COORDINATE.findall(text)):
            for key in _coordinate_keys(number):
                if key in self.coordinates:
                    found.append(f"{self.coordinates[key]} ({number})")
                    break
        if self.phrases:
            squeezed = _squeeze(text)
            found += [f"{what}" for phrase, what in self.phrases.items() if phrase in squeezed]
        return found


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _numbers_in(run: str) -> Iterable[str]:
    """Every number a run of digit groups can be read as: "06 1234 5678 12" holds
    "0612345678" (groups 1-3), never "1234567812" cut out of the middle of a group."""
    groups = re.findall(r"\d+", run)
    for start in range(len(groups)):
        joined = ""
        for group in groups[start:]:
            joined += group
            if len(joined) > 15:  # longer than any phone number (E.164)
                break
            yield joined


def _coordinate_keys(number: str) -> Iterable[str]:
    """A printed coordinate as four decimals: cut off, and rounded."""
    whole, decimals = number.split(".")
    yield f"{whole}.{decimals[:4]}"
    yield coordinate_key(float(number))
