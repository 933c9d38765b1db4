"""The work queue: every kind of item, why it is there, where it opens, most urgent first,
overdue marked, counts and a filter, handled notes, scope, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from buurthulp.access.models import AccessLogEntry
from buurthulp.audit.models import AuditEntry
from buurthulp.backoffice import residents, trust
from buurthulp.db import transaction
from buurthulp.errors import Conflict, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.inputs import InvalidQuery
from buurthulp.ledger import services as ledger
from buurthulp.listings.models import Listing
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.models_base import utcnow
from buurthulp.protection.models import Vulnerability
from buurthulp.work import queue as work
from tests.backoffice.conftest import agreed, awaiting, backdate

pytestmark = pytest.mark.both_databases


def _kinds(queue: work.Queue) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for item in queue.items:
        found.setdefault(item.kind, set()).add(item.item_id)
    return found


def _verified(street: Any, *members: Any) -> None:
    for member in members:
        trust.set_trust(member.id, step="in-person", actor=street.coord)


def test_every_kind_waits_in_the_coordinators_queue_with_why_and_where(street, make, truus) -> None:
    now = utcnow()
    _verified(street, street.anna, street.bert)  # Carla and Truus are still to verify
    disputed = awaiting(make, street.anna, street.bert, title="Lamp ophangen")
    matches.dispute(disputed.id, actor=street.anna, reason="Het was een half uur")
    ledger.change_limits(
        member_id=street.carla.id, lower=-30, upper=3000, actor=street.coord, reason="klein"
    )
    pooled = awaiting(make, street.carla, street.bert, title="Gordijnen")
    matches.ask_pool(pooled.id, actor=street.carla)
    held = awaiting(make, truus, street.bert, title="Naar de huisarts")
    backdate(Match, held.id, completed_at=now - timedelta(days=15), confirm_due_at=now)
    matches.tick(now)  # the clock holds it: Truus is helped through a coordinator
    for_truus = make.listing(truus, title="Iemand voor de ramen")
    reaction = matches.react(for_truus.id, actor=street.carla, message="Ik kom")
    quiet = make.listing(street.anna, title="Wie leest mij voor?")
    backdate(Listing, quiet.id, created_at=now - timedelta(days=6))
    stalled = agreed(make, street.bert, street.anna, title="Fiets plakken")
    backdate(Match, stalled.id, agreed_at=now - timedelta(days=15))

    queue = work.read_queue(street.coord, now=now)

    assert _kinds(queue) == {
        "verify": {street.carla.id, truus.id},
        "dispute": {disputed.id},
        "pool": {pooled.id},
        "held": {held.id},
        "not-online": {reaction.id},
        "no-reaction": {quiet.id},
        "stalled": {stalled.id},
    }
    assert queue.counts == {
        "verify": 2,
        "dispute": 1,
        "pool": 1,
        "held": 1,
        "not-online": 1,
        "no-reaction": 1,
        "stalled": 1,
        "quiet": 0,
        "report": 0,
        "check": 0,
        "retention": 0,
    }
    by_kind = {item.kind: item for item in queue.items}
    assert by_kind["dispute"].url == f"/matches/{disputed.id}"
    assert by_kind["no-reaction"].url == f"/hulp/{quiet.id}/suggesties"
    assert by_kind["verify"].url.startswith("/beheer/bewoners/")
    assert all(item.why for item in queue.items)
    assert by_kind["stalled"].who == "Bert · Anna"
    assert by_kind["not-online"].url == f"/beheer/namens/{truus.id}/matches/{reaction.id}"
    # Next door: only their own newcomer; a resident has no queue.
    assert _kinds(work.read_queue(street.other_coord, now=now)) == {"verify": {street.stranger.id}}
    with pytest.raises(NotAllowed):
        work.read_queue(street.anna)


def test_the_most_urgent_comes_first_and_overdue_items_are_marked(street, make) -> None:
    now = utcnow()
    fresh = make.resident(street.hood, name="Nieuwe buur")
    backdate(type(fresh), street.carla.id, created_at=now - timedelta(days=20))  # overdue
    queue = work.read_queue(street.coord, kind="verify", now=now)
    first = queue.items[0]
    assert first.item_id == street.carla.id and first.overdue(now)
    assert not next(i for i in queue.items if i.item_id == fresh.id).overdue(now)
    assert queue.overdue["verify"] == 1
    assert queue.kind == "verify" and {i.kind for i in queue.items} == {"verify"}
    with pytest.raises(InvalidQuery):
        work.read_queue(street.coord, kind="nonsense")


def test_a_handled_note_takes_an_item_off_the_queue_and_is_audited(street, make) -> None:
    now = utcnow()
    request = make.listing(street.anna, title="Wie leest mij voor?")
    backdate(Listing, request.id, created_at=now - timedelta(days=6))
    assert request.id in _kinds(work.read_queue(street.coord, now=now))["no-reaction"]
    with pytest.raises(NotFound):  # not in the queue of the coordinator next door
        work.handle_item("no-reaction", request.id, note="Gebeld", actor=street.other_coord)
    work.handle_item(
        "no-reaction", request.id, note="Anna gebeld; Carla helpt vrijdag.", actor=street.coord
    )
    assert "no-reaction" not in _kinds(work.read_queue(street.coord, now=now))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "queue")).one()
    assert entry.member_id == street.anna.id and "Carla helpt vrijdag" in entry.note
    with pytest.raises(NotFound):  # handled already: not in the queue any more
        work.handle_item("no-reaction", request.id, note="nog eens", actor=street.coord)


def test_an_item_with_a_done_state_of_its_own_is_handled_where_it_opens(street, make) -> None:
    match = awaiting(make, street.anna, street.bert)
    matches.dispute(match.id, actor=street.anna, reason="Te lang")
    with pytest.raises(Conflict):
        work.handle_item("dispute", match.id, note="Opgelost", actor=street.coord)
    matches.resolve_dispute(match.id, actor=street.coord)  # settled: it leaves by itself
    assert "dispute" not in _kinds(work.read_queue(street.coord))


def test_a_note_is_needed_to_take_an_item_off(street, make) -> None:
    from buurthulp.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        work.handle_item("verify", street.carla.id, note="  ", actor=street.coord)
    assert refused.value.field == "note"


def test_verifying_a_member_takes_them_off_the_queue(street) -> None:
    assert street.anna.id in _kinds(work.read_queue(street.coord))["verify"]
    trust.set_trust(street.anna.id, step="id-seen", actor=street.coord)
    assert street.anna.id not in _kinds(work.read_queue(street.coord))["verify"]


def test_a_quiet_vulnerable_resident_comes_back_sixty_days_after_a_visit(street, make) -> None:
    now = utcnow()
    residents.mark_vulnerable(street.carla.id, reason="Woont alleen", actor=street.coord)
    assert "quiet" not in _kinds(work.read_queue(street.coord, now=now + timedelta(days=59)))
    later = now + timedelta(days=61)
    assert _kinds(work.read_queue(street.coord, now=later))["quiet"] == {street.carla.id}
    work.handle_item(
        "quiet", street.carla.id, note="Op bezoek geweest", actor=street.coord, now=later
    )
    assert "quiet" not in _kinds(work.read_queue(street.coord, now=later + timedelta(days=59)))
    again = later + timedelta(days=61)
    assert _kinds(work.read_queue(street.coord, now=again))["quiet"] == {street.carla.id}
    # Any sign of life counts: a request she posted the day before.
    posted = make.listing(street.carla, title="Hulp bij de tuin")
    backdate(Listing, posted.id, created_at=again - timedelta(days=1))
    assert "quiet" not in _kinds(work.read_queue(street.coord, now=again))


def test_another_feature_adds_a_source_by_registering_it(street, monkeypatch) -> None:
    monkeypatch.setattr(work, "SOURCES", dict(work.SOURCES))

    def reports(scope: Any, now: Any) -> list[work.QueueItem]:
        return [
            work.QueueItem(
                kind="outreach",
                item_id=7,
                title="Melding",
                why="Een buur maakt zich zorgen",
                since=now - timedelta(days=1),
                due_at=now - timedelta(hours=1),
                url="/ergens",
                subject_ids=(street.anna.id,),
            )
        ]

    work.register_source("outreach", "Meldingen", reports)
    queue = work.read_queue(street.coord)
    assert queue.items[0].kind == "outreach"  # overdue: first
    assert queue.counts["outreach"] == 1 and ("outreach", "Meldingen") in queue.kinds


# Through the web ----------------------------------------------------------------------------


def test_the_queue_page_filters_and_logs_what_it_shows(app, client, login, street) -> None:
    login(street.coord)
    page = client.get("/beheer/werklijst")
    assert page.status_code == 200
    html = page.text
    assert "Anna" in html and f"/beheer/bewoners/{street.anna.id}" in html
    assert f"/beheer/werklijst/verify/{street.anna.id}/afgehandeld" in html
    rows = db.session.execute(
        select(AccessLogEntry.subject_id, AccessLogEntry.reason).where(
            AccessLogEntry.what == "work-queue"
        )
    ).all()
    assert {r.subject_id for r in rows} >= {street.anna.id, street.bert.id, street.carla.id}
    assert {r.reason for r in rows} == {"overview"}  # a list: no question asked
    assert client.get("/beheer/werklijst?soort=dispute").status_code == 200
    assert client.get("/beheer/werklijst?soort=onzin").status_code == 400
    login(street.anna)
    assert client.get("/beheer/werklijst").status_code == 403


def test_the_handled_page_asks_what_was_done(app, client, login, street) -> None:
    login(street.coord)
    url = f"/beheer/werklijst/verify/{street.carla.id}/afgehandeld"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"note": ""}).status_code == 422
    done = client.post(url, data={"note": "Verhuisd naar Arnhem"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/beheer/werklijst")
    assert client.get(url).status_code == 404  # off the queue
    login(street.other_coord)
    assert client.get(f"/beheer/werklijst/verify/{street.bert.id}/afgehandeld").status_code == 404


# A fixed number of queries -----------------------------------------------------------------

CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


def _fill(make: Any, street: Any, kept: Any, n: int, now: Any) -> None:
    """`n` items of each kind the queue builds from the marketplace."""
    for i in range(n):
        newcomer = make.resident(street.hood, name=f"Nieuw {i}")
        alone = make.resident(street.hood, name=f"Stil {i}")
        residents.mark_vulnerable(alone.id, reason="Alleen", actor=street.coord)
        with transaction():
            db.session.execute(
                update(Vulnerability)
                .where(Vulnerability.member_id == alone.id)
                .values(marked_at=now - timedelta(days=70))
            )
        backdate(
            Listing,
            make.listing(newcomer, title=f"Vraag {i}").id,
            created_at=now - timedelta(days=70),
        )
        stalled = agreed(make, street.anna, newcomer, title=f"Klus {i}")
        backdate(
            Match,
            stalled.id,
            agreed_at=now - timedelta(days=70),
            updated_at=now - timedelta(days=70),
        )
        disputed = awaiting(make, street.bert, newcomer, title=f"Lamp {i}")
        matches.dispute(disputed.id, actor=street.bert, reason="Te lang")
        for_kept = make.listing(kept, title=f"Voor Truus {i}")
        matches.react(for_kept.id, actor=newcomer, message="Ik kom")


def _queries_of_one_get(client: Any, url: str) -> tuple[int, str]:
    assert client.get(url).status_code == 200  # warm
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len([s for s in sent if not s.lstrip().upper().startswith(CONTROL)]), response.text


def test_the_queue_costs_the_same_queries_with_5_or_20_items_of_each_kind(
    app, client, login, street, make, truus
) -> None:
    now = utcnow()
    login(street.coord)
    _fill(make, street, truus, 5, now)
    few, html = _queries_of_one_get(client, "/beheer/werklijst")
    assert html.count("Mark as handled") + html.count("Afgehandeld") >= 5
    _fill(make, street, truus, 15, now)
    many, html = _queries_of_one_get(client, "/beheer/werklijst")
    queue = work.read_queue(street.coord)
    assert queue.counts["dispute"] == 20 and queue.counts["stalled"] == 20
    assert queue.counts["no-reaction"] == 20 and queue.counts["quiet"] == 20
    assert queue.counts["not-online"] == 20 and queue.counts["verify"] >= 40
    print(f"work queue: {few} queries with 5 items of each kind, {many} with 20")
    assert many == few
    assert many <= 25


def test_a_step_for_a_resident_who_is_not_online_waits_until_her_coordinator_takes_it(
    street, make, truus
) -> None:
    request = make.listing(street.anna, title="Wie breit er mee?")
    invited = matches.invite(request.id, truus.id, actor=street.anna)
    assert _kinds(work.read_queue(street.coord)).get("not-online") == {invited.id}
    matches.answer_invitation(invited.id, yes=True, actor=street.coord, on_behalf_of=truus)
    assert "not-online" not in _kinds(work.read_queue(street.coord))
    matches.complete(invited.id, actor=street.anna, minutes=30)  # Anna marks it done...
    assert _kinds(work.read_queue(street.coord))["not-online"] == {invited.id}  # Truus confirms
    assert matches.confirm(invited.id, actor=street.coord, on_behalf_of=truus).booked
    assert "not-online" not in _kinds(work.read_queue(street.coord))
    own = make.listing(truus, title="Hulp bij de post")
    helper = matches.react(own.id, actor=street.bert, message="Ik kan")
    assert _kinds(work.read_queue(street.coord))["not-online"] == {helper.id}
    matches.accept(helper.id, actor=street.coord, on_behalf_of=truus)
    matches.complete(helper.id, actor=street.bert, minutes=20)
    assert _kinds(work.read_queue(street.coord))["not-online"] == {helper.id}  # to confirm
    assert work.read_queue(street.other_coord).counts["not-online"] == 0
