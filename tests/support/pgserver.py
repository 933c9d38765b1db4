"""A PostgreSQL server for the test session, found or started without help from the host.

Order of preference (:func:`start_postgres`):

1. ``TEST_POSTGRES_URL`` from the environment (must answer, else an error is raised);
2. a server already answering on 127.0.0.1:5432 as user ``postgres`` (skipped when
   ``prefer_running=False`` or ``TEST_POSTGRES_THROWAWAY=1``);
3. a throwaway cluster made from the machine's server binaries
   (``/usr/lib/postgresql/<newest>/bin`` or ``initdb`` on PATH) in a fresh temporary
   directory, on a free port of 127.0.0.1 and a unix socket in that directory, tuned for
   speed (no fsync); stopped and removed at the end, even if the test process is killed;
4. nothing: ``admin_url`` is None and ``reason`` says what to install.

Typical use in a conftest::

    from tests.support.pgserver import create_database, drop_database, postgres_admin_url
    from tests.support.pgserver import postgres_unavailable_reason

    @pytest.fixture(scope="session")
    def pg_admin_url():
        url = postgres_admin_url()
        if url is None:
            pytest.skip(postgres_unavailable_reason())
        return url

Each pytest-xdist worker is its own process: it finds the running server, or starts its
own throwaway cluster (on its own port), and makes its own uniquely named databases.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

try:
    from tests.support import servers
except ImportError:  # imported with tests/support on sys.path (a child process in a test)
    import servers  # type: ignore[no-redef]

INSTALL_HINT = "install PostgreSQL server binaries: apt-get install postgresql"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5432
CONNECT_TIMEOUT = 2  # seconds, for probing a server that may not be there

# Runs in its own process; when the test process goes away (its pipe closes), it stops the
# cluster and removes the directory. Normal shutdown does the same first, so this is a no-op.
_WATCHDOG = """
import json, shutil, subprocess, sys
stop_cmd, tmpdir = json.loads(sys.argv[1])
try:
    sys.stdin.read()
finally:
    subprocess.run(stop_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    shutil.rmtree(tmpdir, ignore_errors=True)
"""


@dataclass
class PostgresServer:
    """Where the session's PostgreSQL is. ``admin_url`` is None when there is none."""

    admin_url: str | None
    kind: str  # "env", "running", "throwaway" or "none"
    reason: str  # how it was found, or why there is none
    _stop: list = field(default_factory=list, repr=False)

    def stop(self) -> None:
        """Stop and remove a throwaway cluster; nothing for servers found running."""
        while self._stop:
            self._stop.pop()()


# --- URLs ----------------------------------------------------------------------------------


def _sqlalchemy_url(url: str) -> URL:
    return make_url(re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url))


def normalise_url(url: str) -> str:
    """Any postgres URL as a SQLAlchemy URL with the psycopg (v3) driver."""
    return _sqlalchemy_url(url).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL as psycopg/libpq takes it (no ``+driver``)."""
    u = _sqlalchemy_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


def _connect(url: str, timeout: int = 10) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=timeout)


# --- finding a server ----------------------------------------------------------------------


def _port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _can_create_databases(url: str) -> tuple[bool, str]:
    try:
        with _connect(url, timeout=CONNECT_TIMEOUT) as conn:
            row = conn.execute(
                "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
    except psycopg.Error as exc:
        return False, f"{type(exc).__name__}: {str(exc).strip()}"
    if not row or not row[0]:
        return False, "the user may not create databases"
    return True, ""


def find_server_binaries() -> str | None:
    """The bin directory of the newest PostgreSQL server installed, or None."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = initdb.split("/")[4]
        key = tuple(int(p) for p in version.split(".") if p.isdigit())
        found.append((key, os.path.dirname(initdb)))
    if found:
        return max(found)[1]
    initdb = shutil.which("initdb")
    if initdb and os.path.exists(os.path.join(os.path.dirname(initdb), "pg_ctl")):
        return os.path.dirname(initdb)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((DEFAULT_HOST, 0))
        return s.getsockname()[1]


