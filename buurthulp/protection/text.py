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

The text is read as a person sees it, not as it is stored (`normalised`): fullwidth and
other digit forms are plain digits, a fullwidth at-sign is "@", invisible format characters
(zero-width spaces, soft hyphens, direction marks) and accents are gone, and every kind of
space, dash and dot is one plain one. "06_12_34_56_78" and "jan @ gmail.com" are found; so
is an IBAN with a separator between every character, by its check digits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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

# Reading the text as a person sees it ---------------------------------------------------------

# Hangul and Braille fillers: letters that show as blank space.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Dots that are not "." even after NFKC: middle dot, bullets, the ideographic full stop.
_DOTS = frozenset("\u00b7\u2022\u2219\u2027\u30fb\u3002")
_SLASHES = frozenset("\u2044\u2215")


@lru_cache(maxsize=4096)
def _plain(char: str) -> str:
    """One character of an NFKD text as the patterns read it ("" for what nobody sees)."""
    category = unicodedata.category(char)
    if category == "Cf" or category[0] == "M":  # zero-width, direction marks; accents
        return ""
    if category == "Nd":
        return str(unicodedata.digit(char))  # Arabic-Indic and mathematical digits too
    if char in _FILLERS or category in ("Zs", "Zl", "Zp"):
        return " "
    if category == "Pd" or char == "\u2212":
        return "-"
    if category == "Pc":
        return "_"
    if char in _DOTS:
        return "."
    if char in _SLASHES:
        return "/"
    return char


def normalised(text: str) -> str:
    """`text` as the checks read it: compatibility forms folded (NFKD: fullwidth digits and
    at-signs are ASCII), invisible format characters and accents gone, every space, dash, dot
    and slash the plain one. For finding things only; what is stored stays as typed."""
    return "".join(map(_plain, unicodedata.normalize("NFKD", text)))


# IBANs ------------------------------------------------------------------------------------------

# Two letters, two check digits, then groups of four (a space between groups or not) and a
# short last group: NL91 ABNA 0417 1643 00, BE68539007547034.
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[\s\-._/]?[A-Z0-9]{4}){2,7}(?:[\s\-._/]?[A-Z0-9]{1,3})?\b", re.IGNORECASE
)
_IBAN_MIN_DIGITS = 8  # an account number is mostly digits; "NL12 boodschappen" is not one
# How long an IBAN is, by country (SEPA and neighbours). Written with any separators between
# its characters, one is recognised by its length and its check digits (ISO 13616, mod 97).
_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GI": 23, "GL": 18, "GR": 27,
    "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "TR": 26, "UA": 29, "VA": 22,
}  # fmt: skip
_SEPARATORS = frozenset(" \t\n\r-._/()")
_MAX_GAP = 3  # separator characters in a row between two characters of one number
_WORD_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]")


def _spaced_ibans(text: str) -> list[tuple[int, int]]:
    """Where `text` holds an IBAN with a valid check, separators between any characters."""
    found: list[tuple[int, int]] = []
    for start in _WORD_START.finditer(text):
        if found and start.start() < found[-1][1]:
            continue
        chars: list[str] = []
        end = gap = i = start.start()
        length = 4
        while i < len(text) and len(chars) < length:
            char = text[i]
            if char.isascii() and char.isalnum():
                chars.append(char.upper())
                end, gap = i + 1, 0
                if len(chars) == 2:
                    length = _IBAN_LENGTHS.get("".join(chars), 0)
                elif 2 < len(chars) <= 4 and not char.isdigit():  # the check digits
                    break
            elif char in _SEPARATORS and gap < _MAX_GAP:
                gap += 1
            else:
                break
            i += 1
        iban = "".join(chars)
        if not length or len(iban) != length:
            continue
        if sum(c.isdigit() for c in iban[4:]) < _IBAN_MIN_DIGITS:
            continue
        if int("".join(str(int(c, 36)) for c in iban[4:] + iban[:4])) % 97 == 1:
            found.append((start.start(), end))
    return found


# Phone numbers ----------------------------------------------------------------------------------

# Digits with separators between them; what counts as a phone number is decided on the digits.
_PHONE = re.compile(r"(?<![\w+])(?:\+|\b)\d(?:[\s\-._()/]{0,3}\d){8,14}(?!\w)")
# A date with its year ("06-03-2025 14 uur" is not a phone number; "06-12-34-56-78" is):
# one separator throughout, and not glued to more digits by it ("06-12-2034-56" is a number).
_DATE = re.compile(
    r"(?<![\d\-./_])(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|1[0-2])\1"
    r"(?:19|20)\d{2}(?![\-./_]?\d)"
)

# E-mail addresses -------------------------------------------------------------------------------

# "@" (spaces around it or not) and "(at)", "[at]", "{apenstaartje}": nobody writes these in a
# sentence. " at " is English and Dutch ("ik at"), so it counts only with a dot that is clearly
# one after it; a spaced-out dot ("gmail . com") only after a real at-sign.
_SP = r"[ \t]"  # spaces within a line: an address does not run over a line break
_AT = rf"(?:{_SP}{{0,3}}@{_SP}{{0,3}}|{_SP}*[\[({{<]{_SP}*(?:at|apenstaartje){_SP}*[\])}}>]{_SP}*"
_AT += rf"|{_SP}+apenstaartje{_SP}+)"
_AT_WORD = rf"{_SP}+at{_SP}+"
_DOT = rf"(?:\.|{_SP}*[\[({{<]{_SP}*(?:dot|punt){_SP}*[\])}}>]{_SP}*)"
_DOT_WORD = rf"{_SP}+(?:dot|punt){_SP}+"
_DOT_SPACED = rf"{_SP}{{0,3}}\.{_SP}{{0,3}}"
# After a dot written as a word or spaced out, only a domain's usual ending: "punt uit" and
# "home. Daarna" are sentences.
_TLD = r"(?:nl|be|com|net|org|eu|info|frl|io|biz|online|email)\b"
_LOCAL = r"(?<![\w.+-])[\w.+-]+"
_NAME = r"[\w-]+(?:\.[\w-]+)*"
_EMAIL = re.compile(
    rf"{_LOCAL}{_AT}{_NAME}(?:{_DOT}[^\W\d_]{{2,24}}\b|(?:{_DOT_WORD}|{_DOT_SPACED}){_TLD})"
    rf"|{_LOCAL}{_AT_WORD}{_NAME}(?:{_DOT}[^\W\d_]{{2,24}}\b|{_DOT_WORD}{_TLD})",
    re.IGNORECASE,
)

# Addresses --------------------------------------------------------------------------------------

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
    text = normalised(text)
    problems: list[str] = []
    ibans = [
        m.span()
        for m in _IBAN.finditer(text)
        if sum(c.isdigit() for c in m.group()[4:]) >= _IBAN_MIN_DIGITS
    ]
    ibans += _spaced_ibans(_blank(text, ibans))
    if ibans:
        problems.append("iban")
        text = _blank(text, ibans)
    emails = [m.span() for m in _EMAIL.finditer(text)]
    if emails:
        text = _blank(text, emails)
    # A date is no phone number, nor part of one: "01-02-2025 0612345678" still holds one.
    if any(_is_phone(m.group()) for m in _PHONE.finditer(_DATE.sub(";", text))):
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
