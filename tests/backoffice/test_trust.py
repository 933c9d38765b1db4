"""Trust levels: verified (met, or an ID seen), VOG checked (date of issue, renewed after
three years, reminded a month before), lowered with a reason; and the category rules that
need a trusted helper, enforced on reacting, inviting and agreeing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from buurthulp.audit.models import AuditEntry
from buurthulp.auth.models import Member
from buurthulp.backoffice import trust
from buurthulp.backoffice.models import TrustRecord
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.listings.categories import add_category, save_category
from buurthulp.matches import services as matches
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import Notification
from tests.backoffice.conftest import set_trust_level


def _kinds(member: Member) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.member_id == member.id)
            .order_by(Notification.id)
        )
    )


def _level(member: Member) -> str:
    return db.session.scalar(select(Member.trust_level).where(Member.id == member.id))


def test_meeting_a_resident_verifies_them_with_who_and_when_kept(street) -> None:
    trust.set_trust(
        street.anna.id, step="in-person", note="Bij de koffieochtend", actor=street.coord
    )
    assert _level(street.anna) == "verified"
    [step] = trust.history(street.anna)
    assert (step.level, step.how, step.recorded_by) == ("verified", "in-person", "Marieke")
    assert step.note == "Bij de koffieochtend" and step.vog_issued_on is None
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.kind == "verification")).one()
    assert audit.member_id == street.anna.id and audit.actor_id == street.coord.id
    assert _kinds(street.anna) == ["backoffice.verified"]
    with pytest.raises(Conflict):  # pressed twice
        trust.set_trust(street.anna.id, step="id-seen", actor=street.coord)


def test_a_vog_needs_a_verified_member_and_a_date_of_issue_that_is_still_valid(street) -> None:
    today = utcnow().date()
    with pytest.raises(InvalidInput) as refused:
        trust.set_trust(street.bert.id, step="vog", vog_issued_on=today, actor=street.coord)
    assert refused.value.field == "step"  # verify first
    trust.set_trust(street.bert.id, step="id-seen", actor=street.coord)
    for issued in (None, today + timedelta(days=2), date(today.year - 3, 1, 1)):
        with pytest.raises(InvalidInput) as refused:
            trust.set_trust(street.bert.id, step="vog", vog_issued_on=issued, actor=street.coord)
        assert refused.value.field == "vog_issued_on"
    issued = today - timedelta(days=30)
    trust.set_trust(street.bert.id, step="vog", vog_issued_on=issued, actor=street.coord)
    assert _level(street.bert) == "vog"
    latest = trust.history(street.bert)[0]
    assert latest.vog_issued_on == issued
    assert (
        latest.valid_until == trust.vog_valid_until(issued) == issued.replace(year=issued.year + 3)
    )
    assert trust.vog_valid_until(date(2024, 2, 29)) == date(2027, 2, 28)


def test_lowering_a_level_needs_a_reason_and_nobody_sets_their_own(street, make) -> None:
    trust.set_trust(street.carla.id, step="in-person", actor=street.coord)
    with pytest.raises(InvalidInput) as refused:
        trust.set_trust(street.carla.id, step="lowered", actor=street.coord)
    assert refused.value.field == "note"
    trust.set_trust(street.carla.id, step="lowered", note="Verkeerde persoon", actor=street.coord)
    assert _level(street.carla) == "new"
    with pytest.raises(Conflict):
        trust.set_trust(street.carla.id, step="lowered", note="nog lager", actor=street.coord)
    with pytest.raises(NotAllowed):
        trust.set_trust(street.coord.id, step="in-person", actor=street.coord)
    with pytest.raises(NotFound):  # another neighbourhood's coordinator
        trust.set_trust(street.anna.id, step="in-person", actor=street.other_coord)
    with pytest.raises(NotFound):  # a resident
        trust.set_trust(street.bert.id, step="in-person", actor=street.anna)
    with pytest.raises(InvalidInput):
        trust.set_trust(street.bert.id, step="anything", actor=street.coord)


def test_a_vog_is_reminded_once_a_month_before_and_lapses_after_three_years(street) -> None:
    # Days as the clock counts them: Dutch dates, at noon. (Adding whole days to a UTC
    # moment failed by chance: 22:55 UTC in winter is 00:55 the next day in summer time.)
    issued = trust.today(utcnow()) - timedelta(days=10)
    trust.set_trust(street.bert.id, step="in-person", actor=street.coord)
    trust.set_trust(street.bert.id, step="vog", vog_issued_on=issued, actor=street.coord)
    until = trust.vog_valid_until(issued)
    at = lambda day: datetime.combine(day, time(12), tzinfo=LOCAL_TZ).astimezone(UTC)  # noqa: E731
    assert trust.tick(at(until - timedelta(days=31))) == {"VOG reminders": 0, "VOG lapsed": 0}
    assert trust.tick(at(until - timedelta(days=29)))["VOG reminders"] == 1
    assert trust.tick(at(until - timedelta(days=20)))["VOG reminders"] == 0  # once
    assert "backoffice.vog_expiring" in _kinds(street.bert)
    assert "backoffice.vog_expiring_staff" in _kinds(street.coord)
    assert trust.tick(at(until))["VOG lapsed"] == 1
    assert _level(street.bert) == "verified"
    assert trust.history(street.bert)[0].how == "lapsed"
    assert "backoffice.vog_lapsed" in _kinds(street.bert)
    assert "backoffice.vog_lapsed_staff" in _kinds(street.coord)
    lapsed = db.session.scalars(
        select(AuditEntry).where(AuditEntry.kind == "verification").order_by(AuditEntry.id.desc())
    ).first()
    assert lapsed.actor_id is None and lapsed.actor_label == "Buurthulp (clock)"
    assert trust.tick(at(until + timedelta(days=1))) == {"VOG reminders": 0, "VOG lapsed": 0}


def test_the_listings_clock_runs_the_vog_clock(runner, street) -> None:
    result = runner.invoke(args=["listings", "tick"])
    assert result.exit_code == 0, result.output
    assert "VOG reminders: 0" in result.output and "VOG lapsed: 0" in result.output


def test_the_database_keeps_a_vog_step_with_its_date(street) -> None:
    from sqlalchemy.exc import IntegrityError

    from buurthulp.db import transaction

    with pytest.raises(IntegrityError), transaction():
        db.session.add(TrustRecord(member_id=street.anna.id, level="vog", how="vog"))


# The category rules: a trusted helper where the neighbourhood asks for one -------------------


def _rule(street, make, trust_needed: str) -> str:
    admin = make.admin()  # the admin sets the neighbourhood's rules
    category = add_category(street.hood.id, name="Klussen binnen", actor=admin)
    save_category(street.hood.id, category.id, trust_needed=trust_needed, actor=admin)
    return category.slug


def test_reacting_to_a_request_that_needs_a_trusted_helper(street, make) -> None:
    slug = _rule(street, make, "verified")
    request = make.listing(street.anna, title="Lamp ophangen", category=slug)
    with pytest.raises(NotAllowed) as refused:
        matches.react(request.id, actor=street.bert, message="Ik kan het")
    assert refused.value.code == "trust_needed"
    trust.set_trust(street.bert.id, step="in-person", actor=street.coord)
    assert matches.react(request.id, actor=street.bert, message="Ik kan het").status == "proposed"


def test_accepting_checks_the_helper_again(street, make) -> None:
    """Bert reacted while trusted; his level was lowered before Anna accepted."""
    slug = _rule(street, make, "verified")
    set_trust_level(street.bert, "verified")
    request = make.listing(street.anna, title="Kast ophangen", category=slug)
    match = matches.react(request.id, actor=street.bert, message="Ik kan het")
    set_trust_level(street.bert, "new")
    with pytest.raises(NotAllowed):
        matches.accept(match.id, actor=street.anna)
    assert db.session.get(type(match), match.id).status == "proposed"


def test_inviting_and_answering_yes_check_the_helper(street, make) -> None:
    slug = _rule(street, make, "vog")
    set_trust_level(street.bert, "verified")
    request = make.listing(street.anna, title="Badkamer", category=slug)
    with pytest.raises(NotAllowed):
        matches.invite(request.id, street.bert.id, actor=street.anna)
    set_trust_level(street.bert, "vog")
    match = matches.invite(request.id, street.bert.id, actor=street.anna)
    set_trust_level(street.bert, "verified")  # the VOG lapsed before he answered
    with pytest.raises(NotAllowed):
        matches.answer_invitation(match.id, yes=True, actor=street.bert)


# Through the web ----------------------------------------------------------------------------


def test_the_trust_page_records_a_check(app, client, login, login_en, street, make) -> None:
    login_en(street.coord)
    make.reason(street.coord, street.anna)
    url = f"/beheer/bewoners/{street.anna.id}/vertrouwen"
    page = client.get(url)
    assert page.status_code == 200 and "What did you check?" in page.text
    assert client.post(url, data={"step": "vog"}).status_code == 422  # verify first
    done = client.post(url, data={"step": "in-person", "note": "Bij haar thuis"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/beheer/bewoners/{street.anna.id}")
    file = client.get(f"/beheer/bewoners/{street.anna.id}").text
    assert "met in person" in file and "Bij haar thuis" in file
    login(street.anna)
    assert client.get(url).status_code == 403
