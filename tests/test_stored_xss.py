"""Stored XSS: script in every free text a member, a coordinator or an admin can write
comes back escaped wherever it is shown.

A town is built through the services with a payload (`<script>alert(1)</script>`,
`"><img src=x onerror=alert(1)>`, `'><svg onload=alert(1)>`, and one that closes a
<textarea>) in each free-text field: display names (the name rules refuse control and
format characters and role words, not markup, so every name carries one), a listing's
title, description, tags and place, a reaction, messages, thank-you notes, a report and its
handling, moderation, suspension and lifting, a block (names only: a block has no text),
the vulnerable mark, a proxy resident's name and what is written on her behalf, profile
interests and talents, the ledger's descriptions and reasons, a limit change, the
"why do you open this?" words, work-queue and erasure notes (all in the audit log), and a
neighbourhood and a category named by an admin. The public-text checks refuse phone
numbers, e-mail addresses, street addresses and IBANs in public texts; none of the payloads
looks like one, so they pass.

Then every page that shows them is read as the member who may see it, and no HTML response
may hold a payload's markup unescaped (while each page shows at least one payload escaped,
so a page that shows none proves nothing and fails too). The JSON export holds the payloads
only as JSON strings, served as an attachment that is not HTML (and `nosniff`), so no
browser runs it. Mails are plain text only (no HTML part): there a payload is harmless
text, shown as the member typed it.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import pytest
from markupsafe import escape

from buurthulp.access.reasons import give_reason
from buurthulp.accounts.services import update_profile
from buurthulp.auth.models import Member
from buurthulp.backoffice import residents, trust
from buurthulp.ledger import services as ledger
from buurthulp.listings import activities
from buurthulp.listings.categories import add_category
from buurthulp.listings.models import Listing
from buurthulp.listings.services import ListingInput, post_listing
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match
from buurthulp.neighbourhoods.services import save_neighbourhood
from buurthulp.privacy.erasure import erase
from buurthulp.safety import moderation, suspension
from buurthulp.safety import services as safety
from buurthulp.work import queue as work
from tests.factories import CENTRUM

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
)
#: What must never reach a page unescaped: the start of each payload's markup.
RAW = ("<script>alert(1)", "<img src=x onerror", "<svg onload", "</textarea><script")
#: What each payload's markup looks like escaped (Jinja: < > " ' become entities).
ESCAPED = ("&lt;script&gt;alert(1)", "&lt;img src=x onerror", "&lt;svg onload")


class Pen:
    """Writes the texts, and remembers them (each must show up, escaped, on some page)."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self._turn = itertools.cycle(PAYLOADS)

    def evil(self, label: str) -> str:
        """A short text (a name, a title): a word to find it by, and the next payload."""
        self.written.append(f"{label} {next(self._turn)}")
        return self.written[-1]

    def all_of(self, label: str) -> str:
        """A long text (a description, a message): every payload at once."""
        self.written.append(f"{label}: " + " ".join(PAYLOADS))
        return self.written[-1]


@dataclass
class Town:
    written: list[str]
    forgotten: list[str]  # about an erased member: on no page
    admin: Member
    coord: Member
    anna: Member  # asks; reports; blocks Dirk
    bert: Member  # helps; warned, one listing hidden
    carla: Member  # organises; suspended and back
    dirk: Member  # marked vulnerable; blocked by Anna
    truus: Member  # not online: her coordinator acts for her
    hood_id: int
    category_id: int
    request: Listing
    offer: Listing
    hidden: Listing
    activity: Listing
    match: Match  # Anna and Bert, done and thanked
    disputed: Match
    cancelled: Match
    for_truus: Match
    truus_reacted: Match
    report_id: int  # handled
    open_report_id: int  # about a message, waits


def _profile(member: Member, *words: str) -> None:
    update_profile(
        member,
        interests=[*words, "tuin"],
        talents=[*reversed(words), "koken"],
        availability=3,
        radius_m=2000,
        languages="nl",
        phone="06 12345678",
        actor=member,
    )


def _agreed(listing: Listing, owner: Member, helper: Member, message: str) -> Match:
    match = matches.react(listing.id, actor=helper, message=message)
    return matches.accept(match.id, actor=owner)


