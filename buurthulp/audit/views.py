"""The audit log page: staff actions, filtered by member, staff member, kind and period."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from buurthulp.audit import services
from buurthulp.auth.guards import current_member, requires
from buurthulp.auth.roles import Permission
from buurthulp.inputs import arg_date, arg_id

bp = Blueprint("audit", __name__, url_prefix="/beheer/logboek")


@bp.route("/")
@requires(Permission.AUDIT_VIEW)
def index() -> Any:
    actor = current_member()
    assert actor is not None
    kind = request.args.get("soort") or None
    filters = services.AuditFilter(
        member_id=arg_id(request.args, "lid"),
        staff_id=arg_id(request.args, "door"),
        kind=kind,
        since=arg_date(request.args, "van"),
        until=arg_date(request.args, "tot"),
    )
    page = services.read(actor, filters, cursor=request.args.get("cursor"))
    return render_template(
        "audit/index.html",
        page=page,
        filters=filters,
        kinds=services.KINDS,
        staff=services.staff_choices(actor),
        query={k: v for k, v in request.args.items() if k != "cursor"},
    )
