"""Fixtures: the app on SQLite and on PostgreSQL, a rolled-back transaction per test.

Every test that touches the database runs twice: once on SQLite, once on PostgreSQL (a
running server, or a throwaway cluster the suite starts itself; skipped with the reason
when neither exists). Each test runs inside a transaction that is rolled back at the end;
services commit into a savepoint. Race and crash tests use `committed_app`, which gives
them a database of their own where commits are real.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import smtplib
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from flask.globals import app_ctx
from flask.testing import FlaskClient
from flask_migrate import upgrade as migrate_upgrade
from hypothesis import settings
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from buurthulp import create_app
from buurthulp.extensions import db
from tests.support.examples import PROFILE
from tests.support.pgserver import (
    create_database,
    drop_database,
    postgres_admin_url,
    postgres_unavailable_reason,
)

DATABASES = ("sqlite", "postgresql")
TEST_SECRET = "test-secret-key-not-for-production"
DEMO_PASSWORD = "demo-password-123"
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


@contextmanager
def bound_session(app: Flask, connection: Connection) -> Iterator[Any]:
    """`db.session` bound to `connection` for the block, inside an app and request context;
    services commit into savepoints of the connection's transaction."""
    with app.app_context():
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


class ModuleDatabase:
    """One test module's connection to one database, opened by the first shared world.

    A shared world (`shared_world`) is built once per module and database into this
    connection's transaction, and every test of the module then runs in a savepoint of it,
    rolled back at the test's end; the whole transaction is rolled back when the module is
    done. A module without a shared world gets a fresh connection per test, as before, so
    nothing holds a write lock longer than one test there.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.connection: Connection | None = None
        self._outer: Any = None

    def open(self) -> Connection:
        if self.connection is None:
            with self.app.app_context():
                self.connection = db.engine.connect()
            self._outer = self.connection.begin()
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            if self._outer.is_active:
                self._outer.rollback()
            self.connection.close()
            self.connection = None


@pytest.fixture(scope="module")
def module_database(app: Flask) -> Iterator[ModuleDatabase]:
    holder = ModuleDatabase(app)
    yield holder
    holder.close()


@dataclass
class DemoTown:
    """The demo town of `flask demo`, built and committed once per database kind."""

    app: Flask
    logins: list[Any]
    password: str = DEMO_PASSWORD


@pytest.fixture(scope="session")
def demo_town(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[DemoTown]:
    """A database of its own holding the demo town. A module whose tests read it overrides
    `app` with `demo_app` (below); each test then runs in a transaction rolled back at its
    end, as everywhere, so the town stays as built."""
    from buurthulp.demo import build_demo_town

    kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    url = fresh_database_url(kind, tmp_path_factory, request)
    application = create_app(test_config(url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        migrate_upgrade()
    with application.test_request_context():
        logins = build_demo_town(DEMO_PASSWORD)
        db.session.remove()
    yield DemoTown(application, logins)
    with application.app_context():
        db.engine.dispose()


def demo_app(demo_town: DemoTown) -> Flask:
    """`app = pytest.fixture(scope="session", name="app")(demo_app)` in a module: its tests
    run against the demo town."""
    return demo_town.app


@pytest.fixture
def db_session(app: Flask, module_database: ModuleDatabase) -> Iterator[Any]:
    """One transaction per test, rolled back at the end; services commit into savepoints.

    In a module with a shared world the test's transaction is a savepoint of the module's.
    """
    shared = module_database.connection
    if shared is not None:
        savepoint = shared.begin_nested()
        try:
            with bound_session(app, shared) as session:
                yield session
        finally:
            if savepoint.is_active:
                savepoint.rollback()
            if not module_database._outer.is_active:
                raise RuntimeError("a test ended the module's transaction: its world is gone")
        return
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    try:
        with bound_session(app, connection) as session:
            yield session
    finally:
        outer.rollback()
        connection.close()


T = TypeVar("T")


def shared_world(build: Callable[[Any], T]) -> Callable[..., dict[str, Any]]:
    """A module-scoped fixture that builds a world once per module and database and keeps
    its ids (never its ORM objects, which belong to one session): `load_world` turns them
    back into objects of the test's own session.

    `build` gets the factories and returns a dataclass whose fields are model objects.
    """

    def fixture(app: Flask, module_database: ModuleDatabase) -> dict[str, Any]:
        from tests.factories import Factories

        with bound_session(app, module_database.open()):
            world = build(Factories())
            fields = {
                f.name: (type(value), value.id)
                for f in dataclasses.fields(world)  # type: ignore[arg-type]
                if (value := getattr(world, f.name)) is not None
            }
            return {"world": type(world), "fields": fields}

    fixture.__name__ = f"{build.__name__}_ids"
    fixture.__doc__ = build.__doc__
    return pytest.fixture(scope="module", name=fixture.__name__)(fixture)


def load_world(ids: dict[str, Any]) -> Any:
    """The world of `shared_world`, its objects loaded in the test's session."""
    fields = {
        name: db.session.get(model, row_id) for name, (model, row_id) in ids["fields"].items()
    }
    return ids["world"](**fields)


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


