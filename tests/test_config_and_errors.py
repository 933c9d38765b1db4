"""Configuration from the environment, and kind error pages for every failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from buurthulp import create_app
from buurthulp.config import ConfigError, database_url
from buurthulp.config import load as load_config
from tests.conftest import test_config


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("BUURTHULP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path))


def test_development_generates_its_secret_once(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BUURTHULP_ENV", raising=False)
    first = load_config(str(tmp_path))["SECRET_KEY"]
    second = load_config(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (Path(tmp_path) / "dev-secret-key").stat().st_mode & 0o077 == 0


def production_env(monkeypatch, **extra):
    monkeypatch.setenv("BUURTHULP_ENV", "production")
    values = {
        "SECRET_KEY": "x" * 40,
        "BUURTHULP_BASE_URL": "https://buurthulp.example.nl",
        "BUURTHULP_BLUR_KEY": "b" * 40,
        "BUURTHULP_DATA_KEY": "d" * 40,
        **extra,
    }
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    production_env(monkeypatch)
    config = load_config(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["BUURTHULP_MAIL_BACKEND"] == "smtp"


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "BUURTHULP_BASE_URL", "BUURTHULP_BLUR_KEY", "BUURTHULP_DATA_KEY"]
)
def test_production_refuses_to_start_without_each_required_setting(monkeypatch, tmp_path, missing):
    production_env(monkeypatch, **{missing: None})
    with pytest.raises(ConfigError, match=missing):
        load_config(str(tmp_path))


def test_production_answers_only_for_its_own_host(monkeypatch, tmp_path):
    production_env(monkeypatch, BUURTHULP_TRUSTED_HOSTS="www.buurthulp.example.nl")
    config = load_config(str(tmp_path))
    assert config["TRUSTED_HOSTS"] == ["buurthulp.example.nl", "www.buurthulp.example.nl"]
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    app = create_app({**config, "ENV": "production"})
    client = app.test_client()
    assert client.get("/privacy", headers={"Host": "evil.example"}).status_code == 400
    good = client.get("/privacy", headers={"Host": "buurthulp.example.nl"})
    assert good.status_code == 200
    assert "max-age" in good.headers["Strict-Transport-Security"]  # https base URL


def test_the_blur_key_is_its_own_secret_generated_once_in_development(monkeypatch, tmp_path):
    monkeypatch.delenv("BUURTHULP_BLUR_KEY", raising=False)
    monkeypatch.delenv("BUURTHULP_ENV", raising=False)
    first = load_config(str(tmp_path))
    second = load_config(str(tmp_path))
    assert first["BUURTHULP_BLUR_KEY"] == second["BUURTHULP_BLUR_KEY"]
    assert first["BUURTHULP_BLUR_KEY"] != first["SECRET_KEY"]
    assert (Path(tmp_path) / "dev-blur-key").stat().st_mode & 0o077 == 0
    assert first["BUURTHULP_BASE_URL"] == "http://127.0.0.1:5000"


def test_the_data_key_is_its_own_secret_generated_once_in_development(monkeypatch, tmp_path):
    """The key that encrypts TOTP secrets is never SECRET_KEY: rotating the session secret
    must not lock staff out of their second factor."""
    monkeypatch.delenv("BUURTHULP_DATA_KEY", raising=False)
    monkeypatch.delenv("BUURTHULP_ENV", raising=False)
    first = load_config(str(tmp_path))
    second = load_config(str(tmp_path))
    assert first["BUURTHULP_DATA_KEY"] == second["BUURTHULP_DATA_KEY"]
    assert first["BUURTHULP_DATA_KEY"] not in (first["SECRET_KEY"], first["BUURTHULP_BLUR_KEY"])
    assert (Path(tmp_path) / "dev-data-key").stat().st_mode & 0o077 == 0


def test_production_without_a_data_key_says_what_to_set(monkeypatch, tmp_path):
    production_env(monkeypatch, BUURTHULP_DATA_KEY=None)
    with pytest.raises(ConfigError, match=r"BUURTHULP_DATA_KEY is not set\. Set it to a long"):
        load_config(str(tmp_path))


def test_several_production_workers_refuse_per_process_rate_limits(monkeypatch, tmp_path):
    production_env(monkeypatch, WEB_CONCURRENCY="2", RATELIMIT_STORAGE_URI="memory://")
    with pytest.raises(ConfigError, match="redis://"):
        load_config(str(tmp_path))
    production_env(monkeypatch, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379")
    assert load_config(str(tmp_path))["RATELIMIT_STORAGE_URI"].startswith("redis://")
    production_env(monkeypatch, WEB_CONCURRENCY="1", RATELIMIT_STORAGE_URI="memory://")
    assert load_config(str(tmp_path))  # one worker may count on its own


def test_database_url_defaults_to_sqlite_and_accepts_postgres_urls(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(str(tmp_path)).startswith("sqlite:///")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u@h/db"


def test_unknown_pages_get_a_kind_404_page(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<h1>" in body and "Traceback" not in body


def test_an_unexpected_error_gives_a_kind_500_page_not_a_trace(app, client, monkeypatch):
    from buurthulp.core import views

    def explode(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "render_template", explode)
    response = client.get("/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "boom" not in body and "Traceback" not in body
    assert "<h1>" in body


def test_too_many_login_attempts_get_a_friendly_429(database_url, db_session, monkeypatch):
    from buurthulp.extensions import limiter

    # One limiter object serves every app, and init_app switches it on for all of them:
    # put it back afterwards, or later tests in the run meet this test's limits.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    app = create_app(
        test_config(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    )
    with app.app_context():
        limiter.reset()
    client = app.test_client()
    data = {"email": "someone@example.org", "password": "wrong password"}
    statuses = [client.post("/inloggen", data=data).status_code for _ in range(3)]
    assert statuses[:2] == [422, 422]
    assert statuses[2] == 429
    page = client.post("/inloggen", data=data).get_data(as_text=True)
    assert "wait a minute" in page or "minuut" in page


def test_every_page_answers_with_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_health_check_answers(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_starting_production_without_a_secret_says_so_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "BUURTHULP_BASE_URL", "BUURTHULP_BLUR_KEY")
    }
    env.update(BUURTHULP_ENV="production", BUURTHULP_INSTANCE=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "buurthulp", "db", "current"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(line.startswith("Buurthulp cannot start: SECRET_KEY is not set") for line in lines)


def test_gunicorn_refuses_two_production_workers_with_per_process_rate_limits(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "BUURTHULP_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "BUURTHULP_BASE_URL": "https://buurthulp.example.nl",
        "BUURTHULP_BLUR_KEY": "b" * 40,
        "BUURTHULP_DATA_KEY": "d" * 40,
        "BUURTHULP_INSTANCE": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite3'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        "WEB_WORKERS": "2",
        "BIND": "127.0.0.1:0",
    }
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "buurthulp:create_app()",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "2 web workers with RATELIMIT_STORAGE_URI=memory://" in result.stderr
    assert "redis://127.0.0.1:6379" in result.stderr
