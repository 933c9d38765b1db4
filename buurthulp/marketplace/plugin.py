"""How the marketplace plugs into the app: blueprints, CLI groups, scheduled jobs,
notification kinds and the cards on the home page. (Listings, matches and matching keep
their own rules.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask

from buurthulp.auth.roles import Permission
from buurthulp.home import HomeCard, add_home_cards
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.jobs import register_job
from buurthulp.personal_data import Provider, register_provider

KINDS = {
    # kind: (topic, sentence)
    "matches.reaction": ("reactions", _l("%(by)s reacted to your listing “%(title)s”.")),
    "matches.invited": ("reactions", _l("%(by)s asks whether you can help: “%(title)s”.")),
    "matches.invitation_declined": (
        "reactions",
        _l("A neighbour cannot help with “%(title)s” this time. You can ask someone else."),
    ),
    "matches.agreed": (
        "matches",
        _l("Agreed: “%(title)s”. You can now see how to reach each other."),
    ),
    "matches.agreed_owner": (
        "matches",
        _l("Agreed: “%(title)s”. You can now see how to reach each other."),
    ),
    "matches.already_helped": (
        "matches",
        _l("“%(title)s” has found its helper. Thank you for offering!"),
    ),
    "matches.listing_closed": (
        "matches",
        _l(
            "“%(title)s” is closed: help was found, or it is no longer needed. "
            "Thank you for wanting to help!"
        ),
    ),
    "matches.offer_closed": (
        "matches",
        _l("“%(title)s” is closed: this offer is no longer available. Thank you for asking!"),
    ),
    "matches.cancelled": ("matches", _l("“%(title)s” was cancelled: %(reason)s")),
    "matches.handed_over": (
        "matches",
        _l("“%(title)s” is now arranged through the coordinator. Thank you for wanting to help!"),
    ),
    "matches.partner_left": (
        "matches",
        _l("“%(title)s” has stopped: the other neighbour left Buurthulp."),
    ),
    "matches.please_confirm": ("matches", _l("Please confirm: “%(title)s” took %(minutes)s.")),
    "matches.done": ("matches", _l("Confirmed and booked: “%(title)s”, %(minutes)s.")),
    "matches.auto_done": (
        "matches",
        _l(
            "“%(title)s” was confirmed automatically after 14 days without an answer: "
            "%(minutes)s booked."
        ),
    ),
    "matches.limit_reached": (
        "matches",
        _l(
            "“%(title)s” could not be confirmed automatically: your balance is at its lower "
            "limit. A coordinator will help. You do not need to do anything."
        ),
    ),
    "matches.pool_asked": (
        "matches",
        _l(
            "%(by)s asked the coordinator to add time from the solidarity pool for "
            "“%(title)s”, on your behalf."
        ),
    ),
    "matches.dispute_settled": (
        "matches",
        _l("A coordinator settled the minutes for “%(title)s”: %(minutes)s booked. %(note)s"),
    ),
    "matches.dispute_cancelled": (
        "matches",
        _l("A coordinator cancelled “%(title)s”. No time is booked. %(note)s"),
    ),
    # For coordinators: a match in their neighbourhood waits for them.
    "matches.dispute_waits": (
        "reminders",
        _l("%(by)s does not agree with the minutes for “%(title)s”. A coordinator decides."),
    ),
    "matches.pool_waits": (
        "reminders",
        _l("%(by)s asks for a contribution from the solidarity pool for “%(title)s”."),
    ),
    "matches.limit_waits": (
        "reminders",
        _l(
            "“%(title)s” could not be confirmed automatically: the payer's balance is at "
            "its lower limit."
        ),
    ),
    "matches.helped_waits": (
        "reminders",
        _l(
            "“%(title)s” waits for you to confirm: the payer is helped through a "
            "coordinator, so it is not confirmed automatically."
        ),
    ),
    "matches.disputed": (
        "matches",
        _l("The minutes for “%(title)s” are not agreed. A coordinator will look at it."),
    ),
    "matches.message": ("messages", _l("%(by)s wrote to you about “%(title)s”.")),
    "matches.thanked": ("matches", _l("%(by)s left you a note of thanks for “%(title)s”.")),
    "matches.reminder": (
        "reminders",
        _l("“%(title)s” still waits for your confirmation (%(minutes)s)."),
    ),
    "listings.ends_in_a_week": ("reminders", _l("Your listing “%(title)s” ends in a week.")),
    "listings.ends_tomorrow": ("reminders", _l("Your listing “%(title)s” ends tomorrow.")),
    "listings.still_on": (
        "reminders",
        _l("Is your listing “%(title)s” still on? Say so within 30 days, or we pause it for you."),
    ),
    "listings.paused_unanswered": (
        "reminders",
        _l(
            "We paused your listing “%(title)s”: you did not say it is still on. Is it? "
            "Open the listing and press “Open again”."
        ),
    ),
    "activities.signed_up": ("activities", _l("%(by)s signed up for “%(title)s”.")),
    "activities.moved_up": (
        "activities",
        _l("A seat came free: you can come to “%(title)s” on %(day)s."),
    ),
    "activities.message": ("activities", _l("%(by)s about “%(title)s”: %(text)s")),
    "activities.reminder": ("activities", _l("Tomorrow at %(time)s: “%(title)s”, %(place)s.")),
}


HOME_CARDS = (
    HomeCard(
        "matches.waiting_list",
        _l("Waits for a coordinator"),
        _l("Disputed minutes and payments that need the solidarity pool."),
        permission=Permission.MATCHES_VIEW_ALL,
    ),
    HomeCard(
        "listings.feed",
        _l("Help nearby"),
        _l("What neighbours ask and offer, and activities near you."),
    ),
    HomeCard(
        "listings.new",
        _l("Ask for help"),
        _l("A lift, shopping, a form: ask a neighbour."),
        values={"soort": "hulpvraag"},
    ),
    HomeCard(
        "listings.new",
        _l("Offer help"),
        _l("What you like to do for a neighbour."),
        values={"soort": "aanbod"},
    ),
    HomeCard("listings.mine", _l("My help"), _l("Your listings, reactions and matches.")),
)


def _demo_marketplace(rng: Any) -> None:
    from buurthulp.marketplace.demo import add_demo_marketplace

    add_demo_marketplace(rng)


def _activities_job(now: datetime) -> dict[str, int]:
    from buurthulp.listings import activities

    return {"activity reminders": activities.remind(now)}


def _matches_job(now: datetime) -> dict[str, int]:
    from buurthulp.matches import services as matches

    return {f"matches {k}": v for k, v in matches.tick(now).items()}


def register(app: Flask) -> None:
    from buurthulp import signals
    from buurthulp.listings import clock
    from buurthulp.marketplace.cli import listings_cli, notifications_cli
    from buurthulp.marketplace.views import bp as listings_bp
    from buurthulp.matches import waiting
    from buurthulp.matches.services import on_listing_closed
    from buurthulp.matches.views import bp as matches_bp
    from buurthulp.notifications.services import register_kind

    app.register_blueprint(listings_bp)
    app.register_blueprint(matches_bp)
    register_provider(
        app,
        Provider(
            "marketplace",
            (
                "listings_listing",
                "listings_signup",
                "matches_match",
                "matches_message",
                "matches_thanks",
            ),
            kept="The erasure core closes their listings (descriptions go, titles stay as "
            "labels), gives up their seats, ends open matches and removes what they wrote.",
        ),
    )
    waiting.register_sources()  # the matches that wait, in the coordinator's work queue
    app.cli.add_command(listings_cli)
    app.cli.add_command(notifications_cli)
    register_job(app, "listings", clock.tick)
    register_job(app, "activities", _activities_job)
    register_job(app, "matches", _matches_job)
    for kind, (topic, sentence) in KINDS.items():
        register_kind(kind, sentence, topic=topic)
    # A module-level function held strongly: connecting again for a second app is a no-op.
    signals.listing_closed.connect(on_listing_closed, weak=False)
    app.jinja_env.globals.update(
        kind_name=kind_name, listing_status=listing_status, match_status=match_status
    )
    app.extensions.setdefault("buurthulp_demo_steps", []).append(_demo_marketplace)
    # The marketplace's cards come first on the home page: asking and offering is the point.
    add_home_cards(app, HOME_CARDS, first=True)


KIND_NAMES = {
    "request": _l("Request for help"),
    "offer": _l("Offer of help"),
    "activity": _l("Activity"),
}
LISTING_STATUS = {
    "pending": _l("waiting for a check"),
    "open": _l("open"),
    "paused": _l("paused"),
    "matched": _l("helper found"),
    "closed": _l("closed"),
    "hidden": _l("hidden by a coordinator"),
}
MATCH_STATUS = {
    "invited": _l("asked, waiting for an answer"),
    "proposed": _l("reacted, waiting for an answer"),
    "agreed": _l("agreed"),
    "awaiting_confirmation": _l("done, waiting for confirmation"),
    "done": _l("confirmed"),
    "disputed": _l("minutes not agreed: a coordinator looks at it"),
    "declined": _l("not this time"),
    "cancelled": _l("cancelled"),
}


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def listing_status(status: str) -> str:
    return str(LISTING_STATUS.get(status, status))


def match_status(status: str) -> str:
    return str(MATCH_STATUS.get(status, status))
