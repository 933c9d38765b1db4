"""The second factor: an authenticator app (TOTP) and ten recovery codes.

Coordinators, outreach workers and admins must set it up before any resident's data is
shown to them (OWASP ASVS 5.0, 6.3.3); residents may turn it on. Setting up is two steps:
`begin_set_up` makes a new secret (shown as a QR code), `confirm_set_up` takes a code from
it and only then replaces the old one, so a half-finished set-up never locks anyone out.
Lost the phone: an admin resets it (`reset`), which ends every session and token.

The new secret belongs to the session that asked for it and works for `PENDING_MINUTES`:
nobody logging in as the member before or after learns it. Moving a factor in use to a new
phone asks the password and a code first, and tells the member (ASVS 5.0, V7.5): a stolen
session alone cannot move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from buurthulp.audit import services as audit
from buurthulp.auth import totp
from buurthulp.auth.models import AuthSession, Member, RecoveryCode, SecondFactor
from buurthulp.auth.passwords import verify_password
from buurthulp.auth.permissions import Actor, SystemActor, may
from buurthulp.auth.roles import Permission
from buurthulp.auth.services import PASSWORD_MAX, end_all_sessions
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import clean_text
from buurthulp.links import absolute_url, path_for
from buurthulp.models_base import utcnow
from buurthulp.notifications.services import in_app_only, notify, register_kind
from buurthulp.outbox.services import queue_mail

REASON_MAX = 200
RESET_KIND = "auth.second_factor_reset"
CHANGED_KIND = "auth.second_factor_changed"
#: How long a new secret can be confirmed after it was drawn (and shown).
PENDING_MINUTES = 10
#: A pending secret stamped a moment "after" now (two servers' clocks) still counts.
_CLOCK_SLACK = timedelta(seconds=totp.INTERVAL)


def register_notification_kinds() -> None:
    register_kind(
        RESET_KIND,
        _l(
            "%(by)s reset your two-step verification (the code app). Every device was "
            "logged out. Log in again and set it up on your phone."
        ),
    )
    register_kind(
        CHANGED_KIND,
        _l(
            "Your two-step verification was set up on a new phone. Was this not you? "
            "Choose a new password and contact your coordinator at once."
        ),
    )


def required_for(member: Member) -> bool:
    """Staff must have a second factor; for residents it is a choice."""
    return member.is_staff


@dataclass(frozen=True)
class PendingSetUp:
    """A new secret waiting for its first code: what the set-up page shows."""

    uri: str
    secret: str

    @property
    def grouped(self) -> str:
        return totp.grouped(self.secret)


@dataclass(frozen=True)
class Status:
    enabled: bool
    required: bool
    pending: PendingSetUp | None
    recovery_codes_left: int


def status_of(member: Member, *, session_id: int | None, now: datetime | None = None) -> Status:
    """Where the member stands, seen from the session `session_id` (reads only: the set-up
    page is a GET). A pending secret shows only in the session that drew it, while valid."""
    row = _row(member.id)
    pending = None
    secret = _live_pending(row, session_id, now or utcnow())
    if secret is not None:
        account = member.email or member.display_name
        pending = PendingSetUp(uri=totp.provisioning_uri(secret, account), secret=secret)
    enabled = row is not None and row.enabled_at is not None
    return Status(
        enabled=enabled,
        required=required_for(member),
        pending=pending,
        recovery_codes_left=totp.recovery_codes_left(member.id) if enabled else 0,
    )


def _row(member_id: int, *, lock: bool = False) -> SecondFactor | None:
    query = select(SecondFactor).where(SecondFactor.member_id == member_id)
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


def _live_pending(row: SecondFactor | None, session_id: int | None, now: datetime) -> str | None:
    """The pending secret in plain form, when it was drawn for this session and in time."""
    if row is None or row.pending_secret is None or row.pending_at is None:
        return None
    if session_id is None or row.pending_session_id != session_id:
        return None
    if not now - timedelta(minutes=PENDING_MINUTES) <= row.pending_at <= now + _CLOCK_SLACK:
        return None
    return totp.open_secret(row.pending_secret, row.member_id)


def _only_self(member: Member, actor: Actor) -> None:
    if isinstance(actor, SystemActor) or actor.id != member.id:
        raise NotAllowed(_("Only the member can set up their own two-step verification."))


def _check_password(member: Member, password: object) -> None:
    if (
        not isinstance(password, str)
        or len(password) > PASSWORD_MAX
        or not verify_password(member.password_hash, password)
    ):
        raise InvalidInput(_("Your current password is not right."), field="password")


def begin_set_up(
    member: Member,
    *,
    actor: Actor,
    session_id: int | None,
    password: object = None,
    code: object = None,
    now: datetime | None = None,
) -> None:
    """Draw a new secret to scan, for the session `session_id` only; it replaces any that
    waits (each start draws anew, so a secret someone else saw is never the one set up).

    With a factor in use (a new phone) the member first gives their password and a code:
    one from the app, or a recovery code, which is spent. A wrong one changes nothing.
    """
    _only_self(member, actor)
    if session_id is None:
        raise RuntimeError("begin_set_up() needs the session that will show the secret")
    in_use = totp.is_enabled(member.id)
    if in_use:  # before the transaction: argon2 is slow, and a wrong password spends no code
        _check_password(member, password)
    try:
        with transaction():
            row = _row(member.id, lock=True)
            if row is None:
                row = SecondFactor(member_id=member.id, last_step=0)
                db.session.add(row)
            elif row.enabled_at is not None:
                if not in_use:  # confirmed meanwhile, in another tab: ask the password now
                    raise Conflict(_("Setting up had already started. Open the page again."))
                totp.consume(member.id, code)
            row.pending_secret = totp.seal_secret(totp.new_secret(), member.id)
            row.pending_at = now or utcnow()
            row.pending_session_id = session_id
    except IntegrityError:  # two set-ups started at the same moment: one is enough
        raise Conflict(_("Setting up had already started. Open the page again.")) from None


def confirm_set_up(
    member: Member,
    code: object,
    *,
    actor: Actor,
    session_id: int | None,
    now: datetime | None = None,
) -> list[str]:
    """Take the first code from the new secret, in the session that drew it: it becomes the
    one in use, the old one and its recovery codes stop working, and every other session and
    token ends (they were started without this factor). A factor that replaced one in use is
    told to the member. Returns the ten new recovery codes, to show once."""
    _only_self(member, actor)
    text = totp.normalise(code) if isinstance(code, str) and len(code) <= totp.CODE_MAX else ""
    if not text:
        raise InvalidInput(_("Type the 6 digits your app shows."), field="code")
    now = now or utcnow()
    codes = [totp.new_recovery_code() for _ in range(totp.RECOVERY_CODES)]
    with transaction():
        row = _row(member.id, lock=True)
        secret = _live_pending(row, session_id, now)
        if row is None or secret is None:
            if row is not None and row.pending_secret:  # too old, or another session's
                raise InvalidInput(
                    _("This QR code has expired. Press “Set up on my phone” for a new one.")
                )
            raise InvalidInput(_("Setting up has not started, or has expired. Start again."))
        step = totp.matching_step(secret, text, now) if text.isdigit() else None
        if step is None:
            raise InvalidInput(
                _(
                    "This code is not right. Check that the time on your phone is right, and "
                    "type the 6 digits the app shows now."
                ),
                field="code",
            )
        moved = row.enabled_at is not None
        row.secret, row.enabled_at, row.last_step = row.pending_secret, now, step
        row.pending_secret = row.pending_at = row.pending_session_id = None
        _replace_recovery_codes(member.id, codes)
        end_all_sessions(member.id, keep_session_id=session_id)
        # This browser just proved the new factor: it counts as passed.
        db.session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.member_id == member.id)
            .values(second_factor_at=now)
            .execution_options(synchronize_session=False)
        )
        if moved:
            _tell_moved(member)
    return codes


def _tell_moved(member: Member) -> None:
    """In the app and by mail, whatever the member chose for notifications: someone who
    moved it with a stolen session would rather they heard nothing. No secret, no code."""
    with in_app_only():  # the mail below goes always, and only once
        notify(member.id, CHANGED_KIND, url=path_for("auth.second_factor_setup"))
    if not member.email:
        return
    with force_locale(member.locale or "nl"):
        subject = _("Your two-step verification was changed")
        body = _(
            "Hello %(name)s,\n\nYour two-step verification for Buurthulp was just set up on "
            "a new phone. From now on only the codes of that phone work. Your old recovery "
            "codes no longer work, and your other devices were logged out.\n\nDid you do "
            "this yourself? Then you do not need to do anything.\n\nWas this not you? Then "
            "someone else knows your password. Choose a new password at once: %(url)s\n"
            "Then contact your coordinator: they can have your two-step verification reset.",
            name=member.display_name,
            url=absolute_url("auth.forgot_password"),
        )
    queue_mail(to=member.email, member_id=member.id, subject=subject, body=body)


def _replace_recovery_codes(member_id: int, codes: list[str]) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.member_id == member_id))
    db.session.add_all(
        RecoveryCode(member_id=member_id, code_hash=totp.recovery_hash(c)) for c in codes
    )
    db.session.flush()


def _remove(member_id: int) -> bool:
    """Delete the member's second factor and recovery codes (only flushes); True if any."""
    removed = db.session.execute(delete(SecondFactor).where(SecondFactor.member_id == member_id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.member_id == member_id))
    return bool(removed.rowcount)


