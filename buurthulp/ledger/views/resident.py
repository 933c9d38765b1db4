"""A member's own time bank: statement, CSV, thanking a neighbour, giving to the pool."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from buurthulp.auth.guards import current_member, login_required
from buurthulp.auth.models import Member
from buurthulp.ledger import services
from buurthulp.ledger.forms import DonateForm, PeriodForm, ThankForm
from buurthulp.ledger.models import Account
from buurthulp.ledger.views import bp, handle_form

PAGE_SIZE = 25
CSV_LIMIT = 50_000
KIND_LABELS = {
    "match": _l("Help via a match"),
    "thanks": _l("Thank-you"),
    "donation": _l("Gift to the pool"),
    "grant": _l("Grant from the pool"),
    "settlement": _l("Settlement"),
    "reversal": _l("Reversal"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def statement_page(account: Account | None, template: str, **context: Any) -> Any:
    """One page of a statement with the period filter and keyset paging (`voor`)."""
    period = PeriodForm(request.args)
    valid = period.validate() if request.args.get("van") or request.args.get("tot") else True
    before = request.args.get("voor", type=int)
    lines: list[services.StatementLine] = []
    if account is not None and valid:
        lines = services.statement(
            account,
            since=period.van.data,
            until=period.tot.data,
            before_entry_id=before,
            limit=PAGE_SIZE + 1,
        )
    next_before = lines[PAGE_SIZE - 1].entry_id if len(lines) > PAGE_SIZE else None
    args = {k: v for k, v in request.args.items() if k in ("van", "tot") and v}
    html = render_template(
        template,
        account=account,
        lines=lines[:PAGE_SIZE],
        period=period,
        filter_args=args,
        next_url=url_for(request.endpoint, **(request.view_args or {}), **args, voor=next_before)
        if next_before
        else None,
        first_url=url_for(request.endpoint, **(request.view_args or {}), **args)
        if before
        else None,
        kind_label=kind_label,
        warning=services.warning_for(account),
        **context,
    )
    return html, (200 if valid else 422)


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: never from our data."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def statement_csv(account: Account | None, filename: str) -> Response:
    period = PeriodForm(request.args)
    valid = period.validate() if request.args.get("van") or request.args.get("tot") else True
    lines = []
    if account is not None and valid:
        lines = services.statement(
            account, since=period.van.data, until=period.tot.data, limit=CSV_LIMIT
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            _("date"),
            _("kind"),
            _("with"),
            _("description"),
            _("minutes"),
            _("balance after"),
            _("transfer"),
        ]
    )
    for line in reversed(lines):
        writer.writerow(
            [
                line.at.astimezone(services.LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
                kind_label(line.kind),
                _csv_safe(line.counterparty),
                _csv_safe(line.description),
                line.minutes,
                line.balance_after,
                line.transfer_id,
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        status=200 if valid else 422,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _me() -> Member:
    member = current_member()
    assert member is not None  # the guard saw to it
    return member


@bp.route("/")
@login_required
def statement() -> Any:
    member = _me()
    return statement_page(
        services.account_of(member), "ledger/statement.html", member=member, own=True
    )


@bp.route("/overzicht.csv")
@login_required
def statement_download() -> Response:
    return statement_csv(services.account_of(_me()), f"tijdbank-{date.today().isoformat()}.csv")


def thank_view(payer: Member, actor: Member, back_url: str) -> Any:
    form = ThankForm()
    form.to_member_id.choices = [(0, _("Choose a neighbour")), *services.recipients_for(payer)]
    form.fresh_key()

    def act() -> tuple[str, str]:
        booking = services.thank(
            payer=payer,
            to_member_id=form.to_member_id.data,
            minutes=form.total_minutes(),
            description=form.description.data,
            actor=actor,
            idempotency_key=services.scoped_key("web", actor, form.request_key.data),
        )
        if not booking.created:
            return _("This thank-you was already sent."), back_url
        return _("Thank you! The time was transferred."), back_url

    return handle_form(
        form,
        act,
        "ledger/thank.html",
        payer=payer,
        actor=actor,
        balance=services.balance_minutes(payer),
    )


def donate_view(payer: Member, actor: Member, back_url: str) -> Any:
    form = DonateForm()
    form.fresh_key()

    def act() -> tuple[str, str]:
        booking = services.donate(
            payer=payer,
            minutes=form.total_minutes(),
            description=form.description.data,
            actor=actor,
            idempotency_key=services.scoped_key("web", actor, form.request_key.data),
        )
        if not booking.created:
            return _("This gift was already given."), back_url
        return _("Thank you for giving to the solidarity pool."), back_url

    return handle_form(
        form,
        act,
        "ledger/donate.html",
        payer=payer,
        actor=actor,
        balance=services.balance_minutes(payer),
    )


@bp.route("/bedanken", methods=["GET", "POST"])
@login_required
def thank() -> Any:
    member = _me()
    return thank_view(member, member, url_for("ledger.statement"))


@bp.route("/pot-geven", methods=["GET", "POST"])
@login_required
def donate() -> Any:
    member = _me()
    return donate_view(member, member, url_for("ledger.statement"))
