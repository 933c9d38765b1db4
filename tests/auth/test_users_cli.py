"""`flask users create`: one account from the command line, as the API contract writes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from buurthulp import create_app
from buurthulp.auth.models import Member
from buurthulp.auth.passwords import verify_password
from buurthulp.auth.permissions import CLI
from buurthulp.extensions import db
from buurthulp.neighbourhoods.services import save_neighbourhood
from tests.conftest import test_config as config_for
from tests.factories import CENTRUM, OOST

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough passphrase"


def create(runner, email: str = "new@example.org", *extra: str, **options: str):
    args = ["users", "create", email]
    for name, value in {"name": "Nieuwe Buur", "password": PASSWORD, **options}.items():
        args += [f"--{name.replace('_', '-')}", value]
    with force_locale("en"):  # the messages below stay English once translations exist
        return runner.invoke(args=[*args, *extra])


def _member(email: str) -> Member | None:
    db.session.expire_all()
    return db.session.scalar(select(Member).where(Member.email == email))


def _members() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Member.id)))


@pytest.mark.parametrize("role", ["resident", "coordinator", "outreach", "admin"])
def test_creating_an_account_with_an_address_for_each_role(runner, make, role):
    hood = make.neighbourhood("Centrum", pc4=CENTRUM)
    result = create(runner, role=role, postcode="6511AB", house_number="1")
    assert result.exit_code == 0, result.output
    assert f"created {role} new@example.org" in result.output
    member = _member("new@example.org")
    assert member.display_name == "Nieuwe Buur"
    assert role in member.role_names
    assert member.neighbourhood_id == hood.id and member.postcode == "6511AB"
    assert member.password_hash.startswith("$argon2id$") and PASSWORD not in member.password_hash
    assert verify_password(member.password_hash, PASSWORD)
    scopes = {a.role: a.neighbourhood_id for a in member.roles}
    assert scopes[role] == (hood.id if role in ("coordinator", "outreach") else None)


def test_an_admin_needs_no_address(runner, make):
    result = create(runner, "boss@example.org", role="admin")
    assert result.exit_code == 0, result.output
    member = _member("boss@example.org")
    assert member.role_names == ["admin"] and member.neighbourhood_id is None


def test_the_role_defaults_to_resident(runner, make):
    make.neighbourhood(pc4=CENTRUM)
    result = create(runner, postcode="6511 ab", house_number="3")
    assert result.exit_code == 0, result.output
    assert _member("new@example.org").role_names == ["resident"]


def test_staff_without_an_address_join_the_only_neighbourhood_or_the_one_named(runner, make):
    make.neighbourhood("Centrum", pc4=CENTRUM)
    assert create(runner, "one@example.org", role="coordinator").exit_code == 0
    oost = make.neighbourhood("Oost", pc4=OOST)
    result = create(runner, "two@example.org", "--neighbourhood", "Oost", role="outreach")
    assert result.exit_code == 0, result.output
    assert {a.neighbourhood_id for a in _member("two@example.org").roles} == {oost.id}


BAD_INPUT = {
    "short password": ({"password": "short"}, "at least 10 characters"),
    "10 kB password": ({"password": "x" * 10_000}, "at most 200 characters"),
    "bad email": ({"email": "not-an-email"}, "not a valid e-mail address"),
    "10 kB email": ({"email": "x" * 10_000 + "@example.org"}, "too long"),
    "empty name": ({"name": "  "}, "Fill in your name"),
    "10 kB name": ({"name": "x" * 10_000}, "at most 80 characters"),
    "bad role": ({"role": "superuser"}, "'superuser' is not one of"),
    "unknown postcode": ({"postcode": "0000AA", "house_number": "1"}, "Dutch postcode"),
    "postcode not in the table": ({"postcode": "1000AA", "house_number": "1"}, "do not know"),
    "postcode outside every area": (
        {"postcode": "9711AB", "house_number": "1"},
        "outside the neighbourhoods we serve",
    ),
    "bad house number": ({"postcode": "6511AB", "house_number": "-1"}, "house number"),
    "unknown neighbourhood": ({"neighbourhood": "Atlantis"}, "unknown neighbourhood"),
}


@pytest.mark.parametrize("options,message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_exits_non_zero_with_a_clear_message_and_creates_nobody(
    runner, make, options, message
):
    make.neighbourhood("Centrum", pc4=CENTRUM)
    options = dict(options)
    email = options.pop("email", "new@example.org")
    before = _members()
    result = create(runner, email, **options)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert _members() == before


def test_a_duplicate_email_is_refused_whatever_its_case(runner, make):
    make.neighbourhood(pc4=CENTRUM)
    assert create(runner, postcode="6511AB", house_number="1").exit_code == 0
    before = _members()
    result = create(runner, "NEW@Example.org", postcode="6511AB", house_number="2")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert _members() == before


def test_staff_without_address_among_several_neighbourhoods_must_choose(runner, make):
    make.neighbourhood("Centrum", pc4=CENTRUM)
    make.neighbourhood("Oost", pc4=OOST)
    before = _members()
    result = create(runner, role="coordinator")
    assert result.exit_code != 0
    assert "Staff need a neighbourhood" in result.output
    assert _members() == before


# The real command line ------------------------------------------------------------------------


def _flask(*args: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BUURTHULP_INSTANCE": str(tmp_path / "instance"),
        "SECRET_KEY": "users-cli-test-secret",
    }
    return subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "buurthulp", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_creates_an_account_end_to_end(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    app = create_app(config_for(url))
    if any((ROOT / "migrations" / "versions").glob("*.py")):
        upgraded = _flask("db", "upgrade", url=url, tmp_path=tmp_path)
        assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    else:  # until the first migration exists
        with app.app_context():
            db.create_all()
    with app.test_request_context():
        save_neighbourhood(actor=CLI, name="Centrum", pc4_codes=list(CENTRUM))
        db.session.remove()

    created = _flask(
        "users", "create", "annie@example.org", "--name", "Annie", "--password", PASSWORD,
        "--role", "coordinator", "--postcode", "6511AB", "--house-number", "12",
        url=url, tmp_path=tmp_path,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr[-2000:]
    assert "created coordinator annie@example.org" in created.stdout
    # Refused input ends with a message, not a traceback, outside any web request too.
    refused = _flask(
        "users", "create", "bob@example.org", "--name", "Bob", "--password", "short",
        url=url, tmp_path=tmp_path,
    )  # fmt: skip
    assert "Traceback" not in refused.stderr, refused.stderr[-2000:]
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: ") and "10" in refused.stderr

    with app.app_context():
        members = db.session.scalars(select(Member)).all()
        assert [(m.email, m.role_names) for m in members] == [
            ("annie@example.org", ["coordinator"])
        ]
        assert verify_password(members[0].password_hash, PASSWORD)
        db.session.remove()
        db.engine.dispose()
