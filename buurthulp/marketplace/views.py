"""Listing pages at /hulp: the feed, posting and changing, one listing, suggestions,
activities (sign up, calendar, who comes), a printable notice, and "my help"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from buurthulp.auth.guards import login_required, public, signed_in_member
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.geo import Point, approx_distance_m, distance_label
from buurthulp.i18n import gettext as _
from buurthulp.i18n import ngettext
from buurthulp.inputs import arg_int
from buurthulp.links import absolute_url
from buurthulp.listings import activities, clock, ics, premoderation, services
from buurthulp.listings.forms import (
    BroadcastForm,
    FeedForm,
    InviteForm,
    ListingForm,
    ReactForm,
    SkipForm,
)
from buurthulp.listings.models import Listing
from buurthulp.matches import services as matches
from buurthulp.matching import feed as feed_service
from buurthulp.matching import suggestions as suggestion_service
from buurthulp.models_base import utcnow
from buurthulp.pages import Outcome, handle_form
from buurthulp.protection.marks import keeps_account_of
from buurthulp.widgets import slot_values

bp = Blueprint("listings", __name__, url_prefix="/hulp")

KIND_WORDS = {"hulpvraag": "request", "aanbod": "offer", "activiteit": "activity"}
FEED_ARGS = ("q", "kind", "category", "within_km")
STATUS_ACTIONS = "<any(pauzeren, heropenen, sluiten, verlengen):action>"


def _category_choices(member: Member) -> list[tuple[str, str]]:
    return [
        (c.slug, services.category_label(c))
        for c in services.categories_for(member.neighbourhood_id)
    ]


# The feed ----------------------------------------------------------------------------------------


@bp.route("/")
@login_required
def feed() -> Any:
    member = signed_in_member()
    form = FeedForm(request.args)
    form.category.choices = [("", _("All kinds")), *_category_choices(member)]
    within = arg_int(request.args, "within_km", minimum=1, maximum=feed_service.MAX_KM)
    page = feed_service.feed(
        member,
        kind=request.args.get("kind") or None,
        category=request.args.get("category") or None,
        within_km=within,
        q=request.args.get("q") or None,
        cursor=request.args.get("cursor") or None,
    )
    args = {
        k: v for k, v in request.args.items() if k in ("q", "kind", "category", "within_km") and v
    }
    next_url = (
        url_for("listings.feed", **args, cursor=page.next_cursor) if page.next_cursor else None
    )
    return render_template("listings/feed.html", form=form, page=page, next_url=next_url, args=args)


# Posting and changing ------------------------------------------------------------------------


def _listing_form(member: Member, form: ListingForm) -> ListingForm:
    form.category.choices = _category_choices(member)
    return form


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
def new() -> Any:
    member = signed_in_member()
    form = _listing_form(member, ListingForm())
    if not form.kind.data:
        form.kind.data = KIND_WORDS.get(request.args.get("soort", ""), "request")
    if form.kind.data not in ("request", "offer", "activity"):
        form.kind.data = "request"

    def act() -> Outcome:
        listing = services.post_listing(form.to_input(), actor=member)
        if listing.status == "pending":
            message = _(
                "Thank you! A coordinator checks your listing before neighbours see it. "
                "We let you know soon."
            )
        else:
            message = _("Your listing is online.")
        return message, url_for("listings.show", listing_id=listing.id)

    return handle_form(form, act, "listings/form.html", listing=None, kind=form.kind.data)


@bp.route("/<int:listing_id>/bewerken", methods=["GET", "POST"])
@login_required
def edit(listing_id: int) -> Any:
    member = signed_in_member()
    listing = services.get_listing(listing_id, member, need="manage")
    form = _listing_form(member, ListingForm(obj=listing))
    # Only an activity's form shows "repeats"; without this, the None read from a request
    # or offer is no valid choice and every save of one was refused.
    form.recurrence.data = form.recurrence.data or ""
    if not form.is_submitted():
        form.kind.data = listing.kind
        form.category.data = listing.category.slug
        form.tags.data = ", ".join(listing.tag_list())
        form.slots.data = slot_values(listing.slots)
        form.standing.data = listing.kind == "offer" and listing.expires_at is None
        if listing.starts_at is not None:
            local = listing.starts_at.astimezone(activities.LOCAL_TZ)
            form.starts_on.data, form.starts_time.data = local.date(), local.time()
        form.recurrence.data = listing.recurrence or ""
    form.kind.data = listing.kind

    def act() -> Outcome:
        services.update_listing(listing.id, form.to_input(), actor=member)
        return _("Your listing is changed."), url_for("listings.show", listing_id=listing.id)

    return handle_form(form, act, "listings/form.html", listing=listing, kind=listing.kind)


@bp.route(
    "/<int:listing_id>/<any(pauzeren, heropenen, sluiten, verlengen):action>", methods=["POST"]
)
@login_required
def change(listing_id: int, action: str) -> Any:
    member = signed_in_member()
    if action == "verlengen":
        listing = services.extend(listing_id, actor=member)
        if listing.expires_at is not None:
            message = _("Your listing stays 30 days longer.")
        else:
            message = _("Thank you: your listing stays online.")
    else:
        verbs = {"pauzeren": "pause", "heropenen": "reopen", "sluiten": "close"}
        services.change_status(listing_id, verbs[action], actor=member)
        message = {
            "pauzeren": _("Your listing is paused: neighbours do not see it for now."),
            "heropenen": _("Your listing is open again."),
            "sluiten": _("Your listing is closed."),
        }[action]
    flash(message, "success")
    # The buttons on "My help" bring the owner back there; only that page, never a URL.
    if request.form.get("terug") == "mijn":
        return redirect(url_for("listings.mine"), code=303)
    return redirect(url_for("listings.show", listing_id=listing_id), code=303)


@bp.route("/verlengen/<token>", methods=["GET", "POST"])
@public
def extend_by_link(token: str) -> Any:
    """The link in the reminder mail, without logging in: a page with one button (a link
    scanner that opens it changes nothing). It works once, for the end it was made for."""
    listing = clock.read_extend_link(token)
    if request.method == "POST":
        listing = clock.extend_by_link(token)
        return render_template("listings/extended.html", listing=listing)
    return render_template("listings/extend.html", listing=listing, token=token)


# One listing -----------------------------------------------------------------------------------


def _distance_for(member: Member, listing: Listing) -> str | None:
    if member.home_lat is None or member.id == listing.owner_id:
        return None
    metres = approx_distance_m(
        Point(member.home_lat, member.home_lon), Point(listing.lat, listing.lon)
    )
    return distance_label(metres, _)


@bp.route("/<int:listing_id>")
@login_required
def show(listing_id: int) -> Any:
    member = signed_in_member()
    listing = services.get_listing(listing_id, member)
    own = listing.owner_id == member.id
    can_moderate = not own and may(
        member, Permission.SAFETY_LISTINGS_MODERATE, listing.neighbourhood_id
    )
    context: dict[str, Any] = {
        "listing": listing,
        "own": own,
        "can_moderate": can_moderate,
        # Why a coordinator hid it: for its owner, and for the coordinators.
        "hidden_because": premoderation.why_hidden(listing) if own or can_moderate else None,
        "distance": _distance_for(member, listing),
        "category": services.category_label(listing.category),
        "expired": services.is_expired(listing),
        "open": services.in_feed(listing),
        "lifecycle": services.lifecycle_steps(listing) if own else [],
        "react_form": ReactForm(),
        "reactions": matches.matches_for_listing(listing) if own else [],
        "mine": next(
            (m for m in matches.matches_for_listing(listing) if m.responder_id == member.id), None
        ),
    }
    if listing.kind == "activity":
        context.update(
            dates=activities.occurrences(listing, count=5),
            places=activities.my_places(listing, member),
            took_part=activities.took_part(listing, member),
            skip_form=SkipForm(),
            broadcast_form=BroadcastForm(),
        )
    return render_template("listings/show.html", **context)


@bp.route("/code/<code>")
@login_required
def by_code(code: str) -> Any:
    """A printed notice's QR code or short code leads here (after logging in)."""
    listing = services.listing_by_code(code, signed_in_member())
    return redirect(url_for("listings.show", listing_id=listing.id))