def _run_as(user: str | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *argv]
    return ["su", user, "-s", "/bin/sh", "-c", shlex.join(argv)]


def _server_user() -> tuple[str | None, str]:
    """Who runs the cluster: ourselves, or (as root, which PostgreSQL refuses) a system user."""
    if os.geteuid() != 0:
        return None, ""
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name, ""
        except KeyError:
            continue
    return None, "running as root and there is no 'postgres' user to run the server as"


def _tail(path: str, lines: int = 15) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def start_throwaway(bindir: str, *, attempts: int = 3) -> PostgresServer:
    """initdb + start a private cluster; raises RuntimeError if it will not start."""
    user, problem = _server_user()
    if problem:
        raise RuntimeError(problem)
    # Not under $TMPDIR when root: the server user must be able to reach the directory.
    tmpdir = tempfile.mkdtemp(prefix="buurthulp-pg-", dir="/tmp" if user else None)
    try:
        os.chmod(tmpdir, 0o700)
        if user:
            pw = pwd.getpwnam(user)
            os.chown(tmpdir, pw.pw_uid, pw.pw_gid)
        datadir = os.path.join(tmpdir, "data")
        logfile = os.path.join(tmpdir, "server.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.setdefault("LANG", "C.UTF-8")

        def run(argv: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
            return subprocess.run(
                _run_as(user, argv),
                cwd=tmpdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                start_new_session=True,  # a Ctrl-C to the tests must not reach the server
            )

        initdb = [f"{bindir}/initdb", "-D", datadir, "-U", "postgres", "-A", "trust"]
        initdb += ["-E", "UTF8", "--no-sync"]
        res = run([*initdb, "--locale=C.UTF-8"])
        if res.returncode != 0:  # a system without the C.UTF-8 locale
            shutil.rmtree(datadir, ignore_errors=True)
            res = run([*initdb, "--locale=C"])
        if res.returncode != 0:
            raise RuntimeError(f"initdb failed: {res.stdout}{res.stderr}".strip())

        pg_ctl = f"{bindir}/pg_ctl"
        stop_cmd = _run_as(user, [pg_ctl, "-D", datadir, "-m", "immediate", "-w", "stop"])
        conf = os.path.join(datadir, "postgresql.conf")
        with open(conf, encoding="utf-8") as f:
            base_conf = f.read()
        last_error = ""
        for _ in range(attempts):
            port = _free_port()
            with open(conf, "w", encoding="utf-8") as f:
                f.write(base_conf)
                f.write(
                    "\n# buurthulp tests: throwaway cluster\n"
                    f"listen_addresses = '{DEFAULT_HOST}'\n"
                    f"port = {port}\n"
                    f"unix_socket_directories = '{tmpdir}'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "max_connections = 200\nshared_buffers = 64MB\n"
                )
            res = run([pg_ctl, "-D", datadir, "-l", logfile, "-w", "-t", "60", "start"])
            if res.returncode == 0:
                break
            last_error = f"{res.stdout}{res.stderr}\n{_tail(logfile)}".strip()
            subprocess.run(stop_cmd, capture_output=True, cwd=tmpdir)
        else:
            raise RuntimeError(f"pg_ctl start failed: {last_error}")

        watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, json.dumps([stop_cmd, tmpdir])],
            stdin=subprocess.PIPE,
            start_new_session=True,
        )
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise

    def stop() -> None:
        subprocess.run(stop_cmd, capture_output=True, cwd="/", timeout=60)
        shutil.rmtree(tmpdir, ignore_errors=True)
        if watchdog.stdin:
            watchdog.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            watchdog.wait(timeout=30)

    url = f"postgresql+psycopg://postgres@{DEFAULT_HOST}:{port}/postgres"
    version = os.path.basename(os.path.dirname(bindir))
    server = PostgresServer(url, "throwaway", f"throwaway PostgreSQL {version} cluster in {tmpdir}")
    server._stop.append(stop)
    # It answers on TCP now; wait out the short window before it accepts logins.
    deadline = time.monotonic() + 30
    while True:
        ok, why = _can_create_databases(url)
        if ok:
            return server
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"throwaway cluster does not accept connections: {why}")
        time.sleep(0.1)


