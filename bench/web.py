"""Web benchmark: pages per second and latency through gunicorn, against a hello-world app.

What a visitor waits for is the whole round trip: HTTP, gunicorn, Flask, the session and
login, our queries and the template. This part measures three pages that every member opens
often, over real HTTP with a logged-in session cookie, in a scratch copy of the demo town:

- the home page `/` of a resident;
- the resident's time-bank statement `/tijdbank/`, on an account with 200 transfers;
- a coordinator's member list with balances `/tijdbank/beheer/buurt/<id>/leden` (~40
  members in a demo neighbourhood).

The baseline is measured in the same run with the same settings: a hello-world Flask app
(`bench/hello.py`) behind a second gunicorn with the same workers, worker class and logging.
Its requests per second are what Flask, gunicorn and the load generator reach on this machine
without any of our code; each page is reported as a share of it, because these 2-core
machines are shared and noisy (absolute figures move with the load; the ratio moves less).
Hello-world runs first and again last, and the shares are of the mean of both runs, so a
change in the machine's load during the run shows as two different hello-world rows.

Set-up, all in a temporary directory: a SQLite database built by `flask db upgrade`, filled
by `flask demo`, and bewoner001's statement topped up to 200 transfers through the real
service (`ledger.services.thank`, alternating with a neighbour so no limit is ever hit).
Both servers run `WORKERS` sync workers without an access log; sync workers close the
connection after every response, so each request is a fresh TCP connection, alike for both.
The sessions come from the real login form (csrf token and all).

The load generator is Debian's `wrk` when it is installed (`apt-get install wrk`), else a
small Python one (processes with threads, one http.client connection each); either way
`CONNECTIONS` connections for `DURATION` seconds per page. The Python generator spends more
CPU per request than wrk, taken from the two cores the servers run on, so between the two
generators compare the ratios, not the absolute figures. Every response must be 200: a
redirect to the login page or an error is a failed measurement, not a fast one.

It prints a table, one verdict line per target (home at least 20% of hello-world, the
statement at least 15%, p99 at most 100 ms on all three pages) and the load average before
and after. Exit status 1 only when a page answered with anything but 200 (or the set-up
failed); a missed speed target is reported, not failed.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode, urlsplit

from bench.ledger_report import loadavg

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "bench-web-password"  # every demo login's password in the scratch town
SECRET_KEY = "bench-web-secret-key"  # fixed: both gunicorn workers must accept one cookie
RESIDENT = "bewoner001@demo.buurthulp.nl"
COORDINATOR = "coordinator1@demo.buurthulp.nl"
STATEMENT_TRANSFERS = 200
THANK_MINUTES = 15
WORKERS = 2
WORKER_CLASS = "sync"
CONNECTIONS = 16
WRK_THREADS = 2  # one per core; wrk needs far less CPU than the servers
PROCESSES = 4  # Python generator: PROCESSES x CONNECTIONS / PROCESSES threads
DURATION = 10  # seconds per page; --quick: QUICK_DURATION
QUICK_DURATION = 2
WARMUP = 20  # untimed requests per page: templates compiled, pools filled in both workers
START_TIMEOUT = 60  # seconds for a gunicorn to answer its first request
SHARE_TARGETS = {"home": 0.20, "statement": 0.15}  # requests/s as a share of hello-world
P99_TARGET_MS = 100.0


class BenchFailed(RuntimeError):
    """The set-up or a page went wrong: the figures would mean nothing."""


@dataclass
class Page:
    key: str
    label: str
    port: int
    path: str
    cookie: str | None = None
    marker: str = ""  # must be in the body: the page really is the one we meant


@dataclass
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0  # connection errors and timeouts

    @property
    def bad(self) -> int:
        """Responses other than 200, and requests that got no response at all."""
        return sum(n for status, n in self.statuses.items() if status != 200) + self.errors


Tally = tuple[list[float], Counter[int], int]  # latencies (s), statuses, connection errors


# Scratch town ------------------------------------------------------------------------------


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'buurthulp.sqlite3'}",
        BUURTHULP_INSTANCE=str(tmp / "instance"),
        SECRET_KEY=SECRET_KEY,
        BUURTHULP_ENV="development",
        BUURTHULP_MAIL_BACKEND="console",
        PYTHONPATH=str(ROOT),
    )
    return env


def _flask(env: dict[str, str], *args: str) -> str:
    command = [sys.executable, "-m", "flask", "--app", "buurthulp", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchFailed(f"`flask {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def _description(n: int) -> str:
    return f"Benchmark: bedankt ({n})"


def _fill_statement(env: dict[str, str]) -> tuple[int, int, int]:
    """Top bewoner001's statement up to STATEMENT_TRANSFERS; (booked, hood id, its members).

    The hood is the one of the coordinator's neighbourhoods whose member list is measured:
    bewoner001's own when the coordinator covers it.
    """
    from sqlalchemy import func, select

    from buurthulp import create_app
    from buurthulp.auth.models import Member, RoleAssignment
    from buurthulp.auth.roles import Role
    from buurthulp.extensions import db
    from buurthulp.ledger import services
    from buurthulp.ledger.models import Account, Entry

    with mock.patch.dict(os.environ, env, clear=True):
        app = create_app()
    with app.app_context():
        resident = db.session.scalars(select(Member).where(Member.email == RESIDENT)).one()
        coordinator = db.session.scalars(select(Member).where(Member.email == COORDINATOR)).one()
        account = services.account_of(resident)
        assert account is not None
        have = db.session.scalar(select(func.count(Entry.id)).where(Entry.account_id == account.id))
        # The neighbour with the most room both ways, so alternating never nears a limit.
        neighbour, _balance = db.session.execute(
            select(Member, Account.balance)
            .join(Account, Account.member_id == Member.id)
            .join(RoleAssignment, RoleAssignment.member_id == Member.id)
            .where(
                Member.neighbourhood_id == resident.neighbourhood_id,
                Member.id != resident.id,
                Member.status == "active",
                RoleAssignment.role == Role.RESIDENT.value,
            )
            .order_by(func.abs(Account.balance), Member.id)
            .limit(1)
        ).one()
        pair = [resident, neighbour]
        if account.balance - THANK_MINUTES < (account.lower_limit or 0):
            pair.reverse()  # the resident receives first
        booked = max(0, STATEMENT_TRANSFERS - have)
        for n in range(booked):
            payer, payee = pair[n % 2], pair[1 - n % 2]
            services.thank(
                payer=payer,
                to_member_id=payee.id,
                minutes=THANK_MINUTES,
                description=_description(n + 1),
                actor=payer,
            )
        hoods = set(
            db.session.scalars(
                select(RoleAssignment.neighbourhood_id).where(
                    RoleAssignment.member_id == coordinator.id,
                    RoleAssignment.role == Role.COORDINATOR.value,
                )
            )
        )
        if not hoods:
            raise BenchFailed(f"{COORDINATOR} covers no neighbourhood")
        hood = resident.neighbourhood_id if resident.neighbourhood_id in hoods else min(hoods)
        members = db.session.scalar(
            select(func.count(Member.id)).where(Member.neighbourhood_id == hood)
        )
        db.session.remove()
        db.engine.dispose()
    return booked, hood, members


# Servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _start_gunicorn(name: str, app: str, env: dict[str, str], tmp: Path) -> Server:
    """gunicorn in a session of its own, so stopping it takes its workers along.

    Every setting is on the command line, the same for both apps: an empty config file
    keeps gunicorn from reading the project's `gunicorn.conf.py` (access log, `make serve`).
    """
    port = _free_port()
    log = tmp / f"gunicorn-{name}.log"
    config = tmp / "gunicorn-bench.conf.py"
    config.write_text("# bench/web.py: every setting is on the command line\n")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(config),
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--bind",
        f"{HOST}:{port}",
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
        # No --access-logfile: gunicorn writes no access log without one, for both servers.
        app,
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    return Server(name, port, proc, log)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchFailed(f"gunicorn ({server.name}) exited:\n{_tail(server.log)}")
        try:
            _request(server.port, "GET", "/")
            return
        except OSError:
            time.sleep(0.1)
    raise BenchFailed(f"gunicorn ({server.name}) did not answer in {START_TIMEOUT} s")


def _stop(server: Server) -> None:
    """TERM to the master (it stops its workers), KILL to the session if it lingers."""
    if server.proc.poll() is None:
        server.proc.terminate()
        with suppress(subprocess.TimeoutExpired):
            server.proc.wait(timeout=15)
    with suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGKILL)  # stray workers, if any; none normally
    server.proc.wait()


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text().splitlines()[-lines:])
    except OSError:
        return "(no log)"


# HTTP --------------------------------------------------------------------------------------


def _request(
    port: int,
    method: str,
    path: str,
    cookie: str | None = None,
    form: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, str]:
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _keep_cookies(jar: dict[str, str], headers: http.client.HTTPMessage) -> str:
    for header in headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value
    return "; ".join(f"{name}={value}" for name, value in jar.items())


_CSRF = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|'
    r'<input[^>]*value="([^"]+)"[^>]*name="csrf_token"'
)


def _login(port: int, email: str, env: dict[str, str]) -> str:
    """Log in through the form (staff: then the code step, with the code `flask users otp`
    prints in development); the Cookie header of the session, its flash already shown."""
    jar: dict[str, str] = {}
    cookie = ""
    form: dict[str, str] = {"email": email, "password": PASSWORD}
    path = "/inloggen"
    for _step in range(2):
        status, headers, html = _request(port, "GET", path, cookie or None)
        found = _CSRF.search(html)
        if status != 200 or not found:
            raise BenchFailed(f"GET {path} answered {status} without a csrf_token")
        cookie = _keep_cookies(jar, headers)
        form["csrf_token"] = found.group(1) or found.group(2)
        status, headers, _html = _request(port, "POST", path, cookie, form)
        location = urlsplit(headers.get("Location") or "").path
        cookie = _keep_cookies(jar, headers)
        if status not in (302, 303) or location == path:
            raise BenchFailed(f"logging in as {email} answered {status}, not a redirect onwards")
        if location != "/inloggen/code":
            break
        path, form = location, {"code": _flask(env, "users", "otp", email).strip()}
    else:
        raise BenchFailed(f"logging in as {email} did not get past the code step")
    # The "welcome" flash sits in the session until a page shows it: show it now, so the
    # measured requests carry a settled session and do not each render the flash.
    _status, headers, _html = _request(port, "GET", "/", cookie)
    return _keep_cookies(jar, headers)


def _warm_up(page: Page) -> None:
    """A few untimed requests; the page must be 200 and the one we meant."""
    for _ in range(WARMUP):
        status, _headers, html = _request(page.port, "GET", page.path, page.cookie)
        if status != 200:
            raise BenchFailed(f"{page.label} answered {status} before the measurement")
        if page.marker and page.marker not in html:
            raise BenchFailed(f"{page.label}: {page.marker!r} is not in the page")


# Load generators ---------------------------------------------------------------------------

_WRK_SCRIPT = """
-- wrk itself counts only non-2xx/3xx responses; a redirect to the login page must count too.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_200 = {} end
function response(status, headers, body)
  if status ~= 200 then not_200[status] = (not_200[status] or 0) + 1 end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("not_200")) do
      io.write(string.format("status %d: %d\\n", status, n))
    end
  end
end
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _wrk_ms(output: str, label: str) -> float:
    found = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    if not found:
        raise BenchFailed(f"no {label} latency in the output of wrk:\n{output}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def _run_wrk(wrk: str, page: Page, seconds: int, script: Path) -> Result:
    command = [wrk, f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "10s", "-s", str(script)]
    if page.cookie:
        command += ["-H", f"Cookie: {page.cookie}"]
    command.append(f"http://{HOST}:{page.port}{page.path}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise BenchFailed(f"wrk failed ({done.returncode}):\n{output}")
    total = re.search(r"(\d+) requests in", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not (total and rps):
        raise BenchFailed(f"unexpected output of wrk:\n{output}")
    requests = int(total.group(1))
    statuses: Counter[int] = Counter()
    for status, n in re.findall(r"^status (\d+): (\d+)$", output, re.M):
        statuses[int(status)] += int(n)  # per wrk thread
    statuses[200] = requests - sum(statuses.values())
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1))) if socket_errors else 0
    return Result(
        requests=requests,
        rps=float(rps.group(1)),
        p50_ms=_wrk_ms(output, "50%"),
        p99_ms=_wrk_ms(output, "99%"),
        statuses=statuses,
        errors=errors,
    )


def _connection_loop(
    port: int,
    path: str,
    headers: dict[str, str],
    start_at: float,
    stop_at: float,
    out: list[Tally],
) -> None:
    """One connection: GET after GET until `stop_at`; (latencies, statuses, errors) to `out`."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    time.sleep(max(0.0, start_at - time.time()))
    while time.time() < stop_at:
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()  # reconnects by itself after the server's `Connection: close`
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            continue
        took = time.perf_counter() - began
        if time.time() > stop_at:
            break  # answered after the bell: outside the measured window
        latencies.append(took)
        statuses[response.status] += 1
    conn.close()
    out.append((latencies, statuses, errors))


def _drive(
    port: int, path: str, cookie: str | None, threads: int, start_at: float, stop_at: float
) -> Tally:
    """One generator process: `threads` connections, each in a thread of its own."""
    headers = {"Cookie": cookie} if cookie else {}
    out: list[Tally] = []
    workers = [
        threading.Thread(
            target=_connection_loop, args=(port, path, headers, start_at, stop_at, out)
        )
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return _combine(out)


def _combine(tallies: list[Tally]) -> Tally:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    for part_latencies, part_statuses, part_errors in tallies:
        latencies += part_latencies
        statuses += part_statuses
        errors += part_errors
    return latencies, statuses, errors


def _percentile_ms(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1e3


def _run_python(pool: Any, page: Page, seconds: int) -> Result:
    start_at = time.time() + 0.5  # every connection starts at once, processes warmed up
    stop_at = start_at + seconds
    per_process = CONNECTIONS // PROCESSES
    args = [(page.port, page.path, page.cookie, per_process, start_at, stop_at)] * PROCESSES
    latencies, statuses, errors = _combine(pool.starmap(_drive, args))
    latencies.sort()
    return Result(
        requests=len(latencies),
        rps=len(latencies) / seconds,
        p50_ms=_percentile_ms(latencies, 0.50),
        p99_ms=_percentile_ms(latencies, 0.99),
        statuses=statuses,
        errors=errors,
    )


def _ready(_n: int) -> int:
    return os.getpid()


# Report ------------------------------------------------------------------------------------

HELLO = ("hello", "hello-again")  # the baseline, measured before and after the pages
HEADER = (
    f"{'page':<44} {'requests/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'of hello':>8}  "
    f"{'count':>7}  responses"
)


def _baseline(results: dict[str, Result]) -> float:
    """Hello-world's requests/s: the mean of its runs so far (a drift in load hits both)."""
    runs = [results[key].rps for key in HELLO if key in results]
    return sum(runs) / len(runs) if runs else 0.0