@bp.route("/<int:listing_id>/reageren", methods=["POST"])
@login_required
def react(listing_id: int) -> Any:
    member = signed_in_member()
    listing = services.get_listing(listing_id, member)
    form = ReactForm()

    def act() -> Outcome:
        match = matches.react(listing.id, actor=member, message=form.message.data)
        return _("Your reaction is sent."), url_for("matches.show", match_id=match.id)

    return handle_form(
        form,
        act,
        "listings/react.html",
        listing=listing,
        category=services.category_label(listing.category),
    )


@bp.route("/<int:listing_id>/suggesties", methods=["GET", "POST"])
@login_required
def suggestions(listing_id: int) -> Any:
    member = signed_in_member()
    listing = services.get_listing(listing_id, member)
    found = suggestion_service.suggestions(listing.id, actor=member)
    form = InviteForm()

    def act() -> Outcome:
        member_id = int(form.member_id.data) if (form.member_id.data or "").isdigit() else 0
        match = matches.invite(listing.id, member_id, actor=member, message=form.message.data)
        return _("Your question is sent."), url_for("matches.show", match_id=match.id)

    return handle_form(form, act, "listings/suggestions.html", listing=listing, suggestions=found)


@bp.route("/<int:listing_id>/afdrukken")
@login_required
def print_notice(listing_id: int) -> Any:
    """An A4 notice for a notice board: large type, no address, a short code and a QR code."""
    import segno

    member = signed_in_member()
    listing = services.get_listing(listing_id, member)
    # The owner's name is theirs to put on a notice board: only the neighbourhood shows
    # unless they (or the coordinator who keeps their account) choose their first name.
    may_show_name = listing.owner_id == member.id or keeps_account_of(member, listing.owner)
    show_name = may_show_name and request.args.get("voornaam") == "1"
    target = absolute_url("listings.by_code", code=listing.code)
    qr = segno.make(target, error="m").svg_inline(scale=6, title=_("QR code to this listing"))
    return render_template(
        "listings/print.html",
        listing=listing,
        category=services.category_label(listing.category),
        qr=qr,
        target=target,
        show_name=show_name,
        may_show_name=may_show_name,
        dates=activities.occurrences(listing, count=3) if listing.kind == "activity" else [],
    )