@pytest.fixture
def town(make: Any, mailbox: list[Any]) -> Town:
    pen = Pen()
    evil, all_of = pen.evil, pen.all_of
    admin = make.admin(name=evil("Ada"))
    hood = save_neighbourhood(
        actor=admin, name=evil("Buurt"), pc4_codes=list(CENTRUM), description=all_of("Buurt")
    )
    category = add_category(hood.id, name=evil("Klussen"), actor=admin)
    coord = make.coordinator(hood, name=evil("Marieke"))
    anna = make.resident(hood, name=evil("Anna"))
    bert = make.resident(hood, name=evil("Bert"))
    carla = make.resident(hood, name=evil("Carla"))
    dirk = make.resident(hood, name=evil("Dirk"))
    eve = make.resident(hood, name=evil("Eve"))
    _profile(anna, *PAYLOADS[:2])
    _profile(bert, *PAYLOADS[2:])

    def listing(owner: Member, kind: str, label: str, **fields: Any) -> Listing:
        data = ListingInput(
            kind=kind,
            title=evil(label),
            description=all_of(label),
            category=category.slug,
            tags=list(PAYLOADS[:2]),
            **fields,
        )
        return post_listing(data, actor=owner)

    request = listing(anna, "request", "Lamp")
    offer = listing(bert, "offer", "Fiets")
    hidden = listing(bert, "offer", "Verkoop")
    activity = make.listing(
        carla,
        "activity",
        title=evil("Koffie"),
        description=all_of("Koffie"),
        place_label=evil("Buurthuis"),
    )
    activities.sign_up(activity.id, actor=anna)
    activities.message_attendees(activity.id, actor=carla, body=all_of("Aan allen"))

    # A match from reaction to thanks, with messages both ways.
    match = _agreed(request, anna, bert, all_of("Reactie"))
    matches.post_message(match.id, actor=anna, body=all_of("Anna schrijft"))
    said = matches.post_message(match.id, actor=bert, body=all_of("Bert schrijft"))
    matches.complete(match.id, actor=bert, minutes=30)
    matches.confirm(match.id, actor=anna)
    matches.leave_thanks(match.id, actor=anna, body=all_of("Dank"))
    matches.leave_thanks(match.id, actor=bert, body=all_of("Graag gedaan"))
    disputed = _agreed(listing(anna, "request", "Heg"), anna, bert, all_of("Heg"))
    matches.complete(disputed.id, actor=bert, minutes=200)
    matches.dispute(disputed.id, actor=anna, reason=all_of("Onenigheid"))
    cancelled = _agreed(listing(anna, "request", "Kast"), anna, carla, all_of("Kast"))
    matches.cancel(cancelled.id, actor=carla, reason=all_of("Afgezegd"))

    # The time bank: thanks, a gift to the pool, a grant, new limits, a reversal.
    thanked = ledger.thank(
        payer=anna, to_member_id=bert.id, minutes=15, description=evil("Bedankt"), actor=anna
    )
    ledger.donate(payer=bert, minutes=30, description=evil("Voor de pot"), actor=bert)
    ledger.grant(
        neighbourhood_id=hood.id,
        to_member_id=carla.id,
        minutes=10,
        description=evil("Uit de pot"),
        actor=coord,
    )
    ledger.change_limits(
        member_id=anna.id, lower=-600, upper=3000, actor=coord, reason=evil("Afspraak")
    )
    ledger.reverse(transfer_id=thanked.transfer.id, actor=coord, reason=evil("Vergissing"))

    # Safeguards: reports, their handling, moderation, a suspension and its lifting, a block.
    handled = safety.report(
        safety.ReportInput(reason="other", text=all_of("Melding"), listing_id=offer.id),
        actor=anna,
    )
    safety.handle_report(
        handled.id,
        actor=coord,
        outcome="warned",
        note=all_of("Notitie"),
        message=all_of("Waarschuwing"),
    )
    waiting = safety.report(
        safety.ReportInput(reason="offensive", text=all_of("Bericht"), message_id=said.id),
        actor=anna,
    )
    moderation.hide(hidden.id, actor=coord, reason=all_of("Verborgen"))
    suspension.suspend(carla.id, actor=coord, reason=all_of("Schorsing"))
    suspension.lift(carla.id, actor=coord, note=all_of("Terug"))
    make.listing(dirk, "offer", title=evil("Dirks aanbod"))  # Anna has seen Dirk here
    safety.block(dirk.id, actor=anna)

    # The back office: trust, the vulnerable mark, a handled queue item, the reasons.
    trust.set_trust(anna.id, step="in-person", note=all_of("Ontmoet"), actor=coord)
    residents.mark_vulnerable(dirk.id, reason=evil("Kwetsbaar"), note=all_of("Zorg"), actor=coord)
    work.handle_item("verify", eve.id, note=all_of("Gebeld"), actor=coord)
    erase(eve, actor=coord, note=all_of("Op verzoek"))
    # Erasure forgets her name and the note about her: no page may show them any more.
    forgotten = [t for t in pen.written if t.startswith(("Eve ", "Gebeld: "))]
    pen.written = [t for t in pen.written if t not in forgotten]

    # A resident who is not online, and what her coordinator does for her.
    truus = residents.create_proxy_resident(
        actor=coord,
        display_name=evil("Truus"),
        postcode=f"{CENTRUM[0]}AB",
        house_number="7",
        phone="06 87654321",
        consent_how="paper",
    )
    asked = post_listing(
        ListingInput(kind="request", title=evil("Boodschappen"), description=all_of("Truus")),
        actor=coord,
        owner=truus,
    )
    for_truus = matches.react(asked.id, actor=bert, message=all_of("Voor Truus"))
    matches.accept(for_truus.id, actor=coord, on_behalf_of=truus)
    matches.post_message(for_truus.id, actor=coord, body=all_of("Namens"), on_behalf_of=truus)
    truus_reacted = matches.react(
        offer.id, actor=coord, message=all_of("Truus reageert"), on_behalf_of=truus
    )

    give_reason(viewer=coord, subject_ids=[anna.id], reason="other", explanation=evil("Controle"))
    make.reason(coord, bert, carla, dirk, truus)
    return Town(
        written=pen.written,
        forgotten=forgotten,
        admin=admin,
        coord=coord,
        anna=anna,
        bert=bert,
        carla=carla,
        dirk=dirk,
        truus=truus,
        hood_id=hood.id,
        category_id=category.id,
        request=request,
        offer=offer,
        hidden=hidden,
        activity=activity,
        match=match,
        disputed=disputed,
        cancelled=cancelled,
        for_truus=for_truus,
        truus_reacted=truus_reacted,
        report_id=handled.id,
        open_report_id=waiting.id,
    )


