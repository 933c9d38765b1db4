"""Buurthulp: neighbourhood help, a fair time bank and a professional back-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error pages and CLI. Nothing else."""
    from buurthulp import config as settings
    from buurthulp.errors import register_error_handlers
    from buurthulp.web import register_web

    app = Flask(
        __name__,
        instance_path=os.environ.get("BUURTHULP_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    try:
        app.config.from_mapping(settings.load(app.instance_path, config))
    except settings.ConfigError as exc:
        # One clear line for the operator, not a traceback.
        raise SystemExit(f"Buurthulp cannot start: {exc}") from None
    register_web(app)
    register_error_handlers(app)
    return app
