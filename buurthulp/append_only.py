"""Triggers that make history append-only in the database itself.

The ORM already refuses to change a transfer, but a second program, a hand-written SQL
fix or a future bug would not go through the ORM. So the database refuses UPDATE and
DELETE on these tables, on PostgreSQL and SQLite alike. Corrections are new rows (a
reversal); erasure pseudonymises the member row, never history.

One change is allowed, and only one: forgetting. Free text in history can hold a person's
words or worries (a transfer's description, a staff note, the reason staff gave to open a
file), and erasure must be able to remove it while the row itself (who, how much, when)
stays. `FORGETTABLE` names those columns; the database lets them be emptied, cut back to a
prefix (a reason keeps its kind, "verzoek van bewoner", and loses the words after it) or set
to `ERASED`, and refuses every other change, and every change to any other column.

Used by the migrations (`create(op)`, `drop(op)` built the first triggers; `forgetting(op)`
replaces them with the ones above); the SQL lives here so a test and a future migration read
the same list. A migration that adds a column to one of these tables calls `forgetting`
again, so the new column is covered too (a test updates every column of every table).
"""

from __future__ import annotations

from typing import Any

TABLES = ("ledger_transfer", "ledger_entry", "ledger_limit_change", "privacy_access_log")
# Added later, each by the migration that made the table.
LATER_TABLES = ("audit_entry",)
_PG_FUNCTION = "buurthulp_refuse_history_change"

#: The free-text columns of history that erasure may forget, per table.
FORGETTABLE: dict[str, tuple[str, ...]] = {
    "ledger_transfer": ("description", "reason"),
    "ledger_entry": (),
    "ledger_limit_change": ("reason",),
    "privacy_access_log": ("reason",),
    "audit_entry": ("note",),
}
#: What a forgotten description says instead (a transfer keeps a label).
ERASED = "verwijderd"


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


def _columns(op: Any, table: str) -> list[str]:
    import sqlalchemy as sa

    return [column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)]


def _may_forget(column: str, dialect: str) -> str:
    """True when the new value forgets: empty, a prefix of the old one, or ERASED."""
    prefix = (
        f"left(OLD.{column}, length(NEW.{column}))"
        if dialect == "postgresql"
        else f"substr(OLD.{column}, 1, length(NEW.{column}))"
    )
    return f"(NEW.{column} = '{ERASED}' OR {prefix} = NEW.{column})"


def forgetting(op: Any, tables: dict[str, tuple[str, ...]] = FORGETTABLE) -> None:
    """(Re)make each table's triggers: no DELETE, no UPDATE of any column but the
    forgettable ones, and those only forgotten (see the module's docstring)."""
    dialect = _dialect(op)
    drop(op, tuple(tables), function=False)
    if dialect == "postgresql":
        create(op, ())  # the function only
    for table, free in tables.items():
        _drop_forget(op, table, free)
        frozen = ", ".join(c for c in _columns(op, table) if c not in free)
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OF {frozen} OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
            for column in free:
                op.execute(
                    f"CREATE TRIGGER {table}_forget_{column} BEFORE UPDATE OF {column} "
                    f"ON {table} FOR EACH ROW WHEN (NOT {_may_forget(column, dialect)}) "
                    f"EXECUTE FUNCTION {_PG_FUNCTION}()"
                )
            continue
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OF {frozen} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'history is append-only: UPDATE on {table} "
            "refused'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'history is append-only: DELETE on {table} "
            "refused'); END"
        )
        for column in free:
            op.execute(
                f"CREATE TRIGGER {table}_forget_{column} BEFORE UPDATE OF {column} ON {table} "
                f"WHEN NOT {_may_forget(column, dialect)} "
                f"BEGIN SELECT RAISE(ABORT, 'history is append-only: {column} on {table} "
                "can only be forgotten'); END"
            )


def _drop_forget(op: Any, table: str, free: tuple[str, ...]) -> None:
    for column in free:
        on = f" ON {table}" if _dialect(op) == "postgresql" else ""
        op.execute(f"DROP TRIGGER IF EXISTS {table}_forget_{column}{on}")


def no_forgetting(op: Any, tables: dict[str, tuple[str, ...]] = FORGETTABLE) -> None:
    """Back to the first triggers (the downgrade of the migration that added forgetting)."""
    drop(op, tuple(tables), function=False)
    for table, free in tables.items():
        _drop_forget(op, table, free)
    create(op, tuple(tables))
