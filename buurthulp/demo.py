"""`flask demo`: a believable Nijmegen to try Buurthulp with.

Six neighbourhoods made of real PC4 areas, an admin, two coordinators, two outreach workers
and 240 residents with names, interests, talents and homes spread over the real postcodes.
Everything is made through the same services the app uses, with a fixed random seed, so the
town is the same every time. All demo accounts share one printed password; it is hashed once.
Staff must use two-step verification, so each staff account gets a fresh TOTP secret, printed
in the login table: add it to a code app, or in development ask
`flask --app buurthulp users otp EMAIL` for the current code.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import with_appcontext

from buurthulp.accounts.roles import assign_role
from buurthulp.accounts.second_factor import enable_with_secret
from buurthulp.accounts.services import count_members, create_member, set_tags
from buurthulp.auth import totp
from buurthulp.auth.passwords import hash_password
from buurthulp.auth.permissions import DEMO
from buurthulp.auth.roles import Role
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.neighbourhoods.services import save_neighbourhood

DEFAULT_PASSWORD = "buurthulp-demo"  # the demo's published password (README)  # nosec B105
DOMAIN = "demo.buurthulp.nl"
RESIDENTS = 240
SEED = 6511
#: app.extensions key: features append `step(rng)` to add life to the demo town.
DEMO_STEPS = "buurthulp_demo_steps"

NEIGHBOURHOODS: list[tuple[str, list[str], str]] = [
    ("Centrum", ["6511", "6512"], "Binnenstad en Benedenstad."),
    ("Oost", ["6521", "6522", "6523", "6524"], "Bottendaal, Altrade, Hengstdal en Galgenveld."),
    ("Zuid", ["6525", "6531", "6532", "6533"], "Heyendaal, Brakkenstein, Hazenkamp en Goffert."),
    ("Dukenburg", ["6534", "6535", "6536", "6537", "6538"], "Hatert, Tolhuis en Dukenburg."),
    (
        "Lindenholt en West",
        ["6541", "6542", "6543", "6544", "6545", "6546"],
        "Biezen, Wolfskuil, Heseveld, Neerbosch-Oost en Lindenholt.",
    ),
    ("Noord", ["6515", "6663"], "Lent en Oosterhout."),
]

FIRST_NAMES = (
    "Annie Bep Corrie Dina Els Fenna Gerda Hanneke Ineke Joke Kees Lotte Mieke Nel Oscar Piet "
    "Riet Sanne Thea Ursula Vera Wim Yvonne Zeynep Ahmed Fatima Mohamed Sevda Daan Emma Noah "
    "Sophie Lucas Julia Bram Fleur Jan Henk Truus Gijs Marloes Anouk Ruud Karin Mustafa Aylin "
    "Priya Ravi Jozef Maria Tineke Cor Harrie Dorien Lies Theo Jannie Sjaak Marga Ilse Ton"
).split()
SURNAMES = (
    "de Vries|Jansen|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|"
    "Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|"
    "Kok|Jacobs|Vermeulen|van Dijk|Willems|Gerritsen|Kuipers|Verhoeven|Hermans|Schouten|"
    "Arts|Janssen|Claassen|Wouters|Yilmaz|El Amrani|Kaya|Öztürk|Nguyen|Kramer|Lammers"
).split("|")
INTERESTS = (
    "wandelen koken tuinieren breien kaarten muziek lezen fietsen schilderen voetbal "
    "geschiedenis koffiedrinken puzzelen dieren zingen computers fotografie bridge"
).split()
TALENTS = [
    "boodschappen",
    "klussen in huis",
    "tuin",
    "vervoer en begeleiding",
    "gezelschap en wandelen",
    "administratie en formulieren",
    "computer en telefoon",
    "koken en maaltijden",
    "huisdieren",
]
POSTCODE_LETTERS = [
    a + b
    for a in string.ascii_uppercase
    for b in string.ascii_uppercase
    if a + b not in {"SA", "SD", "SS"}
]


@dataclass
class Login:
    role: str
    name: str
    email: str
    neighbourhood: str
    otp_secret: str = ""


def _address(rng: random.Random, pc4s: list[str]) -> tuple[str, str]:
    number = str(rng.randint(1, 180)) + (rng.choice(["", "", "", "a", "b"]))
    return rng.choice(pc4s) + rng.choice(POSTCODE_LETTERS[:60]), number


def build_demo_town(password: str, *, residents: int = RESIDENTS) -> list[Login]:
    """Create the town in one transaction; returns the staff and a sample of residents."""
    rng = random.Random(SEED)  # a repeatable demo town, not a secret  # nosec B311
    pw_hash = hash_password(password)
    logins: list[Login] = []
    with transaction():
        hoods = [
            save_neighbourhood(actor=DEMO, name=name, pc4_codes=codes, description=text)
            for name, codes, text in NEIGHBOURHOODS
        ]

        def make(role: Role, name: str, email: str, hood_index: int | None) -> object:
            hood = hoods[hood_index] if hood_index is not None else None
            postcode, number = _address(rng, hood.pc4_codes) if hood else (None, None)
            member = create_member(
                display_name=name,
                email=email,
                password=None,
                password_hash=pw_hash,
                role=role,
                postcode=postcode,
                house_number=number,
                neighbourhood=hood if role in (Role.COORDINATOR, Role.OUTREACH) else None,
                consent_version=current_app.config["PRIVACY_STATEMENT_VERSION"],
            )
            otp_secret = None
            if role != Role.RESIDENT:
                # Random, not from the seed: two demo towns never share a staff secret.
                otp_secret = totp.new_secret()
                enable_with_secret(member, otp_secret, actor=DEMO)
            logins.append(
                Login(role.value, name, email, hood.name if hood else "—", otp_secret or "")
            )
            return member

        make(Role.ADMIN, "Beheer Buurthulp", f"admin@{DOMAIN}", None)
        # Each professional covers three neighbourhoods: their home one and two more.
        staff = [
            (Role.COORDINATOR, "Marieke", "coordinator1", 0, (1, 5)),
            (Role.COORDINATOR, "Youssef", "coordinator2", 3, (2, 4)),
            (Role.OUTREACH, "Ria", "outreach1", 1, (0, 5)),
            (Role.OUTREACH, "Jeroen", "outreach2", 4, (2, 3)),
        ]
        for role, name, local, home, extra in staff:
            member = make(role, name, f"{local}@{DOMAIN}", home)
            for index in extra:
                assign_role(member, role, neighbourhood=hoods[index], actor=DEMO)
            logins[-1].neighbourhood = ", ".join(hoods[i].name for i in (home, *extra))
        for n in range(1, residents + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            name = f"{first} {last.split()[-1][0]}."
            member = make(Role.RESIDENT, name, f"bewoner{n:03d}@{DOMAIN}", n % len(hoods))
            set_tags(member, "interest", rng.sample(INTERESTS, rng.randint(1, 4)))
            set_tags(member, "talent", rng.sample(TALENTS, rng.randint(0, 3)))
        db.session.flush()
        _demo_activity(rng)
    return logins


def _demo_activity(rng: random.Random) -> None:
    """Life in the town, added by each feature that offers it (the time bank's history,
    the marketplace), in the order they registered. Only in-app notifications: no mail."""
    from buurthulp.notifications.services import in_app_only

    with in_app_only():
        for step in current_app.extensions.get(DEMO_STEPS, []):
            step(rng)


@click.command("demo")
@click.option(
    "--password", default=None, help=f"Password for every demo login (default: {DEFAULT_PASSWORD})."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already has members.",
)
@with_appcontext
def demo_command(password: str | None, if_empty: bool) -> None:
    """Fill an empty database with a demo town (Nijmegen) and print the logins."""
    if count_members():
        if if_empty:
            click.echo("The database already has members: the demo town is not added again.")
            click.echo(
                f"Demo logins (if this is the demo town): admin@{DOMAIN}, "
                f"coordinator1@{DOMAIN}, bewoner001@{DOMAIN} ..."
            )
            click.echo(
                "Staff log in with a code too: `flask --app buurthulp users otp EMAIL` "
                "(development only) prints the current one."
            )
            return
        raise click.ClickException("the database is not empty; the demo town needs an empty one")
    chosen = password or DEFAULT_PASSWORD
    if len(chosen) < 10:
        raise click.ClickException("the password needs at least 10 characters")
    logins = build_demo_town(chosen)
    staff = [login for login in logins if login.role != Role.RESIDENT.value]
    residents = [login for login in logins if login.role == Role.RESIDENT.value]
    rows = staff + residents[:6]
    width = max(len(r.email) for r in rows)
    secret_width = max(len(r.otp_secret) for r in rows)
    click.echo(f"Demo town ready: {len(NEIGHBOURHOODS)} neighbourhoods, {len(logins)} accounts.")
    click.echo(
        f"{'role':<12} {'e-mail':<{width}}  {'name':<24} "
        f"{'TOTP secret (code app)':<{secret_width}}  neighbourhoods"
    )
    for row in rows:
        click.echo(
            f"{row.role:<12} {row.email:<{width}}  {row.name:<24} "
            f"{row.otp_secret or '-':<{secret_width}}  {row.neighbourhood}"
        )
    click.echo(f"... and bewoner001 to bewoner{len(residents):03d}@{DOMAIN}")
    click.echo(f"Password for every demo login: {chosen}")
    click.echo(
        "Staff log in with a code too: add their TOTP secret to a code app, or run "
        "`flask --app buurthulp users otp EMAIL` (development only) for the current code."
    )
