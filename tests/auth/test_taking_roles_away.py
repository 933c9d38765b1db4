"""An admin takes a staff role away (the roles page, `flask users role EMAIL --remove ROLE`):
the assignment goes, every session and API token of the member ends at once, the audit log
says so; the last admin keeps the role."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from buurthulp.accounts.roles import remove_role
from buurthulp.audit.models import AuditEntry
from buurthulp.auth.models import ApiToken, AuthSession, RoleAssignment
from buurthulp.auth.permissions import CLI
from buurthulp.auth.roles import Role
from buurthulp.errors import Conflict, InvalidInput, NotAllowed
from buurthulp.extensions import db
from tests.factories import CENTRUM, api_token, log_in

pytestmark = pytest.mark.both_databases


def _roles(member) -> set[str]:
    return set(
        db.session.scalars(select(RoleAssignment.role).where(RoleAssignment.member_id == member.id))
    )


def _sessions(member) -> int:
    """Browsers and API tokens that still work."""
    return sum(
        db.session.scalar(
            select(func.count(model.id)).where(
                model.member_id == member.id, model.revoked_at.is_(None)
            )
        )
        for model in (AuthSession, ApiToken)
    )


def test_the_roles_page_takes_a_role_away_and_ends_the_sessions(app, client, make) -> None:
    hood = make.neighbourhood(pc4=CENTRUM)
    coord, admin = make.coordinator(hood, name="Marieke"), make.admin()
    coords_browser = app.test_client()
    assert log_in(coords_browser, coord).status_code == 303
    api_token(coord)
    assert _sessions(coord) >= 2
    assert log_in(client, admin).status_code == 303
    page = client.get("/beheer/rollen").get_data(as_text=True)
    [assignment] = [a for a in coord.roles if a.role == Role.COORDINATOR.value]
    assert f'name="assignment_id" value="{assignment.id}"' in page
    done = client.post("/beheer/rollen/intrekken", data={"assignment_id": str(assignment.id)})
    assert done.status_code == 303
    db.session.expire_all()
    assert Role.COORDINATOR.value not in _roles(coord)
    assert _sessions(coord) == 0
    assert coords_browser.get("/beheer/werklijst").status_code in (302, 303)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.kind == "role-change").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.member_id == coord.id and entry.note.startswith("- coordinator")
    for bad in ("", "abc", "999999", str(10**30)):
        assert client.post("/beheer/rollen/intrekken", data={"assignment_id": bad}).status_code in (
            303,
            404,
        )


def test_only_an_admin_takes_roles_away_and_never_the_last_admin(make) -> None:
    hood = make.neighbourhood(pc4=CENTRUM)
    coord, admin = make.coordinator(hood), make.admin()
    with pytest.raises(NotAllowed):
        remove_role(admin, Role.ADMIN, neighbourhood=None, actor=coord)
    only_admins = set(
        db.session.scalars(
            select(RoleAssignment.member_id).where(RoleAssignment.role == Role.ADMIN.value)
        )
    )
    if only_admins == {admin.id}:
        with pytest.raises(Conflict, match=r"last admin|laatste beheerder"):
            remove_role(admin, Role.ADMIN, neighbourhood=None, actor=CLI)
    with pytest.raises(InvalidInput):
        remove_role(coord, Role.RESIDENT, neighbourhood=None, actor=CLI)
    with pytest.raises(Conflict):
        remove_role(coord, Role.OUTREACH, neighbourhood=None, actor=CLI)


def test_the_command_line_takes_and_gives_roles(runner, make) -> None:
    hood = make.neighbourhood(pc4=CENTRUM)
    coord = make.coordinator(hood, email="marieke@example.org")
    taken = runner.invoke(args=["users", "role", "marieke@example.org", "--remove", "coordinator"])
    assert taken.exit_code == 0, taken.output
    assert "took coordinator" in taken.output and Role.COORDINATOR.value not in _roles(coord)
    again = runner.invoke(args=["users", "role", "marieke@example.org", "--remove", "coordinator"])
    assert again.exit_code == 1 and "heeft die rol niet" in again.output
    given = runner.invoke(
        args=[
            "users",
            "role",
            "marieke@example.org",
            "--add",
            "coordinator",
            "--neighbourhood",
            hood.name,
        ]
    )
    assert given.exit_code == 0, given.output
    assert Role.COORDINATOR.value in _roles(coord)
    for args in (["--remove", "boss"], [], ["--add", "admin", "--remove", "admin"]):
        assert runner.invoke(args=["users", "role", "marieke@example.org", *args]).exit_code == 2
    assert (
        runner.invoke(args=["users", "role", "nobody@example.org", "--remove", "admin"]).exit_code
        == 1
    )
