"""Ledger benchmark: confirmed transfers per second, a same-run baseline, verify on 1M entries.

For SQLite (a file in a temporary directory, the app's own pragmas: WAL, synchronous=FULL,
BEGIN IMMEDIATE) and PostgreSQL (the test suite's server: a running one or a throwaway
cluster, see tests/support/pgserver.py), in scratch databases:

1. `book_match_payment` through the service layer from 1, 4 and 16 client processes, each
   with its own app and engine; afterwards `verify()` must pass and the number of transfers
   must be exactly what was asked (no lost or doubled transfer);
2. the baseline: the same number of bare transactions inserting two rows each, with the same
   engine and connection settings (the database's limit for this shape of work);
3. `verify()` on 1,000,000 entries (500,000 transfers bulk-loaded).

The machine may be shared, so each client count runs REPEATS rounds of service and baseline
in ABBA order with the same client processes, and the table shows medians (and the ratio of
each round). It ends with one verdict line per target of issues 4 and 10 and the load average.
Exit status 1 only when the ledger was wrong; a missed speed target is reported, not failed.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.ledger_large import verify_large
from bench.ledger_report import Row, format_row, loadavg, verdicts

CLIENTS = (1, 4, 16)
TRANSFERS = 1600  # per run; divisible by every client count
BULK_TRANSFERS = 500_000
MEMBERS = 32
WARMUP = 3  # untimed transfers per client before the clock starts
REPEATS = 3  # rounds of service + baseline per client count; the median is reported
WIDE = 100_000  # limits wide enough that 1-minute transfers never hit them


def _config(url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "bench-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_ENABLED": False,
        "BUURTHULP_MAIL_BACKEND": "outbox",
        "BUURTHULP_GEOCODER": "offline",
        "SERVER_NAME": "bench.test",
    }


def _app(url: str) -> Any:
    from buurthulp import create_app

    return create_app(_config(url))


def _prepare(url: str) -> list[int]:
    """Schema, one neighbourhood with wide limits, MEMBERS residents; their ids."""
    from buurthulp.accounts.services import create_member
    from buurthulp.auth.permissions import CLI
    from buurthulp.extensions import db
    from buurthulp.neighbourhoods.services import save_neighbourhood

    app = _app(url)
    with app.test_request_context():
        db.create_all()
        from sqlalchemy import text

        serial = "SERIAL" if db.engine.dialect.name == "postgresql" else "INTEGER"
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    f"CREATE TABLE bench_pair (id {serial} PRIMARY KEY, "
                    "transfer_no INTEGER NOT NULL, account_id INTEGER NOT NULL, "
                    "minutes INTEGER NOT NULL, balance_after INTEGER NOT NULL)"
                )
            )
        hood = save_neighbourhood(
            actor=CLI,
            name="Benchbuurt",
            pc4_codes=["6511"],
            default_lower_limit=-WIDE,
            default_upper_limit=WIDE,
        )
        ids = [
            create_member(
                display_name=f"Buur {n}",
                email=None,
                password=None,
                neighbourhood=hood,
            ).id
            for n in range(MEMBERS)
        ]
        db.session.remove()
        db.engine.dispose()
    return ids


# Each client process runs every phase of one client count: warm-up, then REPEATS rounds of
# service and baseline (in ABBA order, so a drift in machine load hits both alike). Clients
# start once per client count, not per phase: starting 16 apps would otherwise dominate.
PHASES = tuple(
    kind
    for rep in range(REPEATS)
    for kind in (("service", "baseline") if rep % 2 == 0 else ("baseline", "service"))
)
_PHASE_TIMEOUT = 300  # seconds for a barrier: app start-up on a loaded machine included


def _match_id(run_no: int, phase_no: int, client_no: int, n: int) -> int:
    """A match id unique in the database for every transfer the benchmark books."""
    return ((run_no * 16 + phase_no) * 100 + client_no) * 10_000 + n + 1


def _client(
    url: str,
    member_ids: list[int],
    run_no: int,
    client_no: int,
    count: int,
    barrier: Any,
    results: Any,
) -> None:
    """One client process: its own app, engine and connection, through every phase."""
    from sqlalchemy import select, text

    from buurthulp import db as dbmod
    from buurthulp.auth.models import Member
    from buurthulp.extensions import db
    from buurthulp.ledger.services import book_match_payment

    app = _app(url)
    rng = random.Random(client_no)
    with app.test_request_context():
        found = db.session.scalars(select(Member).where(Member.id.in_(member_ids)))
        members = {m.id: m for m in found}
        pairs = [rng.sample(member_ids, 2) for _ in range(count)]
        insert = text(
            "INSERT INTO bench_pair (transfer_no, account_id, minutes, balance_after) "
            "VALUES (:t, :a, :m, :b)"
        )

        def baseline(n: int, payer: int, payee: int) -> None:
            token = dbmod._sqlite_begin.set("BEGIN IMMEDIATE")  # as transaction() does
            try:
                with db.engine.begin() as conn:
                    conn.execute(
                        insert,
                        [
                            {"t": n, "a": payer, "m": -1, "b": 0},
                            {"t": n, "a": payee, "m": 1, "b": 0},
                        ],
                    )
            finally:
                dbmod._sqlite_begin.reset(token)

        def service(match_id: int, payer: int, payee: int) -> None:
            booking = book_match_payment(
                match_id, members[payer], members[payee], 1, "bench", members[payer]
            )
            assert booking.created

        # Warm-up, untimed: compile and cache the statements, fill the pool.
        for n in range(WARMUP):
            service(_match_id(run_no, len(PHASES), client_no, n), *pairs[n])
            baseline(n, *pairs[n])
        db.session.rollback()
        for phase_no, phase in enumerate(PHASES):
            barrier.wait(timeout=_PHASE_TIMEOUT)
            started = time.perf_counter()
            for n, (payer, payee) in enumerate(pairs):
                if phase == "service":
                    service(_match_id(run_no, phase_no, client_no, n), payer, payee)
                else:
                    baseline(n, payer, payee)
            results.put((phase_no, client_no, time.perf_counter() - started))
        db.session.remove()
        db.engine.dispose()


def _measure(url: str, member_ids: list[int], run_no: int, clients: int) -> dict[str, list]:
    """Wall-clock seconds of each phase (TRANSFERS spread over `clients` processes)."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(clients + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_client,
            args=(url, member_ids, run_no, n, TRANSFERS // clients, barrier, results),
        )
        for n in range(clients)
    ]
    for proc in procs:
        proc.start()

    def failed() -> RuntimeError:
        for proc in procs:
            proc.kill()
        codes = [p.exitcode for p in procs]
        return RuntimeError(f"a benchmark client failed (exit codes {codes}); see above")

    seconds: dict[str, list[float]] = {"service": [], "baseline": []}
    for phase_no, phase in enumerate(PHASES):
        try:
            barrier.wait(timeout=_PHASE_TIMEOUT)
        except threading.BrokenBarrierError:
            raise failed() from None
        started = time.perf_counter()
        done = 0
        while done < clients:
            try:
                got_phase, _client_no, _took = results.get(timeout=1)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in procs):
                    raise failed() from None
                continue
            assert got_phase == phase_no, (got_phase, phase_no)
            done += 1
        seconds[phase].append(time.perf_counter() - started)
    for proc in procs:
        proc.join(timeout=60)
        if proc.exitcode != 0:
            raise failed()
    return seconds


