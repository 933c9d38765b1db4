"""Every text people read has a Dutch translation, and Dutch is what they see first.

The strings are extracted from the source the same way `make messages` does (babel.cfg, the
default keywords plus `_l` and `lazy_gettext`), so a new untranslated string fails here with
the list of what is missing, before anyone sees English on a Dutch page.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

try:
    from babel.messages.frontend import parse_mapping_cfg
except ImportError:  # Babel < 2.14
    from babel.messages.frontend import parse_mapping as parse_mapping_cfg

ROOT = Path(__file__).resolve().parent.parent
NL_PO = ROOT / "buurthulp" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# %(name)s, %s, %5.1f ... but not a literal %%.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")


@cache
def source_messages() -> dict[tuple[str, str | None], list[str]]:
    """msgid (singular) and context -> where it is used, straight from the source."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[tuple[str, str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


@cache
def dutch() -> Catalog:
    with NL_PO.open("rb") as po:
        return read_po(po, locale="nl")


def translations(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def test_the_source_has_texts_to_translate():
    assert len(source_messages()) > 100, "extraction found (almost) nothing: check babel.cfg"


def test_every_text_in_the_source_has_a_dutch_translation():
    catalog = dutch()
    problems = []
    for (msgid, context), where in sorted(source_messages().items(), key=str):
        message = catalog.get(msgid, context=context)
        if message is None:
            problems.append(f"not in nl/messages.po: {msgid!r} ({where[0]})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where[0]})")
        elif not all(text.strip() for text in translations(message)):
            problems.append(f"not translated: {msgid!r} ({where[0]})")
    assert not problems, (
        f"{len(problems)} text(s) without a Dutch translation; run `make messages`, translate "
        "them in buurthulp/translations/nl/LC_MESSAGES/messages.po, then `make translations`:\n"
        + "\n".join(problems)
    )


def edges(text: str) -> tuple[str, str]:
    """The leading and trailing whitespace (newlines in e-mails matter)."""
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def test_translations_keep_the_placeholders_and_the_surrounding_whitespace():
    problems = []
    for message in dutch():
        texts = [text for text in translations(message) if text]
        if not message.id or message.fuzzy or not texts:
            continue
        if isinstance(message.id, tuple):
            # Plural forms may drop the number in the singular; together they keep them all.
            same = set().union(*map(placeholders, texts)) == set().union(
                *map(placeholders, message.id)
            )
        else:
            same = all(placeholders(text) == placeholders(message.id) for text in texts)
        if not same:
            problems.append(f"placeholders differ: {message.id!r} -> {message.string!r}")
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if any(edges(text) != edges(msgid) for text in texts):
            problems.append(f"leading/trailing whitespace differs: {message.id!r}")
    assert not problems, "\n".join(problems)


def test_login_page_is_dutch_by_default_and_english_after_choosing_it(client):
    page = client.get("/inloggen")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Inloggen" in html, "no Dutch: is messages.mo compiled? Run `make translations`."
    assert '<html lang="nl">' in html

    chosen = client.post("/taal", data={"locale": "en", "next": "/inloggen"})
    assert chosen.status_code == 303

    html = client.get("/inloggen").get_data(as_text=True)
    assert "Log in" in html
    assert "Inloggen" not in html
    assert '<html lang="en">' in html
