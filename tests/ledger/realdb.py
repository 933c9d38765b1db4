"""Helpers for tests on a committed database: a fresh context per thread, a small town."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask

from buurthulp.extensions import db
from tests.factories import CENTRUM, Factories

T = TypeVar("T")


@contextmanager
def context(app: Flask) -> Iterator[None]:
    """A request context of its own: its own session, so its own connection."""
    with app.test_request_context():
        try:
            yield
        finally:
            db.session.remove()


def in_context(app: Flask, fn: Callable[[], T]) -> T:
    with context(app):
        return fn()


@dataclass(frozen=True)
class Ids:
    hood: int
    residents: list[int]
    coord: int


def build_town(app: Flask, residents: int = 4, **limits: Any) -> Ids:
    def build() -> Ids:
        make = Factories()
        hood = make.neighbourhood(pc4=CENTRUM, **limits)
        people = [make.resident(hood, name=f"Buur {n}") for n in range(residents)]
        coord = make.coordinator(hood)
        return Ids(hood.id, [p.id for p in people], coord.id)

    return in_context(app, build)
