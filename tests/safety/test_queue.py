"""What the coordinators' work queue reads from the safeguards: the open reports and the
listings that wait for a check, each within a scope, each in one query however many there
are (none for an empty scope), each row saying where it is handled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from buurthulp.auth.permissions import scope_of
from buurthulp.auth.roles import Permission
from buurthulp.extensions import db
from buurthulp.safety import services as safety
from tests.factories import DUKENBURG

pytestmark = pytest.mark.usefixtures("english")
CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


def _queries(call: Callable[[], Any]) -> tuple[Any, int]:
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return result, len([s for s in sent if not s.lstrip().upper().startswith(CONTROL)])


def _reports(street, make, n: int) -> None:
    for i in range(n):
        listing = make.listing(street.bert, title=f"Geld lenen {i}")
        safety.report(safety.ReportInput(reason="scam", listing_id=listing.id), actor=street.anna)


def test_open_reports_are_scoped_and_say_where_they_are_handled(street, make):
    _reports(street, make, 2)
    stefs = make.listing(street.stranger, title="Reclame")
    other = safety.report(safety.ReportInput(reason="spam", listing_id=stefs.id), actor=street.bert)
    mine = safety.open_reports(scope_of(street.coord, Permission.SAFETY_REPORTS_HANDLE))
    assert len(mine) == 2 and all(row.neighbourhood_id == street.hood.id for row in mine)
    first = mine[0]
    assert first.kind == "report"
    assert first.url == f"/veiligheid/beheer/meldingen/{first.id}"
    assert first.summary == "A scam, or asking for money: listing “Geld lenen 0” of Bert"
    assert set(first.member_ids) == {street.anna.id, street.bert.id}
    assert first.since <= mine[1].since
    assert [row.id for row in safety.open_reports({street.other_hood.id})] == [other.id]
    assert len(safety.open_reports(None)) == 3
    safety.handle_report(first.id, actor=street.coord, outcome="talked")
    assert first.id not in {row.id for row in safety.open_reports(None)}


def test_pending_listings_are_scoped_and_say_where_they_are_handled(make):
    hood = make.neighbourhood(pc4=DUKENBURG, premoderation=True)
    nadia = make.resident(hood, name="Nadia")
    listing = make.listing(nadia, title="Boodschappen doen")
    [row] = safety.pending_listings({hood.id})
    assert (row.kind, row.id, row.neighbourhood_id) == ("listing", listing.id, hood.id)
    assert row.url == f"/veiligheid/beheer/oproepen/{listing.id}"
    assert row.summary == "“Boodschappen doen” of Nadia"
    assert row.member_ids == (nadia.id,)
    assert safety.pending_listings({hood.id + 1000}) == []


def test_each_list_costs_one_query_however_long(street, make):
    hood = make.neighbourhood(pc4=DUKENBURG, premoderation=True)
    newcomers = [make.resident(hood) for _ in range(8)]
    _reports(street, make, 2)
    for member in newcomers[:1]:
        make.listing(member, title="Vraag")
    few_reports, one = _queries(lambda: safety.open_reports(None))
    few_listings, one_more = _queries(lambda: safety.pending_listings(None))
    _reports(street, make, 20)
    for member in newcomers:
        for n in range(3):
            make.listing(member, title=f"Vraag {n}")
    many_reports, same = _queries(lambda: safety.open_reports(None))
    many_listings, same_more = _queries(lambda: safety.pending_listings(None))
    assert (len(few_reports), len(many_reports)) == (2, 22)
    assert (len(few_listings), len(many_listings)) == (1, 24)
    assert one == same == 1
    assert one_more == same_more == 1
    assert _queries(lambda: safety.open_reports(set()))[1] == 0
    assert _queries(lambda: safety.pending_listings(set()))[1] == 0
