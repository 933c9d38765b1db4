"""Password hashing with argon2id; the cost comes from config so tests stay fast."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Verifying against this when an e-mail is unknown costs the same time as a real check, so
# the login's timing does not tell which e-mail addresses have an account.
_DUMMY_PASSWORD = "not-a-real-password"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"]
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if not password_hash:
        hasher.verify(hasher.hash(_DUMMY_PASSWORD), _DUMMY_PASSWORD)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