def _format_row(page: Page, result: Result, baseline: float) -> str:
    share = f"{result.rps / baseline:.0%}" if baseline else "—"
    if result.bad:
        seen = ", ".join(f"{n} x {s}" for s, n in sorted(result.statuses.items()) if n)
        check = f"FAILED: {result.bad} bad ({seen}; {result.errors} connection errors)"
    else:
        check = "all 200"
    return (
        f"{page.label:<44} {result.rps:>10.1f} {result.p50_ms:>7.1f} {result.p99_ms:>7.1f} "
        f"{share:>8}  {result.requests:>7}  {check}"
    )


def _verdicts(pages: list[Page], results: dict[str, Result]) -> list[str]:
    def line(met: bool, failed: bool, text: str) -> str:
        return f"{'FAILED' if failed else 'MET   ' if met else 'MISSED'}  {text}"

    baseline = _baseline(results)
    hello_bad = any(results[key].bad for key in HELLO)
    labels = {page.key: page.label for page in pages}
    lines = []
    for key, target in SHARE_TARGETS.items():
        result = results[key]
        share = result.rps / baseline if baseline else 0.0
        lines.append(
            line(
                share >= target,
                bool(result.bad) or hello_bad,
                f"{labels[key]}: {result.rps:.0f} requests/s = {share:.0%} of hello-world "
                f"({baseline:.0f}/s; target: at least {target:.0%})",
            )
        )
    measured = [key for key in results if key not in HELLO]
    each = ", ".join(f"{key} {results[key].p99_ms:.1f}" for key in measured)
    lines.append(
        line(
            max(results[key].p99_ms for key in measured) <= P99_TARGET_MS,
            any(results[key].bad for key in measured),
            f"p99 of all three pages at most {P99_TARGET_MS:.0f} ms ({each} ms)",
        )
    )
    return lines


