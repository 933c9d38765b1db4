"""`flask outbox send [--watch]`: deliver queued mail, each row exactly once."""

from __future__ import annotations

import signal
import time
from types import FrameType

import click
from flask.cli import AppGroup

from buurthulp.extensions import db
from buurthulp.outbox import services

outbox_cli = AppGroup("outbox", help="Outgoing mail: deliver what is queued.")


@outbox_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep running as a worker, delivering as mail comes.")
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1, max=3600),
    help="Seconds between passes with --watch.",
)
@click.option("--batch", default=services.BATCH, show_default=True, type=click.IntRange(1, 1000))
def send_command(watch: bool, interval: float, batch: int) -> None:
    """Deliver every due mail once; failed ones are retried later with a growing pause."""
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    if watch:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    while True:
        report = services.send_pass(batch=batch)
        db.session.remove()
        if report.total or not watch:
            click.echo(
                f"outbox: {report.sent} sent, {report.retried} to retry later, "
                f"{report.dead} given up"
            )
        for error in report.errors:
            click.echo(f"  {error}", err=True)
        if not watch or stopping:
            return
        waited = 0.0
        while waited < interval and not stopping:
            time.sleep(min(0.2, interval))
            waited += 0.2
        if stopping:
            return
