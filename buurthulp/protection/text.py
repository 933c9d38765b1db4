"""Contact details do not belong in a text everyone nearby reads.

A listing, a profile word, a reaction before a match is agreed, an organiser's message to
everyone who signed up: all are read by people who have not agreed anything with the
writer yet. A phone number, an e-mail address, a home address or a bank account number in
such a text reaches strangers, and the last one invites "send me money first" scams. Inside
an agreed match Buurthulp shows both their contact details anyway, so that is where they go.

`public_text_problems` is the one check; it names what it found ("phone", "email", "iban",
"address"), and `refuse_contact_details` turns that into a kind refusal on the field.
The patterns aim at Dutch writing: 06-numbers and landlines, +31 and 0031, NL IBANs (and
other European ones), "Molenweg 12" and "Grote Markt 5", postcodes such as 6511 AB. Dates,
times, prices and distances are left alone.
"""

from __future__ import annotations

import re

from buurthulp.errors import InvalidInput
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l

#: What was found, as the writer reads it in the refusal.
PROBLEMS = {
    "phone": _l("a phone number"),
    "email": _l("an e-mail address"),
    "address": _l("an address or postcode"),
    "iban": _l("a bank account number (IBAN)"),
}

# Two letters, two check digits, then groups of four (a space between groups or not) and a
# short last group: NL91 ABNA 0417 1643 00, BE68539007547034.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
_IBAN_MIN_DIGITS = 8  # an account number is mostly digits; "NL12 boodschappen" is not one

# Digits with separators between them; what counts as a phone number is decided on the digits.
_PHONE = re.compile(r"(?<![\w+])(?:\+|\b)\d(?:[\s\-.()/]{0,3}\d){8,14}(?!\w)")
# A date with its year ("06-03-2025 14 uur" is not a phone number; "06-12-34-56-78" is).
_DATE = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}\b")

_AT = r"(?:@|\s*[\[(]\s*(?:at|apenstaartje)\s*[\])]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[\[(]\s*(?:dot|punt)\s*[\])]\s*|\s+(?:dot|punt)\s+)"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,24}}\b",
    re.IGNORECASE | re.UNICODE,
)

_SUFFIXES = (
    "straat|laan|weg|plein|singel|gracht|kade|dijk|steeg|dreef|hof|plantsoen|markt|burgwal"
    "|wal|baan|boulevard|pad|kamp|park|passage|hoven|gaarde|akker|veld|hage|oord"
)
# A house number: 12, 12a, 12 A, 12-2 (a lower-case letter after a space is a word: "300 m").
_NUMBER = r"\s+\d{1,3}(?:(?-i:[a-zA-Z]|\s[A-Z])(?![a-zA-Z]))?(?:\s?-\s?\d{1,3})?\b"
# A number followed by one of these is an amount, not a house: "de snelweg 2 uur".
_NOT_A_HOUSE = (
    r"(?!\s*(?:[%€]|(?:km|kilometer|meter|m\b|min|minuten|minuut|uur|keer|x\b|kg|kilo|gram|"
    r"euro|jaar|jaren|week|weken|dag|dagen|maand|maanden|personen|mensen|kinderen|stuks|"
    r"procent|liter|jan|feb|maart|mrt|apr|april|mei|juni|juli|aug|sep|okt|nov|dec)[a-z]*\b))"
)
# "Molenweg 12", "van Welderenstraat 34-2": a street word ending in a known part.
_STREET = re.compile(
    rf"\b[^\W\d_]{{2,}}(?:{_SUFFIXES}){_NUMBER}{_NOT_A_HOUSE}", re.IGNORECASE | re.UNICODE
)
# "Grote Markt 5", "Oude Laan 4": a capitalised word, then a capitalised street word.
_TWO_WORDS = re.compile(
    rf"\b[A-Z][^\W\d_]+\s+(?:{'|'.join(s.capitalize() for s in _SUFFIXES.split('|'))})"
    rf"{_NUMBER}{_NOT_A_HOUSE}",
    re.UNICODE,
)
# Dutch postcodes: 6511 AB, 6511AB, 6511ab (SA, SD and SS are never given out).
_POSTCODE = re.compile(r"\b[1-9]\d{3}(?:\s?(?!SA|SD|SS)[A-Z]{2}|[a-z]{2})\b")
_NOT_POSTCODE_LETTERS = {"km", "kg", "cm", "mm", "ml", "cl", "dl", "uu", "st", "de", "ste"}


def _is_phone(found: str) -> bool:
    if _DATE.search(found):
        return False
    digits = re.sub(r"\D", "", found)
    start = found.lstrip("(")
    if start.startswith("+"):
        return 9 <= len(digits) <= 15
    if digits.startswith("00"):
        return 11 <= len(digits) <= 15
    # Dutch numbers: ten digits, a zero and then an area or mobile code (06, 010, 024 ...).
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with these parts replaced by spaces, so one thing is not found twice."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def public_text_problems(text: str, *, allow_address: bool = False) -> list[str]:
    """What in `text` should not be in a public text: any of "iban", "phone", "email",
    "address", in that order, each once. Empty when the text is fine.

    `allow_address`: where the address is the point (the place an activity is held).
    """
    if not text:
        return []
    problems: list[str] = []
    ibans = [
        m.span()
        for m in _IBAN.finditer(text)
        if sum(c.isdigit() for c in m.group()[4:]) >= _IBAN_MIN_DIGITS
    ]
    if ibans:
        problems.append("iban")
        text = _blank(text, ibans)
    emails = [m.span() for m in _EMAIL.finditer(text)]
    if emails:
        text = _blank(text, emails)
    if any(_is_phone(m.group()) for m in _PHONE.finditer(text)):
        problems.append("phone")
    if emails:
        problems.append("email")
    if not allow_address and (
        _STREET.search(text)
        or _TWO_WORDS.search(text)
        or any(
            m.group()[-2:].lower() not in _NOT_POSTCODE_LETTERS for m in _POSTCODE.finditer(text)
        )
    ):
        problems.append("address")
    return problems


def _joined(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s", first=", ".join(words[:-1]), last=words[-1])


def explanation(problems: list[str]) -> str:
    """Why these do not belong here, and where they do (a kind message, not a rule)."""
    what = _joined([str(PROBLEMS[p]) for p in problems])
    message = _(
        "Please leave out %(what)s. Everyone nearby can read this text, also people you do "
        "not know yet. Once you agree on a match, you both see each other's contact details "
        "and can write to each other privately.",
        what=what,
    )
    if "iban" in problems:
        message += " " + _("In Buurthulp help is paid in time, never in money.")
    return message


def refuse_contact_details(text: str, *, field: str, allow_address: bool = False) -> None:
    """Raise a kind InvalidInput on `field` when `text` holds contact details."""
    problems = public_text_problems(text, allow_address=allow_address)
    if problems:
        raise InvalidInput(explanation(problems), field=field)
