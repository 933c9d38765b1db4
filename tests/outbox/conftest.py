"""A real SMTP server on 127.0.0.1 for the outbox tests, and an app that mails through it."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

# Taken at import, before the autouse guard in tests/conftest.py swaps it for a refusal.
REAL_SMTP = smtplib.SMTP


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailServer:
    """Accepts mail and keeps it; `refuse_with` makes it answer DATA with that reply instead,
    `quit_reply` is its answer to QUIT, and `stop()` takes it off the port (connections are
    refused) until `start()`."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[EmailMessage] = []
        self.refuse_with: str | None = None
        self.quit_reply = "221 Bye"
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        if self.refuse_with:
            return self.refuse_with
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    async def handle_QUIT(self, _server: Any, _session: Any, _envelope: Any) -> str:
        return self.quit_reply

    def start(self) -> None:
        # server_hostname: without it every session looks up the machine's FQDN, which takes
        # seconds where DNS does not answer (a fresh machine with no network).
        self._controller = Controller(
            self, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def received(self) -> Counter[int]:
        """How often each outbox row arrived, by its X-Buurthulp-Outbox-Id header."""
        with self._lock:
            return Counter(int(m["X-Buurthulp-Outbox-Id"]) for m in self.messages)


@pytest.fixture
def smtp_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(
    committed_app: Flask, smtp_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> Flask:
    """`committed_app` mailing over SMTP to `smtp_server`, delivered by a worker (send_pass)."""
    monkeypatch.setattr(smtplib, "SMTP", REAL_SMTP)  # this server is ours, on 127.0.0.1
    committed_app.config.update(
        BUURTHULP_MAIL_BACKEND="smtp",
        BUURTHULP_OUTBOX_DELIVERY="worker",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        SMTP_TIMEOUT=5,
    )
    return committed_app
