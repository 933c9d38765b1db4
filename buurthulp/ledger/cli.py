"""`flask ledger ...`: check the ledger's invariants, print its size and totals."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup

from buurthulp.ledger import services
from buurthulp.ledger.journal import write_journal
from buurthulp.ledger.verify import counts, verify

ledger_cli = AppGroup("ledger", help="The time bank: check and summarise the ledger.")


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


@ledger_cli.command("verify")
def verify_command() -> None:
    """Check every ledger invariant; exit 0 when all hold, 1 listing the violations."""
    started = time.perf_counter()
    problems = verify()
    size = counts()
    took = time.perf_counter() - started
    summary = (
        f"{_count(size['transfers'], 'transfer')}, {_count(size['entries'], 'entry', 'entries')}, "
        f"{_count(size['accounts'], 'account')} checked in {took:.2f} s"
    )
    if problems:
        found = _count(len(problems), "violation")
        click.echo(f"ledger verify: {found} found ({summary}):", err=True)
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    click.echo(f"ledger verify: OK, all invariants hold ({summary}).")


@ledger_cli.command("export")
@click.option(
    "--journal",
    "journal",
    is_flag=True,
    required=True,
    help="As an hledger journal (the only format so far).",
)
@click.option(
    "--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File (default: -)."
)
def export_command(journal: bool, output: click.utils.LazyFile) -> None:
    """Write the ledger as an hledger journal: check it with `hledger -f FILE balance`."""
    write_journal(output)


@ledger_cli.command("stats")
def stats_command() -> None:
    """Transfers and minutes per kind."""
    size = counts()
    click.echo(
        f"accounts {size['accounts']}, transfers {size['transfers']}, entries {size['entries']}"
    )
    for kind, number, minutes in services.totals_by_kind():
        click.echo(f"{kind:<11} {number:>8} transfers {minutes:>12} minutes")
