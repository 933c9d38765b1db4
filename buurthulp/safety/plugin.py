"""How the safeguards plug into the app: the blueprint, notification kinds, template
helpers and the coordinators' card on the home page."""

from __future__ import annotations

from typing import Any

from flask import Flask

from buurthulp.auth.roles import Permission
from buurthulp.home import HomeCard, add_home_cards
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.personal_data import Provider, register_provider
from buurthulp.safety.labels import DECISION_LABELS, OUTCOME_LABELS, REASON_LABELS

KINDS = {
    # kind: (topic, sentence)
    "safety.report_waits": (
        "reminders",
        _l("A neighbour made a report. It waits for you on the reports page."),
    ),
    "safety.report_handled": (
        "account",
        _l("A coordinator has handled your report. Thank you for telling us."),
    ),
    "safety.warning": ("account", _l("A coordinator warns you: %(message)s")),
    "safety.listing_waits": (
        "reminders",
        _l("A new listing waits for your check: “%(title)s”."),
    ),
    "safety.listing_approved": (
        "account",
        _l("Your listing “%(title)s” is checked. Neighbours can see it now."),
    ),
    "safety.listing_refused": (
        "account",
        _l("Your listing “%(title)s” is not placed. The coordinator says: %(reason)s"),
    ),
    "safety.listing_hidden": (
        "account",
        _l("A coordinator has hidden your listing “%(title)s”: %(reason)s"),
    ),
    "safety.listing_restored": (
        "account",
        _l("Your listing “%(title)s” can be seen again."),
    ),
    "safety.match_handed_over": (
        "matches",
        _l(
            "The other person in “%(title)s” cannot use Buurthulp for now. A coordinator "
            "takes over this match and will contact you."
        ),
    ),
    "safety.match_waits": (
        "reminders",
        _l("“%(title)s” waits for you: one of the two cannot use Buurthulp for now."),
    ),
    "safety.suspension_lifted": (
        "account",
        _l(
            "Your account works again. Your listings are paused: open them again when you "
            "are ready."
        ),
    ),
}


HOME_CARDS = (
    HomeCard(
        "safety.reports",
        _l("Reports"),
        _l("What neighbours reported, and what waits for your decision."),
        permission=Permission.SAFETY_REPORTS_HANDLE,
    ),
    HomeCard(
        "safety.listings",
        _l("Listings to check"),
        _l("New members' first listings, and hidden listings."),
        permission=Permission.SAFETY_LISTINGS_MODERATE,
    ),
)


def register(app: Flask) -> None:
    from buurthulp.notifications.services import register_kind
    from buurthulp.safety import forgetting, queue
    from buurthulp.safety.views import bp

    app.register_blueprint(bp)
    register_provider(
        app,
        Provider(
            "safeguards",
            ("safety_report", "safety_suspension", "safety_moderation", "safety_block"),
            forgetting.forget,
            kept="Reports, suspensions and blocks stay as rows (made, handled, when, by whom) "
            "so a coordinator sees a pattern; every text by or about them goes.",
        ),
    )
    queue.register_sources()  # reports and listings to check, in the work queue
    for kind, (topic, sentence) in KINDS.items():
        register_kind(kind, sentence, topic=topic)
    add_home_cards(app, HOME_CARDS)
    app.jinja_env.globals.update(
        reason_label=_label(REASON_LABELS),
        outcome_label=_label(OUTCOME_LABELS),
        decision_label=_label(DECISION_LABELS),
    )


def _label(labels: dict[str, Any]) -> Any:
    def label(key: str | None) -> str:
        return str(labels.get(key or "", key or ""))

    return label
