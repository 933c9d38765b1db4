"""Gunicorn settings for `make serve` (gunicorn reads this file from the project root).

Before any worker starts, the app's configuration is checked once with the real number of
workers: in production, several workers with per-process rate-limit storage (`memory://`)
would each count login attempts on their own, so gunicorn refuses to start and says why.
"""

from __future__ import annotations

import os
import sys

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", os.environ.get("WEB_CONCURRENCY", "4")))
accesslog = "-"


def on_starting(server: object) -> None:
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    from buurthulp import create_app

    try:
        create_app()
    except SystemExit as exc:  # create_app words a refused configuration in one line
        print(exc, file=sys.stderr)
        raise
