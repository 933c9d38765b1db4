"""How the back office plugs into the app: its blueprint, notification kinds, the cards on a
coordinator's home page, and the "on behalf of" words pages show."""

from __future__ import annotations

from typing import Any

from flask import Flask
from markupsafe import Markup, escape

from buurthulp.auth.roles import Permission
from buurthulp.home import HomeCard, add_home_cards
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.jobs import register_job
from buurthulp.personal_data import Provider, register_provider

KINDS = {
    # kind: (topic, sentence)
    "backoffice.verified": (
        "account",
        _l("%(by)s verified your account: you met, or they saw your ID. Thank you!"),
    ),
    "backoffice.vog_checked": (
        "account",
        _l(
            "%(by)s recorded your certificate of conduct (VOG). It is valid until %(day)s. "
            "You can now help with everything."
        ),
    ),
    "backoffice.vog_expiring": (
        "reminders",
        _l(
            "Your certificate of conduct (VOG) needs renewing before %(day)s. Your "
            "coordinator can tell you how."
        ),
    ),
    "backoffice.vog_expiring_staff": (
        "reminders",
        _l("The certificate of conduct (VOG) of %(name)s needs renewing before %(day)s."),
    ),
    "backoffice.vog_lapsed": (
        "account",
        _l(
            "Your certificate of conduct (VOG) is three years old. Until you have a new one, "
            "you cannot help with tasks that need one."
        ),
    ),
    "backoffice.vog_lapsed_staff": (
        "reminders",
        _l("The certificate of conduct (VOG) of %(name)s has lapsed (%(day)s)."),
    ),
}


def on_behalf(name: str | None, by: str | None) -> Markup:
    """ "namens Truus door Marieke": how anything a coordinator did for a resident shows."""
    return escape(_("on behalf of %(name)s by %(by)s", name=name or "", by=by or ""))


HOME_CARDS = (
    HomeCard(
        "backoffice.queue",
        _l("Work queue"),
        _l("Everything that waits for you, most urgent first."),
        permission=Permission.BACKOFFICE_QUEUE_VIEW,
    ),
    HomeCard(
        "backoffice.proxy_list",
        _l("Residents who are not online"),
        _l("Ask, react and confirm on their behalf; print their overview."),
        permission=Permission.RESIDENTS_PROXY_ACT,
    ),
)


def _demo_back_office(rng: Any) -> None:
    from buurthulp.backoffice.demo import add_demo_back_office

    add_demo_back_office(rng)


def _providers() -> tuple[Provider, ...]:
    from buurthulp.backoffice import trust
    from buurthulp.protection import marks
    from buurthulp.work import queue

    return (
        Provider(
            "marks",
            ("backoffice_vulnerable", "backoffice_proxy_resident"),
            marks.forget,
            kept="The vulnerable mark goes with its reason and note; that a coordinator "
            "kept the account (proxy) stays with the pseudonymous row.",
        ),
        Provider(
            "trust",
            ("backoffice_trust_record",),
            trust.forget,
            kept="The steps stay (who verified, when); their notes go.",
        ),
        Provider(
            "work-queue",
            ("backoffice_handled",),
            queue.forget_notes,
            kept="That an item was handled, by whom, stays; the note goes.",
        ),
    )


def register(app: Flask) -> None:
    from buurthulp.backoffice import other_sources, sources, trust
    from buurthulp.backoffice.views import bp
    from buurthulp.notifications.services import register_kind

    app.register_blueprint(bp)
    for provider in _providers():
        register_provider(app, provider)
    sources.register_sources()
    other_sources.register_sources()
    register_job(app, "trust", trust.tick)  # VOG renewal reminders, and lapsed VOGs
    for kind, (topic, sentence) in KINDS.items():
        register_kind(kind, sentence, topic=topic)
    app.jinja_env.globals["on_behalf"] = on_behalf
    app.extensions.setdefault("buurthulp_demo_steps", []).append(_demo_back_office)
    # The coordinator's work comes first on their home page.
    add_home_cards(app, HOME_CARDS, first=True)
