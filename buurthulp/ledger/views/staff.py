"""Coordinator pages: member statements (logged), pools, grant, settle, reverse, limits,
acting for a resident, and the ledger health panel."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _

from buurthulp.auth.guards import current_member, requires
from buurthulp.auth.models import Member
from buurthulp.auth.roles import Permission
from buurthulp.ledger import services
from buurthulp.ledger.forms import GrantForm, LimitsForm, ReasonForm, SettleForm
from buurthulp.ledger.verify import counts, verify
from buurthulp.ledger.views import bp, handle_form
from buurthulp.ledger.views.resident import (
    donate_view,
    kind_label,
    statement_csv,
    statement_page,
    thank_view,
)


def _me() -> Member:
    member = current_member()
    assert member is not None  # the guard saw to it
    return member


@bp.route("/beheer")
@requires(Permission.LEDGER_STATEMENT_VIEW)
def staff_home() -> Any:
    return render_template("ledger/staff_home.html", pools=services.pools_for(_me()))


@bp.route("/beheer/buurt/<int:neighbourhood_id>/leden")
@requires(Permission.LEDGER_STATEMENT_VIEW)
def staff_members(neighbourhood_id: int) -> Any:
    hood, _pool = services.open_pool(neighbourhood_id, actor=_me())
    return render_template(
        "ledger/staff_members.html", hood=hood, members=services.members_for(_me(), hood.id)
    )


@bp.route("/beheer/leden/<int:member_id>")
@requires(Permission.LEDGER_STATEMENT_VIEW)
def member_statement(member_id: int) -> Any:
    # The one GET that writes: staff looking at a resident's statement is logged.
    member, account = services.open_member_statement(member_id, actor=_me())
    return statement_page(
        account,
        "ledger/member_statement.html",
        member=member,
        own=False,
        limit_changes=services.limit_changes(account),
    )


@bp.route("/beheer/leden/<int:member_id>/overzicht.csv")
@requires(Permission.LEDGER_STATEMENT_VIEW)
def member_statement_download(member_id: int) -> Any:
    member, account = services.open_member_statement(member_id, actor=_me())
    return statement_csv(account, f"tijdbank-lid-{member.id}.csv")


@bp.route("/beheer/leden/<int:member_id>/bedanken", methods=["GET", "POST"])
@requires(Permission.LEDGER_PROXY_ACT)
def proxy_thank(member_id: int) -> Any:
    member = services.staff_member_or_404(member_id, _me(), Permission.LEDGER_PROXY_ACT)
    return thank_view(member, _me(), url_for("ledger.member_statement", member_id=member.id))


@bp.route("/beheer/leden/<int:member_id>/pot-geven", methods=["GET", "POST"])
@requires(Permission.LEDGER_PROXY_ACT)
def proxy_donate(member_id: int) -> Any:
    member = services.staff_member_or_404(member_id, _me(), Permission.LEDGER_PROXY_ACT)
    return donate_view(member, _me(), url_for("ledger.member_statement", member_id=member.id))


@bp.route("/beheer/leden/<int:member_id>/limieten", methods=["GET", "POST"])
@requires(Permission.LEDGER_LIMIT_CHANGE)
def change_limits(member_id: int) -> Any:
    actor = _me()
    member = services.staff_member_or_404(member_id, actor, Permission.LEDGER_LIMIT_CHANGE)
    account = services.account_of(member)
    form = LimitsForm()
    if request.method == "GET" and account is not None:
        form.lower_limit.data, form.upper_limit.data = account.lower_limit, account.upper_limit

    def act() -> tuple[str, str]:
        services.change_limits(
            member_id=member.id,
            lower=form.lower_limit.data,
            upper=form.upper_limit.data,
            actor=actor,
            reason=form.reason.data,
        )
        return (
            _("The limits of %(name)s were changed.", name=member.display_name),
            url_for("ledger.member_statement", member_id=member.id),
        )

    return handle_form(form, act, "ledger/limits.html", member=member, account=account)


@bp.route("/beheer/leden/<int:member_id>/afrekenen", methods=["GET", "POST"])
@requires(Permission.LEDGER_ACCOUNT_SETTLE)
def settle(member_id: int) -> Any:
    actor = _me()
    member = services.staff_member_or_404(member_id, actor, Permission.LEDGER_ACCOUNT_SETTLE)
    form = SettleForm()

    def act() -> tuple[str, str]:
        services.settle(member_id=member.id, actor=actor, reason=form.reason.data)
        return (
            _("The account of %(name)s is settled and closed.", name=member.display_name),
            url_for("ledger.member_statement", member_id=member.id),
        )

    return handle_form(
        form, act, "ledger/settle.html", member=member, balance=services.balance_minutes(member)
    )


@bp.route("/beheer/overboekingen/<int:transfer_id>/terugdraaien", methods=["GET", "POST"])
@requires(Permission.LEDGER_TRANSFER_REVERSE)
def reverse(transfer_id: int) -> Any:
    actor = _me()
    transfer = services.staff_transfer_or_404(
        transfer_id, actor, Permission.LEDGER_TRANSFER_REVERSE
    )
    form = ReasonForm()
    back = request.args.get("terug", type=int)

    def act() -> tuple[str, str]:
        services.reverse(transfer_id=transfer.id, actor=actor, reason=form.reason.data)
        target = (
            url_for("ledger.member_statement", member_id=back)
            if back
            else url_for("ledger.staff_home")
        )
        return _("The transfer was reversed."), target

    return handle_form(form, act, "ledger/reverse.html", transfer=transfer, kind_label=kind_label)


@bp.route("/beheer/pot/<int:neighbourhood_id>")
@requires(Permission.LEDGER_STATEMENT_VIEW)
def pool(neighbourhood_id: int) -> Any:
    hood, account = services.open_pool(neighbourhood_id, actor=_me())
    return statement_page(account, "ledger/pool.html", hood=hood, own=False)


@bp.route("/beheer/pot/<int:neighbourhood_id>/toekennen", methods=["GET", "POST"])
@requires(Permission.LEDGER_POOL_GRANT)
def grant(neighbourhood_id: int) -> Any:
    actor = _me()
    hood, account = services.open_pool(neighbourhood_id, actor=actor)
    form = GrantForm()
    form.to_member_id.choices = [(0, _("Choose a member"))]
    form.to_member_id.choices += [
        (m.id, m.display_name)
        for m, _balance in services.members_for(actor, hood.id)
        if m.status == "active"
    ]
    form.fresh_key()

    def act() -> tuple[str, str]:
        services.grant(
            neighbourhood_id=hood.id,
            to_member_id=form.to_member_id.data,
            minutes=form.total_minutes(),
            description=form.description.data,
            category=form.category.data or None,
            actor=actor,
            idempotency_key=services.scoped_key("web", actor, form.request_key.data),
        )
        return _("The grant was booked."), url_for("ledger.pool", neighbourhood_id=hood.id)

    return handle_form(form, act, "ledger/grant.html", hood=hood, account=account)


@bp.route("/beheer/gezondheid")
@requires(Permission.LEDGER_HEALTH_VIEW)
def health() -> Any:
    return render_template("ledger/health.html", problems=verify(), size=counts())
