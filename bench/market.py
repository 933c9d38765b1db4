"""Marketplace benchmark: feed and suggestions at town and country scale, same-run baselines.

In scratch databases, towns are bulk-loaded by `bench/market_town.py` (real PC4 centroids,
the app's own blur and H3 cells, interests, talents, open listings, open matches):

- the national case: 1,000, 10,000 and 100,000 residents spread over every Dutch PC4 area,
  one open listing per five residents, on SQLite; on PostgreSQL 100,000 and (unless
  `--quick`) 1,000,000 residents with 200,000 open listings;
- the dense case: 20,000 residents and 4,000 open listings inside Nijmegen, where
  thousands of neighbours live within a kilometre.

For each town, through the service layer (a fresh session per call, as a request has):
"suggestions for a request" (the request's owner asks), "first feed page" for a resident,
and the same with a search word ("boods", a part of a word). The baseline is naive, measured
in the same run on the same database: every open listing (or every resident) loaded, geopy's
geodesic distance to each, sorted. Figures: p50 and p99 in ms, the ratio naive p50 / our p50,
and how our p99 grows from 1,000 to 100,000 residents.

Then the feed page over HTTP: gunicorn with 2 workers serves the app on the dense town and
`bench/hello.py` with the same settings (the machinery of `bench/web.py`); the page's
requests per second as a share of hello-world, and the resident memory of each app worker
after serving it with the 100,000-resident town.

Targets (issue 11): p99 under 25 ms for both at 100,000 residents on SQLite, under 50 ms in
the dense case and at 1,000,000 on PostgreSQL; at least 50x faster than the naive baseline;
at most 2x slower at 100,000 than at 1,000 residents; the feed page at least 15% of
hello-world. A missed target is reported, not failed.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.ledger import Scratch, _pg_reason, _scratch
from bench.ledger_report import loadavg
from bench.market_town import BLUR_KEY, Town, build_town

NATIONAL = (1_000, 10_000, 100_000)
PG_NATIONAL = (100_000, 1_000_000)
LISTING_SHARE = 5  # one open listing per this many residents
DENSE = (20_000, 4_000)
CALLS = 200  # timed calls per operation (after WARMUP)
WARMUP = 10
NAIVE_CALLS = 5  # the naive baseline takes seconds per call on big towns
SEARCH_WORD = "boods"  # part of "boodschappen": the partial-word search
WEB_SECONDS = 10


@dataclass
class Timing:
    town: str
    op: str
    ours: list[float]
    naive: list[float] = field(default_factory=list)

    def p(self, share: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.ours if values is None else values)
        index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
        return ordered[index] * 1000

    @property
    def ratio(self) -> float | None:
        if not self.naive:
            return None
        return statistics.median(self.naive) / statistics.median(self.ours)


def _config(url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "bench-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_ENABLED": False,
        "BUURTHULP_MAIL_BACKEND": "outbox",
        "BUURTHULP_GEOCODER": "offline",
        "BUURTHULP_BLUR_KEY": BLUR_KEY,
        "SERVER_NAME": "bench.test",
    }


def _app(url: str) -> Any:
    from buurthulp import create_app

    return create_app(_config(url))


def _nijmegen() -> list[str]:
    from buurthulp.geo import pc4_table

    return sorted(r.pc4 for r in pc4_table() if r.place == "Nijmegen")


def _everywhere() -> list[str]:
    from buurthulp.geo import pc4_table

    return sorted(r.pc4 for r in pc4_table())


def _build(url: str, name: str, residents: int, listings: int, pc4s: list[str]) -> Town:
    from buurthulp.extensions import db

    started = time.perf_counter()
    app = _app(url)
    with app.app_context():
        db.create_all()
        town = build_town(name, residents=residents, listings=listings, pc4s=pc4s)
        db.session.remove()
        db.engine.dispose()
    print(
        f"  built {name}: {residents:,} residents, {listings:,} listings in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return town


def _timed(calls: list[Callable[[], object]]) -> list[float]:
    """Each call in a fresh session (as a request has); the seconds each took."""
    from buurthulp.extensions import db

    took = []
    for call in calls:
        db.session.remove()
        prepared = call()  # loads what the call needs (the actor), untimed
        start = time.perf_counter()
        prepared()  # type: ignore[operator]
        took.append(time.perf_counter() - start)
    db.session.remove()
    return took


def _measure_town(url: str, town: Town, *, naive: bool = True) -> list[Timing]:
    from geopy.distance import geodesic
    from sqlalchemy import or_, select

    from buurthulp.auth.models import Member, RoleAssignment
    from buurthulp.extensions import db
    from buurthulp.listings.models import Listing
    from buurthulp.matching.feed import PAGE_SIZE, feed
    from buurthulp.matching.suggestions import LIMIT, suggestions
    from buurthulp.models_base import utcnow

    rng = random.Random(7)
    app = _app(url)
    results = []
    with app.test_request_context():
        owners = dict(
            db.session.execute(
                select(Listing.id, Listing.owner_id).where(
                    Listing.id.in_(rng.sample(town.request_ids, min(len(town.request_ids), 400)))
                )
            ).all()
        )
        requests = list(owners.items())
        readers = rng.sample(town.member_ids, min(len(town.member_ids), 400))

        def asking(pick: int) -> Callable[[], Callable[[], object]]:
            listing_id, owner_id = requests[pick % len(requests)]

            def prepare() -> Callable[[], object]:
                actor = db.session.get(Member, owner_id)
                return lambda: suggestions(listing_id, actor=actor)

            return prepare

        def reading(pick: int, q: str | None = None) -> Callable[[], Callable[[], object]]:
            member_id = readers[pick % len(readers)]

            def prepare() -> Callable[[], object]:
                member = db.session.get(Member, member_id)
                return lambda: feed(member, q=q)

            return prepare

        ops: dict[str, Callable[[int], Callable[[], Callable[[], object]]]] = {
            "suggestions": asking,
            "feed": reading,
            "feed + search": lambda pick: reading(pick, SEARCH_WORD),
        }
        for op, make in ops.items():
            _timed([make(n) for n in range(WARMUP)])
            results.append(Timing(town.name, op, _timed([make(n) for n in range(CALLS)])))

        if naive:
            now = utcnow()

            def naive_feed(pick: int, q: str | None) -> Callable[[], Callable[[], object]]:
                member_id = readers[pick % len(readers)]

                def prepare() -> Callable[[], object]:
                    member = db.session.get(Member, member_id)

                    def run() -> object:
                        here = (member.home_lat, member.home_lon)
                        query = select(Listing).where(
                            Listing.status == "open",
                            or_(Listing.expires_at.is_(None), Listing.expires_at > now),
                            Listing.owner_id != member.id,
                        )
                        found = []
                        for listing in db.session.scalars(query):
                            if q and q not in f"{listing.title} {listing.description}".lower():
                                continue
                            metres = geodesic(here, (listing.lat, listing.lon)).meters
                            if metres <= 5000:
                                found.append((metres, listing.id))
                        return sorted(found)[:PAGE_SIZE]

                    return run

                return prepare

            def naive_asking(pick: int) -> Callable[[], Callable[[], object]]:
                listing_id, owner_id = requests[pick % len(requests)]

                def prepare() -> Callable[[], object]:
                    listing = db.session.get(Listing, listing_id)

                    def run() -> object:
                        here = (listing.lat, listing.lon)
                        query = select(Member).where(
                            Member.status == "active",
                            Member.id != owner_id,
                            Member.roles.any(RoleAssignment.role == "resident"),
                        )
                        found = []
                        for member in db.session.scalars(query):
                            metres = geodesic(here, (member.public_lat, member.public_lon)).meters
                            if metres <= 3000:
                                found.append((metres, member.id))
                        return sorted(found)[:LIMIT]

                    return run

                return prepare

            naive_ops = {
                "suggestions": naive_asking,
                "feed": lambda pick: naive_feed(pick, None),
                "feed + search": lambda pick: naive_feed(pick, SEARCH_WORD),
            }
            for timing in results:
                make = naive_ops[timing.op]
                timing.naive = _timed([make(n) for n in range(NAIVE_CALLS)])
    with app.app_context():
        db.engine.dispose()
    return results


HEADER = (
    f"{'town':<34} {'operation':<14} {'p50 ms':>8} {'p99 ms':>8} {'naive p50':>10} {'faster':>8}"
)


def _row(timing: Timing) -> str:
    naive = f"{statistics.median(timing.naive) * 1000:10.0f}" if timing.naive else f"{'-':>10}"
    ratio = f"{timing.ratio:7.0f}x" if timing.ratio else f"{'-':>8}"
    p50, p99 = timing.p(0.5), timing.p(0.99)
    return f"{timing.town:<34} {timing.op:<14} {p50:8.1f} {p99:8.1f} {naive} {ratio}"


def _run_case(
    kind: str, tmp: Path, name: str, residents: int, listings: int, pc4s: list[str], **kw: Any
) -> tuple[list[Timing], Scratch | None]:
    scratch = _scratch(kind, tmp, name.replace(" ", "_").replace(",", ""))
    if scratch is None:
        return [], None
    town = _build(scratch.url, name, residents, listings, pc4s)
    timings = _measure_town(scratch.url, town, **kw)
    for timing in timings:
        print(_row(timing), flush=True)
    return timings, scratch


def _web(tmp: Path, url: str, label: str) -> list[str]:
    """The feed page through gunicorn against hello-world; the app workers' memory."""
    from bench import web
    from buurthulp.auth.models import Member
    from buurthulp.auth.passwords import hash_password
    from buurthulp.extensions import db

    app = _app(url)
    email = "bench-reader@example.org"
    with app.test_request_context():
        from sqlalchemy import select, update

        reader = db.session.scalar(
            select(Member.id).where(Member.neighbourhood_id.is_not(None)).order_by(Member.id)
        )
        db.session.execute(
            update(Member)
            .where(Member.id == reader)
            .values(email=email, password_hash=hash_password(web.PASSWORD))
        )
        db.session.commit()
        db.engine.dispose()
    env = web._env(tmp)
    env["DATABASE_URL"] = url
    env["BUURTHULP_BLUR_KEY"] = BLUR_KEY
    servers: list[web.Server] = []
    wrk, generator = web._generator()
    lines = [f"feed page over HTTP ({label}); load generator: {generator}"]
    pool = None
    try:
        servers.append(web._start_gunicorn("hello", "bench.hello:app", env, tmp))
        servers.append(web._start_gunicorn("buurthulp", "buurthulp:create_app()", env, tmp))
        for server in servers:
            web._wait_ready(server)
        cookie = web._login(servers[1].port, email, env)
        pages = [
            web.Page("hello", "hello-world /", servers[0].port, "/", marker="Hallo, buurt!"),
            web.Page("feed", "feed /hulp/ (resident)", servers[1].port, "/hulp/", cookie),
            web.Page("hello-again", "hello-world / (again)", servers[0].port, "/"),
        ]
        script = tmp / "count-statuses.lua"
        script.write_text(web._WRK_SCRIPT)
        if wrk is None:
            import multiprocessing as mp

            pool = mp.get_context("spawn").Pool(web.PROCESSES)
            pool.map(web._ready, range(web.PROCESSES))
        results = {}
        for page in pages:
            web._warm_up(page)
            if wrk:
                results[page.key] = web._run_wrk(wrk, page, WEB_SECONDS, script)
            else:
                results[page.key] = web._run_python(pool, page, WEB_SECONDS)
        baseline = web._baseline(results)
        lines.append(web.HEADER)
        lines += [web._format_row(page, results[page.key], baseline) for page in pages]
        share = results["feed"].rps / baseline
        lines.append(f"feed page: {share:.0%} of hello-world (target: at least 15%)")
        lines.append(f"app worker memory (RSS): {', '.join(_worker_rss(servers[1]))}")
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        for server in servers:
            web._stop(server)
    return lines