def _pages(t: Town) -> dict[str, list[str]]:
    """Who reads which pages (by the member's attribute name on Town). Staff first: what
    they open is in the residents' access logs, which the residents then read."""
    truus = f"/beheer/namens/{t.truus.id}"
    return {
        "coord": [
            "/",
            "/beheer/werklijst",
            f"/beheer/werklijst/verify/{t.bert.id}/afgehandeld",
            f"/beheer/bewoners/{t.anna.id}",
            f"/beheer/bewoners/{t.anna.id}/vertrouwen",
            f"/beheer/bewoners/{t.dirk.id}",
            f"/beheer/bewoners/{t.dirk.id}/kwetsbaar",
            "/veiligheid/beheer/meldingen",
            f"/veiligheid/beheer/meldingen/{t.report_id}",
            f"/veiligheid/beheer/meldingen/{t.open_report_id}",
            "/veiligheid/beheer/oproepen",
            f"/veiligheid/beheer/oproepen/{t.hidden.id}",
            f"/veiligheid/beheer/leden/{t.carla.id}/schorsing",
            "/beheer/namens",
            truus,
            f"{truus}/hulpvraag",
            f"{truus}/hulp",
            f"{truus}/matches/{t.for_truus.id}",
            f"{truus}/matches/{t.truus_reacted.id}",
            f"{truus}/overzicht",
            f"{truus}/welkomstbrief",
            f"/privacy/leden/{t.anna.id}",
            f"/privacy/leden/{t.truus.id}",
            "/beheer/logboek/",
            f"/beheer/logboek/?lid={t.anna.id}",
            "/tijdbank/beheer",
            f"/tijdbank/beheer/leden/{t.anna.id}",
            f"/tijdbank/beheer/pot/{t.hood_id}",
            f"/tijdbank/beheer/buurt/{t.hood_id}/leden",
            "/matches/beheer",
            f"/matches/{t.disputed.id}",
        ],
        "admin": [
            "/beheer/",
            f"/beheer/buurten/{t.hood_id}",
            f"/beheer/buurten/{t.hood_id}/categorieen",
            f"/beheer/buurten/{t.hood_id}/categorieen/{t.category_id}",
            "/beheer/rollen",
            "/beheer/logboek/",
        ],
        "anna": [
            "/",
            "/hulp/",
            f"/hulp/{t.request.id}",
            f"/hulp/{t.request.id}/bewerken",
            f"/hulp/{t.request.id}/afdrukken",
            f"/hulp/{t.request.id}/suggesties",
            f"/hulp/{t.offer.id}",
            "/hulp/mijn",
            "/matches/",
            f"/matches/{t.match.id}",
            f"/matches/{t.disputed.id}",
            f"/matches/{t.cancelled.id}",
            "/notificaties/",
            "/tijdbank/",
            "/account",
            "/account/profiel",
            "/account/inzage",
            "/account/mijn-gegevens",
            "/account/mijn-gegevens/gegevens.html",
            f"/veiligheid/melden?oproep={t.offer.id}",
            f"/veiligheid/blokkeren/{t.dirk.id}",
        ],
        "bert": [
            "/hulp/",
            f"/hulp/{t.hidden.id}",
            f"/hulp/{t.offer.id}",
            "/hulp/mijn",
            f"/matches/{t.match.id}",
            f"/matches/{t.for_truus.id}",
            f"/matches/{t.truus_reacted.id}",
            "/notificaties/",
            "/tijdbank/",
            "/account/inzage",
        ],
        "carla": [
            f"/hulp/{t.activity.id}",
            f"/hulp/{t.activity.id}/deelnemers",
            f"/matches/{t.cancelled.id}",
            "/notificaties/",
            "/tijdbank/",
        ],
    }


