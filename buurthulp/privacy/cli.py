"""`flask retention run [--dry-run]` and `flask users erase EMAIL --yes` (see the shared API
contract): thin over `privacy.retention` and `privacy.erasure`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from buurthulp.auth.permissions import CLI
from buurthulp.auth.services import member_by_email
from buurthulp.errors import BuurthulpError
from buurthulp.i18n import day
from buurthulp.privacy import retention
from buurthulp.privacy.erasure import erase

retention_cli = AppGroup("retention", help="Privacy: remove what is no longer needed.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be done; change nothing.")
def run_command(dry_run: bool) -> None:
    """Remove the texts of matches that ended long ago and of mail delivered a while ago;
    warn, then erase, unused accounts."""
    done = retention.run(dry_run=dry_run)
    verb = "would" if dry_run else "did"
    for thread in done.threads:
        click.echo(
            f"{verb} remove texts: match {thread.match_id} (ended {day(thread.ended_at)}, "
            f"{thread.messages} messages)"
        )
    for account in done.warnings:
        click.echo(
            f"{verb} warn: member {account.member_id} (last active {day(account.last_active_at)})"
        )
    for account in done.erasures:
        click.echo(
            f"{verb} erase: member {account.member_id} (last active "
            f"{day(account.last_active_at)}, warned {day(account.warned_at)})"
        )
    for failure in done.failed:
        click.echo(f"not done: {failure}", err=True)
    click.echo(
        f"retention {'dry run' if dry_run else 'run'}: {len(done.threads)} threads, "
        f"{len(done.warnings)} warnings, {len(done.erasures) - len(done.failed)} erasures, "
        f"{done.mails} mails emptied"
    )


@click.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Really erase: this cannot be undone.")
def erase_command(email: str, yes: bool) -> None:
    """Erase the member with EMAIL, as a coordinator would at their request."""
    if not yes:
        raise click.UsageError("erasing cannot be undone: add --yes to erase this member")
    member = member_by_email(email)
    if member is None:
        raise click.ClickException(f"no member with the e-mail address {email!r}")
    try:
        done = erase(member, actor=CLI, note="flask users erase")
    except BuurthulpError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"erased member {done.member_id}, now {done.pseudonym!r}: {done.summary()}")
