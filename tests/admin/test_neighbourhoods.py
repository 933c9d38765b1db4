"""The admin shapes neighbourhoods (PC4 sets and drawn areas), gives roles, reads the outbox.

Page tests switch to English first, so they keep reading the same words once Dutch
translations arrive.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.roles import Role
from buurthulp.errors import InvalidInput
from buurthulp.extensions import db
from buurthulp.geo import Point, make_geocoder
from buurthulp.neighbourhoods.models import Neighbourhood, NeighbourhoodPostcode
from buurthulp.neighbourhoods.services import OutsideArea, resolve_home
from buurthulp.outbox.models import OutboxMessage
from tests.factories import CENTRUM, OOST

NEW = "/beheer/buurten/nieuw"


def square(lon: float, lat: float, half: float = 0.01) -> dict[str, Any]:
    """A GeoJSON polygon (lon, lat order) of `2 * half` degrees around a point."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


NIJMEGEN = square(5.85, 51.84)


def form(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Bottendaal",
        "description": "Rond het station",
        "pc4_codes": "",
        "area_text": "",
        "default_lower_hours": "-10",
        "default_upper_hours": "50",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, make, login):
    login(make.admin())
    client.post("/taal", data={"locale": "en"})
    return client


def _hoods() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Neighbourhood.id)))


def _hood(name: str) -> Neighbourhood:
    db.session.expire_all()
    return db.session.scalar(select(Neighbourhood).where(Neighbourhood.name == name))


def _refused(response: Any, message: str) -> None:
    assert response.status_code == 422, response.status_code
    body = response.get_data(as_text=True)
    assert 'class="error-summary"' in body
    assert message in body, body[body.find("error-summary") :][:800]


# Creating ---------------------------------------------------------------------------------------


def test_an_admin_creates_a_neighbourhood_from_pc4_codes(admin_client):
    response = admin_client.post(NEW, data=form(pc4_codes="6511, 6512;6521"))
    assert response.status_code == 303
    hood = _hood("Bottendaal")
    assert hood.pc4_codes == ["6511", "6512", "6521"]
    assert hood.slug == "bottendaal"
    assert (hood.default_lower_limit, hood.default_upper_limit) == (-600, 3000)
    assert hood.area_geojson is None


