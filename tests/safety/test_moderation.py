"""Moderation: where the neighbourhood asks it, a new member's first three listings wait
for a coordinator (only the owner sees them, "waits for the coordinator") until one places
or refuses them; a coordinator hides and restores a listing with a reason the owner reads;
and public texts (listings, profile words, reactions, messages to all who signed up) refuse
contact details kindly, while messages inside an agreed match may hold them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from buurthulp.access.models import AccessLogEntry
from buurthulp.accounts.services import update_profile
from buurthulp.audit.models import AuditEntry
from buurthulp.backoffice import residents
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.listings import activities, premoderation
from buurthulp.listings import services as listings
from buurthulp.listings.models import Listing
from buurthulp.matches import services as matches
from buurthulp.matching import feed as feed_service
from buurthulp.matching import suggestions as suggestion_service
from buurthulp.protection.models import Moderation
from buurthulp.safety import moderation
from tests.factories import DUKENBURG
from tests.safety.conftest import api_error, kinds_of

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def checked(make):
    """A neighbourhood with pre-moderation: a new member, a neighbour, two coordinators."""
    hood = make.neighbourhood("Dukenburg", pc4=DUKENBURG, premoderation=True)
    return (
        hood,
        make.resident(hood, name="Nadia"),
        make.resident(hood, name="Otto"),
        make.coordinator(hood, name="Petra"),
    )


def _feed_ids(member) -> set[int]:
    return {card.id for card in feed_service.feed(member).cards}


# Pre-moderation -------------------------------------------------------------------------------


def test_a_new_members_first_three_listings_wait_for_a_coordinator(checked, make):
    _hood, nadia, otto, petra = checked
    first = [make.listing(nadia, title=f"Vraag {n}") for n in range(3)]
    fourth = make.listing(nadia, title="Vraag 4")
    assert [listing.status for listing in first] == ["pending"] * 3
    assert fourth.status == "open"
    assert kinds_of(petra).count("safety.listing_waits") == 3
    # Only the owner (and the coordinators) see a waiting listing.
    assert listings.get_listing(first[0].id, nadia).id == first[0].id
    assert listings.get_listing(first[0].id, petra).id == first[0].id
    with pytest.raises(NotFound):
        listings.get_listing(first[0].id, otto)
    assert _feed_ids(otto) == {fourth.id}
    with pytest.raises(NotFound):
        matches.react(first[0].id, actor=otto, message="Ik help")


def test_trusted_members_staff_and_other_neighbourhoods_are_not_checked(checked, make, street):
    _hood, nadia, _otto, petra = checked
    with transaction():
        db.session.get(type(nadia), nadia.id).trust_level = "verified"
    assert make.listing(nadia, title="Vraag").status == "open"
    assert make.listing(petra, title="Koffie?").status == "open"
    assert make.listing(street.anna, title="Tuin").status == "open"


def test_a_request_a_coordinator_writes_for_a_resident_who_is_not_online_does_not_wait(
    checked, make
):
    """Her coordinator is the one who would check it: it goes online at once, as the page
    says ("the request is online"), and her neighbour can react to it straight away."""
    _hood, _nadia, otto, petra = checked
    truus = residents.create_proxy_resident(
        actor=petra,
        display_name="Truus",
        postcode=f"{DUKENBURG[0]}AB",
        house_number="7",
        phone="06 12345678",
        consent_how="paper",
    )
    assert truus.trust_level == "new"
    data = listings.ListingInput(kind="request", title="Boodschappen", category="boodschappen")
    listing = listings.post_listing(data, actor=petra, owner=truus)
    assert listing.status == "open"
    assert "safety.listing_waits" not in kinds_of(petra)
    assert listing.id in _feed_ids(otto)
    matches.react(listing.id, actor=otto, message="Ik help graag")


def test_placing_a_waiting_listing_puts_it_online_and_tells_the_owner(checked, make):
    _hood, nadia, otto, petra = checked
    listing = make.listing(nadia, title="Boodschappen doen")
    moderation.approve(listing.id, actor=petra)
    assert listing.status == "open"
    assert listing.id in _feed_ids(otto)
    assert kinds_of(nadia)[-1] == "safety.listing_approved"
    decision = db.session.scalar(select(Moderation))
    assert (decision.decision, decision.actor_id) == ("approved", petra.id)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.kind == "moderation"))
    assert (entry.actor_id, entry.member_id) == (petra.id, nadia.id)
    with pytest.raises(Conflict):
        moderation.approve(listing.id, actor=petra)


def test_a_refused_listing_stays_out_of_sight_with_the_reason_for_its_owner(
    checked, make, client, login
):
    _hood, nadia, otto, petra = checked
    listing = make.listing(nadia, title="Spullen te koop")
    with pytest.raises(InvalidInput):
        moderation.refuse(listing.id, actor=petra, reason="")
    moderation.refuse(listing.id, actor=petra, reason="Verkoop hoort hier niet")
    assert listing.status == "hidden"
    with pytest.raises(Conflict):  # the owner cannot open it again herself
        listings.change_status(listing.id, "reopen", actor=nadia)
    with pytest.raises(NotFound):
        listings.get_listing(listing.id, otto)
    login(nadia)
    page = client.get(f"/hulp/{listing.id}").get_data(as_text=True)
    assert "Verkoop hoort hier niet" in page and "hidden this listing" in page


def test_a_waiting_listing_closed_and_opened_again_waits_again(checked, make):
    _hood, nadia, _otto, petra = checked
    listing = make.listing(nadia, title="Hulp bij formulier")
    listings.change_status(listing.id, "close", actor=nadia)
    listings.change_status(listing.id, "reopen", actor=nadia)
    assert listing.status == "pending"
    moderation.approve(listing.id, actor=petra)
    listings.change_status(listing.id, "close", actor=nadia)
    listings.change_status(listing.id, "reopen", actor=nadia)
    assert listing.status == "open"


def test_the_owner_is_told_it_waits_and_the_coordinator_places_it_on_the_page(
    checked, client, login, make
):
    _hood, nadia, _otto, petra = checked
    login(nadia)
    posted = client.post(
        "/hulp/nieuw",
        data={"kind": "request", "title": "Wie helpt met de tuin?", "category": "tuin"},
    )
    assert posted.status_code == 303
    listing = db.session.scalar(select(Listing))
    page = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "checks your listing" in page and "waits for the coordinator" in page
    client.post("/uitloggen")
    login(petra)
    make.reason(petra, nadia, reason="request")
    queue = client.get("/veiligheid/beheer/oproepen").get_data(as_text=True)
    assert f"/veiligheid/beheer/oproepen/{listing.id}" in queue
    form = client.get(f"/veiligheid/beheer/oproepen/{listing.id}")
    assert form.status_code == 200 and "Wie helpt met de tuin?" in form.get_data(as_text=True)
    assert db.session.scalar(
        select(AccessLogEntry.id).where(
            AccessLogEntry.subject_id == nadia.id, AccessLogEntry.what == "moderation"
        )
    )
    placed = client.post(f"/veiligheid/beheer/oproepen/{listing.id}", data={"decision": "approve"})
    assert placed.status_code == 303
    assert db.session.get(Listing, listing.id).status == "open"


# Hiding and restoring ------------------------------------------------------------------------


def test_a_hidden_listing_leaves_feed_suggestions_and_reactions_and_comes_back(street, make):
    request = make.listing(street.anna, title="Boodschappen doen")
    offer = make.listing(street.bert, "offer", title="Boodschappen voor je doen")
    assert request.id in _feed_ids(street.carla)
    moderation.hide(request.id, actor=street.coord, reason="Dubbel geplaatst")
    assert request.status == "hidden"
    assert request.id not in _feed_ids(street.carla)
    offered = suggestion_service.suggestions(offer.id, actor=street.bert)
    assert request.id not in {s.listing_id for s in offered}
    with pytest.raises(NotFound):
        matches.react(request.id, actor=street.carla, message="Ik help")
    assert kinds_of(street.anna)[-1] == "safety.listing_hidden"
    assert premoderation.why_hidden(request).reason == "Dubbel geplaatst"
    moderation.restore(request.id, actor=street.coord)
    assert request.status == "open"
    assert request.id in _feed_ids(street.carla)
    assert kinds_of(street.anna)[-1] == "safety.listing_restored"


def test_restoring_gives_back_what_the_listing_was(street, make):
    listing = make.listing(street.anna, title="Boodschappen doen")
    listings.change_status(listing.id, "pause", actor=street.anna)
    moderation.hide(listing.id, actor=street.coord, reason="Even niet")
    moderation.restore(listing.id, actor=street.coord)
    assert listing.status == "paused"
    with pytest.raises(Conflict):
        moderation.restore(listing.id, actor=street.coord)


def test_only_a_coordinator_of_the_neighbourhood_moderates_and_never_their_own(street, make):
    listing = make.listing(street.anna, title="Boodschappen doen")
    for outsider in (street.other_coord, make.admin(), street.bert):
        with pytest.raises(NotFound):
            moderation.hide(listing.id, actor=outsider, reason="x")
    own = make.listing(street.coord, title="Koffie?")
    with pytest.raises(NotAllowed):
        moderation.hide(own.id, actor=street.coord, reason="x")


def test_the_moderation_page_of_another_neighbourhood_is_not_found(client, login, street, make):
    listing = make.listing(street.anna, title="Boodschappen doen")
    login(street.other_coord)
    assert client.get(f"/veiligheid/beheer/oproepen/{listing.id}").status_code == 404
    assert (
        client.post(
            f"/veiligheid/beheer/oproepen/{listing.id}", data={"decision": "hide", "reason": "x"}
        ).status_code
        == 404
    )


# Contact details in public texts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Bel 0612345678"}, "title"),
        ({"description": "Mail me: anna@example.nl"}, "description"),
        ({"description": "Ik woon op de Molenweg 12"}, "description"),
        ({"description": "Vooraf betalen op NL91ABNA0417164300"}, "description"),
        ({"tags": "tuin, 0612345678"}, "tags"),
    ],
)
def test_a_listing_with_contact_details_is_refused_on_its_field(street, make, fields, field):
    with pytest.raises(InvalidInput) as refused:
        make.listing(street.anna, **{"title": "Hulp gezocht", **fields})
    assert refused.value.field == field
    assert "agree on a match" in refused.value.message
    assert db.session.scalar(select(Listing.id)) is None


def test_an_activity_may_name_its_place_but_not_a_phone_number(street, make):
    activity = make.listing(street.anna, "activity", place_label="Buurthuis, Molenweg 12")
    assert activity.place_label == "Buurthuis, Molenweg 12"
    with pytest.raises(InvalidInput) as refused:
        make.listing(street.anna, "activity", place_label="Bel 0612345678")
    assert refused.value.field == "place_label"


def test_the_listing_page_and_the_api_explain_the_refusal(client, login, api, street):
    login(street.anna)
    form = {
        "kind": "request",
        "title": "Hulp in de tuin",
        "category": "tuin",
        "description": "Bel me op 06-12345678",
    }
    refused = client.post("/hulp/nieuw", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Please leave out a phone number" in page and "06-12345678" in page  # kept
    body = {"kind": "request", "title": "Hulp", "description": "anna@example.nl"}
    body["category"] = "tuin"
    error = api_error(api(street.bert).post("/listings", json=body), 422)
    assert "e-mail address" in error["message"]


def test_reactions_profiles_and_messages_to_all_refuse_contact_details(street, make):
    request = make.listing(street.anna, title="Boodschappen doen")
    with pytest.raises(InvalidInput) as refused:
        matches.react(request.id, actor=street.bert, message="Bel me: 0612345678")
    assert refused.value.field == "message"
    with pytest.raises(InvalidInput) as refused:
        update_profile(
            street.bert,
            interests="tuin, 0612345678",
            talents="",
            availability=0,
            radius_m=2000,
            languages="nl",
            phone="0612345678",  # the phone field itself is private: shared only in a match
            actor=street.bert,
        )
    assert refused.value.field == "interests"
    activity = make.listing(street.anna, "activity", title="Koffieochtend")
    activities.sign_up(activity.id, actor=street.bert)
    with pytest.raises(InvalidInput):
        activities.message_attendees(activity.id, actor=street.anna, body="Bel 0612345678")


def test_inside_an_agreed_match_contact_details_may_be_shared(street, make):
    request = make.listing(street.anna, title="Boodschappen doen")
    match = matches.react(request.id, actor=street.bert, message="Ik help graag")
    matches.accept(match.id, actor=street.anna)
    message = matches.post_message(match.id, actor=street.bert, body="Bel me: 06-12345678")
    assert message.body == "Bel me: 06-12345678"
