"""What comes in from outside, checked in one place before anything else looks at it.

Every text a person or program sends (form fields, query strings, path parts, JSON) is
refused when it holds control characters: PostgreSQL cannot store U+0000 at all, and the
others only ever arrive from a bug or an attack. Query parameters and path ids are parsed
here with their bounds (ids from 1 to the largest value an id column holds, dates within a
sane range, cursors capped in length), so a strange URL is a 400 or a 404 with a clear
message, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from buurthulp.errors import BuurthulpError, InvalidInput
from buurthulp.i18n import gettext as _

# Every id column is INTEGER: 32 bits on PostgreSQL. A larger id cannot exist, and sending
# one to PostgreSQL would be an "integer out of range" error, so it is refused before any
# query (and anything past 2**63, which SQLite cannot even bind, with it).
MAX_ID = 2**31 - 1
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
CURSOR_MAX = 200
QUERY_VALUE_MAX = 500

# C0 controls except tab, line feed and carriage return; DEL; the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class InvalidQuery(BuurthulpError):
    """A query parameter, header or cursor that cannot be understood: a 400."""

    status = 400
    code = "bad_query"


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 1 <= id <= MAX_ID, so no id overflows a database column.

    Registered as the app's `int` converter: anything outside the range simply does not
    match the route (404), before a view or a query ever sees it.
    """

    regex = r"\d{1,10}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > 1 and value.startswith("0"):
            raise ValidationError()
        number = int(value)
        if not 1 <= number <= MAX_ID:
            # Not "no such route": such an id cannot exist, so it is not found (a 404; a
            # ValidationError here would let a route for another method answer 405).
            raise NotFound()
        return number


def is_id(value: object) -> bool:
    """A database id: an int (not a bool), 1 <= id <= MAX_ID."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def has_control(text: str, *, multiline: bool = True) -> bool:
    """True when `text` holds a control character (tabs and newlines allowed if multiline)."""
    return bool((_CONTROL if multiline else _CONTROL_SINGLE_LINE).search(text))


def has_format_character(text: str) -> bool:
    """True for invisible format characters (Unicode Cf: right-to-left overrides and such).

    In a name they let someone show text in another order than it is stored, e.g. to pass
    as staff; in free text they are harmless and stay allowed.
    """
    return any(unicodedata.category(c) == "Cf" for c in text)


def control_in(values: Mapping[str, Iterable[str]] | Any) -> str | None:
    """The name of the first field (of a MultiDict) whose value holds a control character."""
    for key, items in values.lists():
        if not isinstance(key, str) or has_control(key, multiline=False):
            return "?"  # a nameless or unreadable field name (a broken multipart part)
        for item in items:
            if isinstance(item, str) and has_control(item):
                return key
    return None


def control_in_json(data: Any) -> str | None:
    """The path of the first key or string in decoded JSON holding a control character.

    A loop rather than recursion: nesting may be as deep as the parser allowed.
    """
    pending: list[tuple[str, Any]] = [("body", data)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            if has_control(value):
                return where
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and has_control(key):
                    return where
                pending.append((f"{where}.{key}" if where != "body" else str(key), item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
    return None


def refuse_control_characters(field: str) -> InvalidInput:
    return InvalidInput(
        _(
            "The field %(field)s contains an invisible control character that we cannot "
            "store. Type the text again without it.",
            field=field,
        ),
        field=field,
        code="control_character",
    )


# Query parameters ---------------------------------------------------------------------------


def _raw(args: Mapping[str, str], name: str) -> str | None:
    value = args.get(name)
    if value is None or value == "":
        return None
    if len(value) > QUERY_VALUE_MAX:
        raise InvalidQuery(_("The value of %(name)s is too long.", name=name), field=name)
    return value


def arg_int(
    args: Mapping[str, str],
    name: str,
    *,
    minimum: int,
    maximum: int,
    default: int | None = None,
    code: str = "bad_query",
) -> int | None:
    """A whole number from the query string within bounds; ASCII digits only ("²" is not 2)."""
    value = _raw(args, name)
    if value is None:
        return default
    if not re.fullmatch(r"-?[0-9]{1,19}", value) or not minimum <= int(value) <= maximum:
        raise InvalidQuery(
            _(
                "%(name)s must be a whole number from %(min)s to %(max)s.",
                name=name,
                min=minimum,
                max=maximum,
            ),
            field=name,
            code=code,
        )
    return int(value)


def arg_id(args: Mapping[str, str], name: str) -> int | None:
    """An id from the query string (1 <= id <= MAX_ID), or None when absent."""
    return arg_int(args, name, minimum=1, maximum=MAX_ID)


def clean_date(value: date | None, field: str) -> date | None:
    """A date a person could mean: between 1900 and 2199."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise InvalidInput(
            _(
                "Choose a date between %(a)s and %(b)s.",
                a=DATE_MIN.isoformat(),
                b=DATE_MAX.isoformat(),
            ),
            field=field,
        )
    return value


