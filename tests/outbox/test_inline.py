"""Inline delivery: the mails one transaction queued leave together, after its commit."""

from __future__ import annotations

import pytest

from buurthulp.db import transaction
from buurthulp.outbox import services as outbox
from buurthulp.outbox.services import queue_mail


def test_the_mails_of_one_commit_leave_in_one_pass(db_session, mailbox, monkeypatch) -> None:
    passes: list[list[int]] = []
    real = outbox.send_pass

    def counted(**kw):
        passes.append(list(kw.get("only_ids", ())))
        return real(**kw)

    monkeypatch.setattr(outbox, "send_pass", counted)
    with transaction():
        rows = [
            queue_mail(to=f"buur{i}@example.org", subject="Hoi", body="Tekst") for i in range(3)
        ]
    assert passes == [[row.id for row in rows]]
    assert sorted(mail["To"] for mail in mailbox) == [f"buur{i}@example.org" for i in range(3)]


def test_a_rolled_back_transaction_sends_nothing_now_or_later(db_session, mailbox) -> None:
    with pytest.raises(RuntimeError), transaction():
        queue_mail(to="weg@example.org", subject="Nee", body="Niet versturen")
        raise RuntimeError("the action failed")
    with transaction():
        queue_mail(to="wel@example.org", subject="Ja", body="Wel versturen")
    assert [mail["To"] for mail in mailbox] == ["wel@example.org"]
