"""Contact details stay out of public texts: phone numbers, e-mail addresses, IBANs and
home addresses are found (also written in the ways people write them), while dates,
times, prices, distances and ordinary Dutch sentences pass."""

from __future__ import annotations

import re

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


@settings(max_examples=budget(300), deadline=None)
@given(
    st.text(st.characters(exclude_categories=("Nd", "Cs")), max_size=300).filter(
        lambda t: "@" not in t and not re.search(r"\b(at|dot|punt)\b", t, re.IGNORECASE)
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
