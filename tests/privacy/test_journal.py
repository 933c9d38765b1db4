"""`flask ledger export --journal`: the ledger as an hledger journal. After an erasure an
independent program (hledger) still finds every account where we keep it and a total of 0."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from buurthulp.extensions import db
from buurthulp.ledger.models import Account
from buurthulp.ledger.verify import verify
from buurthulp.privacy.erasure import erase
from tests.privacy.helpers import make_busy


def _ours() -> dict[str, int]:
    accounts = db.session.scalars(select(Account).where(Account.entries.any())).all()
    return {
        f"pool:{a.neighbourhood_id}" if a.kind == "pool" else f"member:{a.member_id}": a.balance
        for a in accounts
    }


def _journal(runner, tmp_path) -> str:
    path = tmp_path / "ledger.journal"
    result = runner.invoke(args=["ledger", "export", "--journal", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return str(path)


def test_the_journal_names_no_one_and_books_each_transfer_once(street, make, runner, tmp_path):
    make_busy(make, street.anna, street.bert, street.carla)
    erase(street.anna, actor=street.coord, note="Telefonisch")
    text = Path(_journal(runner, tmp_path)).read_text(encoding="utf-8")
    for name in ("Anna", "Bert", "Carla", street.anna.email or "@"):
        assert name not in text
    transactions = [block for block in text.split("\n\n") if "(transfer " in block]
    assert len(transactions) == text.count("(transfer ")
    for block in transactions:
        amounts = [int(line.split()[-2]) for line in block.splitlines()[1:]]
        assert len(amounts) == 2 and sum(amounts) == 0


@pytest.mark.skipif(
    shutil.which("hledger") is None,
    reason="hledger is not installed (apt-get install hledger): the journal is not checked",
)
def test_hledger_balances_to_zero_and_agrees_after_an_erasure(street, make, runner, tmp_path):
    make_busy(make, street.anna, street.bert, street.carla)
    erase(street.anna, actor=street.coord, note="Telefonisch")
    assert verify() == []
    path = _journal(runner, tmp_path)
    report = subprocess.run(
        ["hledger", "-f", path, "balance", "--flat", "--empty", "-O", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    rows = {row["account"]: row["balance"] for row in csv.DictReader(io.StringIO(report))}
    total = rows.pop("total")
    assert total.split()[0] == "0"
    theirs = {account: int(value.split()[0]) for account, value in rows.items()}
    assert theirs == _ours()
    assert theirs[f"member:{street.anna.id}"] == 0  # the erased member: settled, still there
