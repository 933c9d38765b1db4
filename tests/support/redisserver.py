"""A Redis server for the test session, found or started without help from the host.

Order of preference (:func:`start_redis`):

1. ``TEST_REDIS_URL`` from the environment (it must answer PING, else an error is raised:
   a Redis that was asked for and does not work is a failure, not a skip);
2. a Redis already answering PING on 127.0.0.1:6379 (skipped when ``prefer_running=False``
   or ``TEST_REDIS_THROWAWAY=1``);
3. a throwaway ``redis-server`` started from the machine's binary (``redis-server`` on PATH
   or ``/usr/bin/redis-server``) on a free port of 127.0.0.1, without persistence
   (``--save "" --appendonly no``), in a fresh temporary directory. A small watchdog process
   starts it and owns it: when the test process closes the watchdog's stdin, or is killed
   and the pipe closes by itself, the watchdog stops the server and removes the directory;
4. nothing: ``url`` is None and ``reason`` says what to install.

A found Redis may be shared with other test sessions (pytest-xdist workers, a second
checkout, a developer's own work), so a test never assumes a Redis of its own:

* :func:`unique_key_prefix` gives a key prefix no one else uses (for Flask-Limiter that is
  ``RATELIMIT_KEY_PREFIX``; the ``limits`` Redis storage itself always writes under
  ``LIMITS:``);
* :func:`claim_database` gives a URL with a database number no one else uses: it must be
  empty and is claimed with a key (``SET NX EX``) in the server's base database, so every
  session that uses this module stays out of each other's way; the database is emptied and
  the claim dropped at the end. Use it when the code under test cannot take a key prefix.

Typical use in a test module::

    from tests.support import redisserver

    @pytest.fixture(scope="session")
    def redis_url():
        server = redisserver.session_server()
        if server.kind == "error":
            pytest.fail(server.reason)
        if server.url is None:
            pytest.skip(server.reason)
        with redisserver.claim_database(server.url) as url:
            yield url
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import redis

try:
    from tests.support import servers
except ImportError:  # imported with tests/support on sys.path (a child process in a test)
    import servers  # type: ignore[no-redef]

INSTALL_HINT = "install the Redis server binaries: apt-get install redis-server"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 6379
CONNECT_TIMEOUT = 2.0  # seconds, for probing a server that may not be there
START_TIMEOUT = 15.0  # seconds for a throwaway server to answer
CLAIM_PREFIX = "buurthulp-tests:claimed-db:"
CLAIM_SECONDS = 3600  # a claim left by a killed session expires by itself

# Runs in its own process and owns the server: it starts redis-server on a free port (a few
# tries, in case another process takes the port first), prints {"port", "pid"} or {"error"}
# as one JSON line, then waits; when its stdin closes (a normal stop, or the test process was
# killed) it stops the server, reaps it and removes the directory.
_WATCHDOG = r"""
import json, os, shutil, socket, subprocess, sys, time
binary, tmpdir, host, attempts, start_timeout = json.loads(sys.argv[1])
proc = None

def free_port():
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]

