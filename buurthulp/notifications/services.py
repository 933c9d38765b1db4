"""Notifications: written in the transaction of what caused them; shown in the app, and
mailed through the outbox as each member chose per topic (at once, in the daily digest,
or not at all).

Features name the kinds they send (`register_kind`) with a sentence in English for the
catalogue and the topic it belongs to. The in-app text is made when the member reads it,
in the language they use then; a mail is written in the member's own language. Members
without an e-mail address (residents a coordinator keeps for) are never mailed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from buurthulp.auth.models import Member
from buurthulp.crypto import SealBroken, seal, unseal
from buurthulp.db import in_transaction, transaction
from buurthulp.errors import InvalidInput
from buurthulp.extensions import db
from buurthulp.i18n import day, format_minutes
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import clean_choice
from buurthulp.links import absolute_url, path_for
from buurthulp.models_base import utcnow
from buurthulp.notifications.models import CHOICES, Notification, Preference
from buurthulp.outbox.services import link_marker, link_minter, queue_mail

PAGE_SIZE = 30
UNSUBSCRIBE_SALT = "unsubscribe"
#: Not a topic of its own: an unsubscribe link for the daily digest as a whole (its
#: List-Unsubscribe header) turns every topic now set to "once a day" off.
DIGEST = "digest"

#: Topics, one settings line each: (label, default choice, the choices offered).
TOPICS: dict[str, tuple[object, str, tuple[str, ...]]] = {
    "reactions": (_l("Reactions and invitations for my listings"), "instant", CHOICES),
    "matches": (_l("My matches: agreed, done, confirmed or cancelled"), "instant", CHOICES),
    "messages": (_l("New messages in a match"), "instant", CHOICES),
    "reminders": (_l("Reminders: a listing ends, a match waits for me"), "instant", CHOICES),
    "activities": (_l("Activities I signed up for"), "instant", CHOICES),
    # Security notices (staff acted on the account, the second factor moved): never off.
    "account": (_l("Staff acted on my account"), "instant", ("instant", "daily")),
    "nearby": (_l("New listings near me that fit my interests"), "daily", ("daily", "off")),
}


@dataclass(frozen=True)
class Kind:
    sentence: object
    topic: str


_KINDS: dict[str, Kind] = {}
#: How to show a parameter: minutes as "1 h 30 min", everything else as given.
_FORMATS: dict[str, Callable[[object], str]] = {
    name: lambda v: format_minutes(int(v))  # type: ignore[call-overload]
    for name in ("minutes", "lower", "upper")
}
_FORMATS["day"] = lambda v: day(date.fromisoformat(str(v)), "long")


_QUIET: ContextVar[bool] = ContextVar("buurthulp_notifications_quiet", default=False)


@contextmanager
def in_app_only() -> Iterator[None]:
    """Notifications show in the app but no mail goes out (the demo town's made-up past:
    nobody should get three hundred mails about things that never happened)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def register_kind(kind: str, sentence: object, *, topic: str = "account") -> None:
    """A feature's notification: `sentence` is a lazy gettext string with %(name)s fields."""
    if topic not in TOPICS:
        raise ValueError(f"unknown notification topic {topic!r}")
    _KINDS[kind] = Kind(sentence, topic)


# Writing --------------------------------------------------------------------------------------


def choice_of(member_id: int, topic: str) -> str:
    found = db.session.scalar(
        select(Preference.choice).where(
            Preference.member_id == member_id, Preference.topic == topic
        )
    )
    if found is None or found not in TOPICS[topic][2]:  # "off" kept from before it was
        return TOPICS[topic][1]  # offered no more, for the account topic
    return found


def notify(
    member_id: int,
    kind: str,
    *,
    url: str | None = None,
    action: tuple[object, str, dict[str, object]] | None = None,
    **params: object,
) -> None:
    """Tell a member something, inside the caller's transaction (only flushes): in the app
    always, and by mail as they chose for the kind's topic.

    `action` (label, link kind, params) adds a one-click link to the mail, minted when the
    mail is sent (for example "30 days longer" for a listing that ends soon).
    """
    if not in_transaction():
        raise RuntimeError("notify() must run inside transaction()")
    if kind not in _KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    topic = _KINDS[kind].topic
    choice = "off" if _QUIET.get() else choice_of(member_id, topic)
    notification = Notification(
        member_id=member_id,
        kind=kind,
        params=json.dumps(params, default=str),
        url=url,
        digest_pending=choice == "daily",
    )
    db.session.add(notification)
    db.session.flush()
    if choice == "instant":
        _mail_now(member_id, notification, topic, action)


def _mail_now(
    member_id: int,
    notification: Notification,
    topic: str,
    action: tuple[object, str, dict[str, object]] | None = None,
) -> None:
    member = db.session.get(Member, member_id)
    if member is None or not member.email or member.status != "active":
        return
    links: dict[str, tuple[str, dict[str, object]]] = {
        "unsubscribe": ("unsubscribe", {"topic": topic})
    }
    with force_locale(member.locale or "nl"):
        text = text_of(notification)
        link = absolute_url_of(notification.url)
        if action is not None:
            label, kind, params = action
            links["action"] = (kind, params)
            link = f"{link}\n\n{label}: {link_marker('action')}"
        body = _(
            "Hello %(name)s,\n\n%(text)s\n\n%(link)s\n\n-- \n"
            "No more e-mail about this? %(unsubscribe)s\nAll your settings: %(settings)s",
            name=member.display_name,
            text=text,
            link=link,
            unsubscribe=link_marker("unsubscribe"),
            settings=absolute_url("notifications.settings"),
        )
        subject = _("Buurthulp: %(text)s", text=_shorten(text, 80))
    queue_mail(
        to=member.email,
        member_id=member.id,
        subject=subject,
        body=body,
        links=links,
    )


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def absolute_url_of(path: str | None) -> str:
    base = current_app.config["BUURTHULP_BASE_URL"]
    return base + (path or path_for("notifications.index"))


# Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    id: int
    text: str
    url: str | None
    created_at: datetime
    read: bool


def topic_of(notification: Notification) -> str:
    kind = _KINDS.get(notification.kind)
    return kind.topic if kind is not None else "account"


def text_of(notification: Notification) -> str:
    """The sentence in the reader's language, with its fields filled in."""
    kind = _KINDS.get(notification.kind)
    params = json.loads(notification.params or "{}")
    values = {k: _FORMATS.get(k, str)(v) for k, v in params.items()}
    if kind is None:
        return _("Something changed on your account.")
    try:
        return str(kind.sentence) % values
    except (KeyError, TypeError, ValueError):
        return _("Something changed on your account.")


_UNREAD = select(func.count(Notification.id)).where(
    Notification.member_id == bindparam("member_id"), Notification.read_at.is_(None)
)


def unread_count(member: Member) -> int:
    """For the bell in the menu, on every page: a prebuilt statement, one round trip."""
    return int(db.session.scalar(_UNREAD, {"member_id": member.id}) or 0)


def notifications_for(
    member: Member, *, before_id: int | None = None, limit: int = PAGE_SIZE
) -> list[Shown]:
    """The member's notifications, newest first (keyset paging on id)."""
    query = (
        select(Notification)
        .where(Notification.member_id == member.id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return [
        Shown(n.id, text_of(n), n.url, n.created_at, n.read_at is not None)
        for n in db.session.scalars(query)
    ]


def mark_all_read(member: Member) -> int:
    """The member has seen them all; returns how many were unread."""
    with transaction() as session:
        result = session.execute(
            update(Notification)
            .where(Notification.member_id == member.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount or 0)


# Forgetting (an erased account) ----------------------------------------------------------------

#: Parameters that carry what the sender wrote themselves (a reason, a message to everyone).
# Settings and unsubscribing -------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    topic: str
    label: str
    choice: str
    choices: tuple[str, ...]


def settings_of(member: Member) -> list[Setting]:
    chosen = dict(
        db.session.execute(
            select(Preference.topic, Preference.choice).where(Preference.member_id == member.id)
        )
        .tuples()
        .all()
    )
    return [
        Setting(topic, str(label), chosen.get(topic, default), choices)
        for topic, (label, default, choices) in TOPICS.items()
    ]


def set_choice(member: Member, topic: object, choice: object, *, actor: Member) -> None:
    """A member chooses how they hear about one topic (only for themselves)."""
    if actor.id != member.id:
        raise InvalidInput(_("You can only change your own settings."), field="topic")
    topic = clean_choice(topic, TOPICS, field="topic")
    choice = clean_choice(choice, TOPICS[topic][2], field=topic)
    for _attempt in range(2):
        try:
            with transaction():
                found = db.session.scalar(
                    select(Preference).where(
                        Preference.member_id == member.id, Preference.topic == topic
                    )
                )
                if found is None:
                    db.session.add(Preference(member_id=member.id, topic=topic, choice=choice))
                else:
                    found.choice = choice
            return
        except IntegrityError:
            continue


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


@link_minter("unsubscribe")
def _mint_unsubscribe(member_id: int | None, params: dict[str, object]) -> str:
    """An opaque one-click link: sealed (AES-GCM with the data key), so neither the member's
    id nor the topic can be read from the mail, and none can be made up."""
    plain = json.dumps({"m": member_id, "t": params.get("topic")})
    token = seal(plain, purpose=UNSUBSCRIBE_SALT, owner="link", stable=True)
    return absolute_url("notifications.unsubscribe", token=token)


def _open_token(token: str) -> object:
    try:
        return json.loads(unseal(token, purpose=UNSUBSCRIBE_SALT, owner="link"))
    except (SealBroken, ValueError):
        pass
    try:  # a link in a mail sent before links were sealed: signed, still honoured
        return _unsubscribe_serializer().loads(token)
    except BadSignature:
        return None


def read_unsubscribe(token: object) -> tuple[Member, str]:
    """Whose and which topic an unsubscribe link is for (no login needed)."""
    invalid = InvalidInput(_("This link is not valid. Change your settings after logging in."))
    if not isinstance(token, str) or len(token) > 300:
        raise invalid
    data = _open_token(token)
    member = db.session.get(Member, data.get("m")) if isinstance(data, dict) else None
    topic = data.get("t") if isinstance(data, dict) else None
    if member is None or (topic not in TOPICS and topic != DIGEST):
        raise invalid
    if topic != DIGEST and "off" not in TOPICS[str(topic)][2]:
        raise InvalidInput(
            _("Messages about the safety of your account always come; they cannot be turned off.")
        )
    return member, str(topic)


def unsubscribe(token: object) -> tuple[Member, str]:
    """One click from a mail: no more mail about this topic (for the digest's own link:
    no more daily mail at all)."""
    member, topic = read_unsubscribe(token)
    if topic == DIGEST:
        for setting in settings_of(member):
            if setting.choice == "daily":
                # Security notices then come at once instead: they are never off.
                stop = "off" if "off" in TOPICS[setting.topic][2] else "instant"
                set_choice(member, setting.topic, stop, actor=member)
    else:
        set_choice(member, topic, "off", actor=member)
    return member, topic


def topic_label(topic: str) -> str:
    if topic == DIGEST:
        return _("the daily e-mail with news for you")
    return str(TOPICS[topic][0])
