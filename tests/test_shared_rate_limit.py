"""The login rate limit holds across gunicorn workers when they count in Redis.

Two gunicorn sync workers serve a scratch SQLite database with one real account; the login
limit is "3 per minute". Wrong passwords are posted, each on a new TCP connection
(``Connection: close``). With ``RATELIMIT_STORAGE_URI`` pointing at Redis the first three
are refused as a failed login (422) and the fourth is refused by the limiter (429), although
both workers answered some of them. With ``memory://`` each worker counts alone and more
than three get through: the same test would fail without a shared store.

Which worker answers a new connection is the kernel's choice, so the test makes it certain
instead of hoping: a worker that has accepted a connection whose request is not finished
yet is busy reading it (a sync worker serves one connection at a time), and the listen
queue hands out connections in the order they arrived. Holding one worker that way sends
the next requests to the other. The access log (``%(p)s`` is the answering worker's pid,
``%({x-probe}i)s`` names the request) shows who answered what.

Redis comes from :mod:`tests.support.redisserver` (``TEST_REDIS_URL``, a server on
127.0.0.1:6379, or a throwaway ``redis-server``); the test uses a database number it has
claimed, so it shares a running Redis with anyone. It also passes a unique
``RATELIMIT_KEY_PREFIX``; when buurthulp/config.py takes that from the environment, every key
the limiter wrote must carry it (the claimed database keeps the test apart either way).
``ACCOUNT_RATE_LIMIT`` (a per-account limit on the same form, where the app has one) is set
high, so that only the per-address ``LOGIN_RATE_LIMIT`` is under test.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

try:
    from tests.support import redisserver
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from support import redisserver  # type: ignore[no-redef]

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
EMAIL = "teller@example.nl"
PASSWORD = "het-goede-wachtwoord"
WRONG_PASSWORD = "een-fout-wachtwoord"
LIMIT = 3
ACCESS_FORMAT = "%(p)s %({x-probe}i)s %(m)s %(s)s"
FAILED_LOGIN_TEXTS = ("klopt niet", "is not right")  # nl (default) and en
GUNICORN_APP_LOAD_ERRORS = {3: "a worker failed to boot", 4: "the app failed to load"}


# --- the scratch database ------------------------------------------------------------------


def _clean_env() -> dict[str, str]:
    """The environment without anything that would change the app under test."""
    drop = ("RATELIMIT_", "LOGIN_RATE_LIMIT", "ACCOUNT_RATE_LIMIT", "DATABASE_URL")
    drop += ("BUURTHULP_", "SECRET_KEY")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def _flask(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "buurthulp", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Env for the flask CLI and gunicorn: a migrated SQLite database with one account."""
    base = tmp_path_factory.mktemp("shared-limit")
    env = {
        **_clean_env(),
        "DATABASE_URL": f"sqlite:///{base / 'buurthulp.sqlite3'}",
        "BUURTHULP_INSTANCE": str(base / "instance"),
        "SECRET_KEY": secrets.token_urlsafe(32),  # the same in both workers
        "BUURTHULP_MAIL_BACKEND": "console",
    }
    upgrade = _flask("db", "upgrade", env=env)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    _neighbourhood_for_the_account(env["DATABASE_URL"])
    create = (
        *("users", "create", EMAIL, "--name", "Teller", "--password", PASSWORD),
        *("--role", "resident", "--postcode", "6511AB", "--house-number", "1"),
    )
    result = _flask(*create, env=env)
    assert result.returncode == 0, f"flask {' '.join(create)}: {result.stderr[-2000:]}"
    return env


def _neighbourhood_for_the_account(url: str) -> None:
    """The neighbourhood 6511 belongs to, written in this process: a whole demo town (and a
    CLI start) only for that took ten seconds."""
    from buurthulp import create_app
    from buurthulp.auth.permissions import CLI
    from buurthulp.extensions import db
    from buurthulp.neighbourhoods.services import save_neighbourhood
    from tests.conftest import test_config

    app = create_app(test_config(url))
    with app.app_context():
        save_neighbourhood(actor=CLI, name="Centrum", pc4_codes="6511")  # its own transaction
        db.engine.dispose()