def _web_or_why(tmp: Path, url: str, label: str) -> list[str]:
    """The HTTP part, or one line saying why it could not run: the service figures above
    stand on their own."""
    from bench import web

    try:
        return _web(tmp, url, label)
    except (web.BenchFailed, OSError) as failure:
        return [f"feed page over HTTP ({label}): FAILED: {failure}"]


def _worker_rss(server: Any) -> list[str]:
    """Resident memory of each gunicorn worker (children of the master), in MiB."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(server.proc.pid):
            kib = int(fields.get("VmRSS", "0 kB").split()[0])
            found.append(f"{kib / 1024:.0f} MiB")
    return found or ["unknown"]


def _residents(town: str) -> int:
    """The number of residents in a town's name ("SQLite national 100,000")."""
    return int(town.rsplit(" ", 1)[-1].replace(",", ""))


def _verdicts(timings: list[Timing], web_shares: list[str]) -> list[str]:
    def find(town: str, op: str) -> Timing | None:
        return next((t for t in timings if t.town == town and t.op == op), None)

    out = []

    def verdict(ok: bool, text: str) -> None:
        out.append(f"{'MET   ' if ok else 'MISSED'}  {text}")

    for town, limit in (
        ("SQLite national 100,000", 25),
        ("SQLite dense Nijmegen 20,000", 50),
        ("PostgreSQL national 1,000,000", 50),
    ):
        for op in ("suggestions", "feed", "feed + search"):
            t = find(town, op)
            if t is not None:
                verdict(t.p(0.99) < limit, f"{town}, {op}: p99 {t.p(0.99):.1f} ms < {limit} ms")
    # At the sizes (20,000 residents and up): on a town of 1,000 the naive way has
    # next to nothing to load, and nothing to beat.
    at_scale = [t for t in timings if t.ratio and _residents(t.town) >= 20_000]
    for timing in sorted(at_scale, key=lambda t: t.ratio or 0)[:3]:
        verdict(
            (timing.ratio or 0) >= 50,
            f"{timing.town}, {timing.op}: {timing.ratio:.0f}x the naive baseline (at least 50x)",
        )
    for op in ("suggestions", "feed", "feed + search"):
        small, big = find("SQLite national 1,000", op), find("SQLite national 100,000", op)
        if small and big:
            growth = big.p(0.99) / small.p(0.99)
            verdict(
                growth <= 2, f"{op}: p99 at 100,000 is {growth:.1f}x that at 1,000 (at most 2x)"
            )
    return out + web_shares


