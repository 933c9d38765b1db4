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
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CLIENTS = (1, 4, 16)
TRANSFERS = 1600  # per run; divisible by every client count
BULK_TRANSFERS = 500_000
MEMBERS = 32
WARMUP = 3  # untimed transfers per client before the clock starts
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
    from buurthulp.auth.services import create_member
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
            actor=None,
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


def _client(
    url: str,
    member_ids: list[int],
    run_no: int,
    client_no: int,
    count: int,
    baseline: bool,
    barrier: Any,
    results: Any,
) -> None:
    """One client process: its own app, engine and connection."""
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

        def one(n: int, payer: int, payee: int) -> None:
            if baseline:
                token = dbmod._sqlite_begin.set("BEGIN IMMEDIATE")  # same as transaction()
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
            else:
                match_id = run_no * 100_000_000 + client_no * 1_000_000 + n + 1
                booking = book_match_payment(
                    match_id, members[payer], members[payee], 1, "bench", members[payer]
                )
                assert booking.created

        for n in range(WARMUP):  # compile and cache the statements before the clock runs
            one(count + n, *pairs[n])
        db.session.rollback()
        barrier.wait()
        started = time.perf_counter()
        for n, (payer, payee) in enumerate(pairs):
            one(n, payer, payee)
        results.put((client_no, time.perf_counter() - started))
        db.session.remove()
        db.engine.dispose()


def _run(url: str, member_ids: list[int], clients: int, baseline: bool) -> float:
    """Wall-clock seconds for TRANSFERS transfers spread over `clients` processes."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(clients + 1)
    results = ctx.Queue()
    per_client = TRANSFERS // clients
    procs = [
        ctx.Process(
            target=_client,
            args=(url, member_ids, clients, n, per_client, baseline, barrier, results),
        )
        for n in range(clients)
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=300)
    started = time.perf_counter()
    done = 0
    while done < len(procs):
        try:
            results.get(timeout=1)
            done += 1
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in procs):
                for proc in procs:
                    proc.kill()
                raise RuntimeError("a benchmark client failed; see its traceback above") from None
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join(timeout=60)
        if proc.exitcode != 0:
            raise RuntimeError(f"a benchmark client failed (exit code {proc.exitcode})")
    return elapsed


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


# Bulk load for verify ----------------------------------------------------------------------


def _bulk_rows(
    account_ids: list[int], entered_by: int
) -> tuple[list[tuple], list[tuple], dict[int, int]]:
    rng = random.Random(7)
    balances = dict.fromkeys(account_ids, 0)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    transfers, entries = [], []
    entry_id = 0
    for t in range(1, BULK_TRANSFERS + 1):
        payer, payee = rng.sample(account_ids, 2)
        minutes = rng.randint(1, 60)
        balances[payer] -= minutes
        balances[payee] += minutes
        transfers.append((t, "thanks", payer, payee, minutes, "", entered_by, now))
        entries.append((entry_id + 1, t, payer, -minutes, balances[payer]))
        entries.append((entry_id + 2, t, payee, minutes, balances[payee]))
        entry_id += 2
    return transfers, entries, balances


def _verify_million(url: str) -> tuple[float, float, list[str]]:
    """Load 500,000 transfers (1,000,000 entries), then time verify(). (load s, verify s)."""
    from sqlalchemy import select, text

    from buurthulp.extensions import db
    from buurthulp.ledger.models import Account
    from buurthulp.ledger.verify import counts, verify

    app = _app(url)
    with app.test_request_context():
        accounts = list(db.session.scalars(select(Account.id).where(Account.kind == "member")))
        entered_by = db.session.scalar(text("SELECT MIN(id) FROM auth_member"))
        db.session.rollback()
        transfers, entries, balances = _bulk_rows(accounts, entered_by)
        started = time.perf_counter()
        t_cols = (
            "id, kind, payer_account_id, payee_account_id, minutes, description, "
            "entered_by_id, created_at"
        )
        e_cols = "id, transfer_id, account_id, minutes, balance_after"
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if db.engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY ledger_transfer ({t_cols}) FROM STDIN") as copy:
                    for row in transfers:
                        copy.write_row(row)
                with cursor.copy(f"COPY ledger_entry ({e_cols}) FROM STDIN") as copy:
                    for row in entries:
                        copy.write_row(row)
            else:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.executemany(
                    f"INSERT INTO ledger_transfer ({t_cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    transfers,
                )
                cursor.executemany(
                    f"INSERT INTO ledger_entry ({e_cols}) VALUES (?, ?, ?, ?, ?)", entries
                )
            param = "%s" if db.engine.dialect.name == "postgresql" else "?"
            cursor.executemany(
                f"UPDATE ledger_account SET balance = {param} WHERE id = {param}",
                [(b, a) for a, b in balances.items()],
            )
            if db.engine.dialect.name == "sqlite":
                cursor.execute("COMMIT")
            else:
                raw.commit()
            cursor.execute("ANALYZE")
            if db.engine.dialect.name == "postgresql":
                raw.commit()
        finally:
            raw.close()
        load = time.perf_counter() - started
        size = counts()
        assert size["entries"] == 2 * BULK_TRANSFERS, size
        started = time.perf_counter()
        problems = verify()
        took = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return load, took, problems


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


def main(quick: bool = False) -> int:
    global TRANSFERS, BULK_TRANSFERS
    if quick:
        TRANSFERS, BULK_TRANSFERS = 160, 50_000
    failed = False
    rows: list[str] = []
    verify_rows: list[str] = []
    print(f"ledger benchmark: {TRANSFERS} transfers per run, {os.cpu_count()} CPU cores")
    with tempfile.TemporaryDirectory(prefix="buurthulp-bench-") as tmpdir:
        tmp = Path(tmpdir)
        for kind in ("sqlite", "postgresql"):
            scratch = _scratch(kind, tmp, "flow")
            if scratch is None:
                rows.append(f"{kind:<11} skipped: {_pg_reason()}")
                continue
            try:
                members = _prepare(scratch.url)
                booked = 0
                for clients in CLIENTS:
                    service_s = _run(scratch.url, members, clients, baseline=False)
                    booked += TRANSFERS + clients * WARMUP
                    problems, count = _check(scratch.url, booked)
                    base_s = _run(scratch.url, members, clients, baseline=True)
                    service_rate, base_rate = TRANSFERS / service_s, TRANSFERS / base_s
                    verdict = "ok" if not problems else "FAILED: " + "; ".join(problems[:3])
                    failed |= bool(problems)
                    rows.append(
                        f"{kind:<11} {clients:>7} {TRANSFERS:>9} {service_rate:>10.0f} "
                        f"{base_rate:>11.0f} {service_rate / base_rate:>6.0%}  "
                        f"{verdict} ({count} transfers in total)"
                    )
                    print(rows[-1], flush=True)
            finally:
                if scratch.drop:
                    scratch.drop()
            big = _scratch(kind, tmp, "million")
            try:
                _prepare(big.url)
                load, took, problems = _verify_million(big.url)
                failed |= bool(problems)
                verify_rows.append(
                    f"{kind:<11} {2 * BULK_TRANSFERS:>9} entries: loaded in {load:5.1f} s, "
                    f"verify {took:5.2f} s, {'ok' if not problems else 'FAILED'}"
                )
                print(verify_rows[-1], flush=True)
            finally:
                if big.drop:
                    big.drop()
    print()
    print("database    clients transfers  service/s  baseline/s  ratio  verify afterwards")
    for row in rows:
        print(row)
    print()
    print("verify on a large ledger")
    for row in verify_rows:
        print(row)
    return 1 if failed else 0
