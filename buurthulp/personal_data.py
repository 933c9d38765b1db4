"""Personal data as a registry: every feature that keeps something about a member says so
here, with what erasure does to it, so forgetting is not a list someone must remember.

A feature registers one `Provider` per kind of data when it plugs in (like the work
queue's sources and the clock's jobs): the tables it answers for, the step that forgets a
member in them (`forget`), and what stays and why (`kept`: history that must balance, a
pseudonymous row). Erasure runs its fixed core (matches end, listings close, the account is
settled, the member row becomes a pseudonym) and then every provider's step, inside the same
transaction. A test fails when a table with a column pointing at a member is claimed by no
provider: the next feature cannot forget to declare its data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app

PROVIDERS = "buurthulp_personal_data"
QUOTE_MIN = 6  # a shorter text ("Ja", "Top") would empty unrelated notes


@dataclass(frozen=True)
class Forgetting:
    """Who is being erased, as the steps need it: their id, the name and address they had
    (to find them in other people's text), the pseudonym they get, and what was theirs."""

    member_id: int
    old_name: str
    old_email: str | None
    pseudonym: str
    listing_ids: tuple[int, ...]
    match_ids: tuple[int, ...]
    now: datetime
    # What the first steps emptied (their words, notes about them): the second steps (the
    # audit log, mail, notifications) forget the places that quote it.
    quoted: set[str] = field(default_factory=set)

    def quote(self, *texts: str | None) -> None:
        """Remember texts this step forgets, for the steps that find their quotes."""
        self.quoted.update(t for t in texts if t and len(t.strip()) >= QUOTE_MIN)


@dataclass(frozen=True)
class Provider:
    """One kind of personal data: its tables, how erasure forgets a member in them (None:
    the erasure core does it), and what stays."""

    name: str
    tables: tuple[str, ...]
    forget: Callable[[Forgetting], None] | None = None
    kept: str = ""
    # 0: the data itself; 1: places that quote it (run after every 0, see `quoted`).
    phase: int = 0


def register_provider(app: Flask, provider: Provider) -> None:
    """Add (or replace) the provider `provider.name` of this app."""
    app.extensions.setdefault(PROVIDERS, {})[provider.name] = provider


def providers(app: Flask | None = None) -> list[Provider]:
    """Every registered provider, in the order the features plugged in."""
    return list((app or current_app).extensions.get(PROVIDERS, {}).values())


def forget_everywhere(forgetting: Forgetting) -> None:
    """Every provider's step for this member (inside the caller's transaction): first the
    data, then the places that quote it."""
    for provider in sorted(providers(), key=lambda p: p.phase):
        if provider.forget is not None:
            provider.forget(forgetting)
