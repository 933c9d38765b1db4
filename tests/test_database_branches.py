"""No PostgreSQL-only branch loses its PostgreSQL test.

Most tests run on SQLite only; those marked `both_databases` run on PostgreSQL too (`make
test-all` runs every one on both). Code that takes another way on PostgreSQL (its own SQL,
locks, partial indexes, triggers) must keep a test that runs there. This table says which
test module covers each such file; a new branch without an entry, or an entry whose tests
are no longer marked, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The ways code branches on the database: the dialect's name, per-dialect SQL or options.
BRANCH = re.compile(r"dialect\.name|\.dialect\b|\"postgresql\"|postgresql_\w+=")

COVERED_BY = {
    "buurthulp/append_only.py": ["tests/test_migrations.py", "tests/audit/test_audit.py"],
    "buurthulp/db.py": ["tests/ledger/test_races.py", "tests/marketplace/test_races.py"],
    "buurthulp/ledger/models.py": ["tests/test_migrations.py", "tests/ledger/test_movements.py"],
    "buurthulp/ledger/services/booking.py": [
        "tests/ledger/test_movements.py",
        "tests/ledger/test_races.py",
    ],
    "buurthulp/ledger/services/sql.py": [
        "tests/ledger/test_movements.py",
        "tests/ledger/test_races.py",
    ],
    "buurthulp/listings/search.py": [
        "tests/marketplace/test_listings.py",
        "tests/test_bench_town.py",
    ],
    "buurthulp/matching/feed.py": ["tests/test_bench_town.py", "tests/marketplace/test_ranking.py"],
    "buurthulp/outbox/services.py": ["tests/outbox/test_outbox.py"],
    "buurthulp/privacy/retention.py": ["tests/privacy/test_retention.py"],
    "buurthulp/safety/models.py": ["tests/test_migrations.py"],
}

# Mentions that are not branches: converting a URL's scheme, a type's hook signature.
NOT_BRANCHES = {"buurthulp/config.py", "buurthulp/models_base.py"}


def branching_files() -> set[str]:
    found = set()
    for path in (ROOT / "buurthulp").rglob("*.py"):
        name = str(path.relative_to(ROOT))
        if name not in NOT_BRANCHES and BRANCH.search(path.read_text(encoding="utf-8")):
            found.add(name)
    return found


def runs_on_postgresql(test_module: str) -> bool:
    source = (ROOT / test_module).read_text(encoding="utf-8")
    return "pytest.mark.both_databases" in source or '"postgresql"' in source


def test_the_branch_finder_sees_the_known_branches() -> None:
    assert {"buurthulp/outbox/services.py", "buurthulp/ledger/services/sql.py"} <= (
        branching_files()
    )


def test_every_postgresql_branch_has_a_test_that_runs_on_postgresql() -> None:
    found = branching_files()
    missing = sorted(found - set(COVERED_BY))
    assert missing == [], f"PostgreSQL branches without a PostgreSQL test: {missing}"
    stale = sorted(set(COVERED_BY) - found)
    assert stale == [], f"entries for files that no longer branch: {stale}"
    unmarked = {
        source: test
        for source, tests in COVERED_BY.items()
        for test in tests
        if not runs_on_postgresql(test)
    }
    assert unmarked == {}, f"these tests no longer run on PostgreSQL: {unmarked}"
