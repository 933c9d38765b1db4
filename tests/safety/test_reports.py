"""Any member reports a listing, a message or a member (a reason from the list and a few
words); it lands with the coordinators of that neighbourhood, who are told once. A
coordinator handles it (a note, an outcome, a warning, a hidden listing or a suspension);
the reporter hears that it was handled, without details. Everyone else gets a 404."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from buurthulp.access.models import AccessLogEntry
from buurthulp.audit.models import AuditEntry
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.matches import services as matches
from buurthulp.notifications.models import Notification
from buurthulp.safety import services as safety
from buurthulp.safety.models import Report
from tests.safety.conftest import api_error, kinds_of

pytestmark = pytest.mark.usefixtures("english")


def _report(street, make, **kw) -> Report:
    actor = kw.pop("actor", street.anna)
    listing = kw.pop("listing", None) or make.listing(street.bert, title="Geld lenen?")
    data = {"reason": "scam", "text": "Hij vraagt om geld", "listing_id": listing.id, **kw}
    return safety.report(safety.ReportInput(**data), actor=actor)


def _agreed_with_message(street, make):
    listing = make.listing(street.anna, title="Boodschappen doen")
    match = matches.react(listing.id, actor=street.bert, message="Ik help graag")
    matches.accept(match.id, actor=street.anna)
    return match, matches.post_message(match.id, actor=street.bert, body="Eerst 50 euro graag")


# Reporting --------------------------------------------------------------------------------------


def test_a_reported_listing_reaches_the_coordinators_of_its_neighbourhood_once(street, make):
    second = make.coordinator(street.hood, name="Joke")
    report = _report(street, make)
    assert (report.target, report.member_id, report.neighbourhood_id) == (
        "listing",
        street.bert.id,
        street.hood.id,
    )
    assert kinds_of(street.coord) == ["safety.report_waits"]
    assert kinds_of(second) == ["safety.report_waits"]
    assert "safety.report_waits" not in kinds_of(street.other_coord)
    # Carla reports Bert too, while Anna's report waits: the coordinators know already.
    _report(street, make, actor=street.carla)
    assert kinds_of(street.coord) == ["safety.report_waits"]
    # Bert never hears about it.
    assert "safety.report_waits" not in kinds_of(street.bert)


def test_the_same_report_twice_is_one_report(street, make):
    listing = make.listing(street.bert, title="Geld lenen?")
    first = _report(street, make, listing=listing)
    again = _report(street, make, listing=listing)
    assert first.id == again.id


def test_a_message_is_reported_only_by_the_one_who_received_it(street, make):
    _match, message = _agreed_with_message(street, make)
    report = safety.report(
        safety.ReportInput(reason="scam", message_id=message.id), actor=street.anna
    )
    assert (report.target, report.member_id) == ("message", street.bert.id)
    with pytest.raises(InvalidInput):  # his own message
        safety.report(safety.ReportInput(reason="spam", message_id=message.id), actor=street.bert)
    with pytest.raises(NotFound):  # Carla is not in the match
        safety.report(safety.ReportInput(reason="spam", message_id=message.id), actor=street.carla)


def test_a_member_is_reported_only_by_who_may_know_them(street, make):
    make.listing(street.bert, "offer", title="Fietsen maken")  # Anna has seen Bert here
    never_met = make.resident(street.hood, name="Nel")  # a neighbour, but never met
    with pytest.raises(NotFound):
        safety.report(
            safety.ReportInput(reason="unsafe", member_id=never_met.id), actor=street.anna
        )
    report = safety.report(
        safety.ReportInput(reason="unsafe", text="Hij stond aan de deur", member_id=street.bert.id),
        actor=street.anna,
    )
    assert (report.target, report.member_id) == ("member", street.bert.id)
    with pytest.raises(NotFound):
        safety.report(
            safety.ReportInput(reason="unsafe", member_id=street.stranger.id), actor=street.anna
        )
    with pytest.raises(InvalidInput):
        safety.report(
            safety.ReportInput(reason="unsafe", member_id=street.anna.id), actor=street.anna
        )


def test_what_the_reporter_may_not_see_is_not_found(street, make):
    make.listing(street.anna, title="Ramen zemen")  # Bert has seen Anna here
    hidden_to_anna = make.listing(street.bert, title="Hulp gevraagd")
    safety.block(street.anna.id, actor=street.bert)
    with pytest.raises(NotFound):
        _report(street, make, listing=hidden_to_anna)
    with pytest.raises(NotFound):
        safety.report(safety.ReportInput(reason="spam", listing_id=987_654), actor=street.anna)


def test_a_report_names_exactly_one_target_and_a_known_reason(street, make):
    listing = make.listing(street.bert, title="Geld lenen?")
    for data in (
        {"reason": "scam"},
        {"reason": "scam", "listing_id": listing.id, "member_id": street.bert.id},
        {"reason": "boos", "listing_id": listing.id},
        {"reason": "other", "listing_id": listing.id, "text": "  "},
    ):
        with pytest.raises(InvalidInput):
            safety.report(safety.ReportInput(**data), actor=street.anna)


# Handling ----------------------------------------------------------------------------------------


def test_a_warning_reaches_the_member_and_the_reporter_hears_only_that_it_was_handled(street, make):
    report = _report(street, make)
    safety.handle_report(
        report.id,
        actor=street.coord,
        outcome="warned",
        note="Gebeld, hij begreep het",
        message="Vraag nooit om geld.",
    )
    report = db.session.get(Report, report.id)
    assert (report.outcome, report.handled_by_id) == ("warned", street.coord.id)
    warning = db.session.scalar(
        select(Notification).where(
            Notification.member_id == street.bert.id, Notification.kind == "safety.warning"
        )
    )
    assert json.loads(warning.params)["message"] == "Vraag nooit om geld."
    told = db.session.scalar(
        select(Notification).where(
            Notification.member_id == street.anna.id, Notification.kind == "safety.report_handled"
        )
    )
    assert json.loads(told.params) == {}  # no details for the reporter
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.kind == "report"))
    assert (entry.actor_id, entry.member_id) == (street.coord.id, street.bert.id)
    assert "Gebeld" in entry.note


def test_handling_can_hide_the_listing_or_suspend_the_member(street, make):
    listing = make.listing(street.bert, title="Geld lenen?")
    first = _report(street, make, listing=listing)
    safety.handle_report(first.id, actor=street.coord, outcome="hidden", message="Geen geld vragen")
    assert listing.status == "hidden"
    make.listing(street.bert, "offer", title="Fietsen maken")  # Carla has seen Bert here
    second = safety.report(
        safety.ReportInput(reason="unsafe", member_id=street.bert.id), actor=street.carla
    )
    safety.handle_report(
        second.id, actor=street.coord, outcome="suspended", message="Te vaak om geld gevraagd"
    )
    assert street.bert.status == "suspended"
    kinds = set(db.session.scalars(select(AuditEntry.kind)))
    assert {"report", "moderation", "suspension"} <= kinds


def test_handling_asks_what_the_member_reads_and_fits_the_target(street, make):
    report = _report(street, make)
    with pytest.raises(InvalidInput):
        safety.handle_report(report.id, actor=street.coord, outcome="warned", message="")
    member_report = safety.report(
        safety.ReportInput(reason="unsafe", member_id=street.bert.id), actor=street.carla
    )
    with pytest.raises(InvalidInput):
        safety.handle_report(member_report.id, actor=street.coord, outcome="hidden", message="x")
    with pytest.raises(InvalidInput):
        safety.handle_report(report.id, actor=street.coord, outcome="forget")


def test_handling_twice_is_once_and_a_different_decision_is_refused(street, make):
    report = _report(street, make)
    safety.handle_report(report.id, actor=street.coord, outcome="talked")
    safety.handle_report(report.id, actor=street.coord, outcome="talked")
    assert kinds_of(street.anna).count("safety.report_handled") == 1
    with pytest.raises(Conflict):
        safety.handle_report(report.id, actor=street.coord, outcome="no_action")


def test_only_a_coordinator_of_the_neighbourhood_handles_a_report(street, make):
    report = _report(street, make)
    admin = make.admin()
    for outsider in (street.other_coord, admin, street.carla, street.anna):
        with pytest.raises(NotFound):
            safety.get_report(report.id, outsider)
        with pytest.raises(NotFound):
            safety.handle_report(report.id, actor=outsider, outcome="talked")


def test_a_coordinator_does_not_handle_a_report_about_themselves(street, make):
    make.listing(street.coord, "offer", title="Hulp met formulieren")
    second = make.coordinator(street.hood, name="Joke")
    report = safety.report(
        safety.ReportInput(reason="offensive", member_id=street.coord.id), actor=street.anna
    )
    assert kinds_of(street.coord) == []  # the one reported is not the one told
    with pytest.raises(NotAllowed):
        safety.handle_report(report.id, actor=street.coord, outcome="no_action")
    safety.handle_report(report.id, actor=second, outcome="talked")


# The pages ----------------------------------------------------------------------------------


def test_a_resident_reports_a_listing_through_the_form(client, login, street, make):
    listing = make.listing(street.bert, title="Geld lenen?")
    login(street.anna)
    page = client.get(f"/veiligheid/melden?oproep={listing.id}")
    assert page.status_code == 200 and "Geld lenen?" in page.get_data(as_text=True)
    refused = client.post(f"/veiligheid/melden?oproep={listing.id}", data={"text": "x"})
    assert refused.status_code == 422 and "error-summary" in refused.get_data(as_text=True)
    sent = client.post(
        f"/veiligheid/melden?oproep={listing.id}", data={"reason": "scam", "text": "Geld!"}
    )
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/hulp/{listing.id}")
    assert db.session.scalar(select(Report.reason)) == "scam"
    assert client.get("/veiligheid/melden").status_code == 200  # how to report
    assert client.get(f"/veiligheid/melden?lid={street.stranger.id}").status_code == 404


def test_the_coordinator_reads_and_handles_it_and_both_residents_see_who_looked(
    client, login, street, make
):
    report = _report(street, make)
    login(street.coord)
    make.reason(street.coord, street.anna, street.bert, reason="report")
    listed = client.get("/veiligheid/beheer/meldingen").get_data(as_text=True)
    assert f"/veiligheid/beheer/meldingen/{report.id}" in listed and "Bert" in listed
    page = client.get(f"/veiligheid/beheer/meldingen/{report.id}").get_data(as_text=True)
    assert "Geld lenen?" in page and "Hij vraagt om geld" in page
    logged = set(
        db.session.execute(select(AccessLogEntry.subject_id, AccessLogEntry.what)).tuples()
    )
    for subject in (street.anna.id, street.bert.id):
        assert (subject, "report") in logged and (subject, "report-list") in logged
    done = client.post(
        f"/veiligheid/beheer/meldingen/{report.id}",
        data={"outcome": "warned", "message_to_member": "Niet doen", "note": "Gebeld"},
    )
    assert done.status_code == 303
    assert db.session.get(Report, report.id).outcome == "warned"
    empty = client.get("/veiligheid/beheer/meldingen").get_data(as_text=True)
    assert "No reports wait for you." in empty


def test_other_staff_get_not_found_for_a_report(client, login, street, make):
    report = _report(street, make)
    for visitor in (street.other_coord, make.admin(), street.carla):
        login(visitor)
        assert client.get(f"/veiligheid/beheer/meldingen/{report.id}").status_code == 404
        client.post("/uitloggen")


# The API --------------------------------------------------------------------------------------


def test_the_api_takes_a_report_about_one_thing(api, street, make):
    listing = make.listing(street.bert, title="Geld lenen?")
    body = {"listing_id": listing.id, "reason": "scam", "text": "Vraagt geld"}
    response = api(street.anna).post("/reports", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "open"
    assert kinds_of(street.coord) == ["safety.report_waits"]
    api_error(api(street.anna).post("/reports", json={"reason": "scam", "text": "x"}), 422)
    both = {"listing_id": listing.id, "member_id": street.bert.id, "reason": "spam"}
    api_error(api(street.anna).post("/reports", json=both), 422)
    api_error(api(street.anna).post("/reports", json={**body, "reason": "boos"}), 422)
    unseen = {"member_id": street.stranger.id, "reason": "unsafe"}
    api_error(api(street.anna).post("/reports", json=unseen), 404)
    _match, message = _agreed_with_message(street, make)
    by_message = {"message_id": message.id, "reason": "scam"}
    assert api(street.anna).post("/reports", json=by_message).status_code == 201
    api_error(api(street.carla).post("/reports", json=by_message), 404)


def test_a_second_report_ending_in_suspension_keeps_the_first_suspension(street, make):
    make.listing(street.bert, "offer", title="Fietsen maken")  # both have seen Bert here
    first = safety.report(
        safety.ReportInput(reason="unsafe", member_id=street.bert.id), actor=street.anna
    )
    second = safety.report(
        safety.ReportInput(reason="scam", member_id=street.bert.id), actor=street.carla
    )
    safety.handle_report(first.id, actor=street.coord, outcome="suspended", message="Onveilig")
    safety.handle_report(second.id, actor=street.coord, outcome="suspended", message="Ook geld")
    assert db.session.get(Report, second.id).outcome == "suspended"
    assert street.bert.status == "suspended"
