"""Fixtures: the app on SQLite and on PostgreSQL, a rolled-back transaction per test.

Every test that touches the database runs twice: once on SQLite, once on PostgreSQL (a
running server, or a throwaway cluster the suite starts itself; skipped with the reason
when neither exists). Each test runs inside a transaction that is rolled back at the end;
services commit into a savepoint. Race and crash tests use `committed_app`, which gives
them a database of their own where commits are real.
"""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.globals import app_ctx
from flask.testing import FlaskClient
from flask_migrate import upgrade as migrate_upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from buurthulp import create_app
from buurthulp.extensions import db
from tests.support.pgserver import (
    create_database,
    drop_database,
    postgres_admin_url,
    postgres_unavailable_reason,
)

DATABASES = ("sqlite", "postgresql")
TEST_SECRET = "test-secret-key-not-for-production"
ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}


def test_config(url: str, **extra: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "BUURTHULP_BLUR_KEY": "test-blur-key",
        "BUURTHULP_DATA_KEY": "test-data-key",
        "BUURTHULP_BASE_URL": "http://buurthulp.test",
        # Delivered at once, into a list the tests read (see the `mailbox` fixture).
        "BUURTHULP_MAIL_BACKEND": "memory",
        "BUURTHULP_OUTBOX_DELIVERY": "inline",
        "BUURTHULP_GEOCODER": "offline",
        "SERVER_NAME": "buurthulp.test",
    }
    config.update(extra)
    return config


test_config.__test__ = False  # a helper, not a test (tests import it by this name)


@pytest.fixture(autouse=True)
def _no_network_no_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test talks to the internet or sends real mail; localhost services are fine."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ALLOWED_HOSTS and not str(host).startswith("127."):
                raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    def no_smtp(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("test tried to send real mail")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(smtplib, "SMTP", no_smtp)
    monkeypatch.setattr(smtplib, "SMTP_SSL", no_smtp)


def _app_ctx_id() -> int:
    return id(app_ctx._get_current_object())


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = postgres_admin_url()
    if url is None:
        pytest.skip(postgres_unavailable_reason())
    return url


def fresh_database_url(
    kind: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    """A new empty database of `kind`; PostgreSQL ones are dropped at the end."""
    if kind == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "buurthulp.sqlite3"
        return f"sqlite:///{path}"
    admin = request.getfixturevalue("pg_admin_url")
    url = create_database(admin)
    request.addfinalizer(lambda: drop_database(admin, url))
    return url


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return fresh_database_url(request.param, tmp_path_factory, request)


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(test_config(database_url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        migrate_upgrade()  # the real migrations build the schema every test runs on
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """One transaction per test, rolled back at the end; services commit into savepoints."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # A plain Session: Flask-SQLAlchemy's own would pick the engine, not this connection.
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            with app.test_request_context():
                yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


class IsolatedClient(FlaskClient):
    """A test client whose requests start like real ones: empty `g`, nothing cached.

    The test's app context stays pushed (so tests can call services between requests) and
    Flask reuses it for each request; without this, `g` (the logged-in user, the API member)
    and loaded objects would leak from one request into the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        from flask import g

        vars(g).clear()
        db.session.expire_all()
        try:
            return super().open(*args, **kwargs)
        finally:
            vars(g).clear()


@pytest.fixture
def client(app: Flask, db_session: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def mailbox(app: Flask, db_session: Any) -> list[Any]:
    """The mails delivered during this test (EmailMessage objects), oldest first."""
    from buurthulp.outbox.delivery import MAILBOX

    box: list[Any] = app.extensions.setdefault(MAILBOX, [])
    box.clear()
    return box


@pytest.fixture
def runner(app: Flask, db_session: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make(db_session: Any) -> Any:
    """Factories bound to this test's transaction: `make.member(...)`, `make.neighbourhood()`."""
    from tests.factories import Factories

    return Factories()


@pytest.fixture
def login(client: FlaskClient) -> Any:
    """Log a member in through the real login form (and its code step for staff)."""
    from tests.factories import PASSWORD, log_in

    def do(member: Any, password: str = PASSWORD) -> FlaskClient:
        response = log_in(client, member, password)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return client

    return do


@pytest.fixture
def api_headers() -> Any:
    """Bearer headers for a member, from the real token service (with a code for staff)."""
    from tests.factories import PASSWORD, api_token

    def do(member: Any, password: str = PASSWORD) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_token(member, password)}"}

    return do


@pytest.fixture
def limited(database_url: str, db_session: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app with the per-account limit on (3 a minute), in the test's transaction."""
    from buurthulp.extensions import limiter

    # The limiter is one shared object and its init_app flips `enabled` for every app:
    # monkeypatch puts it back, so the other tests stay unlimited.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    app = create_app(
        test_config(
            database_url,
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="1000 per minute",
            ACCOUNT_RATE_LIMIT="3 per minute",
        )
    )
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        limiter.reset()
        db.engine.dispose()


@pytest.fixture
def committed_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app on its own fresh database where commits are real (races, crashes, CLI).

    Parametrize indirectly with "sqlite" or "postgresql"; default SQLite.
    """
    kind = getattr(request, "param", "sqlite")
    url = fresh_database_url(kind, tmp_path_factory, request)
    application = create_app(test_config(url))
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