def _check(url: str, expected_transfers: int) -> tuple[list[str], int]:
    from sqlalchemy import func, select

    from buurthulp.extensions import db
    from buurthulp.ledger.models import Transfer
    from buurthulp.ledger.verify import verify

    app = _app(url)
    with app.test_request_context():
        problems = verify()
        count = db.session.scalar(select(func.count(Transfer.id)))
        keys = db.session.scalar(select(func.count(func.distinct(Transfer.idempotency_key))))
        db.session.remove()
        db.engine.dispose()
    if count != expected_transfers or keys != expected_transfers:
        problems.append(f"expected {expected_transfers} transfers, found {count} ({keys} keys)")
    return problems, count


# Databases ---------------------------------------------------------------------------------


@dataclass
class Scratch:
    kind: str
    url: str
    drop: Any = None


def _scratch(kind: str, tmp: Path, name: str) -> Scratch | None:
    if kind == "sqlite":
        return Scratch(kind, f"sqlite:///{tmp / (name + '.sqlite3')}")
    from tests.support.pgserver import create_database, drop_database, postgres_admin_url

    admin = postgres_admin_url()
    if admin is None:
        return None
    url = create_database(admin, prefix=f"bench_{name}")
    return Scratch(kind, url, lambda: drop_database(admin, url))


