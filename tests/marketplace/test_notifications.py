"""Notifications: the bell and the list, a choice per topic (at once, daily, never), the
digest chosen by its rules, a signed one-click unsubscribe that needs no login, and no mail
ever for a member without an e-mail address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from buurthulp.db import transaction
from buurthulp.errors import InvalidInput
from buurthulp.extensions import db
from buurthulp.matches import services as matches
from buurthulp.matching import digest
from buurthulp.models_base import utcnow
from buurthulp.notifications import services as notifications
from buurthulp.notifications.models import DigestSent, Notification
from buurthulp.outbox.models import OutboxMessage
from tests.marketplace.conftest import Street

pytestmark = pytest.mark.usefixtures("english")


def _mails_to(mailbox, member) -> list:
    return [m for m in mailbox if m["To"] == member.email]


def _link(mail, marker: str) -> str:
    for word in mail.get_content().split():
        if marker in word:
            return urlsplit(word).path
    raise AssertionError(f"no link with {marker!r} in {mail.get_content()!r}")


# The per-topic choice -----------------------------------------------------------------------


def test_at_once_mails_daily_waits_for_the_digest_and_off_only_shows_in_the_app(
    street: Street, make, mailbox
) -> None:
    listing = make.listing(street.anna, title="Boodschappen doen")
    matches.react(listing.id, actor=street.bert, message="Ik kan helpen")
    assert len(_mails_to(mailbox, street.anna)) == 1  # reactions: at once by default

    notifications.set_choice(street.anna, "reactions", "daily", actor=street.anna)
    matches.react(listing.id, actor=street.carla, message="Ik ook")
    assert len(_mails_to(mailbox, street.anna)) == 1
    pending = db.session.scalars(
        select(Notification).where(
            Notification.member_id == street.anna.id, Notification.digest_pending.is_(True)
        )
    ).all()
    assert len(pending) == 1

    notifications.set_choice(street.anna, "reactions", "off", actor=street.anna)
    third = make.resident(street.hood, name="Dora")
    matches.react(listing.id, actor=third, message="Zal ik komen?")
    assert len(_mails_to(mailbox, street.anna)) == 1
    assert notifications.unread_count(street.anna) == 3  # the app shows all three


@pytest.mark.parametrize(
    "topic, choice", [("reactions", "weekly"), ("nosuch", "off"), ("nearby", "instant"), (1, [])]
)
def test_an_unknown_topic_or_choice_is_refused(street, topic, choice) -> None:
    with pytest.raises(InvalidInput):
        notifications.set_choice(street.anna, topic, choice, actor=street.anna)


def test_a_member_without_an_e_mail_address_is_never_mailed(street, make, mailbox) -> None:
    with transaction():
        street.anna.email = None  # as a resident a coordinator keeps for (proxy)
    listing = make.listing(street.anna, title="Boodschappen doen")
    matches.react(listing.id, actor=street.bert, message="Ik kan helpen")
    assert notifications.unread_count(street.anna) == 1
    notifications.set_choice(street.anna, "reactions", "daily", actor=street.anna)
    matches.react(listing.id, actor=street.carla, message="Ik ook")
    digest.send_digests()  # the neighbours get theirs
    assert mailbox and all(m["To"] for m in mailbox)
    assert (
        db.session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.member_id == street.anna.id)
        ).all()
        == []
    )


# The bell, the list, the settings page ----------------------------------------------------


def test_the_bell_counts_and_the_list_marks_read(client, login, street, make) -> None:
    listing = make.listing(street.anna, title="Boodschappen doen")
    matches.react(listing.id, actor=street.bert, message="Ik kan helpen")
    login(street.anna)
    home = client.get("/").get_data(as_text=True)
    assert '<span class="badge">1<span class="visually-hidden"> new</span></span>' in home
    page = client.get("/notificaties/").get_data(as_text=True)
    assert "Bert" in page and "Boodschappen doen" in page
    assert client.post("/notificaties/gelezen").status_code == 303
    assert notifications.unread_count(street.anna) == 0


def test_the_settings_page_keeps_one_line_per_topic(client, login, street) -> None:
    login(street.anna)
    page = client.get("/notificaties/instellingen").get_data(as_text=True)
    for topic in notifications.TOPICS:
        assert f'name="topic-{topic}"' in page
    response = client.post(
        "/notificaties/instellingen", data={"topic-messages": "off", "topic-nearby": "off"}
    )
    assert response.status_code == 303
    assert notifications.choice_of(street.anna.id, "messages") == "off"
    assert notifications.choice_of(street.anna.id, "nearby") == "off"
    assert notifications.choice_of(street.anna.id, "matches") == "instant"
    bad = client.post("/notificaties/instellingen", data={"topic-messages": "sometimes"})
    assert bad.status_code == 422
    assert notifications.choice_of(street.anna.id, "messages") == "off"


# Unsubscribing from a mail ------------------------------------------------------------------


def test_every_mail_unsubscribes_its_topic_in_one_click_without_logging_in(
    client, street, make, mailbox
) -> None:
    listing = make.listing(street.anna, title="Boodschappen doen")
    matches.react(listing.id, actor=street.bert, message="Ik kan helpen")
    [mail] = _mails_to(mailbox, street.anna)
    path = _link(mail, "/notificaties/afmelden/")
    assert mail["List-Unsubscribe"] == f"<http://buurthulp.test{path}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert client.get(path).status_code == 200  # a link scanner opening it changes nothing
    assert notifications.choice_of(street.anna.id, "reactions") == "instant"
    # What a mail program sends (RFC 8058): no session, no form token.
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert notifications.choice_of(street.anna.id, "reactions") == "off"
    assert notifications.choice_of(street.anna.id, "messages") == "instant"


@pytest.mark.parametrize("token", ["x", "a" * 400, "eyJtIjoxLCJ0IjoibWF0Y2hlcyJ9.bad"])
def test_a_made_up_unsubscribe_link_changes_nothing(client, street, token) -> None:
    response = client.post(f"/notificaties/afmelden/{token}")
    assert response.status_code == 422
    assert notifications.choice_of(street.anna.id, "reactions") == "instant"


# The digest -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeCard:
    id: int
    band: int
    reactions: int
    created_at: datetime
    owner_id: int
    category: str


NOON = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _card(id: int, **kw) -> FakeCard:
    fields = {"band": 0, "reactions": 0, "created_at": NOON, "owner_id": id, "category": "tuin"}
    return FakeCard(id=id, **{**fields, **kw})


def test_the_digest_puts_near_then_unanswered_then_recent_first() -> None:
    far = _card(1, band=2)
    answered = _card(2, reactions=1)
    old = _card(3, created_at=NOON - timedelta(days=3), category="vervoer-en-begeleiding")
    new = _card(4, category="huisdieren")
    chosen = digest.choose([far, answered, old, new], set())
    assert [c.id for c in chosen] == [4, 3, 2, 1]


def test_the_digest_names_no_author_twice_no_category_three_times_and_never_resends() -> None:
    same_author = [_card(1, owner_id=7), _card(2, owner_id=7)]
    same_category = [_card(10 + n, category="klussen") for n in range(4)]
    chosen = digest.choose([*same_author, *same_category], sent={11})
    assert [c.id for c in chosen] == [1, 10, 12]


@given(
    st.lists(
        st.builds(
            _card,
            st.integers(1, 60),
            band=st.integers(0, 3),
            reactions=st.integers(0, 2),
            owner_id=st.integers(1, 8),
            category=st.sampled_from(["tuin", "klussen", "vervoer", "koken"]),
        ),
        unique_by=lambda c: c.id,
        max_size=30,
    ),
    st.sets(st.integers(1, 60)),
)
def test_the_digest_rules_hold_for_any_feed(cards, sent) -> None:
    chosen = digest.choose(cards, sent)
    assert len(chosen) <= digest.DIGEST_SIZE
    assert not {c.id for c in chosen} & sent
    assert len({c.owner_id for c in chosen}) == len(chosen)
    categories = [c.category for c in chosen]
    assert all(categories.count(c) <= digest.PER_CATEGORY for c in categories)
    keys = [(c.band, c.reactions > 0) for c in chosen]
    assert keys == sorted(keys)
    # Nothing was left out that fitted: every card not chosen broke a rule or came later.
    if len(chosen) < digest.DIGEST_SIZE:
        for card in cards:
            if card in chosen or card.id in sent:
                continue
            assert card.owner_id in {c.owner_id for c in chosen} or (
                categories.count(card.category) >= digest.PER_CATEGORY
            )


def test_the_digest_job_sends_fitting_listings_once_and_the_daily_news_with_them(
    runner, street, make, mailbox
) -> None:
    street.carla.tags  # noqa: B018 - loaded before the change below
    from buurthulp.accounts.services import set_tags

    with transaction():
        set_tags(street.carla, "interest", ["tuin"])
    garden = make.listing(street.anna, title="Hulp bij het snoeien", category="tuin")
    make.listing(street.bert, title="Computer hulp", category="computer-en-telefoon")
    notifications.set_choice(street.carla, "activities", "daily", actor=street.carla)
    walk = make.listing(street.anna, "activity", title="Wandelgroep")
    from buurthulp.listings import activities

    activities.sign_up(walk.id, actor=street.carla)
    activities.message_attendees(walk.id, actor=street.anna, body="We starten bij de kerk")
    mailbox.clear()

    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    [mail] = _mails_to(mailbox, street.carla)
    body = mail.get_content()
    assert "Hulp bij het snoeien" in body  # fits her interest
    assert "Computer hulp" not in body  # does not
    assert "We starten bij de kerk" in body  # her daily news came along
    assert _link(mail, "/notificaties/afmelden/")
    assert db.session.scalar(
        select(DigestSent.id).where(
            DigestSent.member_id == street.carla.id, DigestSent.listing_id == garden.id
        )
    )

    mailbox.clear()
    runner.invoke(args=["notifications", "digest"])
    assert _mails_to(mailbox, street.carla) == []  # nothing new: no mail at all


def test_the_digest_leaves_out_what_is_old_and_what_the_member_posted(street, make) -> None:
    mine = make.listing(street.carla, title="Mijn eigen vraag", category="tuin")
    old = make.listing(street.anna, title="Oude vraag", category="tuin")
    with transaction():
        old.created_at = utcnow() - timedelta(days=digest.NEW_DAYS + 1)
    new = make.listing(street.anna, title="Nieuwe vraag", category="tuin")
    ids = [c.id for c in digest.nearby_for(street.carla, utcnow())]
    assert new.id in ids and old.id not in ids and mine.id not in ids


def test_the_cards_above_have_the_fields_of_the_feeds_cards() -> None:
    from buurthulp.matching.feed import Card

    assert set(FakeCard.__dataclass_fields__) <= set(Card.__dataclass_fields__)


def _unsubscribe_links_in(text: str) -> list[str]:
    return [urlsplit(word).path for word in text.split() if "/notificaties/afmelden/" in word]


def _unsubscribe_links(mail) -> list[str]:
    return _unsubscribe_links_in(mail.get_content())


def test_each_group_of_the_digest_unsubscribes_its_own_topic(client, street, make, mailbox):
    street.carla.tags  # noqa: B018 - loaded before the change below
    from buurthulp.accounts.services import set_tags
    from buurthulp.listings import activities

    with transaction():
        set_tags(street.carla, "interest", ["tuin"])
    for topic in ("activities", "reactions"):
        notifications.set_choice(street.carla, topic, "daily", actor=street.carla)
    make.listing(street.anna, title="Hulp bij het snoeien", category="tuin")
    walk = make.listing(street.anna, "activity", title="Wandelgroep")
    activities.sign_up(walk.id, actor=street.carla)
    activities.message_attendees(walk.id, actor=street.anna, body="We starten bij de kerk")
    offer = make.listing(street.carla, "offer", title="Ik help met snoeien", category="tuin")
    matches.react(offer.id, actor=street.bert, message="Graag")
    mailbox.clear()

    assert digest.send_digests() >= 1
    [mail] = _mails_to(mailbox, street.carla)
    # Groups are separated by an empty line; each ends with its own unsubscribe link.
    groups = [g for g in mail.get_content().split("\n\n") if "\n- " in g or g.startswith("- ")]
    links = {group: _unsubscribe_links_in(group) for group in groups}
    [nearby] = next(v for k, v in links.items() if "Hulp bij het snoeien" in k)
    [activity] = next(v for k, v in links.items() if "We starten bij de kerk" in k)
    [reaction] = next(v for k, v in links.items() if "Bert" in k)
    assert len({nearby, activity, reaction}) == 3
    [*_groups, whole] = _unsubscribe_links(mail)
    assert whole not in (nearby, activity, reaction)
    assert mail["List-Unsubscribe"] == f"<http://buurthulp.test{whole}>"

    assert client.post(activity).status_code == 200
    assert notifications.choice_of(street.carla.id, "activities") == "off"
    assert notifications.choice_of(street.carla.id, "nearby") == "daily"
    assert notifications.choice_of(street.carla.id, "reactions") == "daily"
    assert client.post(nearby).status_code == 200
    assert notifications.choice_of(street.carla.id, "nearby") == "off"
    assert notifications.choice_of(street.carla.id, "reactions") == "daily"
    assert client.post(reaction).status_code == 200
    assert notifications.choice_of(street.carla.id, "reactions") == "off"


def test_the_digests_own_link_stops_every_daily_topic_and_nothing_else(client, street, mailbox):
    notifications.set_choice(street.carla, "activities", "daily", actor=street.carla)
    with transaction():
        notifications.notify(
            street.carla.id, "activities.message", by="Anna", title="Wandelen", text="Hoi"
        )
    mailbox.clear()
    digest.digest_for(street.carla, utcnow())
    [mail] = _mails_to(mailbox, street.carla)
    whole = urlsplit(mail["List-Unsubscribe"].strip("<>")).path
    page = client.get(whole)
    assert page.status_code == 200 and "daily e-mail" in page.get_data(as_text=True)
    # What a mail program sends (RFC 8058): no session, no form token.
    assert client.post(whole, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert notifications.choice_of(street.carla.id, "activities") == "off"
    assert notifications.choice_of(street.carla.id, "nearby") == "off"
    assert notifications.choice_of(street.carla.id, "reactions") == "instant"  # not daily


def test_an_unsubscribe_link_tells_nothing_and_security_notices_stay_on(
    client, street, make, mailbox
) -> None:
    """The link is sealed: no member id or topic can be read from it (a base64 JSON would
    show {"m": 1, ...}). The account topic (staff acted on my account, the second factor
    moved) has no link and no "off": security notices always come."""
    import base64
    import binascii

    listing = make.listing(street.anna, title="Boodschappen doen")
    matches.react(listing.id, actor=street.bert, message="Ik kan helpen")
    [mail] = _mails_to(mailbox, street.anna)
    token = _link(mail, "/notificaties/afmelden/").rsplit("/", 1)[1]
    for part in token.split("."):
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            continue
        assert b'"m"' not in decoded and b"reactions" not in decoded
    with pytest.raises(InvalidInput):
        notifications.set_choice(street.anna, "account", "off", actor=street.anna)
    from buurthulp.notifications.services import _mint_unsubscribe

    with client.application.test_request_context():
        account_link = _mint_unsubscribe(street.anna.id, {"topic": "account"})
    refused = client.post(account_link.removeprefix("http://buurthulp.test"))
    assert refused.status_code == 422
    assert notifications.choice_of(street.anna.id, "account") == "instant"
