"""Times people read are Amsterdam times, written by Babel; counted words have plurals."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import force_locale

from buurthulp.i18n import day, format_minutes, when


def test_just_after_midnight_in_amsterdam_is_already_the_next_day(app, db_session):
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 December in Amsterdam
    with force_locale("nl"):
        assert day(late) == "02-12-2026"
        assert when(late) == "02-12-2026, 00:30"
    summer = datetime(2026, 7, 1, 22, 15, tzinfo=UTC)  # 00:15 on 2 July (summer time)
    with force_locale("en"):
        assert day(summer) == "7/2/26"


def test_minutes_read_as_people_say_them(app, db_session):
    with force_locale("nl"):
        assert format_minutes(90) == "1 u 30 min"
        assert format_minutes(-45) == "\N{MINUS SIGN}45 min"
        assert format_minutes(120) == "2 u"


def test_the_health_page_counts_with_the_right_plural(client, make, login):
    from buurthulp.ledger import services

    hood = make.neighbourhood()
    alice, bob = make.resident(hood), make.resident(hood)
    coordinator = make.coordinator(hood)
    services.thank(payer=alice, to_member_id=bob.id, minutes=5, description="x", actor=alice)
    login(coordinator)
    page = client.get("/tijdbank/beheer/gezondheid").get_data(as_text=True)
    assert "1 overboeking," in page and "2 boekingsregels" in page
    assert "1 overboekingen" not in page


def test_a_member_who_chose_english_reads_english_from_the_first_word(client, make, login):
    """The member is loaded before anything is translated: even a request refused before
    its view runs (a control character in the query) answers in their language."""
    from sqlalchemy import update

    from buurthulp.auth.models import Member
    from buurthulp.db import transaction
    from buurthulp.extensions import db

    member = make.resident()
    with transaction():
        db.session.execute(update(Member).where(Member.id == member.id).values(locale="en"))
    login(member)
    refused = client.get("/account?q=%01")
    assert refused.status_code == 422
    assert '<html lang="en"' in refused.text
    page = client.get("/account")
    assert '<html lang="en"' in page.text and "My account" in page.text
    api = client.get("/api/v1/me?q=%01", headers={"Authorization": "Bearer nonsense"})
    assert api.status_code in (401, 422)


def test_translations_follow_force_locale_within_one_request(app, db_session):
    """A mail in the recipient's language inside a Dutch request: the per-request cache of
    catalogues is kept per language."""
    from buurthulp.i18n import gettext

    with force_locale("nl"):
        assert gettext("My account") == "Mijn account"
        with force_locale("en"):
            assert gettext("My account") == "My account"
        assert gettext("My account") == "Mijn account"