def server_pid(port):
    # the pid the server on this port reports: ours, not someone who took the port first
    try:
        with socket.create_connection((host, port), timeout=0.5) as s:
            s.sendall(b"INFO server\r\n")
            data = b""
            while b"process_id:" not in data or not data.endswith(b"\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    for line in data.decode("latin-1").splitlines():
        if line.startswith("process_id:"):
            return int(line.split(":", 1)[1])
    return None

def tail(path, lines=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""

def stop():
    if proc is not None and proc.poll() is None:
        proc.terminate()  # no persistence configured: nothing is written
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

try:
    error = ""
    for _ in range(attempts):
        port = free_port()
        log = os.path.join(tmpdir, f"redis-{port}.log")
        out_path = os.path.join(tmpdir, f"redis-{port}.out")
        argv = [binary, "--port", str(port), "--bind", host, "--save", "", "--appendonly", "no"]
        argv += ["--dir", tmpdir, "--logfile", log, "--daemonize", "no", "--databases", "16"]
        with open(out_path, "wb") as out:
            proc = subprocess.Popen(
                argv, cwd=tmpdir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + start_timeout
        ready = False
        while proc.poll() is None and time.monotonic() < deadline:
            if server_pid(port) == proc.pid:
                ready = True
                break
            time.sleep(0.05)
        if ready:
            print(json.dumps({"port": port, "pid": proc.pid}), flush=True)
            break
        stop()
        error = f"exit code {proc.returncode}: {tail(out_path)}{tail(log)}".strip()
        proc = None
    else:
        print(json.dumps({"error": error}), flush=True)
        sys.exit(1)
    sys.stdin.read()  # until the pipe closes
finally:
    stop()
    shutil.rmtree(tmpdir, ignore_errors=True)
"""


@dataclass
class RedisServer:
    """Where the session's Redis is. ``url`` is None when there is none."""

    url: str | None
    kind: str  # "env", "running", "throwaway", "none" or "error"
    reason: str  # how it was found, or why there is none
    pid: int | None = None  # of a throwaway server
    _stop: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        """Stop and remove a throwaway server; nothing for servers found running."""
        while self._stop:
            self._stop.pop()()


# --- URLs and clients ----------------------------------------------------------------------


def url_with_db(url: str, db: int) -> str:
    """The same server with database number ``db`` (``redis://host:port/db``)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def db_of(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def client(url: str, timeout: float = CONNECT_TIMEOUT) -> redis.Redis:
    """A client for ``url`` that gives up quickly when nothing answers."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, decode_responses=True
    )


def ping(url: str, timeout: float = CONNECT_TIMEOUT) -> tuple[bool, str]:
    """(True, "") when ``url`` answers PING, else (False, why)."""
    conn = client(url, timeout)
    try:
        conn.ping()
    except (redis.RedisError, OSError) as exc:
        return False, f"{type(exc).__name__}: {str(exc).strip()}"
    finally:
        conn.close()
    return True, ""


# --- finding a server ----------------------------------------------------------------------


def find_server_binary() -> str | None:
    """The ``redis-server`` executable, or None."""
    found = shutil.which("redis-server")
    if found:
        return found
    fallback = "/usr/bin/redis-server"
    return fallback if os.access(fallback, os.X_OK) else None


def start_throwaway(binary: str, *, attempts: int = 3) -> RedisServer:
    """Start a private ``redis-server``; raises RuntimeError if it will not start."""
    tmpdir = tempfile.mkdtemp(prefix="buurthulp-redis-")
    settings = [binary, tmpdir, DEFAULT_HOST, attempts, START_TIMEOUT]
    try:
        watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, json.dumps(settings)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd="/",
            start_new_session=True,  # a Ctrl-C to the tests must not reach it or the server
        )
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise

    def stop() -> None:
        with contextlib.suppress(OSError):
            if watchdog.stdin:
                watchdog.stdin.close()
        try:
            watchdog.wait(timeout=30)
        except subprocess.TimeoutExpired:
            watchdog.kill()
            watchdog.wait()
        if watchdog.stdout:
            watchdog.stdout.close()
        shutil.rmtree(tmpdir, ignore_errors=True)

    try:
        assert watchdog.stdout is not None
        line = watchdog.stdout.readline()  # the watchdog's own timeouts bound this
        started = json.loads(line) if line.strip() else {"error": "the watchdog exited"}
    except BaseException:
        stop()
        raise
    if "port" not in started:
        stop()
        raise RuntimeError(f"redis-server did not start: {started.get('error', started)}")

    url = f"redis://{DEFAULT_HOST}:{started['port']}/0"
    server = RedisServer(url, "throwaway", f"throwaway redis-server ({binary}) in {tmpdir}")
    server.pid = int(started["pid"])
    server._stop.append(stop)
    return server


def start_redis(*, prefer_running: bool | None = None, use_env: bool = True) -> RedisServer:
    """Find or start a Redis server; see the module docstring for the order."""
    if use_env and os.environ.get("TEST_REDIS_URL"):
        url = os.environ["TEST_REDIS_URL"].strip()
        ok, why = ping(url)
        if not ok:
            raise RuntimeError(f"TEST_REDIS_URL ({url}) does not answer PING: {why}")
        return RedisServer(url, "env", "TEST_REDIS_URL")

    if prefer_running is None:
        prefer_running = servers.prefers_running("TEST_REDIS_THROWAWAY")
    running_note = ""
    if prefer_running:
        url = f"redis://{DEFAULT_HOST}:{DEFAULT_PORT}/0"
        ok, why = ping(url)
        if ok:
            return RedisServer(url, "running", f"Redis on {DEFAULT_HOST}:{DEFAULT_PORT}")
        running_note = f"; nothing usable on {DEFAULT_HOST}:{DEFAULT_PORT} ({why})"
    else:
        running_note = "; a running server was not wanted (TEST_REDIS_THROWAWAY)"

    binary = find_server_binary()
    if binary is None:
        return RedisServer(
            None,
            "none",
            f"no Redis for the tests (TEST_REDIS_URL unset{running_note}, no redis-server "
            f"on PATH or in /usr/bin): {INSTALL_HINT}",
        )
    return start_throwaway(binary)


def redis_server(
    *, prefer_running: bool | None = None, use_env: bool = True
) -> contextlib.AbstractContextManager[RedisServer]:
    """Context manager around :func:`start_redis` that stops a throwaway server."""
    return servers.serving(start_redis, prefer_running=prefer_running, use_env=use_env)


# --- one server per test process -----------------------------------------------------------


def _unavailable(exc: RuntimeError) -> RedisServer:
    # "error" when TEST_REDIS_URL is set and does not answer (fail the test), "none" when
    # there is no Redis to be had (skip it, with the reason).
    kind = "error" if os.environ.get("TEST_REDIS_URL") else "none"
    return RedisServer(None, kind, f"Redis unavailable: {exc}")


_session = servers.SessionServer(start_redis, _unavailable)


def session_server() -> RedisServer:
    """The process-wide server (found or started once, stopped at interpreter exit)."""
    return _session.get()


def redis_url() -> str | None:
    """The session's Redis URL (``redis://host:port/0``), or None."""
    return session_server().url


def redis_unavailable_reason() -> str:
    """Why :func:`redis_url` gave None (or where the server came from)."""
    return session_server().reason


# --- sharing a server ----------------------------------------------------------------------

_SESSION_TOKEN = secrets.token_hex(4)


def unique_key_prefix(label: str = "buurthulp-test") -> str:
    """A key prefix no other session or test uses: ``<label>-<pid>-<session>-<hex>``."""
    return f"{label}-{os.getpid()}-{_SESSION_TOKEN}-{secrets.token_hex(4)}"


def keys(url: str, pattern: str = "*") -> list[str]:
    """The keys matching ``pattern`` in ``url``'s database (SCAN, not KEYS)."""
    conn = client(url)
    try:
        return sorted(conn.scan_iter(match=pattern, count=500))
    finally:
        conn.close()


def delete_keys(url: str, pattern: str) -> int:
    """Delete the keys matching ``pattern`` in ``url``'s database; how many there were."""
    conn = client(url)
    try:
        found = list(conn.scan_iter(match=pattern, count=500))
        for start in range(0, len(found), 500):
            conn.delete(*found[start : start + 500])
        return len(found)
    finally:
        conn.close()


def _database_count(conn: redis.Redis) -> int:
    try:
        value = conn.config_get("databases").get("databases")
    except redis.RedisError:  # CONFIG may be renamed or forbidden on a shared server
        value = None
    return int(value) if value and str(value).isdigit() else 16


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


@contextlib.contextmanager
def claim_database(url: str, *, seconds: int = CLAIM_SECONDS) -> Iterator[str]:
    """A URL on the same server with an empty database number no one else uses.

    The claim is a key ``buurthulp-tests:claimed-db:<n>`` (``SET NX EX``) in ``url``'s own
    database, which is never handed out. At the end the claimed database is emptied (all
    its keys were written by this claimant) and the claim is dropped. Raises RuntimeError
    when every database is taken or in use.
    """
    base_db = db_of(url)
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(8)}"
    admin = client(url)
    try:
        claimed: int | None = None
        for number in range(_database_count(admin)):
            if number == base_db:
                continue
            claim_key = f"{CLAIM_PREFIX}{number}"
            if not admin.set(claim_key, owner, nx=True, ex=seconds):
                continue
            probe = client(url_with_db(url, number))
            try:
                empty = probe.dbsize() == 0
            finally:
                probe.close()
            if empty:
                claimed = number
                break
            admin.eval(_RELEASE, 1, claim_key, owner)  # someone else's data: not ours
        if claimed is None:
            raise RuntimeError(f"no free Redis database to claim on {url}")
        claimed_url = url_with_db(url, claimed)
        try:
            yield claimed_url
        finally:
            delete_keys(claimed_url, "*")
            admin.eval(_RELEASE, 1, f"{CLAIM_PREFIX}{claimed}", owner)
    finally:
        admin.close()
