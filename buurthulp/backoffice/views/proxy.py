"""Acting for a resident who is not online: their overview, a request posted for them,
neighbours' listings to react to, a match (accept, confirm, messages), and two printable
pages (a summary to leave on the table, a welcome letter). Everything done here is stored
and shown as "on behalf of <resident> by <coordinator>"."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from buurthulp.access.guards import asks_reason
from buurthulp.auth.guards import requires
from buurthulp.auth.models import Member
from buurthulp.auth.roles import Permission
from buurthulp.backoffice import residents
from buurthulp.backoffice.forms import ProxyMessageForm, ProxyReactForm, ProxyResidentForm
from buurthulp.backoffice.views import bp, me
from buurthulp.errors import Conflict
from buurthulp.i18n import gettext as _
from buurthulp.ledger.services import balance_minutes
from buurthulp.listings import services as listings
from buurthulp.listings.forms import ListingForm
from buurthulp.matches import actions as steps
from buurthulp.matches import services as matches
from buurthulp.matches.models import THREAD_STATUSES
from buurthulp.pages import Outcome, handle_form


def _kept(actor: Member, proxy_id: object, **_kw: Any) -> list[int]:
    """The reason guard's question: the resident this coordinator acts for."""
    return [residents.proxy_resident(proxy_id, actor).id]


@bp.route("/namens")
@requires(Permission.RESIDENTS_PROXY_ACT)
def proxy_list() -> Any:
    people = residents.proxy_residents_for_staff(me())
    return render_template("backoffice/proxy_list.html", people=people)


