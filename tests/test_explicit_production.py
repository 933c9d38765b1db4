"""Production is chosen, never stumbled into: serving on an address others can reach with
BUURTHULP_ENV unset refuses to start, with one line saying so; loopback, commands and an
explicit choice start as before."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from buurthulp.config import ConfigError, check_explicit_production, served_hosts


@pytest.mark.parametrize(
    ("argv", "environ", "hosts"),
    [
        (["flask", "run"], {}, ["127.0.0.1"]),
        (["flask", "run", "--host", "0.0.0.0"], {}, ["0.0.0.0"]),
        (["flask", "run", "--host=192.168.1.5"], {}, ["192.168.1.5"]),
        (["flask", "run"], {"FLASK_RUN_HOST": "0.0.0.0"}, ["0.0.0.0"]),
        (["/usr/bin/gunicorn", "-b", "0.0.0.0:8000", "buurthulp:create_app()"], {}, ["0.0.0.0"]),
        (["gunicorn", "--bind=[::]:8000"], {}, ["[::]"]),
        (["gunicorn", "--bind", "unix:/run/buurthulp.sock"], {}, ["127.0.0.1"]),
        (["gunicorn"], {"GUNICORN_CMD_ARGS": "--bind 10.0.0.2:80"}, ["10.0.0.2"]),
        (["gunicorn", "-c", "gunicorn.conf.py"], {"BIND": "0.0.0.0:8000"}, ["0.0.0.0"]),
        (["flask", "users", "create", "a@b.nl"], {}, []),
        (["pytest"], {}, []),
    ],
)
def test_the_addresses_served_on_are_read_from_the_command(argv, environ, hosts) -> None:
    assert served_hosts(argv, environ) == hosts


def test_only_an_open_address_without_a_choice_is_refused() -> None:
    with pytest.raises(ConfigError, match="BUURTHULP_ENV=production"):
        check_explicit_production(["flask", "run", "--host", "0.0.0.0"], {})
    check_explicit_production(["flask", "run"], {})  # loopback: the development server
    for env in ("production", "development"):
        check_explicit_production(["flask", "run", "-h", "0.0.0.0"], {"BUURTHULP_ENV": env})


def test_the_app_refuses_to_start_in_one_line(tmp_path) -> None:
    """The real start: `create_app` called the way `flask run --host 0.0.0.0` calls it."""
    code = (
        "import sys; sys.argv = ['flask', 'run', '--host', '0.0.0.0'];"
        "from buurthulp import create_app; create_app()"
    )
    environ = {k: v for k, v in os.environ.items() if k != "BUURTHULP_ENV"}
    environ["BUURTHULP_INSTANCE"] = str(tmp_path)
    environ["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("Buurthulp cannot start: it would serve on 0.0.0.0")
