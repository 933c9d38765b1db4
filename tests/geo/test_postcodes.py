"""Postcode normalisation and the shipped PC4 table."""

from __future__ import annotations

import pytest

from buurthulp.geo import InvalidPostcode, Point, distance_m, normalise_postcode, pc4_of, pc4_table
from buurthulp.geo.postcodes import Pc4Table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6511 ab", "6511AB"),
        ("6511AB", "6511AB"),
        ("  6511ab\n", "6511AB"),
        ("1000 AA", "1000AA"),
        ("9999 ZZ", "9999ZZ"),
        ("6511 SB", "6511SB"),
    ],
)
def test_normalise_accepts_dutch_postcodes(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "6511",
        "0511 AB",  # never starts with 0
        "6511 A",
        "6511 ABC",
        "651 AB",
        "6511  AB",  # two spaces
        "6511-AB",
        "AB 6511",
        "6511 SA",  # not issued
        "6511 sd",
        "6511SS",
        "6511 \u212aB",  # Kelvin sign, upper-cases and case-folds like K
        "\u0665511 AB",  # Arabic-Indic digit
        "6511 \ufb00",  # ligature that upper-cases to "FF"
        "6511 AB; DROP TABLE",
        "6511 AB" + " " * 20 + "x",
        "6" * 10_000,
        "6511 AB" * 1500,
    ],
)
def test_normalise_rejects_junk(text: str) -> None:
    with pytest.raises(InvalidPostcode):
        normalise_postcode(text)


@pytest.mark.parametrize("value", [None, 6511, 6511.0, b"6511AB", ["6511AB"], {"pc": "6511AB"}])
def test_normalise_rejects_wrong_types(value: object) -> None:
    with pytest.raises(InvalidPostcode):
        normalise_postcode(value)


def test_invalid_postcode_is_a_value_error_with_a_readable_message() -> None:
    with pytest.raises(ValueError, match="four digits and two letters"):
        normalise_postcode("nonsense")


def test_pc4_of() -> None:
    assert pc4_of("6511 ab") == "6511"
    assert pc4_of("6663") == "6663"
    with pytest.raises(InvalidPostcode):
        pc4_of("0663")


def test_table_is_large_and_cached() -> None:
    table = pc4_table()
    assert len(table) >= 4000
    assert pc4_table() is table


def test_table_knows_nijmegen() -> None:
    table = pc4_table()
    record = table["6511"]
    assert record.place == "Nijmegen"
    assert record.province == "Gelderland"
    assert distance_m(record.point, Point(51.84, 5.86)) < 2_000
    # 6663 is Lent (Nijmegen-Noord); 6665/6666 are Driel and Heteren, so not checked here.
    for pc4 in ["6512", "6521", "6525", "6531", "6538", "6541", "6546", "6663"]:
        assert pc4 in table
        assert distance_m(table[pc4].point, record.point) < 10_000
    assert "0000" not in table
    assert table.get("6516") is None  # not issued


def test_table_iterates_sorted_and_covers_the_country() -> None:
    records = list(pc4_table())
    codes = [r.pc4 for r in records]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert codes[0].startswith("1") and codes[-1].startswith("9")
    for r in records:
        assert 50.7 <= r.point.lat <= 53.7 and 3.2 <= r.point.lon <= 7.3, r


def test_nearest() -> None:
    table = pc4_table()
    # Amsterdam Dam square and Nijmegen Grote Markt.
    assert table.nearest(Point(52.3731, 4.8926)).pc4.startswith("10")
    nijmegen = table.nearest(Point(51.8476, 5.8636))
    assert nijmegen.pc4 in {"6511", "6512"}
    assert Pc4Table([]).nearest(Point(52.0, 5.0)) is None


def test_from_csv_roundtrip() -> None:
    table = Pc4Table.from_csv(
        "pc4,lat,lon,place,municipality,province\n6511,51.8,5.8,Nijmegen,Nijmegen,Gelderland\n"
    )
    assert len(table) == 1
    assert table["6511"].municipality == "Nijmegen"
    assert table["6511"].point == Point(51.8, 5.8)
