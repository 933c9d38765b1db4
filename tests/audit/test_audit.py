"""The audit log: every staff action leaves a row in its own transaction, nobody edits it,
and each reader sees their own neighbourhoods only (and is logged for looking)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from buurthulp.access.models import AccessLogEntry
from buurthulp.accounts import roles
from buurthulp.audit import services as audit
from buurthulp.audit.models import AuditEntry
from buurthulp.auth.roles import Role
from buurthulp.errors import LimitExceeded, NotAllowed
from buurthulp.extensions import db
from buurthulp.inputs import InvalidQuery
from buurthulp.ledger import services as ledger
from buurthulp.models_base import utcnow
from tests.factories import CENTRUM, OOST, PASSWORD

pytestmark = pytest.mark.both_databases


@pytest.fixture
def town(make):
    hood, other = make.neighbourhood(pc4=CENTRUM), make.neighbourhood(pc4=OOST)
    town = {
        "hood": hood,
        "other": other,
        "anna": make.resident(hood, name="Anna"),
        "bert": make.resident(hood, name="Bert"),
        "coord": make.coordinator(hood, name="Marieke"),
        "other_coord": make.coordinator(other, name="Youssef"),
        "stef": make.resident(other, name="Stef"),
        "admin": make.admin(name="Beheer"),
    }
    # Setting up the town (neighbourhoods, staff roles) is logged too: start after it.
    _MARK["id"] = db.session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))
    return town


_MARK = {"id": 0}


def _rows(**where) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.id > _MARK["id"]).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


def test_staff_actions_on_the_time_bank_each_leave_one_row(town) -> None:
    anna, coord = town["anna"], town["coord"]
    ledger.grant(
        neighbourhood_id=town["hood"].id,
        to_member_id=anna.id,
        minutes=90,
        description="Boodschappen",
        actor=coord,
    )
    ledger.change_limits(member_id=anna.id, lower=-120, upper=600, actor=coord, reason="Ruimte")
    transfer = ledger.thank(
        payer=anna, to_member_id=town["bert"].id, minutes=15, description="x", actor=anna
    ).transfer
    ledger.reverse(transfer_id=transfer.id, actor=coord, reason="Vergissing")
    kinds = [(r.kind, r.member_id) for r in _rows(actor_id=coord.id)]
    assert kinds == [
        ("grant", anna.id),
        ("limit-change", anna.id),
        ("reversal", anna.id),
        ("reversal", town["bert"].id),
    ]
    grant, limits, reversal = _rows(actor_id=coord.id)[:3]
    assert "1 u 30 min" in grant.note or "90" in grant.note
    assert "Ruimte" in limits.note and "Vergissing" in reversal.note
    assert {r.neighbourhood_id for r in _rows(actor_id=coord.id)} == {town["hood"].id}
    # A resident's own thank-you is no staff action.
    assert _rows(actor_id=anna.id) == []


def test_a_refused_action_leaves_no_row(town) -> None:
    anna, coord = town["anna"], town["coord"]
    with pytest.raises(LimitExceeded):
        ledger.grant(
            neighbourhood_id=town["hood"].id,
            to_member_id=anna.id,
            minutes=9_000,
            description="te veel",
            actor=coord,
        )
    with pytest.raises(NotAllowed):  # self-dealing
        ledger.grant(
            neighbourhood_id=town["hood"].id,
            to_member_id=coord.id,
            minutes=30,
            description="voor mij",
            actor=coord,
        )
    assert _rows() == []


def test_a_role_change_is_logged_and_ends_the_members_sessions(town, client) -> None:
    bert, admin = town["bert"], town["admin"]
    client.post("/inloggen", data={"email": bert.email, "password": PASSWORD})
    assert client.get("/account").status_code == 200
    roles.assign_role(bert, Role.COORDINATOR, neighbourhood=town["hood"], actor=admin)
    [row] = _rows(kind="role-change")
    assert (row.actor_id, row.member_id, row.neighbourhood_id) == (
        admin.id,
        bert.id,
        town["hood"].id,
    )
    assert "coordinator" in row.note
    # Logged out on every device: the next page asks to log in again.
    assert client.get("/account").status_code == 302


def test_each_reader_sees_their_own_neighbourhoods_and_is_logged_for_it(town) -> None:
    for hood, coord, member in (
        (town["hood"], town["coord"], town["anna"]),
        (town["other"], town["other_coord"], town["stef"]),
    ):
        ledger.grant(
            neighbourhood_id=hood.id,
            to_member_id=member.id,
            minutes=30,
            description="x",
            actor=coord,
        )
    grants = audit.AuditFilter(kind="grant")
    here = audit.read(town["coord"], grants)
    assert [r.member for r in here.rows] == ["Anna"]
    assert all(r.kind != "neighbourhood" or r.member is None for r in here.rows)
    everywhere = audit.read(town["admin"], grants)
    assert sorted(r.member for r in everywhere.rows) == ["Anna", "Stef"]
    with pytest.raises(NotAllowed):
        audit.read(town["anna"], audit.AuditFilter())
    # Reading the log shows Anna's name to Marieke: Anna's access log says so.
    seen = db.session.scalars(
        select(AccessLogEntry.what).where(
            AccessLogEntry.subject_id == town["anna"].id,
            AccessLogEntry.viewer_id == town["coord"].id,
        )
    ).all()
    assert "audit-log" in seen


def test_filters_narrow_by_member_staff_kind_and_period(town, make) -> None:
    coord, admin = town["coord"], town["admin"]
    second = make.coordinator(town["hood"], name="Ilse")
    for member in (town["anna"], town["bert"]):
        ledger.grant(
            neighbourhood_id=town["hood"].id,
            to_member_id=member.id,
            minutes=30,
            description="x",
            actor=coord,
        )
    ledger.change_limits(member_id=town["anna"].id, lower=-60, upper=300, actor=second, reason="r")
    read = lambda **kw: [  # noqa: E731
        (r.kind, r.member) for r in audit.read(admin, audit.AuditFilter(**kw)).rows
    ]
    assert read(member_id=town["anna"].id) == [("limit-change", "Anna"), ("grant", "Anna")]
    assert read(staff_id=second.id) == [("limit-change", "Anna")]
    assert read(kind="grant") == [("grant", "Bert"), ("grant", "Anna")]
    today = utcnow().date()
    window = {"since": today - timedelta(days=1), "until": today + timedelta(days=1)}
    assert len(read(kind="grant", **window)) == 2
    assert read(since=today + timedelta(days=2)) == []
    with pytest.raises(InvalidQuery):
        audit.read(admin, audit.AuditFilter(kind="made-up"))
    with pytest.raises(InvalidQuery):
        audit.read(admin, audit.AuditFilter(since=today, until=today - timedelta(days=1)))


def test_the_log_pages_with_a_cursor(town) -> None:
    for n in range(5):
        ledger.grant(
            neighbourhood_id=town["hood"].id,
            to_member_id=town["anna"].id,
            minutes=10 + n,
            description="x",
            actor=town["coord"],
        )
    grants = audit.AuditFilter(kind="grant")
    first = audit.read(town["admin"], grants, limit=3)
    assert len(first.rows) == 3 and first.next_cursor
    second = audit.read(town["admin"], grants, cursor=first.next_cursor, limit=3)
    assert len(second.rows) == 2 and second.next_cursor is None
    assert {r.id for r in first.rows}.isdisjoint(r.id for r in second.rows)


def test_the_page_shows_and_filters_the_log(town, client, login) -> None:
    ledger.grant(
        neighbourhood_id=town["hood"].id,
        to_member_id=town["anna"].id,
        minutes=45,
        description="x",
        actor=town["coord"],
    )
    login(town["coord"])
    page = client.get("/beheer/logboek/?soort=grant")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Anna" in body and "Marieke" in body
    assert (
        client.get("/beheer/logboek/?soort=limit-change").get_data(as_text=True).count("Anna") == 0
    )
    for bad in ("soort=nonsense", "van=2026-13-01", "lid=0", "van=2026-12-02&tot=2026-12-01"):
        assert client.get(f"/beheer/logboek/?{bad}").status_code == 400, bad
    client.post("/uitloggen")
    login(town["anna"])
    assert client.get("/beheer/logboek/").status_code == 403
