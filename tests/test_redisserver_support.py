"""The test-support helper that finds or starts Redis for the suite."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

try:
    from tests.support import redisserver, servers
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from support import redisserver, servers  # type: ignore[no-redef]

SUPPORT_DIR = Path(redisserver.__file__).resolve().parent


def _port_of(url: str) -> int:
    return urlsplit(url).port or 6379


@pytest.fixture(scope="module")
def server_url():
    server = redisserver.session_server()
    if server.kind == "error":
        pytest.fail(server.reason)
    if server.url is None:
        pytest.skip(server.reason)
    return server.url


@pytest.fixture
def needs_binary():
    binary = redisserver.find_server_binary()
    if binary is None:
        pytest.skip(redisserver.INSTALL_HINT)
    return binary


def test_url_forms():
    assert redisserver.url_with_db("redis://127.0.0.1:6379", 3) == "redis://127.0.0.1:6379/3"
    assert redisserver.url_with_db("redis://:pw@h:1/0?x=1", 7) == "redis://:pw@h:1/7?x=1"
    assert redisserver.db_of("redis://h:1/5") == 5
    assert redisserver.db_of("redis://h:1") == 0


def test_key_prefixes_are_unique():
    prefixes = {redisserver.unique_key_prefix() for _ in range(50)}
    assert len(prefixes) == 50
    assert all(p.startswith(f"buurthulp-test-{os.getpid()}-") for p in prefixes)


def test_claimed_databases_are_empty_distinct_and_cleaned(server_url):
    admin = redisserver.client(server_url)
    try:
        with (
            redisserver.claim_database(server_url) as first,
            redisserver.claim_database(server_url) as second,
        ):
            numbers = {redisserver.db_of(first), redisserver.db_of(second)}
            assert len(numbers) == 2
            assert redisserver.db_of(server_url) not in numbers
            for url in (first, second):
                assert redisserver.keys(url) == []
                assert admin.exists(f"{redisserver.CLAIM_PREFIX}{redisserver.db_of(url)}")
            writer = redisserver.client(first)
            writer.set("buurthulp-test:x", "1")
            writer.close()
            assert redisserver.keys(second) == []  # databases do not see each other
        for number in numbers:
            assert not admin.exists(f"{redisserver.CLAIM_PREFIX}{number}")
        assert redisserver.keys(first) == []
    finally:
        admin.close()


def test_a_database_with_data_is_not_claimed(server_url):
    with redisserver.claim_database(server_url) as busy:
        # someone else's data, not claimed with our convention
        admin = redisserver.client(server_url)
        claim_key = f"{redisserver.CLAIM_PREFIX}{redisserver.db_of(busy)}"
        owner = admin.get(claim_key)
        admin.delete(claim_key)
        try:
            other = redisserver.client(busy)
            other.set("not-ours", "1")
            other.close()
            with redisserver.claim_database(server_url) as url:
                assert url != busy
        finally:
            admin.set(claim_key, owner)  # put the claim back, so the cleanup runs as ours
            admin.close()


def test_prefixed_keys_are_deleted_and_nothing_else(server_url):
    with redisserver.claim_database(server_url) as url:
        prefix = redisserver.unique_key_prefix()
        conn = redisserver.client(url)
        conn.set(f"{prefix}:a", "1")
        conn.set(f"{prefix}:b", "1")
        conn.set("someone-else", "1")
        conn.close()
        assert redisserver.delete_keys(url, f"{prefix}*") == 2
        assert redisserver.keys(url) == ["someone-else"]


def test_throwaway_server_starts_and_is_removed(needs_binary):
    with redisserver.redis_server(prefer_running=False, use_env=False) as srv:
        assert srv.kind == "throwaway", srv.reason
        port = _port_of(srv.url)
        assert port != redisserver.DEFAULT_PORT
        tmpdir = Path(srv.reason.rsplit(" in ", 1)[1])
        assert tmpdir.is_dir()
        conn = redisserver.client(srv.url)
        try:
            assert conn.ping()
            assert conn.config_get("save") == {"save": ""}
            assert conn.config_get("appendonly") == {"appendonly": "no"}
            assert conn.config_get("bind") == {"bind": "127.0.0.1"}
            assert Path(conn.config_get("dir")["dir"]).resolve() == tmpdir.resolve()
        finally:
            conn.close()
    assert not servers.port_open(port)
    assert not tmpdir.exists()


def test_throwaway_switch_ignores_a_running_server(needs_binary, monkeypatch):
    monkeypatch.setenv("TEST_REDIS_THROWAWAY", "1")
    with redisserver.redis_server(use_env=False) as srv:
        assert srv.kind == "throwaway", srv.reason
        assert _port_of(srv.url) != redisserver.DEFAULT_PORT


def test_throwaway_server_is_removed_when_the_test_process_is_killed(needs_binary):
    url, tmpdir = servers.start_in_a_process_then_kill_it(
        "redisserver",
        "start_redis(prefer_running=False, use_env=False)",
        "url",
        alive=lambda url: servers.port_open(_port_of(url)),
    )
    port = _port_of(url)
    assert servers.wait_until(lambda: not servers.port_open(port) and not Path(tmpdir).exists())


def test_no_server_gives_a_reason_to_skip_with(monkeypatch):
    monkeypatch.setattr(redisserver, "find_server_binary", lambda: None)
    srv = redisserver.start_redis(prefer_running=False, use_env=False)
    assert srv.url is None
    assert srv.kind == "none"
    assert "apt-get install redis-server" in srv.reason


def test_a_test_redis_url_that_does_not_answer_is_an_error(monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("TEST_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    with pytest.raises(RuntimeError, match="TEST_REDIS_URL"):
        redisserver.start_redis()


def test_the_test_redis_url_wins(server_url, monkeypatch):
    monkeypatch.setenv("TEST_REDIS_URL", server_url)
    srv = redisserver.start_redis()
    assert (srv.kind, srv.url) == ("env", server_url)