# Main --------------------------------------------------------------------------------------


def _generator() -> tuple[str | None, str]:
    wrk = shutil.which("wrk")
    if wrk is None:
        return None, (
            f"Python (http.client, {PROCESSES} processes x {CONNECTIONS // PROCESSES} threads; "
            "wrk not found: apt-get install wrk)"
        )
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True)
    version = (done.stdout + done.stderr).split("Copyright")[0].strip() or "wrk"
    return wrk, f"{version} ({WRK_THREADS} threads, --latency) at {wrk}"


def _pages(hello: int, app: int, hood: int, booked: int, env: dict[str, str]) -> list[Page]:
    """Hello-world first and last, the three pages in between; sessions from the login form.

    Each page's marker is what it must show: the logout button (logged in), the newest
    transfer booked for the benchmark, a link to a member's statement.
    """
    resident, coordinator = _login(app, RESIDENT, env), _login(app, COORDINATOR, env)
    members = f"/tijdbank/beheer/buurt/{hood}/leden"
    logged_in = 'action="/uitloggen"'
    newest = _description(booked) if booked else logged_in
    member_link = 'href="/tijdbank/beheer/leden/'  # to a listed member's statement

    def hello_world(key: str, label: str) -> Page:
        return Page(key, label, hello, "/", marker="Hallo, buurt!")

    return [
        hello_world("hello", "hello-world /"),
        Page("home", "home / (resident)", app, "/", resident, marker=logged_in),
        Page("statement", "statement /tijdbank/ (resident)", app, "/tijdbank/", resident, newest),
        Page("members", f"members {members}", app, members, coordinator, member_link),
        hello_world("hello-again", "hello-world / (again)"),
    ]


