"""Safeguard pages at /veiligheid.

For every member: report a listing, a message or a member (/melden), and block or unblock
a member (/blokkeren/<id>); the list of blocks is on the account page. For coordinators
(/veiligheid/beheer): the open reports and one report with what to do about it, the
listings that wait for a check (and the hidden ones) and one listing's decisions, and a
member's suspension. A report, listing or member outside the visitor's neighbourhoods is a
404 (for residents and admins too: they need not know it is there). Every staff page that
shows residents writes the access log.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from buurthulp.access.guards import asks_reason
from buurthulp.auth.guards import login_required, requires, signed_in_member
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.i18n import gettext as _
from buurthulp.inputs import arg_id
from buurthulp.listings.services import category_label
from buurthulp.models_base import utcnow
from buurthulp.pages import Outcome, handle_form
from buurthulp.safety import moderation, queue, services, suspension
from buurthulp.safety.forms import (
    ButtonForm,
    HandleForm,
    LiftForm,
    ModerationForm,
    ReportForm,
    SuspendForm,
)
from buurthulp.safety.labels import OUTCOME_LABELS, REASON_LABELS

bp = Blueprint("safety", __name__, url_prefix="/veiligheid")

# Query names on the report page: what is reported (Dutch, like the page's own address).
TARGET_ARGS = (("oproep", "listing_id"), ("bericht", "message_id"), ("lid", "member_id"))


# Reporting ---------------------------------------------------------------------------------


def _report_input(form: ReportForm | None = None) -> services.ReportInput:
    ids = {field: arg_id(request.args, arg) for arg, field in TARGET_ARGS}
    return services.ReportInput(
        reason=form.reason.data if form else None,
        text=form.text.data if form else "",
        **ids,
    )


def _back_to(target: services.Target) -> str:
    if target.listing_id is not None:
        return url_for("listings.show", listing_id=target.listing_id)
    if target.message_id is not None:
        return url_for("matches.show", match_id=services.match_of_message(target.message_id))
    return url_for("core.home")


@bp.route("/melden", methods=["GET", "POST"])
@login_required
def report_form() -> Any:
    """Report what a member met here. Without a target: how to report, and where."""
    member = signed_in_member()
    data = _report_input()
    if not any(getattr(data, field) is not None for _arg, field in TARGET_ARGS):
        return render_template("safety/report_help.html")
    target = services.target_of(data, member)
    form = ReportForm()
    form.reason.choices = [(k, str(v)) for k, v in REASON_LABELS.items()]

    def act() -> Outcome:
        services.report(_report_input(form), actor=member)
        return (
            _("Thank you for telling us. A coordinator will look at it."),
            _back_to(target),
        )

    return handle_form(
        form,
        act,
        "safety/report_form.html",
        what=services.describe(target),
        target=target,
        back=_back_to(target),
    )


# Blocking ----------------------------------------------------------------------------------


@bp.route("/blokkeren/<int:member_id>", methods=["GET", "POST"])
@login_required
def block(member_id: int) -> Any:
    """What blocking does, and one button; once blocked, the button lifts it."""
    me = signed_in_member()
    other = services.known_member(member_id, me)
    form = ButtonForm()

    def act() -> Outcome:
        services.block(other.id, actor=me)
        return (
            _("You blocked %(name)s. You no longer see each other here.", name=other.display_name),
            url_for("core.account"),
        )

    return handle_form(
        form,
        act,
        "safety/block.html",
        other=other,
        blocked=services.has_blocked(me, other.id),
    )


@bp.route("/blokkeren/<int:member_id>/opheffen", methods=["POST"])
@login_required
def unblock(member_id: int) -> Any:
    form = ButtonForm()
    if form.validate_on_submit():
        services.unblock(member_id, actor=signed_in_member())
        flash(_("The block is lifted."), "success")
    return redirect(url_for("core.account"), code=303)


# Reports, for coordinators -------------------------------------------------------------------


@bp.route("/beheer/meldingen")
@requires(Permission.SAFETY_REPORTS_HANDLE)
def reports() -> Any:
    now = utcnow()
    items = queue.reports_for_staff(signed_in_member(), now=now)
    return render_template("safety/reports.html", items=items, now=now)


def _report_parties(actor: Member, report_id: int, **_kw: Any) -> list[int]:
    found = services.report_view(report_id, actor).report
    return [found.member_id, found.reporter_id]


def _listing_owner(actor: Member, listing_id: int, **_kw: Any) -> list[int]:
    return [moderation.listing_for_moderation(listing_id, actor).owner_id]


@bp.route("/beheer/meldingen/<int:report_id>", methods=["GET", "POST"])
@login_required  # who may is decided with the object: a 404 for everyone else
@asks_reason(_report_parties)
def report(report_id: int) -> Any:
    me = signed_in_member()
    view = services.report_for_staff(report_id, me)
    found = view.report
    form = HandleForm()
    form.outcome.choices = [
        (k, str(v))
        for k, v in OUTCOME_LABELS.items()
        if k != "hidden" or found.listing_id is not None
    ]

    def act() -> Outcome:
        services.handle_report(
            found.id,
            actor=me,
            outcome=form.outcome.data,
            note=form.note.data,
            message=form.message_to_member.data,
        )
        return _("The report is handled. The one who reported is told."), url_for("safety.reports")

    subject = found.member
    return handle_form(
        form,
        act,
        "safety/report.html",
        view=view,
        found=found,
        earlier=services.reports_about(found.member_id, me, leave_out=found.id),
        category=category_label(view.listing.category) if view.listing else None,
        own=me.id in (found.member_id, found.reporter_id),
        can_suspend=may(me, Permission.SAFETY_MEMBERS_SUSPEND, subject.neighbourhood_id),
    )


# Listings, for coordinators ----------------------------------------------------------------------


@bp.route("/beheer/oproepen")
@requires(Permission.SAFETY_LISTINGS_MODERATE)
def listings() -> Any:
    now = utcnow()
    pending, hidden = queue.listings_for_staff(signed_in_member(), now=now)
    return render_template("safety/listings.html", pending=pending, hidden=hidden, now=now)


def _decisions_for(status: str) -> list[str]:
    if status == "pending":
        return ["approve", "refuse"]
    if status in moderation.HIDEABLE:
        return ["hide"]
    if status == "hidden":
        return ["restore"]
    return []


@bp.route("/beheer/oproepen/<int:listing_id>", methods=["GET", "POST"])
@login_required  # who may is decided with the object: a 404 for everyone else
@asks_reason(_listing_owner)
def listing(listing_id: int) -> Any:
    me = signed_in_member()
    found = moderation.listing_for_staff(listing_id, me)
    form = ModerationForm()
    # The labels are worded per request (in the reader's language), not at import.
    labels = {
        "approve": _("Place it: neighbours can see it"),
        "refuse": _("Do not place it (give the reason)"),
        "hide": _("Hide it (give the reason)"),
        "restore": _("Show it again"),
    }
    form.decision.choices = [(d, labels[d]) for d in _decisions_for(found.status)]

    def act() -> Outcome:
        decision, reason = form.decision.data, form.reason.data
        if decision == "approve":
            moderation.approve(found.id, actor=me)
            message = _("The listing is placed. The owner is told.")
        elif decision == "refuse":
            moderation.refuse(found.id, actor=me, reason=reason)
            message = _("The listing is not placed. The owner reads your reason.")
        elif decision == "hide":
            moderation.hide(found.id, actor=me, reason=reason)
            message = _("The listing is hidden. The owner reads your reason.")
        else:
            moderation.restore(found.id, actor=me)
            message = _("The listing can be seen again. The owner is told.")
        return message, url_for("safety.listing", listing_id=found.id)

    return handle_form(
        form,
        act,
        "safety/listing.html",
        listing=found,
        category=category_label(found.category),
        decisions=moderation.decisions_of(found.id),
        own=found.owner_id == me.id,
        can_suspend=may(me, Permission.SAFETY_MEMBERS_SUSPEND, found.owner.neighbourhood_id),
    )


# Suspension ------------------------------------------------------------------------------------


@bp.route("/beheer/leden/<int:member_id>/schorsing", methods=["GET", "POST"])
@login_required  # who may is decided with the object: a 404 for everyone else
def suspension_page(member_id: int) -> Any:
    me = signed_in_member()
    member = suspension.member_for_staff(member_id, me)
    suspended, name = member.status == "suspended", member.display_name
    form: SuspendForm | LiftForm = LiftForm() if suspended else SuspendForm()

    def act() -> Outcome:
        here = url_for("safety.suspension_page", member_id=member.id)
        if isinstance(form, LiftForm):
            suspension.lift(member.id, actor=me, note=form.lift_note.data)
            return _("The suspension is lifted. %(name)s can log in again.", name=name), here
        suspension.suspend(member.id, actor=me, reason=form.suspension_reason.data)
        return _("%(name)s is suspended and logged out everywhere.", name=name), here

    return handle_form(
        form,
        act,
        "safety/suspension.html",
        member=member,
        suspended=suspended,
        current=suspension.current_suspension(member.id),
        history=suspension.history(member.id),
        own=member.id == me.id,
    )
