"""The privacy crawl's scanner finds a value as the app could write it, and only then."""

from __future__ import annotations

import pytest

from tests.support.secrets_scan import Secrets


@pytest.fixture
def secrets() -> Secrets:
    found = Secrets()
    found.add_email("Truus@Example.org", "e-mail of 7")
    found.add_phone("06-1234 5678", "phone of 7")
    found.add_postcode("6521 BQ", "postcode of 7")
    found.add_coordinate(51.82481234, "latitude of 7")
    found.add_coordinate(5.8612, "longitude of 7")
    return found


@pytest.mark.parametrize(
    "text",
    [
        "mail truus@example.org today",
        '{"email":"TRUUS@EXAMPLE.ORG"}',
        "bel 06 12345678",
        "bel (06) 1234-5678.",
        "bel 0612345678",
        "woont in 6521 BQ Nijmegen",
        "<td>6521bq</td>",
        "6521-BQ",
        '{"lat":51.8248}',
        "lat=51.824812",
        "51.82481",
        '"lon":5.86120',
        "5.86119",  # rounds to 5.8612
    ],
)
def test_a_value_written_any_way_the_app_could_is_found(secrets: Secrets, text: str) -> None:
    assert secrets.found_in(text) != []


@pytest.mark.parametrize(
    "text",
    [
        # A timestamp's seconds hold the digits of the latitude (the bare-machine failure).
        '{"at":"2026-12-04T16:05:51.824812+00:00"}',
        "om 16:05:51.8248",
        "token=x6521bqz9",  # letters and digits glued on: a token, not a postcode
        "id 106123456789",  # a longer number that contains the phone's digits
        "165.8612",  # a longer number
        "51.824",  # three decimals: coarser than any exact point
        "nobody@example.org",
    ],
)
def test_what_only_looks_like_a_value_is_not(secrets: Secrets, text: str) -> None:
    assert secrets.found_in(text) == []


def test_a_phrase_is_found_in_any_case_and_spacing(secrets: Secrets) -> None:
    secrets.add_phrase("Gerrit Zwanenburg", "name")
    assert secrets.found_in("<p>gerrit\n  ZWANENBURG</p>") == ["name"]
    assert secrets.found_in("Gerrit Zwaan") == []
