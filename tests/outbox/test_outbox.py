"""The outbox against a real SMTP server, on committed SQLite and PostgreSQL databases.

A mail is written in the transaction that causes it and leaves only after that commits; a
refusal is retried with a growing pause, a hopeless mail goes dead where admins see it, and
two senders at once still deliver each mail exactly once. Reset links are never stored.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from buurthulp import create_app
from buurthulp.auth import services as auth_services
from buurthulp.auth.models import Member
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.models_base import utcnow
from buurthulp.outbox import services
from buurthulp.outbox.models import OutboxMessage
from buurthulp.outbox.services import LEASE, SendReport, backoff, queue_mail
from tests.conftest import test_config
from tests.factories import CENTRUM, PASSWORD, Factories, log_in
from tests.ledger.realdb import context, in_context
from tests.outbox.conftest import MailServer

pytestmark = [
    pytest.mark.both_databases,
    pytest.mark.parametrize("committed_app", ["sqlite", "postgresql"], indirect=True),
]


class Oops(Exception):
    pass


def queue(
    app: Flask, count: int = 1, *, to: str = "buur@example.org", member_id: int | None = None
) -> list[int]:
    """Commit `count` mails in one transaction, the way a service does; their row ids."""

    def write() -> list[int]:
        with transaction():
            rows = [
                queue_mail(
                    to=to, subject=f"Bericht {n}", body="Er is hulp gevonden.", member_id=member_id
                )
                for n in range(count)
            ]
            return [row.id for row in rows]

    return in_context(app, write)


def stored(app: Flask, mail_id: int) -> OutboxMessage:
    return in_context(app, lambda: db.session.get(OutboxMessage, mail_id))


def stored_to(app: Flask, address: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.to == address).order_by(OutboxMessage.id)
    return in_context(app, lambda: list(db.session.scalars(query)))


def statuses(app: Flask) -> Counter[str]:
    return Counter(in_context(app, lambda: list(db.session.scalars(select(OutboxMessage.status)))))


def send(app: Flask, *, now: datetime | None = None) -> SendReport:
    return in_context(app, lambda: services.send_pass(now=now))


def send_by_cli(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "outbox: 1 sent" in result.output


def after(delta: timedelta) -> datetime:
    return utcnow() + delta + timedelta(seconds=1)


def new_member(app: Flask, role: str = "resident") -> tuple[int, str]:
    def build() -> tuple[int, str]:
        member = getattr(Factories(), role)()
        return member.id, member.email

    return in_context(app, build)


TROUBLE_IN_LAST_ERROR = {"refusing": "Mailbox busy", "stopped": "Connection refused"}


def break_server(server: MailServer, trouble: str) -> None:
    if trouble == "refusing":
        server.refuse_with = "451 4.3.0 Mailbox busy, try again later"
    else:
        server.stop()


def mend_server(server: MailServer, trouble: str) -> None:
    if trouble == "refusing":
        server.refuse_with = None
    else:
        server.start()


# Written in the transaction, sent after the commit --------------------------------------------


def test_a_rolled_back_action_sends_nothing(smtp_app, smtp_server) -> None:
    smtp_app.config["BUURTHULP_OUTBOX_DELIVERY"] = "inline"  # would send at the commit
    with context(smtp_app), pytest.raises(Oops), transaction():
        queue_mail(to="buur@example.org", subject="Nooit", body="Dit gaat niet weg.")
        raise Oops
    assert send(smtp_app).total == 0
    assert statuses(smtp_app) == Counter()
    assert smtp_server.messages == []


@pytest.mark.parametrize("deliver", [send, send_by_cli], ids=["send_pass", "cli"])
def test_a_committed_mail_waits_for_the_sender_and_arrives_once(
    smtp_app, smtp_server, deliver: Callable[[Flask], object]
) -> None:
    [mail_id] = queue(smtp_app, to="annie@example.org")
    assert stored(smtp_app, mail_id).status == "queued"
    assert smtp_server.messages == []

    deliver(smtp_app)
    [mail] = smtp_server.messages
    assert (mail["To"], mail["Subject"]) == ("annie@example.org", "Bericht 0")
    assert mail["X-Buurthulp-Outbox-Id"] == str(mail_id)
    row = stored(smtp_app, mail_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)

    send(smtp_app, now=after(timedelta(days=1)))
    assert smtp_server.received() == {mail_id: 1}


# Retries, backoff, dead mail ------------------------------------------------------------------


@pytest.mark.parametrize("trouble", ["refusing", "stopped"])
def test_a_failed_delivery_is_kept_and_retried_after_the_backoff(
    smtp_app, smtp_server, trouble
) -> None:
    [mail_id] = queue(smtp_app)
    break_server(smtp_server, trouble)
    report = send(smtp_app)
    assert (report.sent, report.retried, report.dead) == (0, 1, 0)
    row = stored(smtp_app, mail_id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert TROUBLE_IN_LAST_ERROR[trouble] in row.last_error
    assert row.next_attempt_at > utcnow()

    mend_server(smtp_server, trouble)
    assert send(smtp_app).total == 0, "tried again before the backoff ran out"
    assert send(smtp_app, now=after(backoff(1))).sent == 1
    assert smtp_server.received() == {mail_id: 1}
    assert stored(smtp_app, mail_id).status == "sent"


def test_a_mail_the_server_accepted_is_not_sent_again_when_it_hangs_up_badly(
    smtp_app, smtp_server
) -> None:
    # A server shutting down may answer any command with 421 (RFC 5321 3.8), QUIT too:
    # the mail was accepted with 250 after DATA, so it is delivered.
    smtp_server.quit_reply = "421 4.3.2 Shutting down"
    [mail_id] = queue(smtp_app)
    send(smtp_app)
    smtp_server.quit_reply = "221 Bye"
    send(smtp_app, now=after(timedelta(hours=7)))
    assert smtp_server.received() == {mail_id: 1}
    assert stored(smtp_app, mail_id).status == "sent"


def test_a_mail_that_keeps_failing_goes_dead_shows_to_admins_and_can_be_sent_again(
    smtp_app, smtp_server
) -> None:
    admin_id, _admin_email = new_member(smtp_app, "admin")
    resident_id, _email = new_member(smtp_app)
    smtp_app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    smtp_server.refuse_with = "554 5.7.1 Relay access denied"
    [mail_id] = queue(smtp_app, to="kapot@example.org", member_id=resident_id)
    for n in range(3):
        send(smtp_app, now=after(timedelta(hours=7 * n)))
    row = stored(smtp_app, mail_id)
    assert (row.status, row.attempts) == ("dead", 3)
    assert send(smtp_app, now=after(timedelta(days=30))).total == 0, "a dead mail stays dead"

    client = smtp_app.test_client()
    # Staff log in with the code from their app too.
    login = in_context(smtp_app, lambda: log_in(client, db.session.get_one(Member, admin_id)))
    assert login.status_code == 303
    page = client.get("/beheer/mail").get_data(as_text=True)
    assert "kapot@example.org" in page and "Relay access denied" in page
    assert f'name="message_id" value="{mail_id}"' in page

    smtp_server.refuse_with = None
    assert client.post("/beheer/mail", data={"message_id": mail_id}).status_code == 303
    row = stored(smtp_app, mail_id)
    assert (row.status, row.attempts, row.last_error) == ("queued", 0, None)
    assert send(smtp_app).sent == 1
    assert smtp_server.received() == {mail_id: 1}
    assert "kapot@example.org" not in client.get("/beheer/mail").get_data(as_text=True)


# Several senders, dead senders ----------------------------------------------------------------


def race(app: Flask, senders: int) -> list[SendReport]:
    """`senders` passes started at the same moment, each with its own session."""
    start = threading.Barrier(senders)

    def sender(_n: int) -> SendReport:
        with context(app):
            start.wait()
            return services.send_pass(batch=4)  # small batches: many claims to interleave

    with ThreadPoolExecutor(senders) as pool:
        return list(pool.map(sender, range(senders)))


@pytest.mark.parametrize("senders", [2, 4])
def test_racing_senders_deliver_every_mail_exactly_once(smtp_app, smtp_server, senders) -> None:
    for _round in range(3):
        smtp_server.clear()
        ids = queue(smtp_app, 60)
        reports = race(smtp_app, senders)
        assert [r.errors for r in reports] == [[]] * senders
        assert sum(r.sent for r in reports) == 60
        assert smtp_server.received() == Counter(ids)
    assert statuses(smtp_app) == {"sent": 180}


MAIL_SETTINGS = ("BUURTHULP_MAIL_BACKEND", "BUURTHULP_OUTBOX_DELIVERY", "SMTP_HOST", "SMTP_PORT")


def sender_process(url: str, settings: dict[str, object], start: Any) -> None:
    """A worker of its own: its own app, engine and connections, running `flask outbox send`."""
    app = create_app(test_config(url, **settings))
    start.wait()
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--batch", "3"])
    sys.exit(0 if result.exit_code == 0 and "0 to retry later" in result.output else 1)


def test_two_sender_processes_deliver_every_mail_exactly_once(smtp_app, smtp_server) -> None:
    ids = queue(smtp_app, 60)
    # Forked, not spawned: a fresh interpreter would spend seconds importing the app.
    fork = multiprocessing.get_context("fork")
    start = fork.Barrier(2)
    url = smtp_app.config["SQLALCHEMY_DATABASE_URI"]
    settings = {key: smtp_app.config[key] for key in MAIL_SETTINGS}
    senders = [fork.Process(target=sender_process, args=(url, settings, start)) for _ in range(2)]
    for process in senders:
        process.start()
    for process in senders:
        process.join(timeout=60)
    assert [p.exitcode for p in senders] == [0, 0]
    assert smtp_server.received() == Counter(ids)
    assert statuses(smtp_app) == {"sent": 60}


def test_mail_claimed_by_a_sender_that_died_is_sent_once_its_lease_runs_out(
    smtp_app, smtp_server
) -> None:
    ids = queue(smtp_app, 3)
    dead_claims = in_context(smtp_app, services.claim)  # ...and the sender dies here
    assert [c.id for c in dead_claims] == ids
    assert send(smtp_app).total == 0, "another sender took leased mail"

    later = after(LEASE)
    assert send(smtp_app, now=later).sent == 3
    assert smtp_server.received() == Counter(ids)
    # Had the first sender only stalled, waking up it finds its claim gone and sends nothing.
    in_context(smtp_app, lambda: services._deliver(dead_claims[0], SendReport(), later))
    assert send(smtp_app, now=after(3 * LEASE)).total == 0
    assert smtp_server.received() == Counter(ids)
    assert statuses(smtp_app) == {"sent": 3}


# Secret links -----------------------------------------------------------------------------------


def test_the_reset_mail_stores_no_token_and_links_to_our_own_address(
    smtp_app, smtp_server, monkeypatch
) -> None:
    monkeypatch.setitem(smtp_app.config, "SERVER_NAME", None)  # as deployed
    _id, email = new_member(smtp_app)
    client = smtp_app.test_client()
    response = client.post(
        "/wachtwoord-vergeten", data={"email": email}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 303
    [row] = stored_to(smtp_app, email)
    assert "[[link:reset]]" in row.body and "/wachtwoord-herstellen/" not in row.body

    send(smtp_app)
    [mail] = smtp_server.messages
    body = mail.get_content()
    [link] = re.findall(r"\S+/wachtwoord-herstellen/\S+", body)
    assert link.startswith(smtp_app.config["BUURTHULP_BASE_URL"] + "/")
    assert "evil.example" not in body
    [row] = stored_to(smtp_app, email)
    assert "/wachtwoord-herstellen/" not in row.body, "the sender wrote the token back"

    reset = client.post(urlsplit(link).path, data={"password": "een heel nieuw wachtwoord"})
    assert reset.status_code == 303


# Inline delivery (development) --------------------------------------------------------------


def test_inline_delivery_sends_right_after_the_commit(smtp_app, smtp_server) -> None:
    smtp_app.config["BUURTHULP_OUTBOX_DELIVERY"] = "inline"
    with context(smtp_app):
        with transaction():
            mail_id = queue_mail(to="buur@example.org", subject="Direct", body="Nu.").id
            assert smtp_server.messages == [], "sent before the commit"
        assert smtp_server.received() == {mail_id: 1}
    assert stored(smtp_app, mail_id).status == "sent"


def test_a_failed_inline_delivery_does_not_undo_the_action(smtp_app, smtp_server) -> None:
    smtp_app.config["BUURTHULP_OUTBOX_DELIVERY"] = "inline"
    in_context(smtp_app, lambda: Factories().neighbourhood(pc4=CENTRUM))
    smtp_server.stop()
    response = smtp_app.test_client().post(
        "/aanmelden",
        data={
            "display_name": "Annie",
            "email": "annie@example.org",
            "password": PASSWORD,
            "postcode": "6511 ab",
            "house_number": "12",
            "privacy_consent": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    member = in_context(smtp_app, lambda: auth_services.member_by_email("annie@example.org"))
    assert member is not None, "the new account was not kept"
    [row] = stored_to(smtp_app, "annie@example.org")
    assert (row.status, row.attempts) == ("queued", 1)

    smtp_server.start()
    send(smtp_app, now=after(backoff(1)))
    assert smtp_server.received() == {row.id: 1}