# Activities ---------------------------------------------------------------------------------


@bp.route("/<int:listing_id>/aanmelden", methods=["POST"])
@login_required
def sign_up(listing_id: int) -> Any:
    place = activities.sign_up(listing_id, actor=signed_in_member())
    if place.status == "confirmed":
        flash(_("You are signed up. See you there!"), "success")
    else:
        flash(
            _(
                "It is full: you are number %(n)s on the waiting list. We tell you when a seat "
                "comes free.",
                n=place.position,
            ),
            "success",
        )
    return redirect(url_for("listings.show", listing_id=listing_id), code=303)


@bp.route("/<int:listing_id>/afmelden", methods=["POST"])
@login_required
def cancel_signup(listing_id: int) -> Any:
    activities.cancel_signup(listing_id, actor=signed_in_member())
    flash(_("You are signed off."), "success")
    return redirect(url_for("listings.show", listing_id=listing_id), code=303)


@bp.route("/<int:listing_id>/agenda.ics")
@login_required
def calendar(listing_id: int) -> Response:
    file = ics.calendar_file(listing_id, actor=signed_in_member())
    return Response(
        file.text, mimetype=file.mimetype, headers={"Content-Disposition": file.disposition}
    )


@bp.route("/<int:listing_id>/deelnemers", methods=["GET", "POST"])
@login_required
def attendees(listing_id: int) -> Any:
    member = signed_in_member()
    listing = services.get_listing(listing_id, member)
    people = activities.attendees(listing, actor=member)
    form = BroadcastForm()

    def act() -> Outcome:
        count = activities.message_attendees(listing.id, actor=member, body=form.body.data)
        sent = ngettext(
            "Your message went to %(num)d person.", "Your message went to %(num)d people.", count
        )
        return sent, url_for("listings.attendees", listing_id=listing.id)

    return handle_form(form, act, "listings/attendees.html", listing=listing, people=people)


@bp.route("/<int:listing_id>/datum-overslaan", methods=["POST"])
@login_required
def skip_date(listing_id: int) -> Any:
    member = signed_in_member()
    listing = services.get_listing(listing_id, member, need="manage")
    form = SkipForm()

    def act() -> Outcome:
        services.skip_date(listing.id, form.day.data, actor=member)
        return _("That date is skipped."), url_for("listings.show", listing_id=listing.id)

    return handle_form(form, act, "listings/skip.html", listing=listing)


# My help ----------------------------------------------------------------------------------------


@bp.route("/mijn")
@login_required
def mine() -> Any:
    member = signed_in_member()
    return render_template(
        "listings/mine.html",
        listings=services.my_listings(member),
        my_matches=matches.matches_of(member),
        now=utcnow(),
        soon=utcnow() + timedelta(days=7),
    )
