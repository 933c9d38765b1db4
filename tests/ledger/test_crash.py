"""Crash safety: a process killed in the middle of a transfer leaves all of it or none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from buurthulp.auth.models import Member
from buurthulp.extensions import db
from buurthulp.ledger import services
from buurthulp.ledger.models import Account, Entry, Transfer
from buurthulp.ledger.verify import verify
from tests.ledger.realdb import build_town, in_context

pytestmark = [
    pytest.mark.both_databases,
    pytest.mark.slow,
    pytest.mark.parametrize("committed_app", ["sqlite", "postgresql"], indirect=True),
]
ROOT = Path(__file__).resolve().parents[2]

# The child books one transfer completely, then starts a second one and stops after the
# transfer, both entries and both balances are written but before the commit, and says so.
CHILD = """
import sys, time
from buurthulp import create_app
from buurthulp.extensions import db
from buurthulp.auth.models import Member
from buurthulp.ledger import services
from buurthulp.ledger.services import booking
from tests.conftest import test_config

url, payer_id, payee_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
app = create_app(test_config(url))
real_book = booking.write
calls = []

def book_then_hang(*args, **kwargs):
    transfer_id = real_book(*args, **kwargs)
    calls.append(transfer_id)
    if len(calls) == 2:
        print("FLUSHED", transfer_id, flush=True)
        time.sleep(120)  # killed here, inside the open transaction
    return transfer_id

booking.write = book_then_hang
with app.test_request_context():
    payer, payee = db.session.get(Member, payer_id), db.session.get(Member, payee_id)
    services.thank(payer=payer, to_member_id=payee_id, minutes=30, description="heel",
                   actor=payer)
    print("COMMITTED", flush=True)
    services.thank(payer=payer, to_member_id=payee_id, minutes=45, description="half",
                   actor=payer)
    print("SHOULD NOT GET HERE", flush=True)
"""


def test_a_transfer_killed_before_commit_leaves_no_trace(committed_app) -> None:
    ids = build_town(committed_app, residents=2)
    payer_id, payee_id = ids.residents
    url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(payer_id), str(payee_id)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout.readline().strip() == "COMMITTED", child.stderr.read()
        flushed = child.stdout.readline().split()
        assert flushed[0] == "FLUSHED", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    def after() -> None:
        assert verify() == []
        assert db.session.scalar(select(func.count(Transfer.id))) == 1
        assert db.session.scalar(select(func.count(Entry.id))) == 2
        assert db.session.get(Transfer, int(flushed[1])) is None
        assert (
            db.session.scalar(select(Account.balance).where(Account.member_id == payer_id)) == -30
        )
        # The database is writable again: the dead writer's lock is gone.
        payer = db.session.get(Member, payer_id)
        services.thank(
            payer=payer, to_member_id=payee_id, minutes=5, description="daarna", actor=payer
        )
        assert verify() == []

    in_context(committed_app, after)
