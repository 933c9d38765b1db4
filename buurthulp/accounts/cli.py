"""`flask users ...`: accounts from the command line (see shared API contract)."""

from __future__ import annotations

import time

import click
from flask import current_app
from sqlalchemy import select

from buurthulp.accounts import second_factor
from buurthulp.accounts.services import create_member
from buurthulp.auth import totp
from buurthulp.auth.roles import Role
from buurthulp.auth.services import member_by_email
from buurthulp.errors import BuurthulpError
from buurthulp.extensions import db
from buurthulp.neighbourhoods.models import Neighbourhood

users_cli = click.Group("users", help="Manage accounts.")


def _pick_neighbourhood(name: str | None) -> Neighbourhood | None:
    if name:
        found = db.session.scalar(
            select(Neighbourhood).where((Neighbourhood.name == name) | (Neighbourhood.slug == name))
        )
        if found is None:
            raise click.UsageError(f"unknown neighbourhood {name!r}")
        return found
    return None


@users_cli.command("create")
@click.argument("email")
@click.option("--name", "name", required=True, help="Display name.")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.RESIDENT.value,
    show_default=True,
)
@click.option("--postcode", default=None, help="Dutch postcode, e.g. 6511AB.")
@click.option("--house-number", default=None)
@click.option(
    "--neighbourhood",
    default=None,
    help="Name or slug; for staff without an address. With one neighbourhood, optional.",
)
def create_user(
    email: str,
    name: str,
    password: str,
    role: str,
    postcode: str | None,
    house_number: str | None,
    neighbourhood: str | None,
) -> None:
    """Create one account with ROLE (resident, coordinator, outreach or admin)."""
    chosen = Role(role)
    hood = _pick_neighbourhood(neighbourhood)
    if hood is None and chosen in (Role.COORDINATOR, Role.OUTREACH) and not postcode:
        hoods = list(db.session.scalars(select(Neighbourhood)).all())
        if len(hoods) == 1:
            hood = hoods[0]
    try:
        member = create_member(
            display_name=name,
            email=email,
            password=password,
            role=chosen,
            postcode=postcode,
            house_number=house_number,
            neighbourhood=hood,
        )
    except BuurthulpError as exc:
        where = f" ({exc.field})" if exc.field else ""
        raise click.ClickException(f"{exc.message}{where}") from None
    place = member.neighbourhood.name if member.neighbourhood else "-"
    click.echo(f"created {chosen.value} {member.email} (id {member.id}, neighbourhood {place})")


@users_cli.command("otp")
@click.argument("email")
def current_otp(email: str) -> None:
    """Development only: print the code EMAIL's authenticator app would show now (log in
    to a demo staff account without a phone)."""
    if current_app.config["ENV"] != "development":
        raise click.ClickException(
            "refused: `users otp` works only in development (BUURTHULP_ENV=development); "
            "elsewhere codes come from the member's own app"
        )
    member = member_by_email(email)
    if member is None:
        raise click.ClickException(f"no member has the e-mail address {email!r}")
    code = second_factor.current_code(member)
    if code is None:
        raise click.ClickException(f"{member.email} has no two-step verification set up")
    left = totp.INTERVAL - int(time.time()) % totp.INTERVAL
    click.echo(code)
    click.echo(f"(valid for about {left} more seconds, and for one login only)", err=True)


@users_cli.command("role")
@click.argument("email")
@click.option("--add", "add", default=None, help="Give this staff role.")
@click.option("--remove", "remove", default=None, help="Take this staff role away.")
@click.option("--neighbourhood", default=None, help="Name or slug; none: every neighbourhood.")
def role_command(
    email: str, add: str | None, remove: str | None, neighbourhood: str | None
) -> None:
    """Give (--add) or take away (--remove) a staff role; the member's sessions end."""
    from buurthulp.accounts.roles import assign_role, remove_role
    from buurthulp.auth.permissions import CLI

    if (add is None) == (remove is None):
        raise click.UsageError("give exactly one of --add ROLE or --remove ROLE")
    name = add or remove or ""
    try:
        role = Role(name)
    except ValueError:
        raise click.UsageError(f"unknown role {name!r}") from None
    member = member_by_email(email)
    if member is None:
        raise click.ClickException(f"no member with the e-mail address {email!r}")
    hood = _pick_neighbourhood(neighbourhood)
    try:
        if add is not None:
            assign_role(member, role, neighbourhood=hood, actor=CLI)
            click.echo(f"gave {role.value} to member {member.id}; their sessions ended")
        else:
            count = remove_role(member, role, neighbourhood=hood, actor=CLI)
            click.echo(f"took {role.value} from member {member.id} ({count}); sessions ended")
    except BuurthulpError as exc:
        raise click.ClickException(exc.message) from None
