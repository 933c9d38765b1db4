"""Match pages at /matches: my matches, one match with its thread and next step, and for
coordinators the matches that wait for one (/matches/beheer) and the decision on a dispute."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from buurthulp.access.guards import asks_reason
from buurthulp.auth.guards import login_required, requires, signed_in_member
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.errors import Conflict, InvalidInput
from buurthulp.i18n import gettext as _
from buurthulp.inputs import arg_id
from buurthulp.listings.services import category_label
from buurthulp.matches import actions as steps
from buurthulp.matches import services, waiting
from buurthulp.matches.forms import (
    CancelForm,
    MessageForm,
    MinutesForm,
    ReasonForm,
    ResolveForm,
    ThanksForm,
)
from buurthulp.models_base import utcnow
from buurthulp.pages import Outcome, handle_form

bp = Blueprint("matches", __name__, url_prefix="/matches")

# Where each step of the match rules (`matches.actions`) is sent from the match page.
STEP_ENDPOINTS = {
    steps.ACCEPT: "matches.accept",
    steps.SAY_YES: "matches.say_yes",
    steps.DECLINE: "matches.say_no",
    steps.CANCEL: "matches.cancel",
    steps.COMPLETE: "matches.complete",
    steps.CONFIRM: "matches.confirm",
    steps.DISPUTE: "matches.dispute",
    steps.ASK_POOL: "matches.ask_pool",
    steps.MESSAGE: "matches.message",
    steps.THANK: "matches.thank",
    steps.RESOLVE: "matches.resolve",
}


@bp.route("/")
@login_required
def index() -> Any:
    return render_template("matches/index.html", matches=services.matches_of(signed_in_member()))


@bp.route("/beheer")
@requires(Permission.MATCHES_VIEW_ALL)
def waiting_list() -> Any:
    actor = signed_in_member()
    items = waiting.waiting_for(actor)
    return render_template("matches/waiting.html", items=items, member=actor, now=utcnow())


def _staff(match: Any, member: Member, party: bool) -> dict[str, Any]:
    """What a coordinator sees on this match page, decided here with scope (what they may
    do, the match rules say: `actions`)."""
    hood_id = match.listing.neighbourhood_id
    payer_id, _payee = services.payer_and_payee(match)
    payer = match.owner if payer_id == match.owner_id else match.responder
    grant_url = None
    if not party and may(member, Permission.LEDGER_POOL_GRANT, payer.neighbourhood_id):
        grant_url = url_for(
            "ledger.grant",
            neighbourhood_id=payer.neighbourhood_id,
            aan=payer.id,
            minuten=match.minutes,
            categorie=match.listing.category.slug,
            voor=_("Contribution for “%(title)s”", title=match.listing.title)[:300],
            terug=url_for("matches.show", match_id=match.id),
        )
    return {
        "waits": waiting.reasons_of(match),
        "payer": payer,
        "own_match_staff": party and may(member, Permission.MATCHES_DISPUTE_RESOLVE, hood_id),
        "grant_url": grant_url,
    }


def _page(match_id: int, **forms: Any) -> dict[str, Any]:
    member = signed_in_member()
    # Staff of the neighbourhood may look (a dispute, a question): both are told.
    match = services.match_for_staff(match_id, member)
    party = services.is_party(match, member.id)
    payer_id, _payee = services.payer_and_payee(match)
    owner = match.owner_id == member.id
    actions = steps.allowed_actions(match, member)
    return {
        **_staff(match, member, party),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "match": match,
        "member": member,
        "party": party,
        "owner": owner,
        "other": match.responder if owner else match.owner,
        "actions": actions,
        "step_urls": {a: url_for(STEP_ENDPOINTS[a], match_id=match.id) for a in actions},
        "here": url_for("matches.show", match_id=match.id),
        "proxy": False,
        "contact": services.contact_for(match, member),
        "thread": services.messages_of(match) if services.may_read_thread(match, member) else [],
        "thanks": services.thanks_of(match),
        "category": category_label(match.listing.category),
        "i_pay": payer_id == member.id,
        "message_form": forms.get("message_form") or MessageForm(),
        "minutes_form": forms.get("minutes_form") or MinutesForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "thanks_form": forms.get("thanks_form") or ThanksForm(),
        "refused": forms.get("refused"),
        "after": arg_id(request.args, "na"),
    }


def _staff_view_of(actor: Member, match_id: object, **_kw: Any) -> list[int]:
    """The reason guard's question: staff (not a party) opening a match see both people."""
    match = services.get_match(match_id, actor)
    if services.is_party(match, actor.id):
        return []
    return [match.owner_id, match.responder_id]


@bp.route("/<int:match_id>")
@login_required
@asks_reason(_staff_view_of)
def show(match_id: int) -> Any:
    return render_template("matches/show.html", **_page(match_id))