def turn_off(member: Member, code: object, *, actor: Actor) -> None:
    """A resident turns it off, with a code to show it is them. Staff cannot: they can only
    set it up again on a new phone."""
    _only_self(member, actor)
    if required_for(member):
        raise NotAllowed(
            _(
                "Staff keep two-step verification on. Got a new phone? Set it up again "
                "on the new phone."
            )
        )
    with transaction():
        if _row(member.id, lock=True) is None:
            raise Conflict(_("Two-step verification is already off."))
        totp.consume(member.id, code)
        _remove(member.id)


def reset(member: Member, *, actor: Actor, reason: object) -> None:
    """An admin resets a member's second factor (a lost phone): it is gone, every session
    and token of the member ends, the member is told, and the audit log keeps why."""
    if not may(actor, Permission.SECOND_FACTOR_RESET):
        raise NotAllowed(_("Only an admin can reset two-step verification."))
    why = clean_text(
        reason,
        field="reason",
        max_length=REASON_MAX,
        required=True,
        multiline=False,
        empty_message=_("Write down why, for example: phone lost, asked by phone."),
    )
    with transaction():
        if not _remove(member.id):
            raise Conflict(_("This member has no two-step verification to reset."), field="email")
        end_all_sessions(member.id)
        audit.record(actor, "second-factor", member_id=member.id, note=why)
        notify(member.id, RESET_KIND, by=actor.display_name)


def enable_with_secret(member: Member, secret: str, *, actor: SystemActor) -> list[str]:
    """Give a member a known secret at once: the demo town (whose secrets are printed for a
    newcomer) and the tests. Not for people: they scan their own."""
    if not isinstance(actor, SystemActor):
        raise NotAllowed(_("Only the system can set a second factor for someone."))
    codes = [totp.new_recovery_code() for _ in range(totp.RECOVERY_CODES)]
    with transaction():
        _remove(member.id)
        db.session.add(
            SecondFactor(
                member_id=member.id,
                secret=totp.seal_secret(secret, member.id),
                enabled_at=utcnow(),
                last_step=0,
            )
        )
        _replace_recovery_codes(member.id, codes)
    return codes


def current_code(member: Member) -> str | None:
    """The code the member's app shows now (the development CLI); None without one."""
    row = _row(member.id)
    secret = totp.open_secret(row.secret, member.id) if row and row.secret else None
    if secret is None:
        return None
    return totp.code_at(secret, totp.current_step())
