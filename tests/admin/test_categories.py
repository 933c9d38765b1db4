"""An admin adds categories for one neighbourhood, renames them, removes them while unused,
and marks a category as needing a verified helper there; the shared ones always stay.

Page tests switch to English first, so they keep reading the same words once Dutch
translations arrive.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.listings import categories, services
from buurthulp.listings.models import Category, CategoryRule
from buurthulp.listings.services import ListingInput
from tests.factories import CENTRUM, OOST


@pytest.fixture
def town(make) -> Any:
    class Town:
        hood = make.neighbourhood("Centrum", pc4=CENTRUM)
        other = make.neighbourhood("Oost", pc4=OOST)
        admin = make.admin()
        resident = make.resident(hood)
        neighbour = make.resident(other)
        coord = make.coordinator(hood)

    return Town


def _shared(slug: str) -> Category:
    return db.session.scalar(
        select(Category).where(Category.slug == slug, Category.neighbourhood_id.is_(None))
    )


def _labels(neighbourhood_id: int) -> list[str]:
    return [services.category_label(c) for c in services.categories_for(neighbourhood_id)]


# The service ------------------------------------------------------------------------------------


def test_a_category_added_for_one_neighbourhood_is_offered_there_only(town) -> None:
    bikes = categories.add_category(town.hood.id, name="Fietsen maken", actor=town.admin)
    assert (bikes.slug, bikes.neighbourhood_id) == ("fietsen-maken", town.hood.id)
    assert _labels(town.hood.id)[-1] == "Fietsen maken"
    assert "Fietsen maken" not in _labels(town.other.id)
    posted = services.post_listing(
        ListingInput(kind="request", title="Band plakken", category=bikes.slug),
        actor=town.resident,
    )
    assert posted.category_id == bikes.id
    with pytest.raises(InvalidInput) as refused:
        services.post_listing(
            ListingInput(kind="request", title="Band plakken", category=bikes.slug),
            actor=town.neighbour,
        )
    assert refused.value.field == "category"


@pytest.mark.parametrize("name", ["", "x", "y" * 61, "Tuin", "tuin", "Garden", "Fietsen maken"])
def test_a_missing_or_taken_name_is_refused_on_its_field(town, name) -> None:
    categories.add_category(town.hood.id, name="Fietsen maken", actor=town.admin)
    with pytest.raises(InvalidInput) as refused:
        categories.add_category(town.hood.id, name=name, actor=town.admin)
    assert refused.value.field == "name"


def test_only_an_admin_changes_categories(town) -> None:
    for actor in (town.resident, town.coord):
        with pytest.raises(NotAllowed):
            categories.add_category(town.hood.id, name="Fietsen maken", actor=actor)
        with pytest.raises(NotAllowed):
            categories.categories_of(town.hood.id, actor=actor)


def test_a_neighbourhood_category_is_renamed_and_keeps_its_slug(town) -> None:
    bikes = categories.add_category(town.hood.id, name="Fietsen maken", actor=town.admin)
    categories.save_category(town.hood.id, bikes.id, name="Fietsreparatie", actor=town.admin)
    db.session.expire_all()
    renamed = db.session.get(Category, bikes.id)
    assert (renamed.name, renamed.slug) == ("Fietsreparatie", "fietsen-maken")
    again = categories.add_category(town.hood.id, name="Fietsen maken", actor=town.admin)
    assert again.slug == "fietsen-maken-2"  # the old slug is still taken


def test_a_shared_category_is_never_renamed_or_removed(town) -> None:
    garden = _shared("tuin")
    with pytest.raises(InvalidInput):
        categories.save_category(town.hood.id, garden.id, name="Moestuin", actor=town.admin)
    with pytest.raises(Conflict):
        categories.remove_category(town.hood.id, garden.id, actor=town.admin)
    assert _shared("tuin") is not None


def test_a_neighbourhood_category_is_removed_only_while_unused(town) -> None:
    unused = categories.add_category(town.hood.id, name="Ramen lappen", actor=town.admin)
    categories.save_category(town.hood.id, unused.id, trust_needed="vog", actor=town.admin)
    categories.remove_category(town.hood.id, unused.id, actor=town.admin)
    db.session.expire_all()
    assert db.session.get(Category, unused.id) is None
    assert (
        db.session.scalar(select(CategoryRule).where(CategoryRule.category_id == unused.id)) is None
    )

    used = categories.add_category(town.hood.id, name="Fietsen maken", actor=town.admin)
    services.post_listing(
        ListingInput(kind="offer", title="Ik plak banden", category=used.slug),
        actor=town.resident,
    )
    with pytest.raises(Conflict, match="andere naam"):  # "give it another name", in Dutch
        categories.remove_category(town.hood.id, used.id, actor=town.admin)
    db.session.expire_all()
    assert db.session.get(Category, used.id) is not None


def test_another_neighbourhoods_category_is_not_found_here(town) -> None:
    theirs = categories.add_category(town.other.id, name="Kippen voeren", actor=town.admin)
    for act in (
        lambda: categories.save_category(town.hood.id, theirs.id, name="X y", actor=town.admin),
        lambda: categories.remove_category(town.hood.id, theirs.id, actor=town.admin),
        lambda: categories.category_row(town.hood.id, theirs.id, actor=town.admin),
    ):
        with pytest.raises(NotFound):
            act()


def test_a_neighbourhood_asks_a_verified_helper_for_one_category(town, make) -> None:
    odd_jobs = _shared("klussen-in-huis")
    categories.save_category(town.hood.id, odd_jobs.id, trust_needed="verified", actor=town.admin)
    here = make.listing(town.resident, title="Kast ophangen", category="klussen-in-huis")
    there = make.listing(town.neighbour, title="Kast ophangen", category="klussen-in-huis")
    assert services.trust_needed(here) == "verified"
    assert services.trust_needed(there) is None
    categories.save_category(town.hood.id, odd_jobs.id, trust_needed="vog", actor=town.admin)
    assert services.trust_needed(here) == "vog"
    categories.save_category(town.hood.id, odd_jobs.id, trust_needed="", actor=town.admin)
    assert services.trust_needed(here) is None
    with pytest.raises(InvalidInput) as refused:
        categories.save_category(town.hood.id, odd_jobs.id, trust_needed="any", actor=town.admin)
    assert refused.value.field == "trust_needed"


# The pages ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, login, town):
    login(town.admin)
    client.post("/taal", data={"locale": "en"})
    return client


def test_the_admin_adds_a_category_on_the_neighbourhoods_page(admin_client, town) -> None:
    page = f"/beheer/buurten/{town.hood.id}/categorieen"
    assert page in admin_client.get("/beheer/").get_data(as_text=True)
    listed = admin_client.get(page).get_data(as_text=True)
    assert "Garden" in listed and "everyone (shared)" in listed
    added = admin_client.post(page, data={"name": "Fietsen maken", "trust_needed": "verified"})
    assert added.status_code == 303
    bikes = db.session.scalar(select(Category).where(Category.name == "Fietsen maken"))
    assert bikes.neighbourhood_id == town.hood.id
    listed = admin_client.get(page).get_data(as_text=True)
    assert "Fietsen maken" in listed and "Only a verified helper" in listed

    refused = admin_client.post(page, data={"name": "Tuin", "trust_needed": ""})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'class="error-summary"' in body and "There is already a category" in body
    assert 'value="Tuin"' in body  # what was typed stays


def test_the_admin_renames_marks_and_removes_on_the_category_page(admin_client, town) -> None:
    bikes = categories.add_category(town.hood.id, name="Fietsen maken", actor=town.admin)
    page = f"/beheer/buurten/{town.hood.id}/categorieen/{bikes.id}"
    shown = admin_client.get(page).get_data(as_text=True)
    assert 'value="Fietsen maken"' in shown and "Remove this category" in shown
    saved = admin_client.post(page, data={"name": "Fietsreparatie", "trust_needed": "vog"})
    assert saved.status_code == 303
    db.session.expire_all()
    assert db.session.get(Category, bikes.id).name == "Fietsreparatie"
    removed = admin_client.post(
        page, data={"name": "Fietsreparatie", "trust_needed": "", "remove": "y"}
    )
    assert removed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Category, bikes.id) is None


def test_a_used_or_shared_category_page_offers_no_removal(admin_client, town) -> None:
    used = categories.add_category(town.hood.id, name="Fietsen maken", actor=town.admin)
    services.post_listing(
        ListingInput(kind="offer", title="Ik plak banden", category=used.slug),
        actor=town.resident,
    )
    page = f"/beheer/buurten/{town.hood.id}/categorieen/{used.id}"
    assert "Remove this category" not in admin_client.get(page).get_data(as_text=True)
    refused = admin_client.post(page, data={"name": "Fietsen maken", "remove": "y"})
    assert refused.status_code == 422
    assert "You can rename it" in refused.get_data(as_text=True)

    garden = _shared("tuin")
    page = f"/beheer/buurten/{town.hood.id}/categorieen/{garden.id}"
    shown = admin_client.get(page).get_data(as_text=True)
    assert 'name="name"' not in shown and "Remove this category" not in shown
    saved = admin_client.post(page, data={"trust_needed": "verified", "remove": "y"})
    assert saved.status_code == 303
    assert _shared("tuin") is not None
    listing = services.post_listing(
        ListingInput(kind="request", title="Heg knippen", category="tuin"), actor=town.resident
    )
    assert services.trust_needed(listing) == "verified"
