"""Queue mail inside a transaction; deliver it after commit, each row exactly once.

Claiming is what keeps two senders apart: a sender marks a batch of due rows as its own
(`claim_token`, `claimed_until`) in a short transaction of its own, then delivers them with
no transaction open, then records the outcome. On PostgreSQL the claim skips rows another
sender has locked (`FOR UPDATE SKIP LOCKED`); on SQLite `transaction()` takes the write
lock first (`BEGIN IMMEDIATE`), so claims simply take turns. A sender that dies mid-batch
leaves its rows claimed until the lease runs out; then another sender takes them.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from buurthulp.db import after_commit_batch, in_transaction, transaction
from buurthulp.errors import NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.models_base import utcnow
from buurthulp.outbox import delivery
from buurthulp.outbox.models import OutboxMessage
from buurthulp.personal_data import QUOTE_MIN, Forgetting

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 50
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
_MARKER = re.compile(r"\[\[link:([a-z0-9_-]{1,40})\]\]")

#: kind -> function(member_id, params) -> absolute URL; features register their secret links.
LinkMinter = Callable[[int | None, dict[str, object]], str]
_MINTERS: dict[str, LinkMinter] = {}


def link_minter(kind: str) -> Callable[[LinkMinter], LinkMinter]:
    """Register how to mint a secret link of `kind` at delivery time."""

    def register(minter: LinkMinter) -> LinkMinter:
        _MINTERS[kind] = minter
        return minter

    return register


def link_marker(name: str) -> str:
    """The placeholder a body carries instead of a secret link (`[[link:name]]`)."""
    if not re.fullmatch(r"[a-z0-9_-]{1,40}", name):
        raise ValueError(f"bad link name {name!r}")
    return f"[[link:{name}]]"


def queue_mail(
    *,
    to: str,
    subject: str,
    body: str,
    member_id: int | None = None,
    links: dict[str, tuple[str, dict[str, object]]] | None = None,
) -> OutboxMessage:
    """Write a mail to the outbox inside the caller's transaction; it leaves after commit.

    `links` maps a marker name in `body` to (kind, params) for a secret link minted when the
    mail is sent, so the database never holds a working token.
    """
    if not in_transaction():
        raise RuntimeError("queue_mail() must run inside transaction()")
    for name, (kind, _params) in (links or {}).items():
        if kind not in _MINTERS:
            raise ValueError(f"no link minter for {kind!r}")
        if link_marker(name) not in body:
            raise ValueError(f"the body does not contain the marker for link {name!r}")
    row = OutboxMessage(
        to=to,
        subject=subject[:200],
        body=body,
        member_id=member_id,
        links=json.dumps({n: [k, p] for n, (k, p) in links.items()}) if links else None,
    )
    db.session.add(row)
    db.session.flush()
    if current_app.config["BUURTHULP_OUTBOX_DELIVERY"] == "inline":
        # Every mail the transaction queued leaves in one pass after its commit: a notice
        # to ten neighbours is one claim, not ten.
        after_commit_batch("outbox", _send_now).append(row.id)
    return row


def _send_now(ids: list[int]) -> None:
    send_pass(only_ids=ids, batch=max(BATCH, len(ids)))


def forget_recipient(member_id: int, address: str | None) -> int:
    """An erased member's mail leaves the outbox, sent or not: it holds their address and
    what was said to them (inside the caller's transaction, only flushes). A sender busy
    with one of these rows finds it gone and leaves it. Returns how many rows went."""
    who = OutboxMessage.member_id == member_id
    if address:
        who = or_(who, OutboxMessage.to == address)
    result = db.session.execute(
        delete(OutboxMessage).where(who).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def unsubscribe_headers(row: OutboxMessage) -> dict[str, str]:
    """RFC 8058: a mail program offers "unsubscribe" itself and POSTs to the signed link,
    one click, no login. Only for mails that carry an unsubscribe link."""
    links = json.loads(row.links) if row.links else {}
    spec = links.get("unsubscribe")
    if spec is None:
        return {}
    kind, params = spec
    url = _MINTERS[kind](row.member_id, params)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def render(row: OutboxMessage) -> str:
    """The body as it is sent: every link marker replaced by a freshly minted link."""
    links = json.loads(row.links) if row.links else {}

    def mint(match: re.Match[str]) -> str:
        spec = links.get(match.group(1))
        if spec is None:
            return match.group(0)
        kind, params = spec
        return _MINTERS[kind](row.member_id, params)

    return _MARKER.sub(mint, row.body)


@dataclass(frozen=True)
class Claim:
    id: int
    token: str
    until: datetime  # the lease, as the claim wrote it

    def needs_renewing(self) -> bool:
        """More than half the lease has gone by: renew before talking to the mail server.
        A fresh claim (the usual case: one mail, sent at once) saves that round trip."""
        return utcnow() > self.until - LEASE / 2


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.retried + self.dead


def _due(now: datetime):
    return (
        OutboxMessage.status.in_(("queued", "sending")),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def claim(
    *, batch: int = BATCH, now: datetime | None = None, only_ids: Iterable[int] = ()
) -> list[Claim]:
    """Take up to `batch` due rows for this sender; no other sender gets them meanwhile."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    wanted = list(only_ids)
    with transaction() as session:
        query = select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.id).limit(batch)
        if wanted:
            query = query.where(OutboxMessage.id.in_(wanted))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if not ids:
            return []
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="sending", claim_token=token, claimed_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    return [Claim(i, token, now + LEASE) for i in ids]


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed try, at most six hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _renew(claimed: Claim) -> bool:
    """Extend our lease on the row just before talking to the mail server; False when the
    lease ran out and another sender may have taken the row meanwhile (then it is theirs)."""
    now = utcnow()
    with transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claimed.id,
                OutboxMessage.claim_token == claimed.token,
                OutboxMessage.claimed_until > now,
            )
            .values(claimed_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount)


