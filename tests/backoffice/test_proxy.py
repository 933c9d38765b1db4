"""Residents who are not online: a coordinator makes their account and posts, reacts,
accepts, confirms and writes on their behalf; all of it stored and shown as "on behalf of
<resident> by <coordinator>", audited, and only for residents in the coordinator's care.
The printable summary and welcome letter."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from buurthulp.access.models import AccessLogEntry
from buurthulp.accounts.models import Consent
from buurthulp.audit.models import AuditEntry
from buurthulp.auth.models import Member
from buurthulp.backoffice import residents
from buurthulp.db import transaction
from buurthulp.errors import InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.ledger import services as ledger
from buurthulp.ledger.models import Transfer
from buurthulp.listings.models import Listing
from buurthulp.listings.services import ListingInput, post_listing
from buurthulp.matches import services as matches
from buurthulp.protection.models import ProxyResident
from tests.factories import CENTRUM, OOST


def _proxy_notes() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEntry.note).where(AuditEntry.kind == "proxy").order_by(AuditEntry.id)
        )
    )


def test_a_coordinator_makes_an_account_for_a_resident_who_is_not_online(street, truus) -> None:
    assert truus.email is None and truus.password_hash is None
    assert truus.phone == "06 12345678" and truus.neighbourhood_id == street.hood.id
    kept = db.session.get(ProxyResident, truus.id)
    assert kept.consent_how == "paper" and kept.created_by_id == street.coord.id
    consent = db.session.scalars(select(Consent).where(Consent.member_id == truus.id)).one()
    assert consent.recorded_by_id == street.coord.id
    assert "op papier" in _proxy_notes()[0]
    assert matches.needs_coordinator(truus.id)  # the clock never confirms for her


def test_the_account_is_made_only_inside_the_coordinators_neighbourhoods(street) -> None:
    data = {"display_name": "Piet", "house_number": "3", "phone": "06 87654321"}
    with pytest.raises(InvalidInput) as refused:
        residents.create_proxy_resident(
            actor=street.coord, postcode=f"{OOST[0]}AB", consent_how="phone", **data
        )
    assert refused.value.field == "postcode"
    with pytest.raises(InvalidInput) as refused:
        residents.create_proxy_resident(
            actor=street.coord,
            postcode=f"{CENTRUM[0]}AB",
            consent_how="phone",
            phone="",
            display_name="Piet",
            house_number="3",
        )
    assert refused.value.field == "phone"
    with pytest.raises(NotAllowed):
        residents.create_proxy_resident(
            actor=street.anna, postcode=f"{CENTRUM[0]}AB", consent_how="phone", **data
        )


def test_everything_done_on_her_behalf_is_stored_with_the_coordinator(street, make, truus) -> None:
    request = post_listing(
        ListingInput(kind="request", title="Boodschappen op dinsdag", category="boodschappen"),
        actor=street.coord,
        owner=truus,
    )
    assert request.owner_id == truus.id and request.proxy_by_id == street.coord.id
    reaction = matches.react(request.id, actor=street.bert, message="Ik kan dinsdag")
    agreed = matches.accept(reaction.id, actor=street.coord, on_behalf_of=truus)
    assert agreed.status == "agreed" and agreed.accepted_proxy_by_id == street.coord.id
    message = matches.post_message(
        agreed.id, actor=street.coord, body="Truus zegt: graag om 10 uur", on_behalf_of=truus
    )
    assert message.author_id == truus.id and message.proxy_by_id == street.coord.id
    matches.complete(agreed.id, actor=street.bert, minutes=60)
    ledger.grant(
        neighbourhood_id=street.hood.id,
        to_member_id=truus.id,
        minutes=60,
        description="Start",
        actor=make.coordinator(street.hood, name="Joke"),
    )
    confirmed = matches.confirm(agreed.id, actor=street.coord, on_behalf_of=truus)
    assert confirmed.booked
    transfer = db.session.get(Transfer, confirmed.match.transfer_id)
    assert transfer.entered_by_id == street.coord.id and transfer.on_behalf_of_id == truus.id
    offer = make.listing(street.carla, "offer", title="Ik lees voor")
    her_reaction = matches.react(
        offer.id, actor=street.coord, message="Voor Truus", on_behalf_of=truus
    )
    assert her_reaction.responder_id == truus.id and her_reaction.proxy_by_id == street.coord.id
    notes = _proxy_notes()
    assert len(notes) == 6  # the account, the request, accept, message, confirm, reaction
    assert all("Truus de Vries" in note for note in notes[1:])


def test_only_her_coordinators_act_for_her(street, make, truus) -> None:
    data = ListingInput(kind="request", title="Hulp bij de post", category="boodschappen")
    with pytest.raises(NotFound):
        post_listing(data, actor=street.other_coord, owner=truus)
    with pytest.raises(NotFound):  # a neighbour cannot act for her
        post_listing(data, actor=street.bert, owner=truus)
    with pytest.raises(NotFound):  # nor a coordinator for a resident who is online herself
        post_listing(data, actor=street.coord, owner=street.anna)
    listing = make.listing(street.bert, "offer", title="Fietsles")
    with pytest.raises(NotFound):
        matches.react(listing.id, actor=street.other_coord, message="x", on_behalf_of=truus)


# Through the web ----------------------------------------------------------------------------


def _set_phone(member: Member, phone: str) -> None:
    with transaction():
        db.session.execute(update(Member).where(Member.id == member.id).values(phone=phone))


def test_the_proxy_pages_from_account_to_printed_summary(
    app, client, login_en, street, make
) -> None:
    _set_phone(street.coord, "024 765 43 21")
    _set_phone(street.bert, "06 11 22 33 44")
    client = login_en(street.coord)
    new = client.post(
        "/beheer/namens/nieuw",
        data={
            "display_name": "Truus de Vries",
            "postcode": "6511 AB",
            "house_number": "7",
            "phone": "06 12345678",
            "consent_how": "phone",
        },
    )
    assert new.status_code == 303
    truus = db.session.scalar(select(Member).where(Member.display_name == "Truus de Vries"))
    home = f"/beheer/namens/{truus.id}"
    assert new.headers["Location"].endswith(home)
    assert 'action="/beheer/waarom"' in client.get(home).text  # why do you open this?
    client.post(
        "/beheer/waarom", data={"reason": "request", "subjects": str(truus.id), "next": home}
    )
    assert "Truus de Vries" in client.get(home).text
    posted = client.post(
        f"{home}/hulpvraag",
        data={"title": "Hulp met de tuin", "category": "tuin", "when_kind": "flexible"},
    )
    assert posted.status_code == 303
    listing = db.session.scalar(select(Listing).where(Listing.owner_id == truus.id))
    assert listing.proxy_by_id == street.coord.id
    shown = client.get(f"/hulp/{listing.id}").text
    assert "on behalf of Truus de Vries by Marieke" in shown
    # Bert reacts; Marieke accepts for her and writes on her behalf.
    reaction = matches.react(listing.id, actor=street.bert, message="Ik kom zaterdag")
    match_page = f"{home}/matches/{reaction.id}"
    assert "Yes, agreed on behalf of Truus de Vries" in client.get(match_page).text
    assert client.post(f"{match_page}/accepteren").status_code == 303
    assert db.session.get(type(reaction), reaction.id).status == "agreed"
    assert client.post(f"{match_page}/bericht", data={"body": ""}).status_code == 422
    sent = client.post(f"{match_page}/bericht", data={"body": "Zaterdag om 10 uur is goed"})
    assert sent.status_code == 303
    page = client.get(match_page).text
    assert "06 11 22 33 44" in page and "on behalf of Truus de Vries by Marieke" in page
    # The summary: her open request (none: agreed), the helper's first name and phone, balance.
    summary = client.get(f"{home}/overzicht")
    html = summary.text
    assert summary.status_code == 200 and "print-page.css" in html
    assert "Hulp met de tuin" in html and "Bert" in html and "06 11 22 33 44" in html
    assert "024 765 43 21" in html and "Your balance" in html
    css = client.get("/static/css/print-page.css").text
    sizes = [float(s) for s in re.findall(r"font-size:\s*([0-9.]+)pt", css)]
    assert sizes and min(sizes) >= 16
    letter = client.get(f"{home}/welkomstbrief").text
    assert "024 765 43 21" in letter and "Dear Truus de Vries" in letter
    seen = set(
        db.session.scalars(select(AccessLogEntry.what).where(AccessLogEntry.subject_id == truus.id))
    )
    assert {"proxy-page", "proxy-summary", "welcome-letter"} <= seen
    bert_seen = db.session.scalars(
        select(AccessLogEntry.reason).where(
            AccessLogEntry.subject_id == street.bert.id, AccessLogEntry.what == "match"
        )
    ).all()
    assert bert_seen and set(bert_seen) == {"request"}  # the page's reason


def test_a_resident_and_another_coordinator_cannot_open_her_pages(
    app, client, login, street, truus
) -> None:
    home = f"/beheer/namens/{truus.id}"
    login(street.bert)
    assert client.get(home).status_code == 403
    login(street.other_coord)
    assert client.get(home).status_code == 404
    assert client.get(f"{home}/overzicht").status_code == 404
    login(street.coord)
    assert client.get(f"/beheer/namens/{street.anna.id}").status_code == 404  # online herself
    assert client.get("/beheer/namens").status_code == 200


def test_her_coordinator_answers_an_invitation_for_her_on_the_match_page(
    app, client, login_en, street, make, truus
) -> None:
    request = make.listing(street.anna, title="Sokken breien")
    invited = matches.invite(request.id, truus.id, actor=street.anna)
    client = login_en(street.coord)
    make.reason(street.coord, truus)
    page = f"/beheer/namens/{truus.id}/matches/{invited.id}"
    assert "Yes, on behalf of Truus de Vries" in client.get(page).text
    assert client.post(f"{page}/ja").status_code == 303
    answered = db.session.get(type(invited), invited.id)
    assert answered.status == "agreed" and answered.proxy_by_id == street.coord.id
    assert "said yes to “Sokken breien”" in _proxy_notes()[-1]
    login_en(street.other_coord)
    assert client.post(f"{page}/nee").status_code == 404


def test_a_proxy_residents_consent_says_how_and_who_recorded_it(street, truus) -> None:
    from sqlalchemy import select

    from buurthulp.accounts.models import Consent
    from buurthulp.extensions import db

    [consent] = db.session.scalars(select(Consent).where(Consent.member_id == truus.id)).all()
    assert (consent.method, consent.recorded_by_id) == ("paper", street.coord.id)