@pytest.fixture(scope="module")
def redis_db_url() -> Iterator[str]:
    server = redisserver.session_server()
    if server.kind == "error":
        pytest.fail(server.reason)
    if server.url is None:
        pytest.skip(server.reason)
    with redisserver.claim_database(server.url) as url:
        yield url


# --- raw HTTP, one connection per request --------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, list[str]]
    body: str

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


def _parse(raw: bytes) -> Reply:
    head, _sep, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise ValueError(f"not an HTTP response: {raw[:200]!r}")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return Reply(int(parts[1]), headers, body.decode("utf-8", "replace"))


class Site:
    """A gunicorn on 127.0.0.1:port, spoken to one connection per request."""

    def __init__(self, port: int, access_log: Path, master_pid: int) -> None:
        self.port = port
        self.access_log = access_log
        self.master_pid = master_pid
        self.cookie = ""
        self.csrf_token = ""

    def _head(self, method: str, path: str, probe: str, extra: dict[str, str]) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", f"X-Probe: {probe}"]
        lines += ["Accept-Language: nl", "User-Agent: buurthulp-tests"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        lines += [f"{k}: {v}" for k, v in extra.items()]
        return ("\r\n".join(lines) + "\r\n").encode("latin-1")

    def _connect(self) -> socket.socket:
        return socket.create_connection((HOST, self.port), timeout=60)

    def send(self, method: str, path: str, probe: str, body: bytes = b"") -> socket.socket:
        """Open a connection and send a whole request; read the answer with :meth:`reply`."""
        extra = {"Connection": "close"}
        if method == "POST":
            extra["Content-Type"] = "application/x-www-form-urlencoded"
            extra["Content-Length"] = str(len(body))
        sock = self._connect()
        sock.sendall(self._head(method, path, probe, extra) + b"\r\n" + body)
        return sock

    @staticmethod
    def reply(sock: socket.socket) -> Reply:
        chunks = []
        with sock:
            while data := sock.recv(65536):
                chunks.append(data)
        return _parse(b"".join(chunks))

    def get(self, path: str, probe: str) -> Reply:
        return self.reply(self.send("GET", path, probe))

    def hold(self, probe: str) -> socket.socket:
        """Start a GET and leave it unfinished: the worker that accepts it waits for us."""
        sock = self._connect()
        sock.sendall(self._head("GET", "/inloggen", probe, {}))
        return sock

    def holder(self, sock: socket.socket, timeout: float = 60) -> int:
        """The pid of the worker that has accepted ``sock`` (waits until one has).

        A connection still in the listen queue has no inode in /proc/net/tcp; once a worker
        has accepted it, that worker has the socket open as one of its file descriptors.
        """
        client_port = sock.getsockname()[1]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inode = _server_side_inode(self.port, client_port)
            if inode:
                pid = _process_with_socket(inode, _children(self.master_pid))
                if pid:
                    return pid
            time.sleep(0.01)
        raise AssertionError(f"no worker accepted the connection from port {client_port}")

    def release(self, sock: socket.socket) -> Reply:
        sock.sendall(b"Connection: close\r\n\r\n")
        return self.reply(sock)

    def log_in_page(self, reply: Reply) -> None:
        """Keep the session cookie and the CSRF token of a login page."""
        cookies = [v.split(";", 1)[0] for v in reply.headers.get("set-cookie", [])]
        assert cookies, f"no session cookie: {reply.headers}"
        self.cookie = "; ".join(cookies)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', reply.body)
        assert found, "no csrf_token on the login page"
        self.csrf_token = found.group(1)

    def wrong_login(self, probe: str) -> socket.socket:
        form = {"csrf_token": self.csrf_token, "email": EMAIL, "password": WRONG_PASSWORD}
        return self.send("POST", "/inloggen", probe, urlencode(form).encode())

    def served(self) -> dict[str, tuple[int, int]]:
        """probe -> (worker pid, status), from the access log."""
        out: dict[str, tuple[int, int]] = {}
        with contextlib.suppress(FileNotFoundError):
            for line in self.access_log.read_text().splitlines():
                parts = line.split()
                if len(parts) == 4 and parts[0].strip("<>").isdigit() and parts[3].isdigit():
                    out[parts[1]] = (int(parts[0].strip("<>")), int(parts[3]))
        return out

    def worker_of(self, probe: str) -> int:
        """The pid that answered ``probe`` (logged before the connection closes)."""
        deadline = time.monotonic() + 5
        while probe not in (seen := self.served()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert probe in seen, f"{probe} is not in the access log: {sorted(seen)}"
        return seen[probe][0]


# --- which process has a connection (Linux /proc) ------------------------------------------


def _server_side_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the accepted end of 127.0.0.1:client_port -> server_port, or None."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        remote_port = int(fields[2].rsplit(":", 1)[1], 16)
        if (local_port, remote_port) == (server_port, client_port):
            return fields[9] if fields[9] != "0" else None  # 0: not accepted yet
    return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def _process_with_socket(inode: str, pids: list[int]) -> int | None:
    target = f"socket:[{inode}]"
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
    return None


# --- gunicorn ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # the master stops its workers
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # anything left in its process group
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workdir: Path, *, workers: int = 2) -> Iterator[Site]:
    """gunicorn with ``workers`` sync workers on a free port; stopped at the end, always."""
    if importlib.util.find_spec("gunicorn") is None:
        pytest.skip("gunicorn is not installed: pip install -e . (it is in pyproject.toml)")
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc to see which worker has accepted a connection")
    workdir.mkdir(parents=True, exist_ok=True)
    problem = ""
    for attempt in range(3):
        port = _free_port()
        access_log = workdir / f"access-{attempt}.log"
        error_log = workdir / f"error-{attempt}.log"
        argv = [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
        argv += ["--worker-class", "sync", "--bind", f"{HOST}:{port}", "--timeout", "60"]
        argv += ["--graceful-timeout", "5", "--chdir", str(ROOT)]
        argv += ["--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT]
        argv += ["--error-logfile", str(error_log), "buurthulp:create_app()"]
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            site = Site(port, access_log, proc.pid)
            deadline = time.monotonic() + 60
            ready = False
            n = 0
            while proc.poll() is None and time.monotonic() < deadline:
                n += 1
                try:
                    ready = site.get("/inloggen", f"ready-{n}").status == 200
                except (OSError, ValueError):  # not listening yet, or cut off while booting
                    ready = False
                if ready:
                    break
                time.sleep(0.1)
            if ready:
                yield site
                return
            log = _tail(error_log)
            code = proc.poll()
            if code in GUNICORN_APP_LOAD_ERRORS:  # the app's fault, not the machine's
                pytest.fail(f"gunicorn: {GUNICORN_APP_LOAD_ERRORS[code]}:\n{log}")
            problem = f"exit code {code}" if code is not None else "no answer within 60 s"
            problem += f"\n{log}"
            if "Connection in use" not in log:  # someone took the free port: try another
                break
        finally:
            _stop(proc)
    pytest.skip(f"gunicorn cannot start: {problem}")


# --- the scenario --------------------------------------------------------------------------


@dataclass
class Run:
    site: Site
    statuses: list[int]  # of the wrong-password POSTs, in order
    remaining: list[str | None]  # their X-RateLimit-Remaining (which limit: the limiter picks)
    workers: dict[str, int]  # probe -> worker pid


def _check_failed_login(reply: Reply, probe: str) -> None:
    if reply.status == 422:
        assert any(text in reply.body for text in FAILED_LOGIN_TEXTS), (
            f"{probe}: 422 but not a failed login (CSRF?): {reply.body[:1500]}"
        )


def four_wrong_logins_on_both_workers(site: Site) -> Run:
    """Warm up both workers, then four wrong-password POSTs: 1-2 on one, 3 on the other."""
    # Both workers up, and the session + CSRF token (GETs do not count against the limit).
    held = site.hold("warm-hold")
    first = site.holder(held)  # busy reading the rest of this request ...
    page = site.get("/inloggen", "warm-get")  # ... so the other answers (once it has booted)
    assert page.status == 200
    assert site.release(held).status == 200
    site.log_in_page(page)
    assert site.worker_of("warm-get") != first, "one worker answered both"

    replies: dict[str, Reply] = {}
    hold_a = site.hold("hold-a")
    worker_a = site.holder(hold_a)  # A waits for the rest of hold-a ...
    replies["post-1"] = site.reply(site.wrong_login("post-1"))  # ... so B answers
    replies["post-2"] = site.reply(site.wrong_login("post-2"))  # B again
    worker_b = site.worker_of("post-1")
    hold_b = site.hold("hold-b")
    assert site.holder(hold_b) == worker_b  # B is free and A is not: B takes it
    pending = site.wrong_login("post-3")  # both busy: it waits in the listen queue
    assert site.release(hold_a).status == 200  # A answers, then takes post-3
    replies["post-3"] = site.reply(pending)
    assert site.release(hold_b).status == 200
    replies["post-4"] = site.reply(site.wrong_login("post-4"))

    workers = {p: site.worker_of(p) for p in replies}
    assert worker_a != worker_b
    assert workers["post-1"] == workers["post-2"] == worker_b, (worker_a, worker_b, workers)
    assert workers["post-3"] == worker_a, (worker_a, worker_b, workers)
    for probe, reply in replies.items():
        _check_failed_login(reply, probe)
    return Run(
        site,
        [r.status for r in replies.values()],
        [r.header("X-RateLimit-Remaining") for r in replies.values()],
        workers,
    )


def _limit_env(app_env: dict[str, str], storage: str, prefix: str) -> dict[str, str]:
    return {
        **app_env,
        "RATELIMIT_STORAGE_URI": storage,
        "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",  # per client address: the one under test
        "ACCOUNT_RATE_LIMIT": "1000 per minute",  # a per-account limit must not get in the way
        "RATELIMIT_KEY_PREFIX": prefix,  # see _app_reads_key_prefix
    }


def _app_reads_key_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> bool:
    from buurthulp import config

    probe = redisserver.unique_key_prefix("probe")
    monkeypatch.setenv("RATELIMIT_KEY_PREFIX", probe)
    try:
        loaded = config.load(str(tmp_path / "probe-instance"), {"SECRET_KEY": "probe"})
    finally:
        monkeypatch.delenv("RATELIMIT_KEY_PREFIX")
    return loaded.get("RATELIMIT_KEY_PREFIX") == probe


# --- the tests -----------------------------------------------------------------------------


def test_redis_storage_shares_the_login_limit_between_workers(
    app_env, redis_db_url, tmp_path, monkeypatch
):
    prefix = redisserver.unique_key_prefix("buurthulp-test-login")
    env = _limit_env(app_env, redis_db_url, prefix)
    with gunicorn(env, tmp_path / "redis") as site:
        run = four_wrong_logins_on_both_workers(site)
        assert run.statuses == [422, 422, 422, 429], run
        assert site.reply(site.wrong_login("post-5")).status == 429

    stored = redisserver.keys(redis_db_url)
    assert any("inloggen" in key or "login" in key for key in stored), (
        f"the limit was not counted in Redis: {stored}"
    )
    if _app_reads_key_prefix(monkeypatch, tmp_path):
        assert all(prefix in key for key in stored), (prefix, stored)


def test_memory_storage_counts_per_worker(app_env, tmp_path):
    """The contrast: without a shared store each worker lets three through on its own."""
    env = _limit_env(app_env, "memory://", redisserver.unique_key_prefix("buurthulp-mem"))
    with gunicorn(env, tmp_path / "memory") as site:
        run = four_wrong_logins_on_both_workers(site)
        # post-1 and post-2 on B, post-3 on A, post-4 on either: no worker has seen 4 yet.
        assert run.statuses == [422, 422, 422, 422], run
        statuses = list(run.statuses)
        probe = ""
        while statuses[-1] != 429 and len(statuses) < 2 * LIMIT + 2:
            probe = f"post-{len(statuses) + 1}"
            reply = site.reply(site.wrong_login(probe))
            _check_failed_login(reply, probe)
            statuses.append(reply.status)
        assert statuses[-1] == 429, statuses
        let_through = statuses.index(429)
        assert LIMIT < let_through <= 2 * LIMIT, statuses  # more than 3, at most 3 each
        served = site.served()
        refused_by = served[probe][0]
        before = [p for p in served if p.startswith("post-") and p != probe]
        assert sum(served[p][0] == refused_by for p in before) == LIMIT, served
