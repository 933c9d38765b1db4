"""Password hashing with argon2id; the cost comes from config so tests stay fast."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_DUMMY_PASSWORD = "not-a-real-password"  # hashed on a miss, to cost the same  # nosec B105


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST"]
    )


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    """A hash to verify against when an e-mail is unknown, made once per cost setting.

    Verifying against it costs what a real check costs; making it on every miss would cost
    twice that, and the login's timing would tell which addresses have an account.
    """
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost).hash(_DUMMY_PASSWORD)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an absent hash costs the same and is False."""
    hasher = _hasher()
    config = current_app.config
    try:
        if not password_hash:
            hasher.verify(
                _dummy_hash(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"]), password
            )
            return False
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
