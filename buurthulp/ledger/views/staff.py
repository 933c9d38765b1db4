"""Coordinator pages: member statements, pools, grant, settle, reverse, limits, acting for
a resident, and the ledger health panel. Every page that shows a member's data loads them
through a logging helper, so the member can see who looked."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from buurthulp.access.guards import asks_reason
from buurthulp.auth.guards import requires, safe_next, signed_in_member
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.i18n import gettext as _
from buurthulp.i18n import ngettext
from buurthulp.inputs import arg_id, arg_int
from buurthulp.ledger import services
from buurthulp.ledger.forms import GrantForm, LimitsForm, ReasonForm, SettleForm
from buurthulp.ledger.verify import counts, verify
from buurthulp.ledger.views import bp
from buurthulp.ledger.views.resident import give_view, kind_label, statement_csv, statement_page
from buurthulp.pages import Outcome, handle_form


def _one(permission: Permission) -> Any:
    """The reason guard's question for a page about one member, authorised first (the
    page's own 404 or 403): why do you open this member's data today?"""
    return lambda actor, member_id, **_kw: [
        services.staff_member_or_404(member_id, actor, permission).id
    ]


def _can(actor: Member, neighbourhood_id: int | None) -> dict[str, bool]:
    """What the page may offer, decided here with scope (templates only read booleans)."""
    return {
        name: may(actor, permission, neighbourhood_id)
        for name, permission in (
            ("can_proxy", Permission.LEDGER_PROXY_ACT),
            ("can_limits", Permission.LEDGER_LIMIT_CHANGE),
            ("can_settle", Permission.LEDGER_ACCOUNT_SETTLE),
            ("can_reverse", Permission.LEDGER_TRANSFER_REVERSE),
            ("can_grant", Permission.LEDGER_POOL_GRANT),
            ("can_health", Permission.LEDGER_HEALTH_VIEW),
            ("can_privacy", Permission.PRIVACY_RIGHTS_HANDLE),
        )
    }


@bp.route("/beheer")
@requires(Permission.LEDGER_STATEMENT_VIEW)
def staff_home() -> Any:
    actor = signed_in_member()
    return render_template(
        "ledger/staff_home.html", pools=services.pools_for(actor), **_can(actor, None)
    )


@bp.route("/beheer/buurt/<int:neighbourhood_id>/leden")
@requires(Permission.LEDGER_STATEMENT_VIEW)
def staff_members(neighbourhood_id: int) -> Any:
    actor = signed_in_member()
    hood, _pool = services.open_pool(neighbourhood_id, actor=actor)
    return render_template(
        "ledger/staff_members.html", hood=hood, members=services.members_for(actor, hood.id)
    )


@bp.route("/beheer/leden/<int:member_id>")
@requires(Permission.LEDGER_STATEMENT_VIEW)
@asks_reason(_one(Permission.LEDGER_STATEMENT_VIEW))
def member_statement(member_id: int) -> Any:
    actor = signed_in_member()
    member, account = services.open_member_statement(member_id, actor=actor)
    return statement_page(
        account,
        "ledger/member_statement.html",
        after_read=lambda lines: services.record_lines_view(actor, lines, what="transfer"),
        member=member,
        own=False,
        limit_changes=services.limit_changes(account),
        **_can(actor, member.neighbourhood_id),
    )


@bp.route("/beheer/leden/<int:member_id>/overzicht.csv")
@requires(Permission.LEDGER_STATEMENT_VIEW)
@asks_reason(_one(Permission.LEDGER_STATEMENT_VIEW))
def member_statement_download(member_id: int) -> Any:
    actor = signed_in_member()
    member, account = services.open_member_statement(member_id, actor=actor)
    return statement_csv(
        account,
        f"tijdbank-lid-{member.id}.csv",
        after_read=lambda lines: services.record_lines_view(actor, lines, what="transfer"),
    )


def _proxy_page(member_id: int, kind: str, what: str) -> Any:
    actor = signed_in_member()
    member = services.open_member_for_staff(
        member_id, actor, Permission.LEDGER_PROXY_ACT, what=what
    )
    back = url_for("ledger.member_statement", member_id=member.id)
    return give_view(kind, member, actor, back)


@bp.route("/beheer/leden/<int:member_id>/bedanken", methods=["GET", "POST"])
@requires(Permission.LEDGER_PROXY_ACT)
@asks_reason(_one(Permission.LEDGER_PROXY_ACT))
def proxy_thank(member_id: int) -> Any:
    return _proxy_page(member_id, "thanks", "proxy-thanks")


@bp.route("/beheer/leden/<int:member_id>/pot-geven", methods=["GET", "POST"])
@requires(Permission.LEDGER_PROXY_ACT)
@asks_reason(_one(Permission.LEDGER_PROXY_ACT))
def proxy_donate(member_id: int) -> Any:
    return _proxy_page(member_id, "donation", "proxy-donation")


@bp.route("/beheer/leden/<int:member_id>/limieten", methods=["GET", "POST"])
@requires(Permission.LEDGER_LIMIT_CHANGE)
@asks_reason(_one(Permission.LEDGER_LIMIT_CHANGE))
def change_limits(member_id: int) -> Any:
    actor = signed_in_member()
    member = services.open_member_for_staff(
        member_id, actor, Permission.LEDGER_LIMIT_CHANGE, what="limits"
    )
    account = services.account_of(member)
    form = LimitsForm()
    if request.method == "GET" and account is not None:
        form.lower_limit.data, form.upper_limit.data = account.lower_limit, account.upper_limit

    def act() -> Outcome:
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
@asks_reason(_one(Permission.LEDGER_ACCOUNT_SETTLE))
def settle(member_id: int) -> Any:
    actor = signed_in_member()
    member = services.open_member_for_staff(
        member_id, actor, Permission.LEDGER_ACCOUNT_SETTLE, what="settle"
    )
    form = SettleForm()

    def act() -> Outcome:
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
    actor = signed_in_member()
    # The page shows both sides of the transfer: both are told who looked.
    transfer = services.open_transfer_for_staff(
        transfer_id, actor, Permission.LEDGER_TRANSFER_REVERSE
    )
    form = ReasonForm()
    back = arg_id(request.args, "terug")

    def act() -> Outcome:
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
    actor = signed_in_member()
    hood, account = services.open_pool(neighbourhood_id, actor=actor)
    return statement_page(
        account,
        "ledger/pool.html",
        after_read=lambda lines: services.record_lines_view(actor, lines, what="pool-history"),
        hood=hood,
        own=False,
        **_can(actor, hood.id),
    )


def _prefill_grant(form: GrantForm) -> None:
    """A link from a match that waits for a pool contribution fills in the form (who, how
    much, what for); the coordinator checks it and books it themselves."""
    member_id = arg_id(request.args, "aan")
    if member_id in {value for value, _label in form.to_member_id.choices}:
        form.to_member_id.data = member_id
    minutes = arg_int(request.args, "minuten", minimum=1, maximum=services.MAX_TRANSFER_MINUTES)
    if minutes is not None:
        form.hours.data, form.minutes.data = divmod(minutes, 60)
    form.description.data = (request.args.get("voor") or "")[: services.TEXT_MAX] or None
    form.category.data = (request.args.get("categorie") or "")[:40] or None


@bp.route("/beheer/pot/<int:neighbourhood_id>/toekennen", methods=["GET", "POST"])
@requires(Permission.LEDGER_POOL_GRANT)
def grant(neighbourhood_id: int) -> Any:
    actor = signed_in_member()
    hood, account = services.open_pool(neighbourhood_id, actor=actor)
    form = GrantForm()
    form.to_member_id.choices = [(0, _("Choose a member"))]
    form.to_member_id.choices += [
        (m.id, m.display_name)
        for m, _balance in services.members_for(actor, hood.id, what="grant")
        if m.status == "active" and m.id != actor.id
    ]
    form.fresh_key()
    if request.method == "GET":
        _prefill_grant(form)

    def act() -> Outcome:
        services.grant(
            neighbourhood_id=hood.id,
            to_member_id=form.to_member_id.data,
            minutes=form.total_minutes(),
            description=form.description.data,
            category=form.category.data or None,
            actor=actor,
            idempotency_key=services.scoped_key("web", actor, form.request_key.data),
        )
        back = request.args.get("terug")  # from a match that waits for this grant
        done = safe_next(back) if back else url_for("ledger.pool", neighbourhood_id=hood.id)
        return _("The grant was booked."), done

    return handle_form(form, act, "ledger/grant.html", hood=hood, account=account)


@bp.route("/beheer/gezondheid")
@requires(Permission.LEDGER_HEALTH_VIEW)
def health() -> Any:
    size = counts()
    summary = " ".join(
        (
            ngettext("%(num)d transfer,", "%(num)d transfers,", size["transfers"]),
            ngettext("%(num)d entry and", "%(num)d entries and", size["entries"]),
            ngettext("%(num)d account checked.", "%(num)d accounts checked.", size["accounts"]),
        )
    )
    return render_template("ledger/health.html", problems=verify(), summary=summary)
