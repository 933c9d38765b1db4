"""The marketplace's commands: `flask listings tick` (what the clock does, every hour) and
`flask notifications digest` (the daily digest mails), both for cron or a systemd timer."""

from __future__ import annotations

import click
from flask.cli import AppGroup

listings_cli = AppGroup("listings", help="The marketplace: what the clock does.")
notifications_cli = AppGroup("notifications", help="Notifications by mail.")


@listings_cli.command("tick")
def tick_command() -> None:
    """Reminders (a listing ends, a match waits, an activity is tomorrow, a VOG lapses),
    "still on?" questions, and matches confirmed by themselves after 14 days: every job a
    feature registered (`buurthulp.jobs`). Run it every hour."""
    from buurthulp.jobs import run_jobs

    for what, count in run_jobs().items():
        click.echo(f"{what}: {count}")


@notifications_cli.command("digest")
def digest_command() -> None:
    """Queue today's digest for everyone who has something to hear (then the outbox sends)."""
    from buurthulp.matching.digest import send_digests

    click.echo(f"digests queued: {send_digests()}")
