"""Scheduled work as a registry, like the work queue's sources: each feature registers what
its clock does when it plugs in, and `flask listings tick` runs them all, in the order the
features were registered. So the clock imports no feature, and a new feature adds its
reminders without touching anyone else's file.

A job takes `now` (tests pass a time instead of waiting) and returns counts to print.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app

from buurthulp.models_base import utcnow

Job = Callable[[datetime], dict[str, int]]
JOBS = "buurthulp_jobs"


def register_job(app: Flask, name: str, run: Job) -> None:
    """Add (or replace) the job `name` of this app."""
    app.extensions.setdefault(JOBS, {})[name] = run


def run_jobs(now: datetime | None = None) -> dict[str, int]:
    """Every registered job once, with one `now`; their counts merged."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for run in current_app.extensions.get(JOBS, {}).values():
        counts.update(run(now))
    return counts
