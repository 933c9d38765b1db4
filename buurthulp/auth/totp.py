"""The second factor's ground floor: TOTP codes (RFC 6238, via pyotp) and recovery codes.

Plain helpers that only read or flush, so the login, the API token and the set-up services
can each check a code inside their own transaction. The services people use (set up, turn
off, reset) are in `buurthulp.accounts.second_factor`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import exists, func, select, update

from buurthulp.auth.models import RecoveryCode, SecondFactor
from buurthulp.crypto import SealBroken, seal, unseal
from buurthulp.db import in_transaction
from buurthulp.errors import NotAuthenticated
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.models_base import utcnow

ISSUER = "Buurthulp"
PURPOSE = "totp-secret"
DIGITS = 6
INTERVAL = 30
#: A code of the step before and after the current one still counts (clocks drift).
WINDOW = 1
RECOVERY_CODES = 10
# No 0/o, 1/l/i: a code read from paper must be typed right the first time.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS = 4
RECOVERY_GROUP_LENGTH = 4
CODE_MAX = 40
_SEPARATORS = re.compile(r"[\s\-]+")


def new_secret() -> str:
    """A fresh base32 secret of 160 bits (the size RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def seal_secret(secret: str, member_id: int) -> str:
    return seal(secret, purpose=PURPOSE, owner=str(member_id))


def open_secret(stored: str, member_id: int) -> str | None:
    """The plain secret, or None when the data key cannot open it (a changed key)."""
    try:
        return unseal(stored, purpose=PURPOSE, owner=str(member_id))
    except SealBroken:
        return None


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_step(at: datetime | None = None) -> int:
    """The 30-second time step a code belongs to (the RFC 6238 counter)."""
    return int((at or utcnow()).timestamp()) // INTERVAL


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def matching_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The time step whose code `code` is (now, or one step either side), else None."""
    now = current_step(at)
    found = None
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            found = step
    return found


# Recovery codes ------------------------------------------------------------------------------


def new_recovery_code() -> str:
    """16 characters from a 31-letter alphabet: about 79 bits, in groups of four."""
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def recovery_hash(code: str) -> str:
    """SHA-256 of the code as typed without spaces or dashes, in lower case.

    A plain hash is enough here, unlike for passwords: each code is about 79 random bits
    made by the server, not something a person chose, so there is no dictionary to try and
    guessing 2**79 values is out of reach even with a copy of the database. A slow hash
    (argon2) would only add cost to every login with a recovery code.
    """
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str) -> str:
    return _SEPARATORS.sub("", code).lower()


# Reading and checking --------------------------------------------------------------------


def is_enabled(member_id: int) -> bool:
    """True when the member has a confirmed authenticator app."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    SecondFactor.member_id == member_id, SecondFactor.enabled_at.is_not(None)
                )
            )
        )
    )


def wrong_code() -> NotAuthenticated:
    return NotAuthenticated(
        _(
            "This code is not right, or it was used already. Type the 6 digits your app "
            "shows now, or one of your recovery codes."
        ),
        field="code",
        code="otp_invalid",
    )


def consume(member_id: int, code: object) -> str:
    """Accept `code` once, inside the caller's transaction (only flushes): "totp" for a
    code from the app, "recovery" for a recovery code, which stops working now.

    A code from the app is accepted only for a time step after the last one accepted, with
    one guarded UPDATE: two requests racing with the same code cannot both pass.
    """
    if not in_transaction():
        raise RuntimeError("totp.consume() outside a transaction()")
    text = normalise(code) if isinstance(code, str) and len(code) <= CODE_MAX else ""
    if not text:
        raise wrong_code()
    if text.isdigit() and len(text) == DIGITS:
        row = db.session.scalar(
            select(SecondFactor).where(
                SecondFactor.member_id == member_id, SecondFactor.secret.is_not(None)
            )
        )
        secret = open_secret(row.secret, member_id) if row and row.secret else None
        step = matching_step(secret, text) if secret else None
        if step is not None and _claim_step(member_id, step):
            return "totp"
        raise wrong_code()
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.member_id == member_id,
            RecoveryCode.code_hash == recovery_hash(text),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount == 1:  # recovery codes exist only beside a confirmed app
        return "recovery"
    raise wrong_code()


def _claim_step(member_id: int, step: int) -> bool:
    claimed = db.session.execute(
        update(SecondFactor)
        .where(SecondFactor.member_id == member_id, SecondFactor.last_step < step)
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def recovery_codes_left(member_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.member_id == member_id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )
