"""A display name is stored the way it was typed (NFKC, invisible characters left out) and
refused when it holds a staff word, however it is disguised: combining accents, Cyrillic or
Greek look-alikes, fullwidth or "fancy" letters, filler characters that show as nothing
(finding 10). Ordinary names with accents pass unchanged."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buurthulp.auth.services import clean_display_name
from buurthulp.errors import InvalidInput
from tests.support.examples import budget


def _refusal(name: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        clean_display_name(name)
    return refused.value


#: The message a plain staff word gets; every disguise must get the same one.
STAFF_MESSAGE = _refusal("Piet (coördinator)").message


@pytest.mark.parametrize(
    "name",
    [
        "Piet coo\u0308rdinator",  # o + combining diaeresis
        "Piet \u0441\u043e\u043erdinator",  # Cyrillic es, o, o
        "Piet c\u03bf\u03bfrdinat\u03bfr",  # Greek omicron
        "Piet \u03f2oordinator",  # Greek lunate sigma (NFKC: a final sigma)
        "\uff23\uff4f\uff4f\uff52\uff44\uff49\uff4e\uff41\uff54\uff4f\uff52 Piet",  # fullwidth
        "Piet co\u3164o\u1160rdi\u115fna\uffa0tor",  # Hangul fillers
        "Piet coör\u2800dinator",  # Braille blank
        "Piet coö\u200brdi\u200dnator",  # zero-width space and joiner
        "Piet Coör\u00addinator",  # soft hyphen
        "Piet co-ordinator",
        "Piet c.o.o.r.d.i.n.a.t.o.r",
        "\U0001d41c\U0001d428\U0001d428\U0001d42b\U0001d41d\U0001d422\U0001d427\U0001d41a"
        "\U0001d42d\U0001d428\U0001d42b Piet",  # mathematical bold
        "\u1d04\u1d0f\u1d0f\u0280\u1d05\u026a\u0274\u1d00\u1d1b\u1d0f\u0280 Piet",  # small caps
        "Piet C00rdinator",
        "B\u0435heerder Jan",  # Cyrillic ie
        "Jan Adm\u0456n",  # Cyrillic i
        "Jan a d m i n",
        "Jan \u0405taff",  # Cyrillic dze
        "Mod\u0435rator Ria",
        "Ria M\u0435d\u0435w\u0435rk\u0435r",
    ],
)
def test_every_disguised_staff_word_is_refused_with_the_staff_message(name):
    refused = _refusal(name)
    assert refused.message == STAFF_MESSAGE
    assert refused.field == "display_name"


#: Look-alikes a trickster reaches for, per Latin letter (lower and upper case).
LOOKALIKES = {
    "a": "\u0430\u0410\u03b1\uff41",
    "c": "\u0441\u0421\u03f2\uff43",
    "d": "\u0501\uff44",
    "e": "\u0435\u0415\u03b5\uff45",
    "i": "\u0456\u0406\u03b9\uff49",
    "m": "\u041c\uff4d",
    "n": "\uff4e",
    "o": "\u043e\u041e\u03bf\u039f\uff4f0",
    "r": "\uff52\u0280",
    "s": "\u0455\u0405\uff53",
    "t": "\u0422\u03c4\uff54",
}
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3164\u115f\u1160\uffa0\u2800"


@st.composite
def disguised_staff_words(draw) -> str:
    word = draw(st.sampled_from(["coördinator", "beheerder", "moderator", "admin", "staff"]))
    out = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.combining(char):
            out.append(char)
            continue
        form = draw(st.sampled_from(["plain", "upper", "lookalike"]))
        if form == "upper":
            char = char.upper()
        elif form == "lookalike" and char in LOOKALIKES:
            char = draw(st.sampled_from(LOOKALIKES[char]))
        out.append(char)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
    return f"Piet {''.join(out)}"


@settings(max_examples=budget(150), deadline=None)
@given(disguised_staff_words())
def test_any_disguised_staff_word_is_refused(name):
    assert _refusal(name).message == STAFF_MESSAGE, ascii(name)


@pytest.mark.parametrize(
    "name",
    [
        "Zoë",
        "Jürgen",
        "Çelik",
        "Ålesund",
        "Søren Kierkegaard",
        "Łukasz Nowak",
        "José María",
        "Nguyễn Văn An",
        "Đorđe",
        "Наташа",
        "Νίκος",
        "محمد",
        "李伟",
        "Badminton Bea",
        "Stafford",
        "Cor de Vries",
        "Marijke van 't Hof",
    ],
)
def test_ordinary_names_pass_and_are_stored_as_typed(name):
    assert clean_display_name(name) == name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Zoe\u0308", "Zoë"),  # a combining accent is stored composed
        ("\uff2a\uff41\uff4e", "Jan"),  # fullwidth
        ("Ria\u200b", "Ria"),
        ("\u202eAnnie", "Annie"),
        ("An\u00adna", "Anna"),
        ("Mo\u3164 \u2800 Ali", "Mo Ali"),
        ("  Piet\u00a0 de\u3000Boer ", "Piet de Boer"),
    ],
)
def test_the_stored_name_is_normalised_without_invisible_characters(typed, stored):
    assert clean_display_name(typed) == stored


@pytest.mark.parametrize("name", ["\u3164", "\u200b\u2800", "\u115f\u1160 \uffa0"])
def test_a_name_of_only_invisible_characters_is_no_name(name):
    assert _refusal(name).message == _refusal("").message


def test_a_member_keeps_the_name_as_typed(make):
    member = make.resident(name="Zoe\u0308 \u00c7elik\u200b")
    assert member.display_name == "Zoë Çelik"