def main(quick: bool = False) -> int:
    """Build the towns, measure, print the table and the verdicts."""
    global CALLS
    if quick:
        CALLS = 50
    started = time.perf_counter()
    load_before = loadavg()
    print(
        f"marketplace benchmark: {CALLS} calls per operation, {NAIVE_CALLS} naive ones, "
        f"{os.cpu_count()} CPU cores, load average {load_before}",
        flush=True,
    )
    everywhere, nijmegen = _everywhere(), _nijmegen()
    timings: list[Timing] = []
    web_lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="buurthulp-bench-market-") as tmpdir:
        tmp = Path(tmpdir)
        print(HEADER, flush=True)
        for residents in NATIONAL[:2] if quick else NATIONAL:
            name = f"SQLite national {residents:,}"
            found, scratch = _run_case(
                "sqlite", tmp, name, residents, residents // LISTING_SHARE, everywhere
            )
            timings += found
            if residents == 100_000 and scratch is not None and not quick:
                web_lines += _web_or_why(tmp, scratch.url, "SQLite national 100,000")
        dense_name = f"SQLite dense Nijmegen {DENSE[0]:,}"
        found, dense = _run_case("sqlite", tmp, dense_name, *DENSE, nijmegen)
        timings += found
        if dense is not None:
            web_lines += _web_or_why(tmp, dense.url, dense_name)
        for residents in PG_NATIONAL[:1] if quick else PG_NATIONAL:
            name = f"PostgreSQL national {residents:,}"
            found, scratch = _run_case(
                "postgresql",
                tmp,
                name,
                residents,
                residents // LISTING_SHARE,
                everywhere,
                naive=residents <= 100_000,
            )
            if scratch is None:
                print(f"PostgreSQL skipped: {_pg_reason()}", flush=True)
                break
            timings += found
            if scratch.drop:
                scratch.drop()
    print()
    for line in web_lines:
        print(line)
    print("\ntargets")
    for line in _verdicts(timings, []):
        print(line)
    print(
        f"\nload average {load_before} before, {loadavg()} after; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    return 0
