"""A member's privacy rights on the site: my data (to read, download or print), my
consents, erasing my account; and the coordinator's page for doing these for a resident of
their neighbourhood who asks (every staff view is access-logged, every action audited)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from buurthulp.access.guards import asks_reason
from buurthulp.auth import sessions
from buurthulp.auth.guards import login_required, requires, signed_in_member
from buurthulp.auth.models import Member
from buurthulp.auth.roles import Permission
from buurthulp.errors import Conflict, InvalidInput
from buurthulp.headers import CONTENT_SECURITY_POLICY
from buurthulp.i18n import gettext as _
from buurthulp.ledger.services import balance_minutes
from buurthulp.matches.services import matches_of
from buurthulp.pages import Outcome, handle_form
from buurthulp.privacy import consents
from buurthulp.privacy.erasure import (
    check_erasable,
    erase,
    erase_own_account,
    member_for_staff,
    open_member_for_staff,
)
from buurthulp.privacy.export import as_json, export_for_staff, export_of
from buurthulp.privacy.forms import (
    EraseForStaffForm,
    EraseOwnForm,
    GiveConsentForm,
    RecordConsentForm,
)
from buurthulp.privacy.schemas import MemberExport

bp = Blueprint("privacy", __name__)

#: The standalone page's few rules, inline so a saved copy keeps them: on a phone its
#: tables stack, so nothing scrolls sideways (WCAG 1.4.10). Its CSP allows this text only.
DOCUMENT_CSS = (
    "td,dd,li{overflow-wrap:anywhere}"
    "@media (max-width:40rem){"
    "table,tbody,tr,td{display:block}"
    "thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    "tr{margin-bottom:.75rem}"
    "td[data-label]::before{content:attr(data-label) ': ';font-weight:700}}"
)
_CSS_HASH = base64.b64encode(hashlib.sha256(DOCUMENT_CSS.encode()).digest()).decode()
DOCUMENT_CSP = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", f"style-src 'self' 'sha256-{_CSS_HASH}'"
)
assert DOCUMENT_CSP != CONTENT_SECURITY_POLICY


def _filename(export: MemberExport, extension: str) -> str:
    day = export.exported_at.date().isoformat()
    return f"buurthulp-gegevens-{export.profile.id}-{day}.{extension}"


def _download(body: str, mimetype: str, filename: str, *, attachment: bool = True) -> Response:
    response = make_response(body)
    response.mimetype = mimetype
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _document(export: MemberExport) -> str:
    """The export as one page on its own: no stylesheet or script needed to read or print."""
    css = Markup(DOCUMENT_CSS)  # a constant of ours, not input  # nosec B704
    return render_template("privacy/export_document.html", export=export, css=css)


def _document_download(export: MemberExport, *, attachment: bool = True) -> Response:
    response = _download(
        _document(export), "text/html", _filename(export, "html"), attachment=attachment
    )
    response.headers["Content-Security-Policy"] = DOCUMENT_CSP
    return response


# The member's own -----------------------------------------------------------------------------


@bp.route("/account/mijn-gegevens")
@login_required
def my_data() -> Any:
    return render_template("privacy/my_data.html", export=export_of(signed_in_member()))


@bp.route("/account/mijn-gegevens/gegevens.json")
@login_required
def my_data_json() -> Any:
    export = export_of(signed_in_member())
    return _download(as_json(export), "application/json", _filename(export, "json"))


@bp.route("/account/mijn-gegevens/gegevens.html")
@login_required
def my_data_html() -> Any:
    export = export_of(signed_in_member())
    return _document_download(export)


@bp.route("/account/toestemmingen", methods=["GET", "POST"])
@login_required
def my_consents() -> Any:
    member = signed_in_member()
    form = GiveConsentForm()

    def act() -> Outcome:
        consents.give(member, form.purpose.data, actor=member)
        return _("Thank you. Your consent is saved."), url_for("privacy.my_consents")

    return handle_form(
        form,
        act,
        "privacy/my_consents.html",
        rows=consents.consents_of(member),
        missing=[(p, consents.PURPOSES[p].label) for p in consents.missing_purposes(member)],
    )


@bp.route("/account/verwijderen", methods=["GET", "POST"])
@login_required
def erase_mine() -> Any:
    member = signed_in_member()
    form = EraseOwnForm()
    blocked = None
    try:
        check_erasable(member)
    except Conflict as exc:  # a staff account: the page says why, the form would refuse
        blocked = exc.message

    def act() -> Outcome:
        erase_own_account(member, password=form.password.data)
        sessions.end()
        flash(_("Your account is erased. Thank you for helping your neighbours."), "success")
        return redirect(url_for("core.home"), code=303)

    return handle_form(
        form,
        act,
        "privacy/erase_mine.html",
        blocked=blocked,
        balance=balance_minutes(member),
        open_matches=len(matches_of(member, open_only=True)),
    )


# For a resident, by their coordinator -----------------------------------------------------------


def _resident_here(actor: Member, member_id: int, **_kw: Any) -> list[int]:
    """The reason guard's question: the resident, authorised first (404 when not theirs)."""
    return [member_for_staff(member_id, actor).id]