def test_an_admin_creates_a_neighbourhood_from_an_uploaded_geojson_file(admin_client):
    upload = io.BytesIO(json.dumps({"type": "Feature", "geometry": NIJMEGEN}).encode())
    response = admin_client.post(
        NEW,
        data=form(area_file=(upload, "bottendaal.geojson")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    hood = _hood("Bottendaal")
    assert json.loads(hood.area_geojson)["type"] == "Polygon"
    assert hood.pc4_codes == []


def test_an_admin_creates_a_neighbourhood_from_pasted_geojson(admin_client):
    response = admin_client.post(NEW, data=form(area_text=json.dumps(NIJMEGEN), premoderation="y"))
    assert response.status_code == 303
    hood = _hood("Bottendaal")
    assert json.loads(hood.area_geojson)["coordinates"][0][0] == pytest.approx([5.84, 51.83])
    assert hood.premoderation is True


BAD_FORMS = {
    "empty name": (form(name="", pc4_codes="6511"), "This field is required"),
    "blank name": (form(name="   ", pc4_codes="6511"), "This field is required"),
    "10 kB name": (form(name="x" * 10_000, pc4_codes="6511"), "80 characters"),
    "unknown PC4": (form(pc4_codes="6511, 0000"), "Unknown PC4 postcodes: 0000"),
    "not a PC4": (form(pc4_codes="65111"), "Unknown PC4 postcodes: 65111"),
    "neither codes nor area": (form(), "Give PC4 postcodes, an area, or both"),
    "invalid GeoJSON": (form(area_text="{not json"), "The area is not usable"),
    "GeoJSON without polygon": (
        form(area_text=json.dumps({"type": "Point", "coordinates": [5.85, 51.84]})),
        "The area is not usable",
    ),
    "polygon outside NL": (
        form(area_text=json.dumps(square(2.35, 48.85))),  # Paris
        "outside the Netherlands",
    ),
    "lat and lon swapped": (
        form(area_text=json.dumps(square(51.84, 5.85))),
        "(lon, lat)",
    ),
    "non-numeric lower limit": (
        form(pc4_codes="6511", default_lower_hours="ten"),
        "Not a valid integer value",
    ),
    "non-numeric upper limit": (
        form(pc4_codes="6511", default_upper_hours="1e3x"),
        "Not a valid integer value",
    ),
    "positive lower limit": (form(pc4_codes="6511", default_lower_hours="5"), "Number must be"),
    "huge upper limit": (
        form(pc4_codes="6511", default_upper_hours="9" * 30),
        "Number must be",
    ),
    "10 kB description": (form(pc4_codes="6511", description="x" * 10_000), "2000"),
}


@pytest.mark.parametrize("data,message", BAD_FORMS.values(), ids=BAD_FORMS.keys())
def test_a_bad_neighbourhood_form_is_refused_and_nothing_is_saved(admin_client, data, message):
    before = _hoods()
    _refused(admin_client.post(NEW, data=data), message)
    assert _hoods() == before


def test_a_pc4_already_used_by_another_neighbourhood_is_refused(admin_client, make):
    make.neighbourhood("Centrum", pc4=CENTRUM)
    before = _hoods()
    response = admin_client.post(NEW, data=form(pc4_codes="6521, 6512"))
    _refused(response, "already belongs to another neighbourhood")
    assert _hoods() == before
    owners = db.session.scalars(select(NeighbourhoodPostcode.pc4)).all()
    assert sorted(owners) == ["6511", "6512"]


def test_a_name_already_in_use_is_refused(admin_client, make):
    make.neighbourhood("Bottendaal", pc4=CENTRUM)
    before = _hoods()
    _refused(admin_client.post(NEW, data=form(pc4_codes="6521")), "already belongs")
    assert _hoods() == before


# Editing ----------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_codes_and_saving_it_keeps_them(admin_client, make):
    hood = make.neighbourhood("Centrum", pc4=CENTRUM)
    page = admin_client.get(f"/beheer/buurten/{hood.id}")
    assert page.status_code == 200
    assert "6511, 6512" in page.get_data(as_text=True)
    response = admin_client.post(
        f"/beheer/buurten/{hood.id}",
        data=form(name="Centrum-Oost", pc4_codes="6511, 6512", default_lower_hours="-5"),
    )
    assert response.status_code == 303
    db.session.expire_all()
    edited = db.session.get(Neighbourhood, hood.id)
    assert edited.name == "Centrum-Oost"
    assert edited.pc4_codes == ["6511", "6512"]
    assert edited.default_lower_limit == -300


def test_editing_a_drawn_area_without_pasting_it_again_keeps_the_area(admin_client, make):
    hood = make.neighbourhood("Park", pc4=(), area=json.dumps(NIJMEGEN))
    response = admin_client.post(f"/beheer/buurten/{hood.id}", data=form(name="Park"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Neighbourhood, hood.id).area_geojson is not None


def test_an_edit_that_takes_a_pc4_of_a_neighbour_changes_nothing(admin_client, make):
    centrum = make.neighbourhood("Centrum", pc4=CENTRUM)
    oost = make.neighbourhood("Oost", pc4=OOST)
    response = admin_client.post(
        f"/beheer/buurten/{oost.id}", data=form(name="Oost", pc4_codes="6521, 6511")
    )
    _refused(response, "already belongs to another neighbourhood")
    db.session.expire_all()
    assert db.session.get(Neighbourhood, oost.id).pc4_codes == list(OOST)
    assert db.session.get(Neighbourhood, centrum.id).pc4_codes == list(CENTRUM)


def test_editing_a_neighbourhood_that_does_not_exist_is_404(admin_client):
    assert admin_client.get("/beheer/buurten/999999").status_code == 404


# Who may -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.COORDINATOR, Role.OUTREACH])
def test_only_an_admin_may_shape_neighbourhoods(client, make, login, role):
    hood = make.neighbourhood("Centrum", pc4=CENTRUM)
    login(make.member(role, neighbourhood=hood))
    before = _hoods()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, data=form(pc4_codes="6521")).status_code == 403
    edit = client.post(f"/beheer/buurten/{hood.id}", data=form(name="Mine", pc4_codes="6511"))
    assert edit.status_code == 403
    assert _hoods() == before
    assert _hood("Centrum").pc4_codes == list(CENTRUM)


# Which neighbourhood a home belongs to -----------------------------------------------------------


def _point(postcode: str, number: str = "1") -> Point:
    geocoder = make_geocoder(
        "offline", user_agent=current_app.config["BUURTHULP_GEOCODER_USER_AGENT"]
    )
    return geocoder.locate(postcode, number).point


def test_a_home_whose_pc4_is_in_the_set_joins_that_neighbourhood(make):
    make.neighbourhood("Oost", pc4=OOST)
    centrum = make.neighbourhood("Centrum", pc4=CENTRUM)
    home = resolve_home("6512 ab", "7")
    assert home.neighbourhood.id == centrum.id
    assert (home.postcode, home.house_number) == ("6512AB", "7")


def test_a_pc4_in_the_set_wins_over_a_drawn_area_around_the_home(make):
    point = _point("6521AB")
    make.neighbourhood("Drawn", pc4=(), area=json.dumps(square(point.lon, point.lat)))
    oost = make.neighbourhood("Oost", pc4=OOST)
    assert resolve_home("6521AB", "1").neighbourhood.id == oost.id


def test_a_home_inside_a_drawn_area_joins_it(make):
    point = _point("6521AB")
    drawn = make.neighbourhood("Drawn", pc4=(), area=json.dumps(square(point.lon, point.lat)))
    assert resolve_home("6521AB", "1").neighbourhood.id == drawn.id


def test_a_home_within_2_km_of_an_area_joins_the_nearest(make):
    point = _point("6521AB")
    # Squares about 1 km and 1.7 km east of the home (1 degree of longitude is ~69 km here).
    near = make.neighbourhood(
        "Near", pc4=(), area=json.dumps(square(point.lon + 0.02, point.lat, half=0.005))
    )
    make.neighbourhood(
        "Less near", pc4=(), area=json.dumps(square(point.lon - 0.03, point.lat, half=0.005))
    )
    assert resolve_home("6521AB", "1").neighbourhood.id == near.id


def test_a_home_farther_than_2_km_gets_the_outside_our_area_message(make):
    point = _point("6521AB")
    make.neighbourhood(
        "Far", pc4=(), area=json.dumps(square(point.lon + 0.05, point.lat, half=0.005))
    )
    with force_locale("en"), pytest.raises(OutsideArea) as caught:
        resolve_home("6521AB", "1")
    assert (caught.value.code, caught.value.field) == ("outside_area", "postcode")
    assert "outside the neighbourhoods we serve" in caught.value.message
    assert "welzijn" in caught.value.message  # says what to do instead


def test_an_unknown_postcode_or_house_number_is_a_field_error(make):
    make.neighbourhood("Centrum", pc4=CENTRUM)
    for postcode, number, field in [
        ("0000AA", "1", "postcode"),
        ("6511", "1", "postcode"),
        ("x" * 10_000, "1", "postcode"),
        ("6511AB", "", "house_number"),
        ("6511AB", "x" * 10_000, "house_number"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            resolve_home(postcode, number)
        assert caught.value.field == field, (postcode[:10], number[:10])


# Roles and the outbox ---------------------------------------------------------------------------


def test_an_admin_makes_a_resident_coordinator_of_a_neighbourhood(admin_client, make):
    hood = make.neighbourhood("Centrum", pc4=CENTRUM)
    resident = make.resident(hood)
    response = admin_client.post(
        "/beheer/rollen",
        data={"email": resident.email.upper(), "role": "coordinator", "neighbourhood_id": hood.id},
    )
    assert response.status_code == 303
    db.session.expire_all()
    roles = db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.member_id == resident.id)
    ).all()
    assert {(r.role, r.neighbourhood_id) for r in roles} == {
        ("resident", None),
        ("coordinator", hood.id),
    }
    page = admin_client.get("/beheer/rollen").get_data(as_text=True)
    assert resident.display_name in page and "coordinator (Centrum)" in page


def test_giving_a_role_to_an_unknown_email_is_a_form_error(admin_client, make):
    hood = make.neighbourhood("Centrum", pc4=CENTRUM)
    before = db.session.scalar(select(func.count(RoleAssignment.id)))
    response = admin_client.post(
        "/beheer/rollen",
        data={"email": "nobody@example.org", "role": "coordinator", "neighbourhood_id": hood.id},
    )
    _refused(response, "No member has this e-mail address.")
    assert db.session.scalar(select(func.count(RoleAssignment.id))) == before


def test_a_coordinator_role_needs_a_neighbourhood(admin_client, make):
    resident = make.resident()
    response = admin_client.post(
        "/beheer/rollen",
        data={"email": resident.email, "role": "coordinator", "neighbourhood_id": 0},
    )
    _refused(response, "Choose the neighbourhood this role is for.")
    db.session.expire_all()
    assert db.session.get(Member, resident.id).role_names == ["resident"]


def test_the_outbox_page_shows_stored_mail_without_a_working_link_in_development(
    admin_client, make, app, monkeypatch
):
    resident = make.resident()
    other = app.test_client()
    assert other.post("/wachtwoord-vergeten", data={"email": resident.email}).status_code == 303
    mail = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert mail.to == resident.email
    assert "/wachtwoord-herstellen/" not in mail.body  # no token at rest
    monkeypatch.setitem(app.config, "ENV", "development")
    page = admin_client.get("/beheer/uitgaande-mail")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert resident.email in body and mail.subject in body
    assert "[[link:reset]]" in body and "/wachtwoord-herstellen/" not in body


def test_the_outbox_page_does_not_exist_outside_development(admin_client, app, monkeypatch):
    for env in ("production", "testing"):
        monkeypatch.setitem(app.config, "ENV", env)
        assert admin_client.get("/beheer/uitgaande-mail").status_code == 404


def test_an_admin_role_cannot_be_scoped_to_a_neighbourhood(admin_client, make):
    hood = make.neighbourhood("Centrum", pc4=CENTRUM)
    resident = make.resident(hood)
    response = admin_client.post(
        "/beheer/rollen",
        data={"email": resident.email, "role": "admin", "neighbourhood_id": hood.id},
    )
    _refused(response, "An admin works for all neighbourhoods")
    db.session.expire_all()
    assert db.session.get(Member, resident.id).role_names == ["resident"]
