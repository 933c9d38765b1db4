"""Part of the ledger benchmark: the rows it measures, how they print, and the verdicts."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


@dataclass
class Row:
    """One database and client count: medians over REPEATS rounds, and the check after."""

    kind: str
    clients: int
    service: float  # transfers per second, median
    baseline: float
    ratios: list[float]  # service / baseline per round, in round order
    problems: list[str]
    booked: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)


def format_row(row: Row) -> str:
    each = "/".join(f"{r:.0%}" for r in row.ratios)
    check = "ok" if not row.problems else "FAILED: " + "; ".join(row.problems[:3])
    return (
        f"{row.kind:<11} {row.clients:>7} {row.service:>10.0f} {row.baseline:>11.0f} "
        f"{row.ratio:>6.0%}  {each:<13} {check} ({row.booked} transfers in total)"
    )


# Issue 10: one write path through transaction(); a time bank books per minute, not thousands
# a second, so the single path must stay within a third of the database's own limit.
TARGET_ONE_CLIENT = 0.30


def verdicts(
    rows: list[Row], verify_times: dict[str, tuple[float, list[str]]], entries: int
) -> list[str]:
    def line(met: bool, text: str) -> str:
        return f"{'MET   ' if met else 'MISSED'}  {text}"

    lines = []
    for row in rows:
        if row.clients == 1:
            lines.append(
                line(
                    row.ratio >= TARGET_ONE_CLIENT,
                    f"{row.kind}: 1 client books at {row.ratio:.0%} of the baseline "
                    f"(target: at least {TARGET_ONE_CLIENT:.0%}, one write path)",
                )
            )
        if row.clients == max(r.clients for r in rows):
            lines.append(
                line(
                    not row.problems,
                    f"{row.kind}: {row.clients} clients, no lost or doubled transfer and "
                    f"verify clean ({row.booked} booked, as asked)"
                    if not row.problems
                    else f"{row.kind}: {row.clients} clients: " + "; ".join(row.problems[:3]),
                )
            )
    for kind, (took, problems) in verify_times.items():
        lines.append(
            line(
                took < 10 and not problems,
                f"{kind}: verify on {entries:,} entries took {took:.2f} s "
                f"(target: under 10 s){'' if not problems else ', FAILED: ' + problems[0]}",
            )
        )
    return lines