@bp.route("/privacy/leden/<int:member_id>", methods=["GET", "POST"])
@requires(Permission.PRIVACY_RIGHTS_HANDLE)
@asks_reason(_resident_here)
def staff_member(member_id: int) -> Any:
    """A resident's consents and privacy requests: record a consent, export, erase."""
    actor = signed_in_member()
    member = open_member_for_staff(member_id, actor, what="privacy-page")
    rows = consents.consents_of(member)
    form = RecordConsentForm()

    def act() -> Outcome:
        consents.give(member, form.purpose.data, actor=actor, method=form.method.data)
        return (
            _("The consent is recorded."),
            url_for("privacy.staff_member", member_id=member.id),
        )

    return handle_form(form, act, "privacy/staff_member.html", member=member, rows=rows)


@bp.route("/privacy/leden/<int:member_id>/export", methods=["POST"])
@requires(Permission.PRIVACY_RIGHTS_HANDLE)
@asks_reason(
    _resident_here, back=lambda member_id: url_for("privacy.staff_member", member_id=member_id)
)
def staff_export(member_id: int) -> Any:
    """The export for a resident who asked: JSON to hand over, or the page to print."""
    fmt = "json" if request.form.get("format") == "json" else "html"
    export = export_for_staff(member_id, actor=signed_in_member(), fmt=fmt)
    if fmt == "json":
        return _download(as_json(export), "application/json", _filename(export, "json"))
    return _document_download(export, attachment=False)


@bp.route("/privacy/leden/<int:member_id>/verwijderen", methods=["GET", "POST"])
@requires(Permission.PRIVACY_RIGHTS_HANDLE)
@asks_reason(_resident_here)
def staff_erase(member_id: int) -> Any:
    actor = signed_in_member()
    member = open_member_for_staff(member_id, actor, what="erasure")
    name = member.display_name
    form = EraseForStaffForm()

    def act() -> Outcome:
        typed = " ".join((form.confirm_name.data or "").split()).casefold()
        if typed != " ".join(name.split()).casefold():
            raise InvalidInput(
                _("Type the name exactly as it is shown, to be sure it is the right resident."),
                field="confirm_name",
            )
        done = erase(member, actor=actor, note=form.note.data)
        return (
            _(
                "The account of %(name)s is erased. It is now called “%(pseudonym)s”.",
                name=name,
                pseudonym=done.pseudonym,
            ),
            url_for("privacy.staff_member", member_id=done.member_id),
        )

    return handle_form(
        form,
        act,
        "privacy/staff_erase.html",
        member=member,
        balance=balance_minutes(member),
        open_matches=len(matches_of(member, open_only=True)),
    )
