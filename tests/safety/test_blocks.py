"""A block keeps two members apart everywhere: the blocked one's listings leave the feed
(both ways), they are not suggested, cannot react, invite, agree, write or sign up; what was
open between them ends kindly. Lifting the block (only by the one who blocked) lets them
meet again. Through the services, the pages and the API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.listings import activities
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.matching import feed as feed_service
from buurthulp.matching import suggestions as suggestion_service
from buurthulp.protection.blocks import blocked_between, blocked_ids
from buurthulp.protection.models import Block
from buurthulp.safety import services as safety
from tests.safety.conftest import api_error, kinds_of

pytestmark = pytest.mark.usefixtures("english")


def _feed_ids(member) -> set[int]:
    return {card.id for card in feed_service.feed(member).cards}


def _suggested(listing, owner) -> set[int]:
    return {s.member_id for s in suggestion_service.suggestions(listing.id, actor=owner)}


def _agreed(street, make, title: str = "Boodschappen doen") -> Match:
    listing = make.listing(street.anna, title=title)
    match = matches.react(listing.id, actor=street.bert, message="Ik help graag")
    return matches.accept(match.id, actor=street.anna)


# The hooks ------------------------------------------------------------------------------------


def test_a_block_works_both_ways_in_the_hooks(street, make):
    make.listing(street.bert, title="Ramen zemen")  # Anna has seen Bert here
    assert blocked_ids(street.anna.id) == set()
    safety.block(street.bert.id, actor=street.anna)
    assert blocked_between(street.anna.id, street.bert.id)
    assert blocked_between(street.bert.id, street.anna.id)
    assert blocked_ids(street.anna.id) == {street.bert.id}
    assert blocked_ids(street.bert.id) == {street.anna.id}
    assert not blocked_between(street.anna.id, street.carla.id)


def test_blocking_twice_keeps_one_block(street, make):
    make.listing(street.bert, title="Ramen zemen")
    first = safety.block(street.bert.id, actor=street.anna)
    again = safety.block(street.bert.id, actor=street.anna)
    assert first.id == again.id
    assert len(db.session.scalars(select(Block)).all()) == 1


def test_nobody_blocks_themselves_or_a_stranger(street, make):
    with pytest.raises(InvalidInput):
        safety.block(street.anna.id, actor=street.anna)
    # Stef lives next door and never met Anna anywhere: she cannot know he exists.
    with pytest.raises(NotFound):
        safety.block(street.stranger.id, actor=street.anna)
    with pytest.raises(NotFound):
        safety.block(999_999, actor=street.anna)
    # Once he posts a listing she can open, she knows him.
    make.listing(street.stranger, title="Fiets repareren")
    assert safety.block(street.stranger.id, actor=street.anna).blocked_id == street.stranger.id


# Feed and suggestions ----------------------------------------------------------------------


def test_the_blocked_ones_listings_leave_the_feed_both_ways(street, make):
    annas = make.listing(street.anna, title="Hulp bij de tuin")
    berts = make.listing(street.bert, "offer", title="Ik kan fietsen maken")
    assert berts.id in _feed_ids(street.anna) and annas.id in _feed_ids(street.bert)
    safety.block(street.bert.id, actor=street.anna)
    assert berts.id not in _feed_ids(street.anna)
    assert annas.id not in _feed_ids(street.bert)
    assert annas.id in _feed_ids(street.carla)
    with pytest.raises(NotFound):
        matches.get_listing(berts.id, street.anna)


def test_the_blocked_one_is_never_suggested(street, make):
    request = make.listing(street.anna, title="Boodschappen doen")
    offer = make.listing(street.bert, "offer", title="Boodschappen voor je doen")
    assert street.bert.id in _suggested(request, street.anna)
    assert street.anna.id in _suggested(offer, street.bert)
    safety.block(street.anna.id, actor=street.bert)
    assert street.bert.id not in _suggested(request, street.anna)
    assert street.anna.id not in _suggested(offer, street.bert)


# Reacting, inviting, agreeing, writing, signing up --------------------------------------------


def test_the_blocked_one_cannot_react_or_be_invited(street, make):
    request = make.listing(street.anna, title="Boodschappen doen")
    make.listing(street.bert, "offer", title="Fietsen maken")
    safety.block(street.bert.id, actor=street.anna)
    with pytest.raises(NotFound):
        matches.react(request.id, actor=street.bert, message="Ik help graag")
    with pytest.raises(NotFound):
        matches.invite(request.id, street.bert.id, actor=street.anna)


def test_blocking_declines_what_was_not_answered_and_nobody_can_accept_it(street, make):
    request = make.listing(street.anna, title="Boodschappen doen")
    reaction = matches.react(request.id, actor=street.bert, message="Ik help graag")
    safety.block(street.anna.id, actor=street.bert)
    assert db.session.get(Match, reaction.id).status == "declined"
    with pytest.raises((Conflict, NotFound)):
        matches.accept(reaction.id, actor=street.anna)


def test_an_agreed_match_stops_when_one_blocks_the_other(street, make):
    match = _agreed(street, make)
    safety.block(street.bert.id, actor=street.anna)
    match = db.session.get(Match, match.id)
    assert match.status == "cancelled"
    assert match.listing.status == "open"  # the request needs a helper again
    assert kinds_of(street.bert)[-1] == "matches.cancelled"
    # Bert reads only that it stopped, not who blocked whom.
    assert match.cancel_reason == "This match was stopped."


def test_after_the_help_nobody_writes_any_more_but_the_minutes_are_still_confirmed(street, make):
    match = _agreed(street, make)
    matches.complete(match.id, actor=street.bert, minutes=60)
    safety.block(street.bert.id, actor=street.anna)
    assert db.session.get(Match, match.id).status == "awaiting_confirmation"
    for writer in (street.anna, street.bert):
        with pytest.raises(NotAllowed):
            matches.post_message(match.id, actor=writer, body="Hallo")
    assert matches.confirm(match.id, actor=street.anna).booked


def test_accepting_refuses_a_pair_that_blocked_each_other(street, make):
    """A reaction that slipped through (made before the block was read) is not agreed."""
    request = make.listing(street.anna, title="Boodschappen doen")
    reaction = matches.react(request.id, actor=street.bert, message="Ik help graag")
    from buurthulp.db import transaction

    with transaction():
        db.session.add(Block(blocker_id=street.anna.id, blocked_id=street.bert.id))
    with pytest.raises(Conflict):
        matches.accept(reaction.id, actor=street.anna)


def test_the_blocked_one_cannot_sign_up_for_the_activity_and_hears_no_messages(street, make):
    activity = make.listing(street.anna, "activity", title="Koffieochtend")
    activities.sign_up(activity.id, actor=street.carla)
    activities.sign_up(activity.id, actor=street.bert)
    safety.block(street.anna.id, actor=street.bert)
    with pytest.raises(NotFound):  # he cannot even open it
        activities.sign_up(activity.id, actor=street.bert)
    told = activities.message_attendees(activity.id, actor=street.anna, body="Neem een mok mee")
    assert told == 1  # Carla only
    assert "activities.message" not in kinds_of(street.bert)


# Lifting ----------------------------------------------------------------------------------------


def test_lifting_the_block_lets_them_meet_again(street, make):
    berts = make.listing(street.bert, "offer", title="Ik kan fietsen maken")
    safety.block(street.bert.id, actor=street.anna)
    with pytest.raises(NotFound):  # only the one who blocked lifts it
        safety.unblock(street.anna.id, actor=street.bert)
    safety.unblock(street.bert.id, actor=street.anna)
    assert not blocked_between(street.anna.id, street.bert.id)
    assert berts.id in _feed_ids(street.anna)
    assert matches.react(berts.id, actor=street.anna, message="Graag!").status == "proposed"
    with pytest.raises(NotFound):
        safety.unblock(street.bert.id, actor=street.anna)


# The API ------------------------------------------------------------------------------------------


def test_the_api_blocks_lists_and_lifts(api, street, make):
    make.listing(street.bert, "offer", title="Fietsen maken")  # Anna has seen Bert here
    response = api(street.anna).post("/blocks", json={"member_id": street.bert.id})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["member_id"] == street.bert.id
    assert api(street.anna).post("/blocks", json={"member_id": street.bert.id}).status_code == 201
    listed = api(street.anna).get("/blocks").get_json()
    assert [b["member_id"] for b in listed["items"]] == [street.bert.id]
    assert listed["next_cursor"] is None
    berts = make.listing(street.bert, title="Hulp gevraagd")
    api_error(api(street.anna).get(f"/listings/{berts.id}"), 404)
    # The blocked one cannot lift it; the one who blocked can, once.
    api_error(api(street.bert).delete(f"/blocks/{street.anna.id}"), 404)
    assert api(street.anna).delete(f"/blocks/{street.bert.id}").status_code == 204
    api_error(api(street.anna).delete(f"/blocks/{street.bert.id}"), 404)
    assert api(street.anna).get(f"/listings/{berts.id}").status_code == 200


def test_the_api_refuses_odd_blocks_kindly(api, street):
    api_error(api(street.anna).post("/blocks", json={"member_id": street.anna.id}), 422)
    api_error(api(street.anna).post("/blocks", json={"member_id": street.stranger.id}), 404)
    api_error(api(street.anna).post("/blocks", json={"member_id": "7"}), 422)
    api_error(api(street.anna).post("/blocks", json={}), 422)
    api_error(api(None).post("/blocks", json={"member_id": street.bert.id}), 401)


def test_blocked_members_cannot_message_each_other_through_the_api(api, street, make):
    match = _agreed(street, make)
    matches.complete(match.id, actor=street.bert, minutes=30)
    assert api(street.bert).post("/blocks", json={"member_id": street.anna.id}).status_code == 201
    api_error(api(street.anna).post(f"/matches/{match.id}/messages", json={"body": "Hoi"}), 403)


# The pages --------------------------------------------------------------------------------------


def test_blocking_from_the_listing_page_and_lifting_it_on_the_account_page(
    client, login, street, make
):
    berts = make.listing(street.bert, title="Hulp bij de tuin")
    login(street.anna)
    page = client.get(f"/hulp/{berts.id}").get_data(as_text=True)
    assert f"/veiligheid/blokkeren/{street.bert.id}" in page
    assert f"/veiligheid/melden?oproep={berts.id}" in page
    confirm = client.get(f"/veiligheid/blokkeren/{street.bert.id}")
    assert confirm.status_code == 200 and "Block Bert" in confirm.get_data(as_text=True)
    done = client.post(f"/veiligheid/blokkeren/{street.bert.id}")
    assert done.status_code == 303 and done.headers["Location"].endswith("/account")
    assert blocked_between(street.anna.id, street.bert.id)
    assert client.get(f"/hulp/{berts.id}").status_code == 404
    account = client.get("/account").get_data(as_text=True)
    assert "Bert" in account and f"/veiligheid/blokkeren/{street.bert.id}/opheffen" in account
    lifted = client.post(f"/veiligheid/blokkeren/{street.bert.id}/opheffen")
    assert lifted.status_code == 303
    assert not blocked_between(street.anna.id, street.bert.id)
    assert client.get(f"/hulp/{berts.id}").status_code == 200


def test_the_match_page_offers_to_block_and_report_the_other(client, login, street, make):
    match = _agreed(street, make)
    message = matches.post_message(match.id, actor=street.bert, body="Tot zaterdag")
    login(street.anna)
    page = client.get(f"/matches/{match.id}").get_data(as_text=True)
    assert f"/veiligheid/blokkeren/{street.bert.id}" in page
    assert f"/veiligheid/melden?lid={street.bert.id}" in page
    assert f"/veiligheid/melden?bericht={message.id}" in page


def test_the_block_page_of_a_stranger_is_not_found(client, login, street):
    login(street.anna)
    assert client.get(f"/veiligheid/blokkeren/{street.stranger.id}").status_code == 404
    assert client.post(f"/veiligheid/blokkeren/{street.stranger.id}").status_code == 404
