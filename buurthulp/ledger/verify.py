"""`ledger verify`: every invariant of the double-entry ledger, checked by set-based SQL.

Each check is one aggregate query (GROUP BY / HAVING, anti-joins, one window), so the
database does the work: a million entries take seconds, not minutes. Reads only; run it
at any time. The result is a list of plain-English violations, empty when all hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from buurthulp.extensions import db

SAMPLE = 10


@dataclass(frozen=True)
class Check:
    name: str
    sql: str
    explain: str  # format string over the row's columns


CHECKS = (
    Check(
        "transfer balanced",
        "SELECT transfer_id, COUNT(*), SUM(minutes) FROM ledger_entry GROUP BY transfer_id "
        "HAVING COUNT(*) <> 2 OR SUM(minutes) <> 0",
        "transfer {0} has {1} entries summing to {2} (must be 2 entries summing to 0)",
    ),
    Check(
        "transfer has entries",
        "SELECT t.id FROM ledger_transfer t WHERE NOT EXISTS "
        "(SELECT 1 FROM ledger_entry e WHERE e.transfer_id = t.id)",
        "transfer {0} has no entries",
    ),
    Check(
        "entries match their transfer",
        "SELECT e.id, e.transfer_id, e.account_id, e.minutes FROM ledger_entry e "
        "JOIN ledger_transfer t ON t.id = e.transfer_id "
        "WHERE NOT ((e.account_id = t.payer_account_id AND e.minutes = -t.minutes) "
        "OR (e.account_id = t.payee_account_id AND e.minutes = t.minutes))",
        "entry {0} of transfer {1} puts {3} on account {2}, which the transfer does not say",
    ),
    Check(
        "entry has a transfer",
        "SELECT e.id, e.transfer_id FROM ledger_entry e "
        "LEFT JOIN ledger_transfer t ON t.id = e.transfer_id WHERE t.id IS NULL",
        "entry {0} points at transfer {1}, which does not exist",
    ),
    Check(
        "entry has an account",
        "SELECT e.id, e.account_id FROM ledger_entry e "
        "LEFT JOIN ledger_account a ON a.id = e.account_id WHERE a.id IS NULL",
        "entry {0} points at account {1}, which does not exist",
    ),
    Check(
        "all entries sum to zero",
        "SELECT SUM(minutes) FROM ledger_entry HAVING SUM(minutes) <> 0",
        "all entries together sum to {0} minutes instead of 0",
    ),
    Check(
        "all balances sum to zero",
        "SELECT SUM(balance) FROM ledger_account HAVING SUM(balance) <> 0",
        "all balances together are {0} minutes instead of 0",
    ),
    Check(
        "cached balance",
        "SELECT a.id, a.balance, COALESCE(s.total, 0) FROM ledger_account a "
        "LEFT JOIN (SELECT account_id, SUM(minutes) AS total FROM ledger_entry "
        "GROUP BY account_id) s ON s.account_id = a.id "
        "WHERE a.balance <> COALESCE(s.total, 0)",
        "account {0} shows balance {1} but its entries sum to {2}",
    ),
    Check(
        "running balance",
        "SELECT id, account_id, balance_after, running FROM (SELECT id, account_id, "
        "balance_after, SUM(minutes) OVER (PARTITION BY account_id ORDER BY id "
        "ROWS UNBOUNDED PRECEDING) AS running FROM ledger_entry) r "
        "WHERE balance_after <> running",
        "entry {0} on account {1} says the balance became {2}, but the entries add up to {3}",
    ),
    Check(
        "balance within limits",
        "SELECT id, balance, lower_limit, upper_limit FROM ledger_account "
        "WHERE (lower_limit IS NOT NULL AND balance < lower_limit) "
        "OR (upper_limit IS NOT NULL AND balance > upper_limit)",
        "account {0} has balance {1} outside its limits {2}..{3}",
    ),
    Check(
        "reversal points at a real transfer",
        "SELECT r.id, r.reverses_transfer_id FROM ledger_transfer r "
        "LEFT JOIN ledger_transfer t ON t.id = r.reverses_transfer_id "
        "WHERE r.reverses_transfer_id IS NOT NULL AND (t.id IS NULL OR t.kind = 'reversal' "
        "OR r.kind <> 'reversal' OR r.minutes <> t.minutes "
        "OR r.payer_account_id <> t.payee_account_id OR r.payee_account_id <> t.payer_account_id)",
        "transfer {0} claims to reverse transfer {1}, which is missing, a reversal itself, "
        "or not its mirror image",
    ),
    Check(
        "reversal is linked",
        "SELECT id FROM ledger_transfer WHERE kind = 'reversal' AND reverses_transfer_id IS NULL",
        "reversal {0} does not say which transfer it reverses",
    ),
)


def verify() -> list[str]:
    """Every violated invariant as a sentence; an empty list when the ledger is sound."""
    problems: list[str] = []
    for check in CHECKS:
        rows = db.session.execute(text(f"{check.sql} LIMIT {SAMPLE + 1}")).all()
        for row in rows[:SAMPLE]:
            problems.append(f"{check.name}: {check.explain.format(*row)}")
        if len(rows) > SAMPLE:
            problems.append(f"{check.name}: ... and more")
    return problems


def counts() -> dict[str, int]:
    """How big the ledger is, for the CLI and the health panel."""
    row = db.session.execute(
        text(
            "SELECT (SELECT COUNT(*) FROM ledger_account), (SELECT COUNT(*) FROM ledger_transfer), "
            "(SELECT COUNT(*) FROM ledger_entry)"
        )
    ).one()
    return {"accounts": int(row[0]), "transfers": int(row[1]), "entries": int(row[2])}
