"""Settings from the environment.

Everything a deployment changes comes from environment variables (or a `.env` file), so the
same code runs on a laptop, in CI and in production. Development generates its own secrets
once into `instance/`; production refuses to start without `SECRET_KEY`,
`BUURTHULP_BASE_URL`, `BUURTHULP_BLUR_KEY` and `BUURTHULP_DATA_KEY`, and with several web
workers it refuses per-process rate-limit storage (each worker would count on its own).

`BUURTHULP_DATA_KEY` encrypts the secrets kept in the database (the second factor's TOTP
secrets). It is its own key, never SECRET_KEY: rotating the session secret must not lock
every member of staff out of their second factor.
"""

from __future__ import annotations

import os
import secrets
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEV_SECRET_FILE = "dev-secret-key"  # the file's name, not a secret  # nosec B105
DEV_BLUR_FILE = "dev-blur-key"
DEV_DATA_KEY_FILE = "dev-data-key"
DEV_BASE_URL = "http://127.0.0.1:5000"


class ConfigError(RuntimeError):
    """The environment does not allow a safe start."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not {raw!r}.")
    return int(raw)


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


def _instance_secret(instance_path: str, env: str, variable: str, filename: str) -> str:
    """A secret from the environment; in development generated once into `instance/`."""
    key = os.environ.get(variable, "").strip()
    if key:
        return key
    if env == "production":
        raise ConfigError(
            f"{variable} is not set. Set it to a long random value before starting in production "
            "(for example: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    path = Path(instance_path) / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _base_url(env: str) -> str:
    url = os.environ.get("BUURTHULP_BASE_URL", "").strip().rstrip("/")
    if not url:
        if env == "production":
            raise ConfigError(
                "BUURTHULP_BASE_URL is not set. Set it to the address residents use, for "
                "example https://buurthulp.example.nl: every link in a mail is built from it."
            )
        return DEV_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"BUURTHULP_BASE_URL must look like https://host[/path], not {url!r}.")
    return url


def check_workers(config: dict[str, Any], workers: int) -> None:
    """Refuse per-process rate-limit storage when several production workers would share it."""
    storage = config["RATELIMIT_STORAGE_URI"]
    if config["ENV"] == "production" and workers > 1 and storage.startswith("memory://"):
        raise ConfigError(
            f"{workers} web workers with RATELIMIT_STORAGE_URI={storage}: each worker would "
            "count login attempts on its own. Use Redis, for example "
            "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379, or run one worker."
        )


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def served_hosts(argv: list[str], environ: Mapping[str, str]) -> list[str]:
    """The addresses this process was asked to serve on, as far as it can tell: `flask run
    --host H` (or FLASK_RUN_HOST) and gunicorn's `--bind H:P` / `-b` (or GUNICORN_CMD_ARGS,
    or BIND, which gunicorn.conf.py reads).
    Empty when it is not serving (a command, a test, a WSGI server it cannot read)."""
    args = list(argv)
    hosts: list[str] = []
    program = Path(args[0]).name if args else ""
    if program.startswith("gunicorn"):
        args += shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
        values = [environ["BIND"]] if environ.get("BIND") else []  # gunicorn.conf.py reads it
        for i, arg in enumerate(args):
            if arg in ("-b", "--bind") and i + 1 < len(args):
                values.append(args[i + 1])
            elif arg.startswith("--bind="):
                values.append(arg.split("=", 1)[1])
        for value in values:
            if not value.startswith("unix:"):
                host, sep, port = value.rpartition(":")
                hosts.append(host if sep and port.isdigit() else value)
        return hosts or ["127.0.0.1"]
    if "run" in args:
        host = environ.get("FLASK_RUN_HOST", "127.0.0.1")
        for i, arg in enumerate(args):
            if arg in ("-h", "--host") and i + 1 < len(args):
                host = args[i + 1]
            elif arg.startswith("--host="):
                host = arg.split("=", 1)[1]
        hosts.append(host)
    return hosts


def check_explicit_production(argv: list[str], environ: Mapping[str, str]) -> None:
    """Development defaults (secrets in instance/, console mail, no secure cookies) on an
    address others can reach would be a production nobody chose: refuse, in one line."""
    if environ.get("BUURTHULP_ENV"):
        return
    open_to_others = [h for h in served_hosts(argv, environ) if h not in LOOPBACK]
    if open_to_others:
        raise ConfigError(
            f"it would serve on {open_to_others[0]} with development settings. Set "
            "BUURTHULP_ENV=production (with its secrets) or BUURTHULP_ENV=development to say "
            "which you mean."
        )


def load(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping; `overrides` (tests) win over the environment."""
    overrides = dict(overrides or {})
    env = overrides.get("ENV") or os.environ.get("BUURTHULP_ENV", "development")
    testing = bool(overrides.get("TESTING"))
    production = env == "production"
    secret = overrides.get("SECRET_KEY") or _instance_secret(
        instance_path, env, "SECRET_KEY", DEV_SECRET_FILE
    )
    blur_key = overrides.get("BUURTHULP_BLUR_KEY") or _instance_secret(
        instance_path, env, "BUURTHULP_BLUR_KEY", DEV_BLUR_FILE
    )
    data_key = overrides.get("BUURTHULP_DATA_KEY") or _instance_secret(
        instance_path, env, "BUURTHULP_DATA_KEY", DEV_DATA_KEY_FILE
    )
    base_url = overrides.get("BUURTHULP_BASE_URL") or _base_url(env)
    url = overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(instance_path)
    mail_backend = os.environ.get("BUURTHULP_MAIL_BACKEND", "smtp" if production else "console")
    extra_hosts = [h.strip() for h in os.environ.get("BUURTHULP_TRUSTED_HOSTS", "").split(",")]
    config: dict[str, Any] = {
        "ENV": env,
        "SECRET_KEY": secret,
        "BUURTHULP_BLUR_KEY": blur_key,
        "BUURTHULP_DATA_KEY": data_key,
        "BUURTHULP_BASE_URL": base_url,
        # Production answers only for its own host names: a forged Host header is a 400.
        "TRUSTED_HOSTS": [urlsplit(base_url).hostname, *filter(None, extra_hosts)]
        if production
        else None,
        "BUURTHULP_PROXY_COUNT": _int("BUURTHULP_PROXY_COUNT", 0),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BUURTHULP_GEOCODER": os.environ.get("BUURTHULP_GEOCODER", "offline"),
        "BUURTHULP_GEOCODER_USER_AGENT": os.environ.get(
            "BUURTHULP_GEOCODER_USER_AGENT", "buurthulp (set BUURTHULP_GEOCODER_USER_AGENT)"
        ),
        "BUURTHULP_MAIL_BACKEND": mail_backend,
        # "inline": deliver right after each commit (development: mail shows in the console
        # at once); "worker": `flask outbox send --watch` delivers.
        "BUURTHULP_OUTBOX_DELIVERY": os.environ.get(
            "BUURTHULP_OUTBOX_DELIVERY", "inline" if mail_backend == "console" else "worker"
        ),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1),
        # Days a mail's text is kept after delivery (or giving up): then only the row stays.
        "OUTBOX_KEEP_DAYS": _int("OUTBOX_KEEP_DAYS", 30, minimum=1),
        "BUURTHULP_MAIL_FROM": os.environ.get("BUURTHULP_MAIL_FROM", "buurthulp@localhost"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int("SMTP_PORT", 25, minimum=1),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(os.environ.get("SMTP_STARTTLS")),
        "SMTP_TIMEOUT": _int("SMTP_TIMEOUT", 20, minimum=1),
        "PRIVACY_STATEMENT_VERSION": os.environ.get("PRIVACY_STATEMENT_VERSION", "2026-11"),
        "API_TOKEN_DAYS": _int("API_TOKEN_DAYS", 30, minimum=1),
        "SESSION_DAYS": _int("SESSION_DAYS", 14, minimum=1),
        "PASSWORD_RESET_MAX_AGE": 60 * 60,  # seconds
        "EMAIL_CONFIRM_MAX_AGE": 3 * 24 * 3600,
        # Argon2 cost: OWASP-level in production; in tests the least argon2 allows (a
        # thousandth of the cost), since every factory member and login pays it.
        "ARGON2_TIME_COST": 1 if testing else 3,
        "ARGON2_MEMORY_COST": 8 if testing else 64 * 1024,  # KiB
        "ARGON2_PARALLELISM": 1 if testing else 4,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "buurthulp"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Per client address on login, registration and password reset...
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # ...and per account (failed attempts only), so many addresses cannot take turns.
        "ACCOUNT_RATE_LIMIT": os.environ.get("ACCOUNT_RATE_LIMIT", "10 per 15 minutes"),
        # Per member and kind: messages, thanks, transfers, invitations, blocks, reports.
        "CONTACT_RATE_LIMIT": os.environ.get("CONTACT_RATE_LIMIT", "30 per hour"),
        # After the password, the second step (the code from the app) must follow within
        # this many seconds, or the login starts again.
        "SECOND_FACTOR_LOGIN_SECONDS": _int("SECOND_FACTOR_LOGIN_SECONDS", 300, minimum=30),
    }
    config.update(overrides)
    check_workers(config, _int("WEB_CONCURRENCY", 1, minimum=1))
    if not testing:
        check_explicit_production(sys.argv, os.environ)
    return config
