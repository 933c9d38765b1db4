"""`flask notifications digest`: the daily digest mails (run from cron or a systemd timer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Notifications by mail.")


@notifications_cli.command("digest")
def digest_command() -> None:
    """Queue today's digest for everyone who has something to hear (then the outbox sends)."""
    from buurthulp.notifications.digest import send_digests

    click.echo(f"digests queued: {send_digests()}")
