"""A resident's file for coordinators: trust level and its history, the vulnerable mark,
whether a coordinator keeps their account; and the "why do you open this?" answer."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for

from buurthulp.access.forms import ReasonForm
from buurthulp.access.guards import asks_reason
from buurthulp.access.reasons import give_reason
from buurthulp.auth.guards import requires, safe_next
from buurthulp.auth.roles import Permission
from buurthulp.backoffice import residents, trust
from buurthulp.backoffice.forms import TrustForm, UnmarkForm, VulnerableForm
from buurthulp.backoffice.views import bp, me
from buurthulp.i18n import gettext as _
from buurthulp.pages import Outcome, handle_form


def one_resident(permission: Permission) -> Any:
    """The reason guard's question for a page about one resident, authorised first."""
    return lambda actor, member_id, **_kw: [
        residents.staff_resident(member_id, actor, permission).id
    ]


@bp.route("/waarom", methods=["POST"])
@requires(Permission.MEMBERS_PERSONAL_VIEW)
def reason() -> Any:
    """The answer to "why do you open this?"; then on to the page that asked."""
    form = ReasonForm()

    def act() -> Outcome:
        give_reason(
            viewer=me(),
            subject_ids=form.subject_ids(),
            reason=form.reason.data,
            explanation=form.explanation.data,
        )
        return "", safe_next(form.next.data)

    return handle_form(form, act, "access/reason.html", count=len(form.subject_ids()) or 1)


@bp.route("/bewoners/<int:member_id>")
@requires(Permission.MEMBERS_PERSONAL_VIEW)
@asks_reason(one_resident(Permission.MEMBERS_PERSONAL_VIEW))
def resident(member_id: int) -> Any:
    actor = me()
    member = residents.open_resident(member_id, actor, Permission.MEMBERS_PERSONAL_VIEW)
    return render_template(
        "backoffice/resident.html",
        file=residents.resident_file(member, actor),
        levels=trust.LEVELS,
        consent=residents.CONSENT,
    )


@bp.route("/bewoners/<int:member_id>/vertrouwen", methods=["GET", "POST"])
@requires(Permission.MEMBERS_TRUST_SET)
@asks_reason(one_resident(Permission.MEMBERS_TRUST_SET))
def set_trust(member_id: int) -> Any:
    actor = me()
    member = residents.open_resident(member_id, actor, Permission.MEMBERS_TRUST_SET, what="trust")
    form = TrustForm()

    def act() -> Outcome:
        trust.set_trust(
            member.id,
            step=form.step.data,
            vog_issued_on=form.vog_issued_on.data,
            note=form.note.data,
            actor=actor,
        )
        return (
            _("The trust level of %(name)s is saved.", name=member.display_name),
            url_for("backoffice.resident", member_id=member.id),
        )

    return handle_form(
        form, act, "backoffice/trust.html", member=member, level=trust.LEVELS[member.trust_level]
    )


def _vulnerable_page(member_id: int, mark_form: Any, unmark_form: Any, action: Any) -> Any:
    actor = me()
    member = residents.open_resident(
        member_id, actor, Permission.MEMBERS_VULNERABLE_MARK, what="vulnerable"
    )
    file = residents.resident_file(member, actor)
    if file.vulnerability is not None and not mark_form.is_submitted():
        mark_form.reason.data = file.vulnerability.reason
        mark_form.note.data = file.vulnerability.note
    form = unmark_form if action == "unmark" else mark_form

    def act() -> Outcome:
        if action == "unmark":
            residents.unmark_vulnerable(member.id, reason=form.unmark_reason.data, actor=actor)
            done = _("%(name)s is no longer marked vulnerable.", name=member.display_name)
        else:
            residents.mark_vulnerable(
                member.id, reason=form.reason.data, note=form.note.data, actor=actor
            )
            done = _("%(name)s is marked vulnerable.", name=member.display_name)
        return done, url_for("backoffice.resident", member_id=member.id)

    return handle_form(
        form,
        act,
        "backoffice/vulnerable.html",
        member=member,
        file=file,
        mark_form=mark_form,
        unmark_form=unmark_form,
    )


@bp.route("/bewoners/<int:member_id>/kwetsbaar", methods=["GET", "POST"])
@requires(Permission.MEMBERS_VULNERABLE_MARK)
@asks_reason(one_resident(Permission.MEMBERS_VULNERABLE_MARK))
def vulnerable(member_id: int) -> Any:
    return _vulnerable_page(member_id, VulnerableForm(), UnmarkForm(formdata=None), "mark")


@bp.route("/bewoners/<int:member_id>/kwetsbaar/opheffen", methods=["POST"])
@requires(Permission.MEMBERS_VULNERABLE_MARK)
@asks_reason(one_resident(Permission.MEMBERS_VULNERABLE_MARK))
def unmark(member_id: int) -> Any:
    return _vulnerable_page(member_id, VulnerableForm(formdata=None), UnmarkForm(), "unmark")
