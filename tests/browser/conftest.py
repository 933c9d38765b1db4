"""A real server and a real headless Chromium for the browser tests.

The app runs once for the whole browser suite, on its own SQLite file, served by werkzeug
in a daemon thread on a free port of 127.0.0.1, with CSRF on (real forms, real tokens).
Chromium is Debian's (`/usr/bin/chromium`), driven by Playwright; we never download one.
These fixtures do not use the database-parametrized `app` fixture, so each browser test
runs once, not once per database.

Every document a test's pages load is checked by axe-core at WCAG 2.2 AA and for sideways
scrolling at 320 and 390 px (`audit.py`); what that finds fails the test once its body is
done. `time_bank` books residents, a coordinator and transfers of every kind through the
services, for the time-bank pages.

The autouse `_no_network_no_mail` guard in tests/conftest.py only patches Python's
`socket.connect`: Playwright talks to its driver over pipes and Chromium lives in its own
process, so the guard neither blocks the browser nor the local server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from buurthulp import create_app
from buurthulp.extensions import db
from tests.browser import helpers
from tests.browser.audit import TALLY, DocumentAudit
from tests.browser.helpers import NEIGHBOURHOOD, Person, TimeBank, book_time_bank, new_person
from tests.conftest import fresh_database_url, test_config
from tests.factories import CENTRUM, Factories

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI and these machines run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # closed network: no phoning home
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Any:
    """The app the live server serves, with one neighbourhood covering 6511 and 6512."""
    url = fresh_database_url("sqlite", tmp_path_factory, request)
    app = create_app(
        test_config(url, SERVER_NAME=None, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=True)
    )
    with app.app_context():
        db.create_all()
        Factories().neighbourhood(name=NEIGHBOURHOOD, pc4=CENTRUM)
        db.session.remove()
    request.addfinalizer(lambda: _dispose(app))
    helpers.LIVE_APP = app
    return app


def _dispose(app: Any) -> None:
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Any) -> Iterator[str]:
    """Base URL of the app served for real."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture(scope="session")
def live_mailbox(live_app: Any) -> list[Any]:
    """Every mail the live server delivered (EmailMessage objects), oldest first."""
    from buurthulp.outbox.delivery import MAILBOX

    return live_app.extensions.setdefault(MAILBOX, [])


@pytest.fixture(scope="session")
def time_bank(live_app: Any, live_server: str) -> TimeBank:
    """Residents, a coordinator and a few transfers of every kind, booked by the services."""
    with live_app.app_context():
        try:
            return book_time_bank()
        finally:
            db.session.remove()


def chromium_path() -> str | None:
    return next((p for p in CHROMIUM_CANDIDATES if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium found: run `apt-get install chromium` (Debian)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageWatch:
    """What a page did that it should not: console errors, script errors, foreign requests."""

    base_url: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    refused_pages: set[str] = field(default_factory=set)

    def attach(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("request", self._on_request)
        page.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        # A form sent back with errors answers 422 on purpose; Chromium logs that as an error.
        if response.request.resource_type == "document" and 400 <= response.status < 500:
            self.refused_pages.add(response.url.split("#")[0])

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and (
            url.split("#")[0] in self.refused_pages
        ):
            return
        self.console_errors.append(f"{message.text} ({url})")

    def _on_request(self, req: Any) -> None:
        parts = urlsplit(req.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.base_url:
            self.foreign_requests.append(req.url)

    def assert_clean(self) -> None:
        assert not self.console_errors, self.console_errors
        assert not self.foreign_requests, self.foreign_requests


@pytest.fixture
def document_audit(browser: Any, live_server: str) -> Iterator[DocumentAudit]:
    """axe-core and the reflow check on every document the test's contexts show."""
    audit = DocumentAudit(browser, live_server)
    yield audit
    audit.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a test body passed: check the documents still open, report all findings."""
    result = yield
    audit = getattr(item, "funcargs", {}).get("document_audit")
    if audit is not None:
        audit.finish()
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TALLY:
        terminalreporter.write_line(
            f"axe-core and reflow: {TALLY['checked']} documents checked, "
            f"{TALLY['same as before']} more the same as one checked before"
        )


@pytest.fixture
def new_context(
    browser: Any, live_server: str, document_audit: DocumentAudit
) -> Iterator[Callable[..., Any]]:
    """Fresh browser contexts (own cookies) on the live server, each document audited."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("base_url", live_server)
        options.setdefault("viewport", {"width": 1024, "height": 800})
        options.setdefault("locale", "nl-NL")
        context = browser.new_context(**options)
        context.set_default_timeout(5000)
        document_audit.attach(context, java_script_enabled=options.get("java_script_enabled", True))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def watch(live_server: str) -> PageWatch:
    return PageWatch(live_server)


@pytest.fixture
def page(new_context: Callable[..., Any], watch: PageWatch) -> Any:
    """A page in a fresh context, watched for console errors and requests off the server."""
    p = new_context().new_page()
    watch.attach(p)
    return p


@pytest.fixture
def person() -> Person:
    """A new resident-to-be (unique e-mail: the database lives for the whole session)."""
    return new_person()
