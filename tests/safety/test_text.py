"""Contact details stay out of public texts: phone numbers, e-mail addresses, IBANs and
home addresses are found (also written in the ways people write them), while dates,
times, prices, distances and ordinary Dutch sentences pass."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buurthulp.errors import InvalidInput
from buurthulp.protection.text import public_text_problems, refuse_contact_details
from tests.support.examples import budget


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bel me op 06-12345678", ["phone"]),
        ("bel 0612345678 maar", ["phone"]),
        ("(024) 360 12 34 na zessen", ["phone"]),
        ("+31 6 1234 5678", ["phone"]),
        ("+31 (0)6 12345678", ["phone"]),
        ("0031 6 12345678", ["phone"]),
        ("06 1 2 3 4 5 6 7 8", ["phone"]),
        ("mail anna@example.nl", ["email"]),
        ("anna [at] example [dot] nl", ["email"]),
        ("anna (at) example (punt) nl", ["email"]),
        ("anna at gmail punt com", ["email"]),
        ("Maak over naar NL91 ABNA 0417 1643 00 graag", ["iban"]),
        ("nl91abna0417164300", ["iban"]),
        ("BE68 5390 0754 7034", ["iban"]),
        ("Ik woon op de Molenweg 12", ["address"]),
        ("van Welderenstraat 34-2", ["address"]),
        ("Lange Hezelstraat 12a", ["address"]),
        ("Grote Markt 5 boven de bakker", ["address"]),
        ("postcode 6511 AB", ["address"]),
        ("6511ab", ["address"]),
        ("Bel 06-12345678 of mail anna@example.nl, Molenweg 12", ["phone", "email", "address"]),
    ],
)
def test_contact_details_are_found(text, found):
    assert public_text_problems(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Op 01-02-2025 14.00 uur bij de bakker",
        "tussen 10.00 en 12.00, of 09:00-17:00",
        "Ik ga 2 keer per week, 3 weken lang",
        "Over de snelweg 2 uur rijden",
        "1000km fietsen, het fietspad 300 m verder",
        "Het kost 2025 euro of 15 %",
        "Marathon Rotterdam 2024",
        "De vergadering is 3 maart, de markt 27 april",
        "Koffie in buurthuis De Klokkenberg",
        "Boodschappen doen bij de Jumbo, ongeveer 1 uur",
        "Ik at 5 koekjes en ging naar huis",
        "NL12 boodschappen",
        "Wie helpt mij met mijn tuin? Ik ben 84 jaar.",
        "Ik ben 06",
        "",
    ],
)
def test_everyday_texts_pass(text):
    assert public_text_problems(text) == []


def test_the_place_of_an_activity_may_be_an_address_but_never_a_phone_number():
    assert public_text_problems("Buurthuis, Molenweg 12", allow_address=True) == []
    assert public_text_problems("Molenweg 12, bel 0612345678", allow_address=True) == ["phone"]


def test_the_refusal_names_what_was_found_and_where_it_belongs(db_session, english):
    with pytest.raises(InvalidInput) as refused:
        refuse_contact_details("Bel 0612345678 of NL91ABNA0417164300", field="description")
    assert refused.value.field == "description"
    message = refused.value.message
    assert "a phone number" in message and "IBAN" in message
    assert "agree on a match" in message
    assert "paid in time" in message


# Properties ----------------------------------------------------------------------------------

WORDS = st.lists(
    st.sampled_from(
        ["ik", "help", "graag", "met", "boodschappen", "de", "tuin", "kom", "langs", "buurvrouw"]
    ),
    max_size=6,
).map(" ".join)
SEPARATORS = st.sampled_from(["", " ", "-", ".", "  "])


@st.composite
def mobile_numbers(draw):
    digits = draw(st.text("0123456789", min_size=8, max_size=8))
    groups = draw(st.sampled_from([(2, 8), (2, 2, 2, 2, 2), (2, 4, 4), (2, 1, 7)]))
    prefix = draw(st.sampled_from(["06", "+31 6", "0031 6", "+316"]))
    sep = draw(SEPARATORS)
    rest, parts, at = digits, [], 0
    for size in groups[1:]:
        parts.append(rest[at : at + size])
        at += size
    return prefix + sep + sep.join(p for p in parts if p)


@settings(max_examples=budget(200), deadline=None)
@given(before=WORDS, number=mobile_numbers(), after=WORDS)
def test_any_mobile_number_in_a_sentence_is_found(before, number, after):
    assert "phone" in public_text_problems(f"{before} {number} {after}")


def _iban(bank: str, account: str) -> str:
    """A Dutch IBAN with correct check digits (ISO 13616, mod 97)."""
    bban = bank + account
    numeric = "".join(str(int(c, 36)) for c in bban + "NL00")
    return f"NL{98 - int(numeric) % 97:02d}{bban}"


@settings(max_examples=budget(200), deadline=None)
@given(
    bank=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4),
    account=st.text("0123456789", min_size=10, max_size=10),
    spaced=st.booleans(),
    words=WORDS,
)
def test_any_dutch_iban_is_found(bank, account, spaced, words):
    iban = _iban(bank, account)
    if spaced:
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert public_text_problems(f"{words} {iban} {words}") == ["iban"]


@settings(max_examples=budget(200), deadline=None)
@given(
    local=st.from_regex(r"[a-z][a-z0-9._-]{0,15}", fullmatch=True),
    domain=st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True),
    tld=st.sampled_from(["nl", "com", "org", "be", "frl"]),
    words=WORDS,
)
def test_any_e_mail_address_is_found(local, domain, tld, words):
    assert "email" in public_text_problems(f"{words} {local}@{domain}.{tld} {words}")


def _folded(text: str) -> str:
    """The text as the check reads it: compatibility forms folded ("²" is 2, a fullwidth
    at-sign is @), accents and invisible format characters gone."""
    return "".join(
        c
        for c in unicodedata.normalize("NFKD", text)
        if unicodedata.category(c)[0] != "M" and unicodedata.category(c) != "Cf"
    )


@settings(max_examples=budget(300), deadline=None)
@given(
    st.text(st.characters(exclude_categories=("Nd", "Cs")), max_size=300).filter(
        lambda t: (
            not any(c.isdigit() for c in _folded(t))
            and "@" not in _folded(t)
            and not re.search(r"\b(at|dot|punt|apenstaartje)\b", _folded(t), re.IGNORECASE)
        )
    )
)
def test_text_without_digits_or_at_signs_is_never_refused(text):
    assert public_text_problems(text) == []


@settings(max_examples=budget(200), deadline=None)
@given(
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(2024, 2030),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    minutes=st.integers(1, 600),
    euros=st.integers(0, 5000),
)
def test_dates_times_and_amounts_pass(day, month, year, hour, minute, minutes, euros):
    text = (
        f"Op {day:02d}-{month:02d}-{year} om {hour:02d}.{minute:02d} uur, "
        f"ongeveer {minutes} minuten, kosten {euros} euro, {day} {['jan', 'mei'][month % 2]}"
    )
    assert public_text_problems(text) == []


def test_a_long_text_is_checked_quickly():
    import time

    texts = ["a" * 4000, "a@" * 2000, "1 " * 2000, "Molen" * 800, "0" * 4000, "NL12 " * 800]
    started = time.perf_counter()
    for text in texts:
        public_text_problems(text)
    assert time.perf_counter() - started < 1.0


# Disguised contact details (finding 9) -------------------------------------------------------
#
# Each is one of the tricks a writer can play on a pattern that reads the text as stored:
# fullwidth digits and at-signs, invisible format characters, separators of every kind
# between the digits, spaces around the "@". The check folds them away first.


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("bel \uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", ["phone"]),
        ("bel 06\u200b1234\u200b5678", ["phone"]),
        ("bel 06_12_34_56_78", ["phone"]),
        ("bel 06\u00a012\u202f34\u200956\u300078", ["phone"]),
        ("bel 06\u201312\u201334\u201356\u201378", ["phone"]),
        ("bel 06/12/34/56/78", ["phone"]),
        ("bel \u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", ["phone"]),
        ("op 01-02-2025 of bel 06 12345678", ["phone"]),
        ("mail jan @ gmail.com", ["email"]),
        ("mail jan\uff20gmail.com", ["email"]),
        ("mail jan\u200b@\u200bgmail.com", ["email"]),
        ("mail jan(at)gmail(dot)com", ["email"]),
        ("mail jan {at} gmail {punt} nl", ["email"]),
        ("mail jan apenstaartje gmail punt nl", ["email"]),
        ("mail jan @ gmail . com", ["email"]),
        ("mail jan@gmail\uff0ecom", ["email"]),
        ("IBAN NL91\u200bABNA\u200b0417\u200b1643\u200b00", ["iban"]),
        ("IBAN NL91-ABNA-0417-1643-00", ["iban"]),
        ("IBAN N L 9 1 A B N A 0 4 1 7 1 6 4 3 0 0", ["iban"]),
        ("IBAN \uff2e\uff2c\uff19\uff11ABNA0417164300", ["iban"]),
        ("postcode \uff16\uff15\uff11\uff11 \uff21\uff22", ["address"]),
    ],
)
def test_disguised_contact_details_are_found(text, found):
    assert public_text_problems(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Ik ben er at home, kom gerust langs",
        "Ik ben er at home. Info volgt later",
        "Hij at soep punt uit",
        "Koffie @ het buurthuis. Daarna wandelen",
        "Groetjes @ allemaal",
        "Op 12-05-2026 om 10:30 bij de bakker",
        "Op 01-05-2026 10.30 uur, daarna 2 uur koffie",
        "Op 01.05.2026 09.30-12.00 in de tuin",
        "Van 10.00\u201312.00 uur en van 13.00\u201317.00 uur",
        "Ik help 2 uur per week sinds 2019",
        "Zo\u00eb is 84 jaar en woont hier sinds 1975",
        "Het kost \u20ac 12,50 per keer",
        "Ik heb 2 katten_3 honden en 10.000 stappen gezet",
    ],
)
def test_everyday_texts_with_numbers_and_at_pass(text):
    assert public_text_problems(text) == []


def test_a_house_number_and_postcode_are_an_address_not_a_phone_number_or_iban():
    text = "Buurthuis, Molenweg 12, 6511 AB Nijmegen, van 10:30 tot 12.00 uur"
    assert public_text_problems(text, allow_address=True) == []
    assert public_text_problems(text) == ["address"]


FORMAT_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202c\u2066\u2069"
#: What people (and tricksters) put between digits; each is one short gap once folded.
DIGIT_SEPARATORS = [
    "",
    " ",
    "-",
    ".",
    "_",
    "/",
    " - ",
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u3000",
    "\u2013",
    "\u2010",
    "\u2212",
    "\u00b7",
    "\uff0e",
]
#: Other ways to write each digit: fullwidth, Arabic-Indic, mathematical bold.
DIGIT_FORMS = (0xFF10, 0x0660, 0x1D7CE)


def _fullwidth(char: str) -> str:
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


@st.composite
def disguised(draw, text: str, separators: list[str] = DIGIT_SEPARATORS) -> str:
    """`text` with separators between its characters, some characters in other forms, and
    invisible format characters sprinkled in."""
    out = []
    for i, char in enumerate(text):
        if i and text[i - 1].isalnum() and char.isalnum():
            out.append(draw(st.sampled_from(separators)))
        form = draw(st.sampled_from(["plain", "plain", "fullwidth", "other"]))
        if form == "fullwidth":
            char = _fullwidth(char)
        elif form == "other" and char.isdigit():
            char = chr(draw(st.sampled_from(DIGIT_FORMS)) + int(char))
        out.append(char)
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(out)))
        out.insert(where, draw(st.sampled_from(FORMAT_CHARACTERS)))
    return "".join(out)


# Known numbers with no "19" or "20" in them: glued together they cannot read as a date.
PHONES = ["0612345678", "0687654321", "0243601234", "0105551234", "+31612345678", "0031687654321"]


@settings(max_examples=budget(150), deadline=None)
@given(data=st.data(), phone=st.sampled_from(PHONES), before=WORDS, after=WORDS)
def test_any_disguised_phone_number_is_found(data, phone, before, after):
    variant = data.draw(disguised(phone))
    assert "phone" in public_text_problems(f"{before} {variant} {after}"), ascii(variant)


EMAILS = ["jan@gmail.com", "anna.de.vries@example.nl", "piet_123@xs4all.nl", "m.jansen@ziggo.nl"]
STRONG_AT = ["@", " @ ", "\uff20", " \uff20 ", "\ufe6b", "(at)", " (at) ", "[at]", " [ at ] ",
             "{at}", "(apenstaartje)", " apenstaartje "]  # fmt: skip
WEAK_AT = [" at ", " AT "]
STRONG_DOT = [".", "\uff0e", "(dot)", " (dot) ", "[punt]", " (punt) ", " punt ", " dot "]
SPACED_DOT = [" . ", ". ", " \uff0e "]


@st.composite
def disguised_emails(draw) -> str:
    address = draw(st.sampled_from(EMAILS))
    local, domain = address.split("@")
    name, tld = domain.rsplit(".", 1)
    at = draw(st.sampled_from(STRONG_AT + WEAK_AT))
    # Spaces around a plain dot only with a real at-sign: "er at home. Info volgt" is prose.
    dot = draw(st.sampled_from(STRONG_DOT + (SPACED_DOT if at not in WEAK_AT else [])))
    text = f"{local}{at}{name}{dot}{tld}"
    out = [_fullwidth(c) if draw(st.booleans()) and c.isalnum() else c for c in text]
    for _ in range(draw(st.integers(0, 4))):
        out.insert(draw(st.integers(0, len(out))), draw(st.sampled_from(FORMAT_CHARACTERS)))
    return "".join(out)


@settings(max_examples=budget(150), deadline=None)
@given(address=disguised_emails(), before=WORDS, after=WORDS)
def test_any_disguised_e_mail_address_is_found(address, before, after):
    assert "email" in public_text_problems(f"{before} {address} {after}"), ascii(address)


KNOWN_IBANS = ["BE68539007547034", "DE89370400440532013000", "GB82WEST12345698765432"]


@settings(max_examples=budget(150), deadline=None)
@given(
    data=st.data(),
    bank=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4),
    account=st.text("0123456789", min_size=10, max_size=10),
    known=st.sampled_from([None, *KNOWN_IBANS]),
    lower=st.booleans(),
    words=WORDS,
)
def test_any_disguised_iban_is_found(data, bank, account, known, lower, words):
    iban = known or _iban(bank, account)
    variant = data.draw(disguised(iban.lower() if lower else iban))
    assert "iban" in public_text_problems(f"{words} {variant} {words}"), ascii(variant)


@settings(max_examples=budget(100), deadline=None)
@given(
    data=st.data(),
    phone=st.sampled_from(PHONES),
    address=disguised_emails(),
    bank=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4),
    account=st.text("0123456789", min_size=10, max_size=10),
)
def test_all_three_disguised_in_one_text_are_each_found(data, phone, address, bank, account):
    iban = data.draw(disguised(_iban(bank, account)))
    text = f"Bel {data.draw(disguised(phone))}, mail {address} of betaal op {iban}."
    assert public_text_problems(text) == ["iban", "phone", "email"], ascii(text)


#: What ordinary texts are made of: words, and numbers that are times, dates, amounts, years.
SENTENCE_WORDS = st.sampled_from(
    ["ik", "help", "graag", "met", "boodschappen", "de", "tuin", "kom", "om", "op", "tot",
     "van", "en", "Zoë", "buurvrouw", "koffie", "at", "home", "punt", "ongeveer", "bij"]
)  # fmt: skip
NUMBERS = st.one_of(
    st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
    st.builds("{}.{:02d} uur".format, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])),
    st.builds("{:02d}.00-{:02d}.00".format, st.integers(0, 11), st.integers(12, 23)),
    st.builds(
        "{:02d}{}{:02d}{}{}".format,
        st.integers(1, 28),
        st.shared(st.sampled_from("-/."), key="date"),
        st.integers(1, 12),
        st.shared(st.sampled_from("-/."), key="date"),
        st.integers(1990, 2030),
    ),
    st.builds(
        "{:02d}-{:02d}-{} {:02d}:{:02d}".format,
        st.integers(1, 28),
        st.integers(1, 12),
        st.integers(2024, 2030),
        st.integers(0, 23),
        st.sampled_from([0, 30]),
    ),
    st.builds("{} uur".format, st.integers(1, 12)),
    st.builds("{} minuten".format, st.integers(1, 600)),
    st.builds("{} keer".format, st.integers(1, 10)),
    st.builds("\u20ac {},{:02d}".format, st.integers(0, 500), st.integers(0, 99)),
    st.builds(str, st.integers(1900, 2030)),
    st.builds("{} jaar".format, st.integers(1, 99)),
)
ADDRESS_NUMBERS = st.one_of(
    st.builds("{} {}".format, st.integers(1000, 9999), st.sampled_from(["AB", "XY", "CD"])),
    st.builds("{}AB".format, st.integers(1000, 9999)),
    st.builds("Molenweg {}".format, st.integers(1, 300)),
    st.builds("huisnummer {}a".format, st.integers(1, 300)),
    st.builds("nummer {}-{}".format, st.integers(1, 99), st.integers(1, 9)),
)


def _sentence(parts: list[tuple[list[str], str]], last: list[str]) -> str:
    """Words, a number, words, a number ...: numbers never touch each other."""
    chunks = [" ".join([*words, number]) for words, number in parts]
    return " ".join([*chunks, *last])


@settings(max_examples=budget(200), deadline=None)
@given(
    parts=st.lists(st.tuples(st.lists(SENTENCE_WORDS, min_size=1, max_size=4), NUMBERS),
                   max_size=5),
    last=st.lists(SENTENCE_WORDS, max_size=3),
)  # fmt: skip
def test_sentences_with_times_dates_amounts_and_years_pass(parts, last):
    text = _sentence(parts, last)
    assert public_text_problems(text) == [], text


@settings(max_examples=budget(150), deadline=None)
@given(
    parts=st.lists(
        st.tuples(st.lists(SENTENCE_WORDS, min_size=1, max_size=4), NUMBERS | ADDRESS_NUMBERS),
        max_size=5,
    ),
    last=st.lists(SENTENCE_WORDS, max_size=3),
)
def test_postcodes_and_house_numbers_are_never_taken_for_a_phone_number_or_iban(parts, last):
    text = _sentence(parts, last)
    assert public_text_problems(text, allow_address=True) == [], text


def test_long_disguised_texts_are_checked_quickly():
    import time

    texts = [
        "\u200b" * 4000,
        "0\u200b" * 2000,
        "a @ " * 1000,
        "a (at) b " * 500,
        "1 - " * 1000,
        "\uff10" * 4000,
        "N L 9 1 " * 500,
        "de 12 " * 700,
    ]
    started = time.perf_counter()
    for text in texts:
        public_text_problems(text)
    assert time.perf_counter() - started < 1.0
