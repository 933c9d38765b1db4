"""A real server and a real headless Chromium for the browser tests.

The app runs once for the whole browser suite, on its own SQLite file, served by werkzeug
in a daemon thread on a free port of 127.0.0.1, with CSRF on (real forms, real tokens).
Chromium is Debian's (`/usr/bin/chromium`), driven by Playwright; we never download one.
These fixtures do not use the database-parametrized `app` fixture, so each browser test
runs once, not once per database.

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
from tests.browser.helpers import Person, new_person
from tests.conftest import fresh_database_url, test_config

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
def live_server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Base URL of the app served for real, with one neighbourhood covering 6511 and 6512."""
    from buurthulp.neighbourhoods.services import save_neighbourhood

    url = fresh_database_url("sqlite", tmp_path_factory, request)
    app = create_app(
        test_config(url, SERVER_NAME=None, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=True)
    )
    with app.app_context():
        db.create_all()
        save_neighbourhood(actor=None, name="Centrum", pc4_codes=["6511", "6512"])
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


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
def new_context(browser: Any, live_server: str) -> Iterator[Callable[..., Any]]:
    """Fresh browser contexts (own cookies) on the live server; closed after the test."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("base_url", live_server)
        options.setdefault("viewport", {"width": 1024, "height": 800})
        options.setdefault("locale", "nl-NL")
        context = browser.new_context(**options)
        context.set_default_timeout(5000)
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