def arg_date(args: Mapping[str, str], name: str) -> date | None:
    """An ISO date (YYYY-MM-DD) from the query string within the sane range."""
    value = _raw(args, name)
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidQuery(_("%(name)s must be a date like 2026-12-31.", name=name), field=name)
    try:
        return clean_date(parsed, name)
    except InvalidInput as exc:
        raise InvalidQuery(exc.message, field=name) from None


# Cursors -------------------------------------------------------------------------------------


def encode_cursor(values: dict[str, int | str]) -> str:
    """An opaque cursor for the next page: URL-safe base64 of a small flat JSON object."""
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, ints: tuple[str, ...]) -> dict[str, int] | None:
    """A cursor made by `encode_cursor` with exactly these whole-number fields (0 to 2**53);
    anything else a 400."""
    if cursor is None or cursor == "":
        return None
    bad = InvalidQuery(
        _("This cursor is not valid. Start again without one."), field="cursor", code="bad_cursor"
    )
    if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX:
        raise bad
    if not re.fullmatch(r"[A-Za-z0-9_-]+={0,2}", cursor):
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor.rstrip("=") + "=" * (-len(cursor.rstrip("=")) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeError, RecursionError):
        raise bad from None
    if not isinstance(values, dict) or set(values) != set(ints):
        raise bad
    for key in ints:
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**53:
            raise bad
    return values


# Text fields --------------------------------------------------------------------------------


def clean_text(
    value: object,
    *,
    field: str,
    max_length: int,
    required: bool = False,
    min_length: int = 0,
    multiline: bool = True,
    empty_message: str = "",
) -> str:
    """Text from a person: trimmed, within its length, free of control characters."""
    if value is not None and not isinstance(value, str):
        raise InvalidInput(_("This must be text."), field=field)
    text = (value or "").strip()
    if not multiline:
        text = re.sub(r"\s+", " ", text)
    if required and not text:
        raise InvalidInput(empty_message or _("Please fill this in."), field=field)
    if text and len(text) < min_length:
        raise InvalidInput(_("Use at least %(n)s characters.", n=min_length), field=field)
    if len(text) > max_length:
        raise InvalidInput(_("Use at most %(n)s characters.", n=max_length), field=field)
    if has_control(text, multiline=multiline):
        raise InvalidInput(_("This text contains characters we cannot use."), field=field)
    return text


def clean_choice(value: object, choices: Iterable[str], *, field: str) -> str:
    """One of a fixed set of values, or a clear refusal."""
    if not isinstance(value, str) or value not in set(choices):
        raise InvalidInput(_("Choose one of the options."), field=field)
    return value


def clean_int(
    value: object, *, field: str, minimum: int, maximum: int, required: bool = True
) -> int | None:
    """A whole number within bounds (not a bool, not a float)."""
    if value is None or value == "":
        if required:
            raise InvalidInput(_("Fill in a number."), field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(_("Give a whole number."), field=field)
    if not minimum <= value <= maximum:
        raise InvalidInput(
            _("Give a number from %(min)s to %(max)s.", min=minimum, max=maximum), field=field
        )
    return value


TAG_MAX, TAGS_MAX = 40, 10


def clean_tags(value: object, *, field: str = "tags") -> list[str]:
    """Free words (interests, talents, a listing's tags): comma-separated or a list,
    lower-cased, each at most 40 characters, at most ten."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise InvalidInput(_("Give the words separated by commas."), field=field)
    tags: list[str] = []
    for raw in value:
        tag = clean_text(raw, field=field, max_length=TAG_MAX, multiline=False).lower()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InvalidInput(_("Use at most %(n)s words.", n=TAGS_MAX), field=field)
    return tags