def _unescaped(where: str, html: str) -> list[str]:
    """Each raw payload found, with a little of what surrounds it; or that none showed."""
    found = []
    for raw in RAW:
        start = html.find(raw)
        if start != -1:
            found.append(
                f"{where}: {raw!r} unescaped in …{html[max(0, start - 80) : start + 60]!r}"
            )
    if not any(escaped in html for escaped in ESCAPED):
        found.append(f"{where}: shows no payload at all (pick a page that does)")
    return found


def test_every_page_shows_what_was_written_escaped(town, client, login) -> None:
    problems, seen = [], []
    for who, paths in _pages(town).items():
        login(getattr(town, who))
        for path in paths:
            response = client.get(path)
            where = f"{who} GET {path}"
            if response.status_code != 200:
                problems.append(f"{where}: {response.status_code}")
                continue
            assert response.mimetype == "text/html", where
            seen.append(response.get_data(as_text=True))
            problems += _unescaped(where, seen[-1])
    login(town.coord)
    printed = client.post(f"/privacy/leden/{town.anna.id}/export", data={"format": "html"})
    assert printed.status_code == 200 and printed.mimetype == "text/html"
    problems += _unescaped("coord POST export (page)", printed.get_data(as_text=True))
    assert not problems, "\n".join(problems)
    # And each text written was on some page (so every field was looked at).
    pages = "\n".join(seen)
    assert not [t for t in town.written if str(escape(t)) not in pages]
    assert town.forgotten and not [t for t in town.forgotten if str(escape(t)) in pages]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_json_export_holds_the_payloads_only_as_json_strings(town, client, login) -> None:
    login(town.anna)
    mine = client.get("/account/mijn-gegevens/gegevens.json")
    login(town.coord)
    theirs = client.post(f"/privacy/leden/{town.truus.id}/export", data={"format": "json"})
    for response in (mine, theirs):
        assert response.status_code == 200
        # Not HTML, and a download the browser may not sniff into HTML: never rendered.
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")
        data = json.loads(response.get_data(as_text=True))
        text = "\n".join(_strings(data))
        # The payloads come back as the member typed them, inside JSON strings.
        assert any(payload in text for payload in PAYLOADS), text[:500]
    assert town.truus.display_name in _strings(json.loads(theirs.get_data(as_text=True)))


def test_mails_are_plain_text_where_a_payload_is_harmless(town, mailbox) -> None:
    assert mailbox, "the town sent no mail"
    carrying = []
    for mail in mailbox:
        # One plain-text part: no HTML alternative a mail client would render.
        assert not mail.is_multipart(), mail["Subject"]
        assert mail.get_content_type() == "text/plain", mail["Subject"]
        body = mail.get_content()
        if any(payload in body or payload in str(mail["Subject"]) for payload in PAYLOADS):
            carrying.append(mail["Subject"])
    assert carrying, [m["Subject"] for m in mailbox]  # some did carry a payload, as text