def _measure(
    tmp: Path, seconds: int, wrk: str | None, servers: list[Server], pool: Any
) -> tuple[list[Page], dict[str, Result]]:
    env = _env(tmp)
    print("scratch town: db upgrade, demo ...", flush=True)
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "--password", PASSWORD)
    booked, hood, members = _fill_statement(env)
    print(
        f"  {RESIDENT}: {STATEMENT_TRANSFERS} transfers on the statement ({booked} booked "
        f"now); member list of neighbourhood {hood} ({members} members)",
        flush=True,
    )
    servers.append(_start_gunicorn("hello", "bench.hello:app", env, tmp))
    servers.append(_start_gunicorn("buurthulp", "buurthulp:create_app()", env, tmp))
    for server in servers:
        _wait_ready(server)
    pages = _pages(servers[0].port, servers[1].port, hood, booked, env)
    script = tmp / "count-statuses.lua"
    script.write_text(_WRK_SCRIPT)
    results: dict[str, Result] = {}
    print(HEADER, flush=True)
    for page in pages:
        _warm_up(page)
        if wrk:
            results[page.key] = _run_wrk(wrk, page, seconds, script)
        else:
            results[page.key] = _run_python(pool, page, seconds)
        print(_format_row(page, results[page.key], _baseline(results)), flush=True)
    for server in servers:
        if server.proc.poll() is not None:
            raise BenchFailed(f"gunicorn ({server.name}) died:\n{_tail(server.log)}")
    return pages, results


def main(quick: bool = False) -> int:
    """Run the web benchmark, print the table and verdicts; 1 when a page was not 200.

    A missed speed target is reported, not failed: a shared machine's load moves it.
    """
    started = time.perf_counter()
    seconds = QUICK_DURATION if quick else DURATION
    wrk, generator = _generator()
    load_before = loadavg()
    print(
        f"web benchmark: gunicorn {WORKERS} {WORKER_CLASS} workers per app, {CONNECTIONS} "
        f"connections, {seconds} s per page, {os.cpu_count()} CPU cores, "
        f"load average {load_before}"
    )
    print(f"load generator: {generator}")
    servers: list[Server] = []
    pool = None
    try:
        with tempfile.TemporaryDirectory(prefix="buurthulp-bench-web-") as tmpdir:
            try:
                if wrk is None:
                    pool = mp.get_context("spawn").Pool(PROCESSES)
                    pool.map(_ready, range(PROCESSES))  # started and imported before timing
                pages, results = _measure(Path(tmpdir), seconds, wrk, servers, pool)
            finally:
                if pool is not None:
                    pool.terminate()
                    pool.join()
                for server in servers:
                    _stop(server)
    except BenchFailed as failure:
        print(f"\nFAILED: {failure}")
        print(f"load average {load_before} before, {loadavg()} after")
        return 1
    baseline = _baseline(results)
    print(f"\nshare of hello-world = requests/s / {baseline:.0f} (the mean of its two runs)")
    print(HEADER)
    for page in pages:
        print(_format_row(page, results[page.key], baseline))
    print()
    print(f"targets (requests/s as a share of hello-world; p99 at most {P99_TARGET_MS:.0f} ms)")
    for line in _verdicts(pages, results):
        print(line)
    print(
        f"\nload average {load_before} before, {loadavg()} after; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    return 1 if any(result.bad for result in results.values()) else 0