def start_postgres(*, prefer_running: bool | None = None, use_env: bool = True) -> PostgresServer:
    """Find or start a PostgreSQL server; see the module docstring for the order."""
    if use_env and os.environ.get("TEST_POSTGRES_URL"):
        url = normalise_url(os.environ["TEST_POSTGRES_URL"])
        ok, why = _can_create_databases(url)
        if not ok:
            raise RuntimeError(f"TEST_POSTGRES_URL does not work: {why}")
        return PostgresServer(url, "env", "TEST_POSTGRES_URL")

    if prefer_running is None:
        prefer_running = servers.prefers_running("TEST_POSTGRES_THROWAWAY")
    running_note = ""
    if prefer_running:
        url = f"postgresql+psycopg://postgres@{DEFAULT_HOST}:{DEFAULT_PORT}/postgres"
        if _port_open(DEFAULT_HOST, DEFAULT_PORT):
            ok, why = _can_create_databases(url)
            if ok:
                return PostgresServer(url, "running", f"server on {DEFAULT_HOST}:{DEFAULT_PORT}")
            running_note = f"; the server on {DEFAULT_HOST}:{DEFAULT_PORT} refused: {why}"
        else:
            running_note = f"; nothing answers on {DEFAULT_HOST}:{DEFAULT_PORT}"

    bindir = find_server_binaries()
    if bindir is None:
        return PostgresServer(
            None,
            "none",
            f"no PostgreSQL server for the tests (TEST_POSTGRES_URL unset{running_note}, "
            f"no server binaries in /usr/lib/postgresql/*/bin): {INSTALL_HINT}",
        )
    return start_throwaway(bindir)


def postgres_server(
    *, prefer_running: bool | None = None, use_env: bool = True
) -> contextlib.AbstractContextManager[PostgresServer]:
    """Context manager around :func:`start_postgres` that stops a throwaway cluster."""
    return servers.serving(start_postgres, prefer_running=prefer_running, use_env=use_env)


# --- one server per test process -----------------------------------------------------------

_session = servers.SessionServer(
    start_postgres, lambda exc: PostgresServer(None, "none", f"PostgreSQL unavailable: {exc}")
)


def session_server() -> PostgresServer:
    """The process-wide server (found or started once, stopped at interpreter exit)."""
    return _session.get()


def postgres_admin_url() -> str | None:
    """Admin URL (``postgresql+psycopg://postgres@host:port/postgres``) or None."""
    return session_server().admin_url


def postgres_unavailable_reason() -> str:
    """Why :func:`postgres_admin_url` gave None (or where the server came from)."""
    return session_server().reason


# --- databases -----------------------------------------------------------------------------


def create_database(
    admin_url: str, prefix: str = "buurthulp_test", *, template: str | None = None
) -> str:
    """Create ``<prefix>_<pid>_<hex>`` and return its URL (same server, user and driver).

    With `template`, a copy of that database (which nobody may be connected to)."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    ident = sql.Identifier(name)
    with _connect(admin_url) as conn:
        if template is not None:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(ident, sql.Identifier(template))
            )
            return (
                _sqlalchemy_url(admin_url).set(database=name).render_as_string(hide_password=False)
            )
        try:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(ident)
            )
        except psycopg.errors.InvalidParameterValue:  # server locale not UTF-8 capable
            conn.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C' LC_CTYPE 'C'"
                ).format(ident)
            )
    return _sqlalchemy_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    """Drop the database ``url`` names, disconnecting anyone still on it."""
    name = _sqlalchemy_url(url).database
    if not name:
        raise ValueError(f"no database name in {url!r}")
    with _connect(admin_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_exists(admin_url: str, name: str) -> bool:
    with _connect(admin_url) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None