@contextmanager
def rate_limited_app(
    database_url: str, monkeypatch: pytest.MonkeyPatch, **limits: str
) -> Iterator[Flask]:
    """An app with rate limits on (`limits`: the settings to tighten), in the test's
    transaction. The limiter is one shared object and its init_app flips `enabled` for
    every app: monkeypatch puts it back, so the other tests stay unlimited."""
    from buurthulp.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    app = create_app(
        test_config(
            database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1000 per minute", **limits
        )
    )
    with app.app_context():
        limiter.reset()
    yield app
    with app.app_context():
        limiter.reset()
        db.engine.dispose()


@pytest.fixture
def limited(database_url: str, db_session: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app with the per-account limit on (3 a minute), in the test's transaction."""
    with rate_limited_app(database_url, monkeypatch, ACCOUNT_RATE_LIMIT="3 per minute") as app:
        yield app


@pytest.fixture(scope="session")
def committed_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """`fresh(kind)`: a new database with every table, for a test whose commits are real.

    The tables are made once per kind and session (`create_all`) into a template: a copy of
    the file on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL, instead of creating
    some forty tables, their checks and indexes again for every race and crash test.
    """
    templates: dict[str, str] = {}

    def template(kind: str) -> str:
        if kind not in templates:
            url = fresh_database_url(kind, tmp_path_factory, request)
            application = create_app(test_config(url))
            with application.app_context():
                db.create_all()
                db.session.remove()
                db.engine.dispose()  # no connection may stay on a template
            templates[kind] = url
        return templates[kind]

    def fresh(kind: str) -> str:
        source = template(kind)
        if kind == "sqlite":
            path = tmp_path_factory.mktemp("db") / "buurthulp.sqlite3"
            shutil.copyfile(source.removeprefix("sqlite:///"), path)
            return f"sqlite:///{path}"
        admin = request.getfixturevalue("pg_admin_url")
        url = create_database(admin, template=make_url(source).database)
        request.addfinalizer(lambda: drop_database(admin, url))
        return url

    return fresh


@pytest.fixture
def committed_app(
    committed_template: Callable[[str], str], request: pytest.FixtureRequest
) -> Iterator[Flask]:
    """An app on its own fresh database where commits are real (races, crashes, CLI).

    Parametrize indirectly with "sqlite" or "postgresql"; default SQLite.
    """
    kind = getattr(request, "param", "sqlite")
    application = create_app(test_config(committed_template(kind)))
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


# Running the suite -----------------------------------------------------------------------------

settings.register_profile(
    "ci",
    # The same examples every run: a property test fails for a reason, never by the dice.
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
)
settings.register_profile(
    "explore",
    # New examples every run, more of them: `make test-explore` looks for new failures.
    max_examples=400,
    deadline=None,
    print_blob=True,
)
settings.load_profile(PROFILE)


#: Modules that take longest, started first (a stable sort keeps the rest in order).
LONGEST_FIRST = (
    "tests/browser/",
    "tests/api/test_schemathesis.py",
    "tests/test_migrations.py",
    "tests/test_fuzz_routes.py",
    "tests/test_shared_rate_limit.py",
    "tests/outbox/test_outbox.py",
    "tests/ledger/test_stateful.py",
    "tests/backoffice/test_queue.py",
    "tests/test_route_guards.py",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--all-databases",
        action="store_true",
        default=os.environ.get("BUURTHULP_ALL_DATABASES") == "1",
        help="run every database test on PostgreSQL too, not only those marked both_databases",
    )


def _database_of(item: pytest.Item) -> str | None:
    """ "sqlite" or "postgresql" when the test runs against one (whichever fixture or
    parameter chose it), else None."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    for value in callspec.params.values():
        if isinstance(value, str) and value in DATABASES:
            return value
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Which database tests run where.

    A database test runs on SQLite; on PostgreSQL too when it is marked `both_databases`
    (the ledger, races, search and the feed, outbox claims, migrations, guards and fuzz,
    raw SQL: where the two databases can differ), or with `--all-databases`.
    `tests/test_postgres_branches.py` checks that every PostgreSQL-only branch of the code
    keeps a test that runs there.
    """
    everything = config.getoption("--all-databases")
    kept, dropped = [], []
    for item in items:
        database = _database_of(item)
        both = everything or item.get_closest_marker("both_databases") is not None
        if database == "postgresql" and not both:
            dropped.append(item)
            continue
        kept.append(item)
        # `-n 2 --dist loadgroup` (make test): a module stays in one worker (its module-
        # scoped worlds, servers and apps are made once), unless it names a group of its own
        # (the demo town's readers share one worker, so the town is built once).
        if item.get_closest_marker("xdist_group") is None:
            module = item.nodeid.split("::", 1)[0]
            # The browser tests share one worker: one Chromium at a time on two cores.
            group = "browser" if module.startswith("tests/browser/") else module
            item.add_marker(pytest.mark.xdist_group(name=group))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    # The longest modules first, so no worker is left with one of them at the end.
    kept.sort(key=lambda item: not any(part in item.nodeid for part in LONGEST_FIRST))
    items[:] = kept
