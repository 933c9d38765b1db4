"""Erasure forgets: every free text about the erased member goes, in every table (and, on
SQLite, in the file itself), while history keeps its rows. Each note field gets its own
rare word, so a failure names the field that kept it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from buurthulp.access.log import record_staff_view
from buurthulp.access.reasons import give_reason
from buurthulp.append_only import ERASED
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import CLI
from buurthulp.backoffice import residents, trust
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.ledger import services as ledger
from buurthulp.ledger.models import Transfer
from buurthulp.matches import services as matches
from buurthulp.models_base import utcnow
from buurthulp.outbox.models import OutboxMessage
from buurthulp.personal_data import providers
from buurthulp.privacy.erasure import erase
from buurthulp.safety import services as safety
from buurthulp.safety import suspension
from buurthulp.work import queue as work
from tests.backoffice.conftest import agreed

pytestmark = pytest.mark.both_databases

MARK = "Zwerfkei"  # + a letter per field: rare in Dutch and in English
NAME = "Gijs Vermeulen"


def _word(field: str) -> str:
    return f"{MARK}{field}"


def _everything_about(street: Any, make: Any) -> Any:
    """Gijs, with a rare word in every free text the house keeps about a member."""
    coord, bert = street.coord, street.bert
    gijs = make.resident(street.hood, name=NAME)
    trust.set_trust(gijs.id, step="in-person", actor=coord, note=_word("trust"))
    give_reason(viewer=coord, subject_ids=[gijs.id], reason="other", explanation=_word("access"))
    record_staff_view(viewer=coord, subject_ids=[gijs.id], what="resident-page")
    match = agreed(make, gijs, bert)  # they met: each may report the other
    by_him = safety.report(
        safety.ReportInput(reason="other", member_id=bert.id, text=_word("reportby")), actor=gijs
    )
    about_him = safety.report(
        safety.ReportInput(reason="other", member_id=gijs.id, text=_word("reportabout")),
        actor=bert,
    )
    safety.handle_report(
        about_him.id,
        actor=coord,
        outcome="warned",
        note=_word("handled"),
        message=_word("tohim"),
    )
    safety.handle_report(by_him.id, actor=coord, outcome="talked", note=_word("handledby"))
    suspension.suspend(gijs.id, actor=coord, reason=_word("suspended"))
    suspension.lift(gijs.id, actor=coord, note=_word("lifted"))
    ledger.thank(
        payer=bert, to_member_id=gijs.id, minutes=15, description="Voor de koffie", actor=bert
    )
    ledger.thank(
        payer=gijs, to_member_id=bert.id, minutes=30, description=_word("thanks"), actor=gijs
    )
    ledger.change_limits(
        member_id=gijs.id, lower=-120, upper=600, actor=coord, reason=_word("limit")
    )
    matches.post_message(match.id, actor=gijs, body=_word("message"))
    matches.complete(match.id, actor=bert, minutes=60)
    matches.dispute(match.id, actor=gijs, reason=_word("dispute"))
    matches.resolve_dispute(match.id, actor=coord, minutes=60, note=_word("settled"))
    # Last: from now on only VOG-checked helpers reach him.
    residents.mark_vulnerable(
        gijs.id, reason=f"Dementie {_word('reason')}", note=_word("note"), actor=coord
    )
    with transaction():  # mail to another member that names him, sent long ago
        db.session.add(
            OutboxMessage(
                to=bert.email,
                member_id=bert.id,
                subject=f"{NAME} bedankt je",
                body=f"{NAME} schreef: {_word('mail')}",
                status="sent",
                sent_at=utcnow(),
            )
        )
    return gijs


def _rows_holding(*needles: str) -> dict[str, list[str]]:
    """Every table, every row, every column as text: where does a needle still appear?"""
    found: dict[str, list[str]] = {}
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, str) and any(n in value for n in needles):
                    found.setdefault(table.name, []).append(f"{column}={value[:80]!r}")
    return found


def test_erasure_leaves_no_free_text_about_the_member_in_any_table(street, make) -> None:
    gijs = _everything_about(street, make)
    erase(gijs, actor=street.coord, note="Gevraagd aan de telefoon")
    assert _rows_holding(MARK, "Vermeulen") == {}


def test_erasure_forgets_the_notes_of_queue_items_about_the_member(street, make) -> None:
    gijs = make.resident(street.hood, name=NAME)
    item = next(
        i
        for i in work.read_queue(street.coord).items
        if i.kind == "verify" and gijs.id in i.subject_ids
    )
    work.handle_item("verify", item.item_id, note=_word("queue"), actor=street.coord)
    assert _rows_holding(_word("queue"))  # in the note and in the audit log
    erase(gijs, actor=street.coord, note="Op verzoek")
    assert _rows_holding(_word("queue"), "Vermeulen") == {}


def test_history_keeps_its_rows_and_says_verwijderd(street, make) -> None:
    gijs = _everything_about(street, make)
    transfer_id = db.session.scalar(
        select(Transfer.id).where(Transfer.entered_by_id == gijs.id, Transfer.kind == "thanks")
    )
    erase(gijs, actor=street.coord, note="Op verzoek")
    kept = db.session.get(Transfer, transfer_id, populate_existing=True)
    assert (kept.minutes, kept.description) == (30, ERASED)
    from_bert = db.session.scalar(
        select(Transfer.description).where(Transfer.entered_by_id == street.bert.id)
    )
    assert from_bert == "Voor de koffie"  # what others wrote is theirs


def test_the_database_lets_history_only_forget(street, make) -> None:
    """The one change the append-only tables allow: text emptied, cut short, or "verwijderd".
    Anything else, and any other column, is refused by the database itself."""
    gijs = _everything_about(street, make)
    tid = db.session.scalar(select(Transfer.id).where(Transfer.entered_by_id == gijs.id))
    for value in ("something else", f"{_word('thanks')} and more"):
        with pytest.raises(Exception, match="append-only"), db.session.begin_nested():
            db.session.execute(update(Transfer).where(Transfer.id == tid).values(description=value))
    for value in (_word("thanks")[:4], ERASED, ""):
        with db.session.begin_nested():
            db.session.execute(update(Transfer).where(Transfer.id == tid).values(description=value))


@pytest.mark.parametrize(
    "table",
    ["ledger_transfer", "ledger_entry", "ledger_limit_change", "privacy_access_log", "audit_entry"],
)
def test_every_other_column_of_history_stays_refused(street, make, table) -> None:
    """Setting any column to itself still fires the trigger: a column added later without
    its trigger remade would pass here, and fail this test."""
    from buurthulp.append_only import FORGETTABLE

    _everything_about(street, make)
    assert db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() > 0
    columns = [c.name for c in db.metadata.tables[table].columns]
    for column in columns:
        if column in FORGETTABLE[table]:
            continue
        with pytest.raises(Exception, match="append-only"), db.session.begin_nested():
            db.session.execute(text(f"UPDATE {table} SET {column} = {column}"))


def test_every_table_that_points_at_a_member_is_declared_by_a_provider(app) -> None:
    """The next feature cannot forget its data: a table with a column referring to a member
    must be claimed by a personal-data provider (with its erasure step or what it keeps)."""
    claimed = {table for provider in providers(app) for table in provider.tables}
    pointing = {
        table.name
        for table in db.metadata.sorted_tables
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table.name == "auth_member"
    }
    assert pointing - claimed == set()
    assert claimed - set(db.metadata.tables) == set()  # no provider claims a table that is gone
    assert all(p.forget is not None or p.kept for p in providers(app))


@pytest.mark.parametrize("committed_app", ["sqlite"], indirect=True)
def test_no_erased_word_stays_in_the_sqlite_file(committed_app) -> None:
    """Not only the rows: the file itself (pages freed by a delete, the search index's
    segments, the write-ahead log) holds none of it once erasure committed."""
    from tests.factories import Factories
    from tests.ledger.realdb import build_town, context

    ids = build_town(committed_app)
    with context(committed_app):
        make = Factories()
        gijs = db.session.get(Member, ids.residents[0])
        coord = db.session.get(Member, ids.coord)
        make.listing(gijs, title="Hulp gezocht", description=f"Wie helpt {_word('listing')}")
        residents.mark_vulnerable(
            gijs.id, reason=_word("reason"), note=_word("note") * 20, actor=coord
        )
    with context(committed_app):
        erase(db.session.get(Member, ids.residents[0]), actor=CLI)
    with context(committed_app):
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
        path = Path(db.engine.url.database)
        db.engine.dispose()
    stored = b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )
    assert MARK.encode() not in stored
