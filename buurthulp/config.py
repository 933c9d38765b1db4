"""Settings from the environment.

Everything a deployment changes comes from environment variables (or a `.env` file), so the
same code runs on a laptop, in CI and in production. Development generates its own secret
once into `instance/`; production refuses to start without `SECRET_KEY`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEV_SECRET_FILE = "dev-secret-key"


class ConfigError(RuntimeError):
    """The environment does not allow a safe start."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(instance_path: str) -> str:
    """`DATABASE_URL` with the driver we ship, or SQLite in `instance/`."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'buurthulp.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs a dialect + driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: str, env: str) -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if env == "production":
        raise ConfigError(
            "SECRET_KEY is not set. Set it to a long random value before starting in production."
        )
    path = Path(instance_path) / DEV_SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping; `overrides` (tests) win over the environment."""
    overrides = dict(overrides or {})
    env = overrides.get("ENV") or os.environ.get("BUURTHULP_ENV", "development")
    testing = bool(overrides.get("TESTING"))
    production = env == "production"
    secret = overrides.get("SECRET_KEY") or _secret_key(instance_path, env)
    url = overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(instance_path)
    config: dict[str, Any] = {
        "ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BUURTHULP_GEOCODER": os.environ.get("BUURTHULP_GEOCODER", "offline"),
        "BUURTHULP_GEOCODER_USER_AGENT": os.environ.get(
            "BUURTHULP_GEOCODER_USER_AGENT", "buurthulp (set BUURTHULP_GEOCODER_USER_AGENT)"
        ),
        "BUURTHULP_MAIL_BACKEND": os.environ.get(
            "BUURTHULP_MAIL_BACKEND", "smtp" if production else "console"
        ),
        "BUURTHULP_MAIL_FROM": os.environ.get("BUURTHULP_MAIL_FROM", "buurthulp@localhost"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "PRIVACY_STATEMENT_VERSION": os.environ.get("PRIVACY_STATEMENT_VERSION", "2026-11"),
        "API_TOKEN_DAYS": int(os.environ.get("API_TOKEN_DAYS", "30")),
        "PASSWORD_RESET_MAX_AGE": 3600,
        # Argon2 cost: OWASP-level in production, cheap in tests so the suite stays fast.
        "ARGON2_TIME_COST": 1 if testing else 3,
        "ARGON2_MEMORY_COST": 8 * 1024 if testing else 64 * 1024,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
    }
    config.update(overrides)
    return config