def _pg_reason() -> str:
    from tests.support.pgserver import postgres_unavailable_reason

    return postgres_unavailable_reason()


def _flow(kind: str, url: str) -> list[Row]:
    members = _prepare(url)
    rows, booked = [], 0
    for run_no, clients in enumerate(CLIENTS):
        seconds = _measure(url, members, run_no, clients)
        booked += REPEATS * TRANSFERS + clients * WARMUP
        problems, count = _check(url, booked)
        service = [TRANSFERS / s for s in seconds["service"]]
        baseline = [TRANSFERS / s for s in seconds["baseline"]]
        rows.append(
            Row(
                kind,
                clients,
                statistics.median(service),
                statistics.median(baseline),
                [a / b for a, b in zip(service, baseline, strict=True)],
                problems,
                count,
            )
        )
        print(format_row(rows[-1]), flush=True)
    return rows


def main(quick: bool = False) -> int:
    """Run the benchmark, print the table and verdicts; 1 when the ledger was wrong.

    A missed speed target is reported, not failed: a shared machine's load moves it.
    """
    global TRANSFERS, BULK_TRANSFERS
    if quick:
        TRANSFERS, BULK_TRANSFERS = 160, 50_000
    started = time.perf_counter()
    rows: list[Row] = []
    skipped: list[str] = []
    verify_rows: list[str] = []
    verify_times: dict[str, tuple[float, list[str]]] = {}
    load_before = loadavg()
    print(
        f"ledger benchmark: {TRANSFERS} transfers per round, {REPEATS} rounds per client "
        f"count, {os.cpu_count()} CPU cores, load average {load_before}"
    )
    with tempfile.TemporaryDirectory(prefix="buurthulp-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for kind in ("sqlite", "postgresql"):
            scratch = _scratch(kind, tmp, "flow")
            if scratch is None:
                skipped.append(f"{kind:<11} skipped: {_pg_reason()}")
                print(skipped[-1], flush=True)
                continue
            try:
                rows += _flow(kind, scratch.url)
            finally:
                if scratch.drop:
                    scratch.drop()
            big = _scratch(kind, tmp, "million")
            try:
                _prepare(big.url)
                load, took, problems = verify_large(_app(big.url), BULK_TRANSFERS)
                verify_times[kind] = (took, problems)
                verify_rows.append(
                    f"{kind:<11} {2 * BULK_TRANSFERS:>9} entries: loaded in {load:5.1f} s, "
                    f"verify {took:5.2f} s, {'ok' if not problems else 'FAILED'}"
                )
                print(verify_rows[-1], flush=True)
            finally:
                if big.drop:
                    big.drop()
    print()
    print(
        f"transfers per second, median of {REPEATS} rounds; ratio = service / baseline "
        "(median of the per-round ratios, listed after it)"
    )
    print("database    clients  service/s  baseline/s  ratio  each round    check afterwards")
    for row in rows:
        print(format_row(row))
    for line in skipped:
        print(line)
    print()
    print("verify on a large ledger")
    for line in verify_rows:
        print(line)
    print()
    print("targets (issues 4 and 10)")
    for line in verdicts(rows, verify_times, 2 * BULK_TRANSFERS):
        print(line)
    print(
        f"\nload average {load_before} before, {loadavg()} after; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    wrong = any(row.problems for row in rows) or any(p for _t, p in verify_times.values())
    return 1 if wrong else 0
