"""The test-support helper that finds or starts PostgreSQL for the suite."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

try:
    from tests.support import pgserver, servers
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from support import pgserver, servers  # type: ignore[no-redef]

pytestmark = pytest.mark.postgres

SUPPORT_DIR = Path(pgserver.__file__).resolve().parent


def _port_of(url: str) -> int:
    return sa.engine.make_url(url).port or 5432


@pytest.fixture(scope="module")
def server():
    with pgserver.postgres_server() as srv:
        if srv.admin_url is None:
            pytest.skip(srv.reason)
        yield srv


@pytest.fixture
def needs_binaries():
    bindir = pgserver.find_server_binaries()
    if bindir is None:
        pytest.skip(pgserver.INSTALL_HINT)
    return bindir


def test_url_forms():
    assert pgserver.normalise_url("postgres://u:p@h:5/db") == "postgresql+psycopg://u:p@h:5/db"
    assert pgserver.normalise_url("postgresql://h/db") == "postgresql+psycopg://h/db"
    assert pgserver.libpq_url("postgresql+psycopg://postgres@127.0.0.1:5/x") == (
        "postgresql://postgres@127.0.0.1:5/x"
    )


def test_create_use_and_drop_database(server):
    url = pgserver.create_database(server.admin_url)
    name = sa.engine.make_url(url).database
    assert name.startswith(f"buurthulp_test_{os.getpid()}_")
    assert url.startswith("postgresql+psycopg://")
    try:
        assert pgserver.database_exists(server.admin_url, name)
        # through SQLAlchemy, as the app will connect
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE buurt (id serial PRIMARY KEY, naam text)"))
            conn.execute(sa.text("INSERT INTO buurt (naam) VALUES ('Oosterpark'), ('Zuilen')"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM buurt")).scalar_one() == 2
            assert conn.execute(sa.text("SHOW server_encoding")).scalar_one() == "UTF8"
        engine.dispose()
        # and with psycopg directly; this connection stays open across the drop
        lingering = psycopg.connect(pgserver.libpq_url(url), autocommit=True)
        assert lingering.execute("SELECT naam FROM buurt ORDER BY id").fetchall() == [
            ("Oosterpark",),
            ("Zuilen",),
        ]
    finally:
        pgserver.drop_database(server.admin_url, url)  # WITH (FORCE): lingering is cut off

    assert not pgserver.database_exists(server.admin_url, name)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pgserver.libpq_url(url), connect_timeout=5).close()
    with pytest.raises(psycopg.OperationalError):
        lingering.execute("SELECT 1")
    pgserver.drop_database(server.admin_url, url)  # dropping again is harmless


def test_each_database_is_new(server):
    urls = [pgserver.create_database(server.admin_url) for _ in range(2)]
    try:
        assert urls[0] != urls[1]
    finally:
        for url in urls:
            pgserver.drop_database(server.admin_url, url)


def test_throwaway_cluster_starts_and_is_removed(needs_binaries):
    with pgserver.postgres_server(prefer_running=False, use_env=False) as srv:
        assert srv.kind == "throwaway", srv.reason
        port = _port_of(srv.admin_url)
        assert port != 5432
        tmpdir = Path(srv.reason.rsplit(" in ", 1)[1])
        assert (tmpdir / "data" / "PG_VERSION").exists()
        assert list(tmpdir.glob(".s.PGSQL.*")), "no unix socket in the cluster's directory"
        with psycopg.connect(pgserver.libpq_url(srv.admin_url), autocommit=True) as conn:
            settings = dict(
                conn.execute(
                    "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                    (["fsync", "synchronous_commit", "full_page_writes", "listen_addresses"],),
                ).fetchall()
            )
        assert settings == {
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "listen_addresses": "127.0.0.1",
        }
        url = pgserver.create_database(srv.admin_url)
        with psycopg.connect(pgserver.libpq_url(url), autocommit=True) as conn:
            conn.execute("CREATE TABLE t (x int)")
        pgserver.drop_database(srv.admin_url, url)
        assert not pgserver.database_exists(srv.admin_url, sa.engine.make_url(url).database)
    assert not servers.port_open(port)
    assert not tmpdir.exists()


def test_throwaway_cluster_is_removed_when_the_test_process_is_killed(needs_binaries):
    url, tmpdir = servers.start_in_a_process_then_kill_it(
        "pgserver",
        "start_postgres(prefer_running=False, use_env=False)",
        "admin_url",
        alive=lambda url: servers.port_open(_port_of(url)),
    )
    port = _port_of(url)
    assert servers.wait_until(lambda: not servers.port_open(port) and not Path(tmpdir).exists())


def test_no_server_gives_a_reason_to_skip_with(monkeypatch):
    monkeypatch.setattr(pgserver, "find_server_binaries", lambda: None)
    srv = pgserver.start_postgres(prefer_running=False, use_env=False)
    assert srv.admin_url is None
    assert srv.kind == "none"
    assert "apt-get install postgresql" in srv.reason
