"""`flask db upgrade` builds the whole schema on an empty SQLite and PostgreSQL database,
and the migrations say exactly what the models say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import buurthulp.models  # noqa: F401  (every table on the metadata)
from buurthulp.extensions import db
from tests.conftest import fresh_database_url

pytestmark = pytest.mark.both_databases

ROOT = Path(__file__).resolve().parent.parent


def flask_cli(*args: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BUURTHULP_INSTANCE": str(tmp_path / "instance"),
        "SECRET_KEY": "migration-test-secret",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "buurthulp", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _not_search(obj, name, type_, reflected, compare_to) -> bool:
    """The search objects live outside the ORM metadata on purpose (listings/search.py)."""
    from buurthulp.listings.search import is_search_object

    return not is_search_object(name, type_)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_builds_the_schema_the_models_describe(kind, tmp_path, tmp_path_factory, request):
    url = fresh_database_url(kind, tmp_path_factory, request)
    result = flask_cli("db", "upgrade", url=url, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert len(db.metadata.tables) >= 12  # the models were really loaded
        assert set(db.metadata.tables) <= tables
        with engine.connect() as connection:
            opts = {"compare_type": True, "include_object": _not_search}
            diff = compare_metadata(MigrationContext.configure(connection, opts=opts), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
    finally:
        engine.dispose()
    # Downgrading to nothing and up again works too: every revision has its way back.
    assert flask_cli("db", "downgrade", "base", url=url, tmp_path=tmp_path).returncode == 0
    assert flask_cli("db", "upgrade", url=url, tmp_path=tmp_path).returncode == 0


def test_demo_fills_a_migrated_database_once(tmp_path, tmp_path_factory, request):
    url = fresh_database_url("sqlite", tmp_path_factory, request)
    assert flask_cli("db", "upgrade", url=url, tmp_path=tmp_path).returncode == 0
    first = flask_cli("demo", "--password", "een-demo-wachtwoord", url=url, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "admin@demo.buurthulp.nl" in first.stdout
    assert "een-demo-wachtwoord" in first.stdout
    again = flask_cli("demo", url=url, tmp_path=tmp_path)
    assert again.returncode != 0
    assert "not empty" in again.stderr
    if_empty = flask_cli("demo", "--if-empty", url=url, tmp_path=tmp_path)
    assert if_empty.returncode == 0
    assert "not added again" in if_empty.stdout
