"""The cards on a member's home page, declared by the features: each plugin says which
cards it adds (a page, a title, a line of text, and the permission that shows it), and the
home page asks every provider for the cards of the member who is looking.

One declaration instead of a builder per feature that repeated the same dictionary and
`may()` checks; the order is the order of registration (`first=True` puts a feature's
cards before the others: the marketplace's asking and offering, a coordinator's work).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, url_for

from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission

HOME_LINKS = "buurthulp_home_links"
Provider = Callable[[Member], list[dict[str, str]]]


@dataclass(frozen=True)
class HomeCard:
    endpoint: str
    title: Any  # lazy gettext: translated when the page is drawn
    text: Any
    permission: Permission | None = None  # None: every member sees it
    values: dict[str, str] = field(default_factory=dict)

    def shown_to(self, member: Member) -> bool:
        return self.permission is None or may(member, self.permission)

    def as_link(self) -> dict[str, str]:
        return {
            "url": url_for(self.endpoint, **self.values),
            "title": str(self.title),
            "text": str(self.text),
        }


def add_home_cards(app: Flask, cards: Iterable[HomeCard], *, first: bool = False) -> None:
    """Register a feature's cards on `app`'s home page."""
    declared = tuple(cards)

    def provider(member: Member) -> list[dict[str, str]]:
        return [card.as_link() for card in declared if card.shown_to(member)]

    providers: list[Provider] = app.extensions.setdefault(HOME_LINKS, [])
    if first:
        providers.insert(0, provider)
    else:
        providers.append(provider)


def home_links(app: Flask, member: Member) -> list[dict[str, str]]:
    """Every card `member` may see, in order."""
    return [link for provider in app.extensions.get(HOME_LINKS, []) for link in provider(member)]
