"""Retention: old message texts go, unused accounts are warned and then erased, per
neighbourhood; residents helped through a coordinator go to the coordinator instead. The
clock is moved (`now=`), not waited for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import CLI
from buurthulp.extensions import db
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match, Message
from buurthulp.models_base import utcnow
from buurthulp.neighbourhoods.services import save_neighbourhood
from buurthulp.outbox.models import OutboxMessage
from buurthulp.privacy import retention
from buurthulp.privacy.retention import months_before, retention_due_for_review
from tests.privacy.helpers import agreed

pytestmark = pytest.mark.both_databases


def _mails_to(member) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == member.email)))


def _fresh(member) -> Member:
    return db.session.get(Member, member.id, populate_existing=True)


def test_months_count_calendar_months() -> None:
    moment = datetime(2027, 3, 31, 12, tzinfo=UTC)
    assert months_before(moment, 1) == datetime(2027, 2, 28, 12, tzinfo=UTC)
    assert months_before(moment, 24) == datetime(2025, 3, 31, 12, tzinfo=UTC)
    assert months_before(moment, -1) == datetime(2027, 4, 30, 12, tzinfo=UTC)


def test_the_texts_of_a_match_go_a_year_after_it_ended(street, make) -> None:
    match = agreed(make, street.anna, street.bert)
    matches.post_message(match.id, actor=street.bert, body="Tot dinsdag")
    matches.cancel(match.id, actor=street.anna, reason="Niet meer nodig")
    ended = db.session.get(Match, match.id).updated_at
    assert retention.run(now=ended + timedelta(days=300)).threads == []
    dry = retention.run(now=ended + timedelta(days=370), dry_run=True)
    assert [t.match_id for t in dry.threads] == [match.id]
    assert db.session.scalar(select(Message.body)) == "Tot dinsdag"  # the dry run changed nothing
    retention.run(now=ended + timedelta(days=370))
    message = db.session.scalar(select(Message))
    assert (message.body, message.removed_at is not None) == ("", True)
    assert db.session.get(Match, match.id, populate_existing=True).message == ""
    assert retention.run(now=ended + timedelta(days=371)).threads == []  # done once


def test_an_open_match_keeps_its_messages(street, make) -> None:
    match = agreed(make, street.anna, street.bert)
    matches.post_message(match.id, actor=street.bert, body="Tot dinsdag")
    assert retention.plan(now=utcnow() + timedelta(days=800)).threads == []


def test_an_unused_account_is_warned_once_then_erased_a_month_later(street, mailbox) -> None:
    anna = street.anna
    joined = anna.created_at
    early = retention.plan(now=joined + timedelta(days=600))
    assert anna.id not in [a.member_id for a in early.warnings]
    warn_at = months_before(joined, -23) + timedelta(days=1)
    done = retention.run(now=warn_at)
    assert anna.id in [a.member_id for a in done.warnings]
    assert anna.id not in [a.member_id for a in done.erasures]
    [mail] = _mails_to(anna)
    assert "log" in mail.body.lower() and "[[link:login]]" in mail.body
    again = retention.run(now=warn_at + timedelta(days=10))
    assert anna.id not in [a.member_id for a in again.warnings + again.erasures]
    assert len(_mails_to(anna)) == 1  # no second warning within the month
    erased = retention.run(now=warn_at + timedelta(days=32))
    assert [a.member_id for a in erased.erasures if a.member_id == anna.id] == [anna.id]
    assert _fresh(anna).status == "erased"
    # The coordinator, Carla and Bert were never warned: the clock moved for all, but staff
    # are not erased by the timer, and the others show up as warned just like Anna.
    assert _fresh(street.coord).status == "active"


def test_logging_in_after_the_warning_starts_the_count_again(street) -> None:
    anna = street.anna
    warn_at = months_before(anna.created_at, -23) + timedelta(days=1)
    retention.run(now=warn_at)
    with db.session.begin_nested():
        _fresh(anna).last_login_at = warn_at + timedelta(days=5)
    later = retention.run(now=warn_at + timedelta(days=40))
    assert anna.id not in [a.member_id for a in later.erasures + later.warnings]
    assert _fresh(anna).status == "active"


def test_each_neighbourhood_sets_its_own_periods(street, make) -> None:
    save_neighbourhood(
        actor=CLI,
        name=street.hood.name,
        pc4_codes=street.hood.pc4_codes,
        neighbourhood_id=street.hood.id,
        retention_message_months=1,
        retention_inactive_months=6,
    )
    match = agreed(make, street.anna, street.bert)
    matches.post_message(match.id, actor=street.bert, body="Tot dinsdag")
    matches.cancel(match.id, actor=street.anna, reason="Klaar")
    ended = db.session.get(Match, match.id).updated_at
    assert [t.match_id for t in retention.plan(now=ended + timedelta(days=40)).threads] == [
        match.id
    ]
    soon = retention.plan(now=street.anna.created_at + timedelta(days=160))
    assert street.anna.id in [a.member_id for a in soon.warnings]
    assert street.stranger.id not in [a.member_id for a in soon.warnings]  # 24 months there


def test_a_resident_helped_through_a_coordinator_goes_to_the_coordinator(street, make) -> None:
    from buurthulp.accounts.services import create_member

    proxy = create_member(
        display_name="Mevrouw Jansen",
        email=None,
        password=None,
        postcode="6511AB",
        house_number="40",
    )
    far = months_before(proxy.created_at, -25)
    todo = retention.run(now=far)
    assert proxy.id not in [a.member_id for a in todo.warnings + todo.erasures]
    assert _fresh(proxy).status == "active"
    review = retention_due_for_review({street.hood.id}, now=far)
    assert [r.member_id for r in review] == [proxy.id]
    assert retention_due_for_review({street.other_hood.id}, now=far) == []
    assert retention_due_for_review(None, now=proxy.created_at + timedelta(days=30)) == []


def test_the_review_list_costs_the_same_queries_however_long(street, make) -> None:
    from sqlalchemy import event

    from buurthulp.accounts.services import create_member

    def count(n: int) -> list:
        for i in range(n):
            create_member(
                display_name=f"Buur {i}",
                email=None,
                password=None,
                postcode="6511AB",
                house_number=str(100 + i),
            )
        seen = []
        engine = db.session.get_bind()
        listener = lambda *args: seen.append(args[2]) if args[2].startswith("SELECT") else None  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            far = utcnow() + timedelta(days=800)
            retention_due_for_review(None, now=far)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return seen

    one, five = count(1), count(5)
    assert len(one) == len(five) == 2, (one, five)


def test_the_cli_dry_run_lists_and_changes_nothing(street, make, runner) -> None:
    match = agreed(make, street.anna, street.bert)
    matches.post_message(match.id, actor=street.bert, body="Tot dinsdag")
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "retention dry run: 0 threads" in result.output
    real = runner.invoke(args=["retention", "run"])
    assert real.exit_code == 0 and "retention run:" in real.output


def test_the_admin_sets_the_periods_on_the_neighbourhood_form(street, make, login) -> None:
    client = login(make.admin())
    url = f"/beheer/buurten/{street.hood.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="retention_message_months" type="text" value="12"' in page or (
        'name="retention_message_months"' in page and 'value="12"' in page
    )
    data = {
        "name": street.hood.name,
        "pc4_codes": ", ".join(street.hood.pc4_codes),
        "default_lower_hours": "-10",
        "default_upper_hours": "50",
        "retention_message_months": "6",
        "retention_inactive_months": "36",
    }
    assert client.post(url, data=data).status_code == 303
    hood = db.session.get(type(street.hood), street.hood.id, populate_existing=True)
    assert (hood.retention_message_months, hood.retention_inactive_months) == (6, 36)
    refused = client.post(url, data={**data, "retention_inactive_months": "1"})
    assert refused.status_code == 422


def test_a_mails_text_goes_a_while_after_delivery_and_the_row_stays(street, runner) -> None:
    """Sent and dead mail keep their text for OUTBOX_KEEP_DAYS (30), then only the row
    (to, when, status) stays; mail still waiting, or sent recently, is left alone."""
    from buurthulp.db import transaction

    now, keep = utcnow(), timedelta(days=30)
    rows = {
        "old sent": ("sent", now - keep - timedelta(hours=1)),
        "new sent": ("sent", now - keep + timedelta(hours=1)),
        "old dead": ("dead", None),
        "queued": ("queued", None),
    }
    with transaction():
        for label, (status, sent_at) in rows.items():
            db.session.add(
                OutboxMessage(
                    to=street.bert.email,
                    member_id=street.bert.id,
                    subject=f"Over {label}",
                    body=f"Anna schreef over {label}",
                    status=status,
                    sent_at=sent_at,
                    created_at=now - keep - timedelta(days=1),
                )
            )
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0 and "2 mails emptied" in dry.output, dry.output
    assert all(m.body for m in _mails_to(street.bert))
    real = runner.invoke(args=["retention", "run"])
    assert real.exit_code == 0 and "2 mails emptied" in real.output, real.output
    db.session.expire_all()
    kept = {m.body for m in _mails_to(street.bert) if m.body}
    assert kept == {"Anna schreef over new sent", "Anna schreef over queued"}
    assert len(_mails_to(street.bert)) == 4  # the rows stay: delivery can be counted
