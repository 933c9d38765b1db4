"""The daily digest: one mail with what a member chose to hear about once a day.

New listings near them that fit their interests are *chosen*, not dumped: near and recent
first, listings nobody has answered before others, no author twice and no category three
times, and never a listing this member was sent before. Notifications the member set to
"once a day" come along, grouped by topic, each group with its own unsubscribe link.
`flask notifications digest` sends them (cron or a timer, daily).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select, update

from buurthulp.auth.models import Member
from buurthulp.db import transaction
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.links import absolute_url
from buurthulp.matching.feed import feed
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import DigestSent, Notification
from buurthulp.notifications.services import (
    DIGEST,
    TOPICS,
    choice_of,
    text_of,
    topic_label,
    topic_of,
)
from buurthulp.outbox.services import link_marker, queue_mail

DIGEST_SIZE = 6
NEW_DAYS = 7
PER_CATEGORY = 2


def choose(cards: list, sent: set[int], *, size: int = DIGEST_SIZE) -> list:
    """The digest's listings from ranked feed cards, by the rules above (pure, testable)."""
    fresh = [c for c in cards if c.id not in sent]
    fresh.sort(key=lambda c: (c.band, c.reactions > 0, -c.created_at.timestamp(), c.id))
    chosen, authors, categories = [], set(), {}
    for card in fresh:
        if card.owner_id in authors or categories.get(card.category, 0) >= PER_CATEGORY:
            continue
        chosen.append(card)
        authors.add(card.owner_id)
        categories[card.category] = categories.get(card.category, 0) + 1
        if len(chosen) >= size:
            break
    return chosen


def nearby_for(member: Member, now: datetime) -> list:
    """New listings near `member` that fit what they like (anything new, if they said
    nothing about themselves yet)."""
    if member.home_lat is None and member.public_lat is None:
        return []
    cards = feed(member, limit=500, now=now).cards
    recent = [c for c in cards if c.created_at >= now - timedelta(days=NEW_DAYS)]
    if member.tags:
        recent = [c for c in recent if c.fit > 0]
    sent = set(
        db.session.scalars(select(DigestSent.listing_id).where(DigestSent.member_id == member.id))
    )
    return choose(recent, sent)


def digest_for(member: Member, now: datetime) -> bool:
    """Queue one member's digest; False when there is nothing to tell."""
    pending = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.member_id == member.id, Notification.digest_pending.is_(True))
            .order_by(Notification.id)
        )
    )
    listings = nearby_for(member, now) if choice_of(member.id, "nearby") == "daily" else []
    if not pending and not listings:
        return False
    # One group per topic, each with its own unsubscribe link; the mail's own link (and its
    # List-Unsubscribe header) stops the daily mail as a whole.
    links: dict[str, tuple[str, dict[str, object]]] = {
        "unsubscribe": ("unsubscribe", {"topic": DIGEST})
    }

    def stop_line(topic: str) -> str:
        name = f"unsubscribe-{topic}"
        links[name] = ("unsubscribe", {"topic": topic})
        return _("No more e-mail about this? %(link)s", link=link_marker(name))

    by_topic: dict[str, list[Notification]] = {}
    for notification in pending:
        by_topic.setdefault(topic_of(notification), []).append(notification)
    with force_locale(member.locale or "nl"):
        lines = [_("Hello %(name)s,", name=member.display_name), ""]
        if listings:
            lines.append(_("New near you:"))
            for card in listings:
                lines.append(f"- {card.title} ({card.distance_label}, {card.neighbourhood})")
                lines.append(f"  {absolute_url('listings.show', listing_id=card.id)}")
            lines += [stop_line("nearby"), ""]
        for topic in TOPICS:
            if topic in by_topic:
                lines.append(f"{topic_label(topic)}:")
                lines.extend(f"- {text_of(n)}" for n in by_topic[topic])
                # Security notices have no "no more e-mail" line: they cannot be turned off.
                lines += [stop_line(topic), ""] if "off" in TOPICS[topic][2] else [""]
        lines += [
            "-- ",
            _("No more daily e-mail at all? %(link)s", link=link_marker("unsubscribe")),
            _("All your settings: %(link)s", link=absolute_url("notifications.settings")),
        ]
        subject = _("Buurthulp: news for you")
    with transaction():
        queue_mail(
            to=member.email or "",
            member_id=member.id,
            subject=subject,
            body="\n".join(lines),
            links=links,
        )
        db.session.add_all(
            DigestSent(member_id=member.id, listing_id=c.id, sent_at=now) for c in listings
        )
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_([n.id for n in pending]))
            .values(digest_pending=False)
            .execution_options(synchronize_session=False)
        )
    return True


def send_digests(now: datetime | None = None) -> int:
    """Every member with an e-mail address who has something to hear: one mail each."""
    now = now or utcnow()
    member_ids = db.session.scalars(
        select(Member.id)
        .where(Member.status == "active", Member.email.is_not(None))
        .order_by(Member.id)
    ).all()
    sent = 0
    for member_id in member_ids:
        member = db.session.get(Member, member_id)
        if member is not None and digest_for(member, now):
            sent += 1
        db.session.expire_all()
    return sent
