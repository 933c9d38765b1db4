"""A member's own time bank: statement, CSV, thanking a neighbour, giving to the pool.

The thank-you and donation pages are one view (`give_view`) used by the member and by a
coordinator acting for them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Response, render_template, request, url_for

from buurthulp.auth.guards import login_required, signed_in_member
from buurthulp.auth.models import Member
from buurthulp.errors import InvalidInput
from buurthulp.i18n import LOCAL_TZ
from buurthulp.i18n import gettext as _
from buurthulp.i18n import lazy_gettext as _l
from buurthulp.inputs import arg_id, clean_date
from buurthulp.ledger import services
from buurthulp.ledger.forms import DonateForm, PeriodForm, ThankForm
from buurthulp.ledger.models import Account
from buurthulp.ledger.views import bp
from buurthulp.pages import Outcome, handle_form

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


def _period() -> tuple[PeriodForm, bool]:
    """The period filter from the query string; invalid dates leave it empty (422)."""
    period = PeriodForm(request.args)
    if not (request.args.get("van") or request.args.get("tot")):
        return period, True
    valid = period.validate()
    for field in (period.van, period.tot):
        try:
            clean_date(field.data, field.name)
        except InvalidInput as exc:
            field.errors = [*field.errors, exc.message]
            valid = False
    return period, valid


def statement_lines(
    account: Account | None, *, limit: int
) -> tuple[PeriodForm, bool, list[services.StatementLine]]:
    period, valid = _period()
    if account is None or not valid:
        return period, valid, []
    lines = services.statement(
        account,
        since=period.van.data,
        until=period.tot.data,
        before_entry_id=arg_id(request.args, "voor"),
        limit=limit,
    )
    return period, valid, lines


def statement_page(
    account: Account | None,
    template: str,
    *,
    after_read: Callable[[list[services.StatementLine]], None] | None = None,
    **context: Any,
) -> Any:
    """One page of a statement with the period filter and keyset paging (`voor`)."""
    period, valid, lines = statement_lines(account, limit=PAGE_SIZE + 1)
    if after_read is not None:
        after_read(lines[:PAGE_SIZE])
    next_before = lines[PAGE_SIZE - 1].entry_id if len(lines) > PAGE_SIZE else None
    args = {k: v for k, v in request.args.items() if k in ("van", "tot") and v}
    here = {**(request.view_args or {}), **args}
    html = render_template(
        template,
        account=account,
        lines=lines[:PAGE_SIZE],
        period=period,
        filter_args=args,
        next_url=url_for(request.endpoint, **here, voor=next_before) if next_before else None,
        first_url=url_for(request.endpoint, **here) if request.args.get("voor") else None,
        kind_label=kind_label,
        warning=services.warning_for(account),
        **context,
    )
    return html, (200 if valid else 422)


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: never from our data."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def statement_csv(
    account: Account | None,
    filename: str,
    *,
    after_read: Callable[[list[services.StatementLine]], None] | None = None,
) -> Response:
    _period_form, valid, lines = statement_lines(account, limit=CSV_LIMIT)
    if after_read is not None:
        after_read(lines)
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
                line.at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
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


@bp.route("/")
@login_required
def statement() -> Any:
    member = signed_in_member()
    return statement_page(
        services.account_of(member), "ledger/statement.html", member=member, own=True
    )


@bp.route("/overzicht.csv")
@login_required
def statement_download() -> Response:
    today = date.today().isoformat()
    return statement_csv(services.account_of(signed_in_member()), f"tijdbank-{today}.csv")


GIFTS = {
    # kind: (form, template, message when booked, message for a repeat)
    "thanks": (
        ThankForm,
        "ledger/thank.html",
        _l("Thank you! The time was transferred."),
        _l("This thank-you was already sent."),
    ),
    "donation": (
        DonateForm,
        "ledger/donate.html",
        _l("Thank you for giving to the solidarity pool."),
        _l("This gift was already given."),
    ),
}


def give_view(kind: str, payer: Member, actor: Member, back_url: str) -> Any:
    """Thank a neighbour or give to the pool, for oneself or (a coordinator) for a resident."""
    form_class, template, booked, repeated = GIFTS[kind]
    form = form_class()
    if kind == "thanks":
        recipients = services.recipients_for(payer, viewer=actor)
        form.to_member_id.choices = [(0, _("Choose a neighbour")), *recipients]
        # "Thank the organiser" on an activity links here with the organiser chosen.
        wanted = arg_id(request.args, "aan")
        if not form.is_submitted() and any(wanted == value for value, _label in recipients):
            form.to_member_id.data = wanted
    form.fresh_key()

    def act() -> Outcome:
        key = services.scoped_key("web", actor, form.request_key.data)
        common = {
            "payer": payer,
            "minutes": form.total_minutes(),
            "description": form.description.data,
            "actor": actor,
            "idempotency_key": key,
        }
        if kind == "thanks":
            result = services.thank(to_member_id=form.to_member_id.data, **common)
        else:
            result = services.donate(**common)
        return str(booked if result.created else repeated), back_url

    return handle_form(
        form, act, template, payer=payer, actor=actor, balance=services.balance_minutes(payer)
    )


@bp.route("/bedanken", methods=["GET", "POST"])
@login_required
def thank() -> Any:
    member = signed_in_member()
    return give_view("thanks", member, member, url_for("ledger.statement"))


@bp.route("/pot-geven", methods=["GET", "POST"])
@login_required
def donate() -> Any:
    member = signed_in_member()
    return give_view("donation", member, member, url_for("ledger.statement"))
