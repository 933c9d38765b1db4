"""How the ledger plugs into the app: blueprint, CLI group, signal receivers, header data."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for

from buurthulp import signals
from buurthulp.home import HomeCard, add_home_cards
from buurthulp.personal_data import Provider, register_provider


def _on_member_created(member: Any, **_extra: Any) -> None:
    from buurthulp.ledger.services import ensure_member_account

    ensure_member_account(member)


def _on_neighbourhood_saved(neighbourhood: Any, **_extra: Any) -> None:
    from buurthulp.ledger.services import ensure_pool

    ensure_pool(neighbourhood)


def _on_member_moved(member: Any, **_extra: Any) -> None:
    from buurthulp.ledger.services import follow_move

    follow_move(member)


def _ledger_header() -> dict[str, Any]:
    from buurthulp.auth.guards import current_member
    from buurthulp.ledger.services import ledger_header

    if not request:
        return {"ledger_header": None}
    member = current_member()
    if member is None:
        return {"ledger_header": None}
    return {"ledger_header": ledger_header(member, url_for("ledger.statement"))}


def _transfer_kind(kind: str) -> str:
    """A transfer's kind as people read it, for pages outside the ledger (the export)."""
    from buurthulp.ledger.views.resident import kind_label

    return kind_label(kind)


def _home_cards() -> tuple[HomeCard, ...]:
    """Cards on the home page: where a member finds their time credits."""
    from buurthulp.i18n import lazy_gettext as _l

    return (
        HomeCard(
            "ledger.statement",
            _l("My time credits"),
            _l("Your balance and everything you gave and received."),
        ),
        HomeCard(
            "ledger.thank",
            _l("Say thank you with time"),
            _l("Give time credits to a neighbour who helped you."),
        ),
        HomeCard(
            "ledger.donate",
            _l("Give to the solidarity pool"),
            _l("So neighbours who cannot give back can still ask for help."),
        ),
    )


def _demo_activity(rng: Any) -> None:
    from buurthulp.ledger.demo import add_demo_history

    add_demo_history(rng)


def _notification_kinds() -> None:
    from buurthulp.i18n import lazy_gettext as _l
    from buurthulp.notifications.services import register_kind

    register_kind("ledger.grant", _l("%(by)s gave you %(minutes)s from the solidarity pool."))
    register_kind(
        "ledger.proxy_thanks",
        _l("%(by)s sent %(minutes)s from your account to %(to)s, on your behalf."),
    )
    register_kind(
        "ledger.proxy_donation",
        _l("%(by)s gave %(minutes)s from your account to the solidarity pool, on your behalf."),
    )
    register_kind(
        "ledger.limits",
        _l("%(by)s changed your limits: from %(lower)s up to %(upper)s."),
    )
    register_kind("ledger.settled", _l("%(by)s settled and closed your time-bank account."))
    register_kind(
        "ledger.reversed", _l("%(by)s reversed a transfer of %(minutes)s on your account.")
    )


def register(app: Flask) -> None:
    """Blueprint at /tijdbank, `flask ledger`, signal receivers and `ledger_header`."""
    from buurthulp.ledger.cli import ledger_cli
    from buurthulp.ledger.services import forgetting
    from buurthulp.ledger.views import bp

    _notification_kinds()

    app.register_blueprint(bp)
    app.cli.add_command(ledger_cli)
    register_provider(
        app,
        Provider(
            "time-bank",
            ("ledger_account", "ledger_transfer", "ledger_limit_change"),
            forgetting.forget,
            kept="The account is settled with the pool and closed; every transfer stays "
            '(amount, date, accounts) so balances hold; their words become "verwijderd".',
        ),
    )
    # Module-level functions held strongly: connecting again for a second app is a no-op.
    signals.member_created.connect(_on_member_created, weak=False)
    signals.neighbourhood_saved.connect(_on_neighbourhood_saved, weak=False)
    signals.member_moved.connect(_on_member_moved, weak=False)
    app.context_processor(_ledger_header)
    app.jinja_env.globals["transfer_kind"] = _transfer_kind
    add_home_cards(app, _home_cards())
    app.extensions.setdefault("buurthulp_demo_steps", []).append(_demo_activity)
