"""Password hashing with argon2id; the cost comes from config so tests stay fast."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_DUMMY_PASSWORD = "not-a-real-password"  # hashed on a miss, to cost the same  # nosec B105


def _costs() -> tuple[int, int, int]:
    config = current_app.config
    return (
        config["ARGON2_TIME_COST"],
        config["ARGON2_MEMORY_COST"],
        config.get("ARGON2_PARALLELISM", 4),
    )


@lru_cache(maxsize=8)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    return _hasher_for(*_costs())


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """A hash to verify against when an e-mail is unknown, made once per cost setting.

    Verifying against it costs what a real check costs; making it on every miss would cost
    twice that, and the login's timing would tell which addresses have an account.
    """
    return _hasher_for(time_cost, memory_cost, parallelism).hash(_DUMMY_PASSWORD)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an absent hash costs the same and is False."""
    hasher = _hasher()
    try:
        if not password_hash:
            hasher.verify(_dummy_hash(*_costs()), password)
            return False
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