@bp.route("/namens/nieuw", methods=["GET", "POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
def proxy_new() -> Any:
    form = ProxyResidentForm()

    def act() -> Outcome:
        member = residents.create_proxy_resident(
            actor=me(),
            display_name=form.display_name.data,
            postcode=form.postcode.data,
            house_number=form.house_number.data,
            phone=form.phone.data,
            consent_how=form.consent_how.data,
        )
        return (
            _(
                "The account of %(name)s is made. You act on their behalf.",
                name=member.display_name,
            ),
            url_for("backoffice.proxy_home", proxy_id=member.id),
        )

    return handle_form(form, act, "backoffice/proxy_new.html")


@bp.route("/namens/<int:proxy_id>")
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_home(proxy_id: int) -> Any:
    actor = me()
    member = residents.open_proxy_resident(proxy_id, actor)
    mine = residents.proxy_matches_for_staff(member, actor)
    return render_template(
        "backoffice/proxy_home.html",
        member=member,
        listings=listings.my_listings(member),
        matches=mine,
        balance=balance_minutes(member),
    )


@bp.route("/namens/<int:proxy_id>/hulpvraag", methods=["GET", "POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_request(proxy_id: int) -> Any:
    actor = me()
    member = residents.open_proxy_resident(proxy_id, actor)
    form = ListingForm()
    form.category.choices = [
        (c.slug, listings.category_label(c))
        for c in listings.categories_for(member.neighbourhood_id)
    ]
    form.kind.data = "request"

    def act() -> Outcome:
        listing = listings.post_listing(form.to_input(), actor=actor, owner=member)
        return (
            _("The request is online, on behalf of %(name)s.", name=member.display_name),
            url_for("backoffice.proxy_home", proxy_id=member.id) + f"#listing-{listing.id}",
        )

    return handle_form(form, act, "backoffice/proxy_request.html", member=member)


@bp.route("/namens/<int:proxy_id>/hulp")
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_feed(proxy_id: int) -> Any:
    actor = me()
    member = residents.open_proxy_resident(proxy_id, actor)
    cards, page = residents.proxy_feed_for_staff(
        member, actor, cursor=request.args.get("cursor") or None
    )
    next_url = (
        url_for("backoffice.proxy_feed", proxy_id=member.id, cursor=page.next_cursor)
        if page.next_cursor
        else None
    )
    return render_template(
        "backoffice/proxy_feed.html", member=member, cards=cards, page=page, next_url=next_url
    )


@bp.route("/namens/<int:proxy_id>/hulp/<int:listing_id>/reageren", methods=["GET", "POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_react(proxy_id: int, listing_id: int) -> Any:
    actor = me()
    member = residents.open_proxy_resident(proxy_id, actor)
    listing = residents.proxy_listing_for_staff(member, listing_id, actor)  # as she sees it
    form = ProxyReactForm()

    def act() -> Outcome:
        match = matches.react(
            listing.id, actor=actor, message=form.message.data, on_behalf_of=member
        )
        return (
            _("The reaction is sent, on behalf of %(name)s.", name=member.display_name),
            url_for("backoffice.proxy_match", proxy_id=member.id, match_id=match.id),
        )

    return handle_form(
        form,
        act,
        "backoffice/proxy_react.html",
        member=member,
        listing=listing,
        category=listings.category_label(listing.category),
    )


# Where each step the match rules allow on her behalf (`matches.actions`) is sent.
PROXY_STEP_ENDPOINTS = {
    steps.ACCEPT: "backoffice.proxy_accept",
    steps.SAY_YES: "backoffice.proxy_yes",
    steps.DECLINE: "backoffice.proxy_no",
    steps.CONFIRM: "backoffice.proxy_confirm",
    steps.MESSAGE: "backoffice.proxy_message",
}


def _match_page(member: Member, match_id: int, message_form: Any = None) -> dict[str, Any]:
    actor = me()
    match = residents.proxy_match_for_staff(member, match_id, actor)  # hers only
    payer_id, _payee = matches.payer_and_payee(match)
    actions = steps.allowed_actions(match, actor, on_behalf_of=member)
    here = {"proxy_id": member.id, "match_id": match.id}
    return {
        "member": member,
        "match": match,
        "owner": match.owner_id == member.id,
        "other": match.responder if match.owner_id == member.id else match.owner,
        "contact": matches.contact_for(match, member),
        "thread": matches.messages_of(match) if match.status in THREAD_STATUSES else [],
        "thanks": matches.thanks_of(match),
        "actions": actions,
        "step_urls": {
            step: url_for(endpoint, **here)
            for step, endpoint in PROXY_STEP_ENDPOINTS.items()
            if step in actions
        },
        "here": url_for("backoffice.proxy_match", **here),
        "proxy": True,
        "i_pay": payer_id == member.id,
        "category": listings.category_label(match.listing.category),
        "message_form": message_form or ProxyMessageForm(formdata=None),
    }


@bp.route("/namens/<int:proxy_id>/matches/<int:match_id>")
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_match(proxy_id: int, match_id: int) -> Any:
    member = residents.open_proxy_resident(proxy_id, me())
    return render_template("backoffice/proxy_match.html", **_match_page(member, match_id))


def _step(proxy_id: int, match_id: int, step: str) -> Any:
    """Accept, answer an invitation or confirm on her behalf (one button each); a refusal
    shows on the page."""
    actor = me()
    member = residents.proxy_resident(proxy_id, actor)
    back = url_for("backoffice.proxy_match", proxy_id=member.id, match_id=match_id)
    try:
        if step == "accept":
            matches.accept(match_id, actor=actor, on_behalf_of=member)
            flash(_("Agreed, on behalf of %(name)s.", name=member.display_name), "success")
        elif step in ("yes", "no"):
            matches.answer_invitation(match_id, yes=step == "yes", actor=actor, on_behalf_of=member)
            flash(
                _("The answer is sent, on behalf of %(name)s.", name=member.display_name), "success"
            )
        else:
            outcome = matches.confirm(match_id, actor=actor, on_behalf_of=member)
            if outcome.booked:
                done = _("Confirmed and booked, on behalf of %(name)s.", name=member.display_name)
                flash(done, "success")
            else:
                flash(outcome.limit_message or "", "error")
    except Conflict as exc:
        flash(exc.message, "error")
    return redirect(back, code=303)


@bp.route("/namens/<int:proxy_id>/matches/<int:match_id>/accepteren", methods=["POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
def proxy_accept(proxy_id: int, match_id: int) -> Any:
    return _step(proxy_id, match_id, "accept")


@bp.route("/namens/<int:proxy_id>/matches/<int:match_id>/ja", methods=["POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
def proxy_yes(proxy_id: int, match_id: int) -> Any:
    return _step(proxy_id, match_id, "yes")


@bp.route("/namens/<int:proxy_id>/matches/<int:match_id>/nee", methods=["POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
def proxy_no(proxy_id: int, match_id: int) -> Any:
    return _step(proxy_id, match_id, "no")


@bp.route("/namens/<int:proxy_id>/matches/<int:match_id>/bevestigen", methods=["POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
def proxy_confirm(proxy_id: int, match_id: int) -> Any:
    return _step(proxy_id, match_id, "confirm")


@bp.route("/namens/<int:proxy_id>/matches/<int:match_id>/bericht", methods=["POST"])
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_message(proxy_id: int, match_id: int) -> Any:
    actor = me()
    member = residents.open_proxy_resident(proxy_id, actor)
    form = ProxyMessageForm()

    def act() -> Outcome:
        matches.post_message(match_id, actor=actor, body=form.body.data, on_behalf_of=member)
        return (
            _("The message is sent, on behalf of %(name)s.", name=member.display_name),
            url_for("backoffice.proxy_match", proxy_id=member.id, match_id=match_id),
        )

    return handle_form(
        form, act, "backoffice/proxy_match.html", **_match_page(member, match_id, form)
    )


@bp.route("/namens/<int:proxy_id>/overzicht")
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_summary(proxy_id: int) -> Any:
    """One printed page to bring along or leave on the table, in large type."""
    actor = me()
    member = residents.open_proxy_resident(proxy_id, actor, what="proxy-summary")
    summary = residents.summary_for_staff(member, actor)
    return render_template("backoffice/print_summary.html", summary=summary, coordinator=actor)


@bp.route("/namens/<int:proxy_id>/welkomstbrief")
@requires(Permission.RESIDENTS_PROXY_ACT)
@asks_reason(_kept)
def proxy_letter(proxy_id: int) -> Any:
    """A printed welcome letter: how Buurthulp works and how to reach the coordinator."""
    actor = me()
    member = residents.open_proxy_resident(proxy_id, actor, what="welcome-letter")
    return render_template(
        "backoffice/print_letter.html",
        member=member,
        coordinator=actor,
        hood=residents.neighbourhood_of(member),
    )