def _simple(match_id: int, action: Any, message: str) -> Any:
    """A step without a form (one button): a refusal shows above the page."""
    try:
        action()
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(message, "success")
    return redirect(url_for("matches.show", match_id=match_id), code=303)


@bp.route("/<int:match_id>/accepteren", methods=["POST"])
@login_required
def accept(match_id: int) -> Any:
    return _simple(
        match_id,
        lambda: services.accept(match_id, actor=signed_in_member()),
        _("You agreed. You can now see how to reach each other."),
    )


@bp.route("/<int:match_id>/ja", methods=["POST"])
@login_required
def say_yes(match_id: int) -> Any:
    return _simple(
        match_id,
        lambda: services.answer_invitation(match_id, yes=True, actor=signed_in_member()),
        _("You said yes. You can now see how to reach each other."),
    )


@bp.route("/<int:match_id>/nee", methods=["POST"])
@login_required
def say_no(match_id: int) -> Any:
    return _simple(
        match_id,
        lambda: services.answer_invitation(match_id, yes=False, actor=signed_in_member()),
        _("You said no. That is fine: thank you for answering."),
    )


@bp.route("/<int:match_id>/bevestigen", methods=["POST"])
@login_required
@asks_reason(_staff_view_of)
def confirm(match_id: int) -> Any:
    try:
        outcome = services.confirm(
            match_id, actor=signed_in_member(), reason=request.form.get("reason", "")
        )
    except (Conflict, InvalidInput) as exc:
        flash(exc.message, "error")
        return redirect(url_for("matches.show", match_id=match_id), code=303)
    if not outcome.booked:
        return render_template(
            "matches/show.html", **_page(match_id, refused=outcome.limit_message)
        ), 409
    flash(_("Thank you! It is confirmed and the time is booked."), "success")
    return redirect(url_for("matches.show", match_id=match_id), code=303)


@bp.route("/<int:match_id>/pot", methods=["POST"])
@login_required
def ask_pool(match_id: int) -> Any:
    return _simple(
        match_id,
        lambda: services.ask_pool(match_id, actor=signed_in_member()),
        _("Your question is with the coordinator. They will get back to you."),
    )


def _form_step(match_id: int, form: Any, key: str, action: Any, message: str) -> Any:
    def act() -> Outcome:
        action(form)
        return message, url_for("matches.show", match_id=match_id)

    return handle_form(form, act, "matches/show.html", **_page(match_id, **{key: form}))


@bp.route("/<int:match_id>/bericht", methods=["POST"])
@login_required
def message(match_id: int) -> Any:
    return _form_step(
        match_id,
        MessageForm(),
        "message_form",
        lambda f: services.post_message(match_id, actor=signed_in_member(), body=f.body.data),
        _("Your message is sent."),
    )


@bp.route("/<int:match_id>/klaar", methods=["POST"])
@login_required
def complete(match_id: int) -> Any:
    return _form_step(
        match_id,
        MinutesForm(),
        "minutes_form",
        lambda f: services.complete(match_id, actor=signed_in_member(), minutes=f.minutes.data),
        _("Thank you! The other person is asked to confirm."),
    )


@bp.route("/<int:match_id>/annuleren", methods=["POST"])
@login_required
def cancel(match_id: int) -> Any:
    return _form_step(
        match_id,
        CancelForm(),
        "cancel_form",
        lambda f: services.cancel(match_id, actor=signed_in_member(), reason=f.cancel_reason.data),
        _("The match is cancelled. The other person is told."),
    )


@bp.route("/<int:match_id>/niet-akkoord", methods=["POST"])
@login_required
def dispute(match_id: int) -> Any:
    return _form_step(
        match_id,
        ReasonForm(),
        "reason_form",
        lambda f: services.dispute(match_id, actor=signed_in_member(), reason=f.reason.data),
        _("Thank you. A coordinator will look at it with you both."),
    )


@bp.route("/<int:match_id>/bedanken", methods=["POST"])
@login_required
def thank(match_id: int) -> Any:
    return _form_step(
        match_id,
        ThanksForm(),
        "thanks_form",
        lambda f: services.leave_thanks(match_id, actor=signed_in_member(), body=f.body.data),
        _("Your note of thanks is sent."),
    )


@bp.route("/<int:match_id>/beslissen", methods=["POST"])
@requires(Permission.MATCHES_DISPUTE_RESOLVE)
@asks_reason(_staff_view_of)
def resolve(match_id: int) -> Any:
    form = ResolveForm()
    return _form_step(
        match_id,
        form,
        "resolve_form",
        lambda f: services.resolve_dispute(
            match_id, actor=signed_in_member(), **f.service_arguments()
        ),
        _("The dispute is settled. Both are told."),
    )