def _deliver(claimed: Claim, report: SendReport, now: datetime) -> None:
    if claimed.needs_renewing() and not _renew(claimed):
        return
    row = db.session.get(OutboxMessage, claimed.id)
    if row is None or row.claim_token != claimed.token:
        return  # another sender's lease expired into ours: theirs to finish
    to, subject, attempts = row.to, row.subject, row.attempts
    try:
        body, headers = render(row), unsubscribe_headers(row)
        db.session.rollback()  # no transaction stays open while we talk to the mail server
        delivery.deliver(to=to, subject=subject, body=body, message_id=claimed.id, headers=headers)
    except Exception as exc:  # any refusal: keep the row, try again later
        db.session.rollback()
        error = f"{type(exc).__name__}: {exc}"[:500]
        report.errors.append(f"#{claimed.id}: {error}")
        attempts += 1
        dead = attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
        values: dict[str, object] = {
            "attempts": attempts,
            "last_error": error,
            "claim_token": None,  # releasing the claim  # nosec B105
            "claimed_until": None,
            "status": "dead" if dead else "queued",
            "next_attempt_at": max(now, utcnow()) + backoff(attempts),
        }
        if dead:
            report.dead += 1
            log.error("mail #%s is dead after %s tries: %s", claimed.id, attempts, error)
        else:
            report.retried += 1
            log.warning("mail #%s not delivered (try %s): %s", claimed.id, attempts, error)
    else:
        values = {
            "status": "sent",
            "sent_at": utcnow(),
            "attempts": attempts + 1,
            "claim_token": None,  # releasing the claim  # nosec B105
            "claimed_until": None,
            "last_error": None,
        }
        report.sent += 1
    with transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id, OutboxMessage.claim_token == claimed.token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def send_pass(
    *, batch: int = BATCH, now: datetime | None = None, only_ids: Iterable[int] = ()
) -> SendReport:
    """Deliver every due row once (one pass); what fails stays queued with a backoff."""
    report = SendReport()
    now = now or utcnow()
    wanted = list(only_ids)
    while True:
        claims = claim(batch=batch, now=now, only_ids=wanted)
        for claimed in claims:
            _deliver(claimed, report, now)
        if len(claims) < batch or wanted:
            return report


# What admins see ------------------------------------------------------------------------------


def status_counts() -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(("queued", "sending", "sent", "dead"), 0)
    counts.update({status: int(n) for status, n in rows})
    return counts


def dead_messages(limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "dead")
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def recent_messages(limit: int = 50) -> list[OutboxMessage]:
    """The newest rows as stored (secret links are markers), for the development page."""
    return list(
        db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )


def retry_dead(message_id: int) -> OutboxMessage:
    """An admin sends a dead mail again (after fixing the mail server, say)."""
    with transaction():
        row = db.session.get(OutboxMessage, message_id)
        if row is None or row.status != "dead":
            raise NotFound(_("There is no undelivered mail with this number."))
        row.status, row.attempts, row.next_attempt_at = "queued", 0, utcnow()
        row.last_error = None
        if current_app.config["BUURTHULP_OUTBOX_DELIVERY"] == "inline":
            after_commit_batch("outbox", _send_now).append(row.id)
    return row


def forget_in_mail(forgetting: Forgetting) -> None:
    """Erasure: mail to other members that names the member (their name or address) or
    quotes what erasure removed is forgotten too: sent or dead mail loses its subject and
    body; mail still waiting goes out with the pseudonym for the name and without the
    quote. (Their own mail already went: `forget_recipient`.)"""
    # A name shorter than QUOTE_MIN ("Anna") would also be found in other people's mail.
    names = [n for n in (forgetting.old_name, forgetting.old_email) if n and len(n) >= QUOTE_MIN]
    needles = names + sorted(forgetting.quoted)
    for start in range(0, len(needles), 25):  # a statement of bounded size
        some = needles[start : start + 25]
        naming = or_(
            *(OutboxMessage.body.contains(n, autoescape=True) for n in some),
            *(OutboxMessage.subject.contains(n, autoescape=True) for n in some),
        )
        db.session.execute(
            update(OutboxMessage)
            .where(naming, OutboxMessage.status.in_(("sent", "dead")))
            .values(subject="", body="")
            .execution_options(synchronize_session=False)
        )
        waiting = db.session.scalars(
            select(OutboxMessage).where(naming, OutboxMessage.status.in_(("queued", "sending")))
        ).all()
        for row in waiting:
            for needle in some:
                instead = forgetting.pseudonym if needle in names else "—"
                row.subject = row.subject.replace(needle, instead)
                row.body = row.body.replace(needle, instead)
    db.session.flush()


def forget_old_bodies(now: datetime, *, keep_days: int, dry_run: bool = False) -> int:
    """Retention: a mail's text is kept a short while after it was delivered (or given up
    on), to answer "did you get my mail?", then emptied: the row stays (to, when, status)
    so delivery can still be counted, the subject and body go. Returns how many rows."""
    before = now - timedelta(days=keep_days)
    due = (
        OutboxMessage.body != "",
        or_(
            (OutboxMessage.status == "sent") & (OutboxMessage.sent_at < before),
            (OutboxMessage.status == "dead") & (OutboxMessage.created_at < before),
        ),
    )
    if dry_run:
        return int(db.session.scalar(select(func.count(OutboxMessage.id)).where(*due)) or 0)
    with transaction():
        result = db.session.execute(
            update(OutboxMessage)
            .where(*due)
            .values(subject="", body="", links=None)
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount or 0)
