"""What the PostgreSQL and Redis helpers (`pgserver`, `redisserver`) share: one server per
test process found or started once, a context manager that stops a throwaway one, the
"use a running server?" switch, and the checks their own tests make (a port answers, a
killed test process leaves nothing behind).

Both helpers import this the way they are imported themselves: as `tests.support.servers`,
or as `servers` when `tests/support` is on `sys.path` (a child process in their tests).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

SUPPORT_DIR = Path(__file__).resolve().parent


class Stoppable(Protocol):
    def stop(self) -> None: ...


S = TypeVar("S", bound=Stoppable)


def prefers_running(throwaway_switch: str) -> bool:
    """Use a server already running, unless the switch (e.g. TEST_REDIS_THROWAWAY=1) says
    to start a throwaway one anyway."""
    return os.environ.get(throwaway_switch, "") in ("", "0")


@contextlib.contextmanager
def serving(start: Callable[..., S], **options: Any) -> Iterator[S]:
    """`start(**options)` for the block; a throwaway server is stopped after it."""
    server = start(**options)
    try:
        yield server
    finally:
        server.stop()


class SessionServer(Generic[S]):
    """The process-wide server: found or started on first use, stopped at interpreter
    exit. When starting raises, `unavailable(error)` says what the tests get instead."""

    def __init__(self, start: Callable[[], S], unavailable: Callable[[RuntimeError], S]):
        self._start = start
        self._unavailable = unavailable
        self._server: S | None = None

    def get(self) -> S:
        if self._server is None:
            try:
                self._server = self._start()
            except RuntimeError as exc:
                self._server = self._unavailable(exc)
            atexit.register(self._server.stop)
        return self._server


# --- for the helpers' own tests ----------------------------------------------------------


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def start_in_a_process_then_kill_it(
    module: str, start: str, url: str, *, alive: Callable[[str], bool]
) -> tuple[str, str]:
    """In a child process: import `module`, run `start` (an expression giving a server),
    print the server's `url` attribute and its directory; check that `alive(url)`, then
    kill the child with SIGKILL (no atexit, no cleanup of its own). Returns (url,
    directory); the caller checks that both are gone."""
    child = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(SUPPORT_DIR)!r})
        import {module}
        srv = {module}.{start}
        print(srv.{url}, srv.reason.rsplit(" in ", 1)[1], flush=True)
        time.sleep(600)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stdout is not None
        found_url, directory = proc.stdout.readline().split()
        assert alive(found_url), f"the server at {found_url} did not answer"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return found_url, directory
