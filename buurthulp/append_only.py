"""Triggers that make history append-only in the database itself.

The ORM already refuses to change a transfer, but a second program, a hand-written SQL
fix or a future bug would not go through the ORM. So the database refuses UPDATE and
DELETE on these tables, on PostgreSQL and SQLite alike. Corrections are new rows (a
reversal); erasure pseudonymises the member row, never history.

Used by the migrations (`create(op)`, `drop(op)`); the SQL lives here so a test and a
future migration read the same list.
"""

from __future__ import annotations

from typing import Any

TABLES = ("ledger_transfer", "ledger_entry", "ledger_limit_change", "privacy_access_log")
# Added later, each by the migration that made the table.
LATER_TABLES = ("audit_entry",)
_PG_FUNCTION = "buurthulp_refuse_history_change"


def _dialect(op: Any) -> str:
    return op.get_bind().dialect.name


def create(op: Any, tables: tuple[str, ...] = TABLES) -> None:
    if _dialect(op) == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
        return
    for table in tables:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'history is append-only: {action} on {table} "
                "refused'); END"
            )


def drop(op: Any, tables: tuple[str, ...] = TABLES, *, function: bool = True) -> None:
    if _dialect(op) == "postgresql":
        for table in tables:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        if function:
            op.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
        return
    for table in tables:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
