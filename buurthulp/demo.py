"""`flask demo`: a believable Nijmegen to try Buurthulp with (filled in below)."""

from __future__ import annotations

import click


@click.command("demo")
@click.option("--password", default=None)
@click.option("--if-empty", is_flag=True)
def demo_command(password: str | None, if_empty: bool) -> None:
    """Fill an empty database with a demo town and print the logins."""
    click.echo("demo: not yet")
