"""A living marketplace for the demo town, made through the real services.

Every neighbourhood gets requests, offers and activities in every category, posted over the
last three weeks; matches in every state (reacted, agreed with a conversation, waiting for a
confirmation, confirmed and booked, cancelled, disputed); activities with sign-ups, one of
them full with a waiting list. bewoner001 (the login the README suggests) is in the middle
of it: reactions to answer, a conversation, minutes to confirm, unread notifications.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from buurthulp.auth.models import Member, RoleAssignment
from buurthulp.auth.roles import Role
from buurthulp.extensions import db
from buurthulp.i18n import LOCAL_TZ
from buurthulp.listings import activities
from buurthulp.listings.models import Listing
from buurthulp.listings.services import ListingInput, post_listing
from buurthulp.matches import services as matches
from buurthulp.models_base import utcnow

# category: (requests, offers); each a title and a description.
LISTINGS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "boodschappen": (
        [
            (
                "Boodschappen op zaterdag",
                "Ik loop slecht. Wie neemt mijn lijstje mee naar de markt?",
            ),
            ("Zware tassen van de supermarkt", "Eén keer per week water en melk halen."),
            ("Medicijnen ophalen bij de apotheek", "Ze liggen klaar, ik kan er niet heen."),
        ],
        [
            ("Ik doe uw boodschappen mee", "Ik ga elke donderdag naar de supermarkt."),
            ("Even iets halen bij de drogist", "Ik fiets toch langs het centrum."),
        ],
    ),
    "klussen-in-huis": (
        [
            ("Lamp ophangen in de woonkamer", "Ik heb de lamp al, maar geen ladder."),
            ("Kastje in elkaar zetten", "Een kastje van de bouwmarkt, met schroeven."),
            ("Kraan lekt", "Misschien alleen een nieuw rubbertje nodig."),
        ],
        [
            ("Kleine klussen in huis", "Schilderij ophangen, deur die klemt, gordijnrails."),
            ("Fietsband plakken", "Breng uw fiets langs, ik plak hem."),
        ],
    ),
    "tuin": (
        [
            ("Heg knippen voor de zomer", "De heg is te hoog voor mij geworden."),
            ("Hulp bij het onkruid", "Een uurtje samen in de tuin, ik zorg voor koffie."),
        ],
        [
            ("Ik maai uw gras", "Ik heb een maaier en tijd op zaterdag."),
            ("Stekjes en plantjes te geef", "Uit mijn eigen tuin, kom gerust kijken."),
        ],
    ),
    "vervoer-en-begeleiding": (
        [
            ("Mee naar het ziekenhuis", "Afspraak in het Radboud, ik wil niet alleen gaan."),
            ("Rit naar de huisarts", "Dinsdagochtend, het is maar tien minuten."),
        ],
        [
            ("Ik rijd u naar een afspraak", "Ik heb een auto en ben overdag vaak vrij."),
            ("Samen met de bus", "Ik ga mee en help met de ov-kaart."),
        ],
    ),
    "gezelschap-en-wandelen": (
        [
            ("Wie wandelt mee?", "Ik wil graag weer naar buiten, maar niet alleen."),
            ("Een kopje koffie en een praatje", "Ik zie niet zo veel mensen meer."),
            ("Samen een spelletje doen", "Ik hou van rummikub en scrabble."),
        ],
        [
            ("Ik kom graag op de koffie", "Ik hou van een goed gesprek."),
            ("Wandelmaatje gezocht en geboden", "Elke ochtend een rondje door het park."),
        ],
    ),
    "administratie-en-formulieren": (
        [
            ("Hulp met een brief van de gemeente", "Ik begrijp niet goed wat ze vragen."),
            ("Toeslag aanvragen", "Wie helpt mij met de formulieren online?"),
        ],
        [
            ("Ik help met formulieren", "Ik werkte bij een bank en lees graag mee."),
        ],
    ),
    "computer-en-telefoon": (
        [
            ("Videobellen met mijn kleinkinderen", "Hoe werkt dat op mijn telefoon?"),
            ("DigiD instellen", "Ik heb een nieuwe telefoon en kom er niet uit."),
        ],
        [
            ("Hulp met telefoon of tablet", "Geduldig uitleggen is mijn ding."),
            ("Computer sneller maken", "Ik kijk graag naar uw laptop."),
        ],
    ),
    "koken-en-maaltijden": (
        [
            ("Wie kookt een keer voor mij?", "Na mijn operatie lukt koken even niet."),
        ],
        [
            ("Een bord eten extra", "Ik kook altijd te veel: eet een keer mee."),
            ("Soep voor de buren", "Elke vrijdag een pan soep, haal gerust een bakje."),
        ],
    ),
    "huisdieren": (
        [
            ("Hond uitlaten", "Mijn knie is slecht; mijn hond Bobbie wil naar buiten."),
            ("Kat voeren tijdens vakantie", "Een week in mei, twee keer per dag."),
        ],
        [
            ("Oppas voor uw huisdier", "Ik ben gek op dieren en woon om de hoek."),
        ],
    ),
    "anders": (
        [
            ("Iemand die Arabisch spreekt", "Voor een brief van school, even meelezen."),
        ],
        [
            ("Naailes en kleding herstellen", "Knoop eraan, zoom korter: ik doe het graag."),
        ],
    ),
}

# title, place, category, capacity, recurrence, weekday (0 = Monday), hour
ACTIVITIES = [
    ("Koffieochtend", "Buurthuis De Klokkenberg", "gezelschap-en-wandelen", 12, "weekly", 2, 10),
    ("Samen eten", "Wijkcentrum De Horstacker", "koken-en-maaltijden", 20, "monthly", 4, 18),
    (
        "Wandelgroep door het park",
        "Ingang Goffertpark",
        "gezelschap-en-wandelen",
        15,
        "weekly",
        1,
        10,
    ),
    ("Computercafé", "Bibliotheek Zuid", "computer-en-telefoon", 6, "weekly", 3, 14),
    ("Klusmiddag voor de buurt", "Buurthuis 't Hert", "klussen-in-huis", 8, None, 5, 13),
    ("Spelletjesmiddag", "Buurthuis De Klokkenberg", "gezelschap-en-wandelen", 10, None, 0, 14),
]

MESSAGES = [
    "Hallo! Zaterdag om tien uur, past dat?",
    "Ja, dat is goed. Ik bel even aan.",
    "Fijn, tot dan!",
    "Ik neem mijn eigen gereedschap mee.",
]
REACTIONS = [
    "Ik kan u helpen, ik woon vlakbij.",
    "Dat wil ik wel doen! Wanneer komt het uit?",
    "Ik heb hier ervaring mee. Zal ik langskomen?",
]
LISTINGS_PER_RESIDENT = 1.1


def _residents_by_hood() -> dict[int, list[Member]]:
    residents = db.session.scalars(
        select(Member)
        .join(RoleAssignment)
        .where(RoleAssignment.role == Role.RESIDENT.value, Member.neighbourhood_id.is_not(None))
        .order_by(Member.id)
    ).all()
    by_hood: dict[int, list[Member]] = {}
    for member in residents:
        by_hood.setdefault(member.neighbourhood_id, []).append(member)
    return by_hood


def _profile(rng: random.Random, member: Member) -> None:
    """When they are free and how far they go: what suggestions explain themselves with."""
    member.availability = sum(bit for bit in (1, 2, 4, 8, 16, 32) if rng.random() < 0.35)
    member.radius_m = rng.choice([1000, 2000, 2000, 5000])
    member.languages = rng.choice(["nl", "nl", "nl", "nl,en", "nl,ar", "nl,tr"])
    if rng.random() < 0.6:  # a match partner sees it; nobody else ever does
        member.phone = f"06 {rng.randint(10_000_000, 99_999_999)}"


def _post(rng: random.Random, owner: Member, kind: str, category: str) -> Listing:
    requests, offers = LISTINGS[category]
    title, text = rng.choice(requests if kind == "request" else offers)
    posted = utcnow() - timedelta(days=rng.randint(0, 21), hours=rng.randint(0, 12))
    return post_listing(
        ListingInput(
            kind=kind,
            title=title,
            description=text,
            category=category,
            minutes_estimate=rng.choice([30, 45, 60, 60, 90, 120]),
            slots=rng.choice([0, 1, 8, 16, 9]),
            standing=kind == "offer" and rng.random() < 0.3,
        ),
        actor=owner,
        now=posted,
    )


def _next_weekday(weekday: int, hour: int, rng: random.Random) -> datetime:
    local = utcnow().astimezone(LOCAL_TZ) + timedelta(days=rng.randint(1, 6))
    local += timedelta(days=(weekday - local.weekday()) % 7)
    return local.replace(hour=hour, minute=0 if hour != 18 else 30, second=0, microsecond=0)


def _play_out(rng: random.Random, listing: Listing, helpers: list[Member], state: str) -> None:
    """Take a match as far as `state`, step by step, as the two neighbours would."""
    helper = rng.choice([h for h in helpers if h.id != listing.owner_id])
    match = matches.react(listing.id, actor=helper, message=rng.choice(REACTIONS))
    if state == "proposed":
        return
    owner = db.session.get_one(Member, listing.owner_id)
    matches.accept(match.id, actor=owner)
    pair = (helper, owner)
    for n, text in enumerate(MESSAGES[: rng.randint(2, 4)]):
        matches.post_message(match.id, actor=pair[n % 2], body=text)
    if state == "agreed":
        return
    if state == "cancelled":
        matches.cancel(match.id, actor=rng.choice(pair), reason="Het lukt deze week toch niet.")
        return
    # Whoever helped says it is done; the one who was helped pays.
    doer = helper if listing.kind == "request" else owner
    minutes = listing.minutes_estimate or 60
    matches.complete(match.id, actor=doer, minutes=minutes)
    other = owner if doer is helper else helper
    if state == "disputed":
        matches.dispute(match.id, actor=other, reason="Het was korter, eerder een half uur.")
    elif state == "done":
        outcome = matches.confirm(match.id, actor=other)
        if outcome.booked and rng.random() < 0.6:
            matches.leave_thanks(match.id, actor=other, body="Heel erg bedankt, echt fijn!")


STATES = ["proposed"] * 4 + ["agreed"] * 3 + ["awaiting"] * 2 + ["done"] * 4 + ["cancelled"] * 2


def add_demo_marketplace(rng: random.Random) -> None:
    """Listings, matches and activities in every neighbourhood; bewoner001 in the middle."""
    by_hood = _residents_by_hood()
    categories = list(LISTINGS)
    for neighbours in by_hood.values():
        for member in neighbours:
            _profile(rng, member)
        db.session.flush()
        posters = rng.sample(neighbours, min(len(neighbours), int(len(neighbours) * 0.8)))
        posted: list[Listing] = []
        for n in range(int(len(neighbours) * LISTINGS_PER_RESIDENT)):
            kind = "request" if rng.random() < 0.6 else "offer"
            posted.append(_post(rng, posters[n % len(posters)], kind, categories[n % 10]))
        for listing in rng.sample(posted, len(posted) // 3):
            state = rng.choice(STATES)
            _play_out(
                rng, listing, neighbours, "awaiting_confirmation" if state == "awaiting" else state
            )
        _activities(rng, neighbours)
    _disputes(rng, by_hood)
    _bewoner001(rng, by_hood)


def _activities(rng: random.Random, neighbours: list[Member]) -> None:
    small = [a for a in ACTIVITIES if a[3] <= 8]
    chosen = [rng.choice(small), *rng.sample([a for a in ACTIVITIES if a[3] > 8], 2)]
    for title, place, category, capacity, recurrence, weekday, hour in chosen:
        organiser = rng.choice(neighbours)
        activity = post_listing(
            ListingInput(
                kind="activity",
                title=title,
                description="Iedereen is welkom. Neem gerust een buur mee.",
                category=category,
                starts_at=_next_weekday(weekday, hour, rng),
                place_label=place,
                capacity=capacity,
                recurrence=recurrence,
                credits=title == "Computercafé",
            ),
            actor=organiser,
        )
        others = [m for m in neighbours if m.id != organiser.id]
        # The smallest one fills up and gets a waiting list.
        count = capacity + 2 if capacity <= 8 else rng.randint(2, capacity - 2)
        for member in rng.sample(others, min(count, len(others))):
            activities.sign_up(activity.id, actor=member)


def _disputes(rng: random.Random, by_hood: dict[int, list[Member]]) -> None:
    """At least one disputed match where each coordinator works, for the staff views."""
    for neighbours in by_hood.values():
        owner = rng.choice(neighbours)
        listing = _post(rng, owner, "request", rng.choice(categories_with_requests()))
        _play_out(rng, listing, neighbours, "disputed")


def categories_with_requests() -> list[str]:
    return [slug for slug, (requests, _offers) in LISTINGS.items() if requests]


def _bewoner001(rng: random.Random, by_hood: dict[int, list[Member]]) -> None:
    """The README's first login sees every kind of thing waiting for them."""
    me = db.session.scalar(select(Member).where(Member.email.like("bewoner001@%")))
    if me is None:
        return
    neighbours = [m for m in by_hood[me.neighbourhood_id] if m.id != me.id]
    helpers = rng.sample(neighbours, 6)
    # Two neighbours reacted to my request: which one do I choose?
    shopping = _post(rng, me, "request", "boodschappen")
    for helper in helpers[:2]:
        matches.react(shopping.id, actor=helper, message=rng.choice(REACTIONS))
    # An agreed match with a conversation going on.
    lamp = _post(rng, me, "request", "klussen-in-huis")
    match = matches.react(lamp.id, actor=helpers[2], message="Ik heb een ladder, zal ik komen?")
    matches.accept(match.id, actor=me)
    matches.post_message(match.id, actor=helpers[2], body=MESSAGES[0])
    matches.post_message(match.id, actor=me, body=MESSAGES[1])
    matches.post_message(match.id, actor=helpers[2], body=MESSAGES[3])
    # Help that is done and waits for my confirmation.
    garden = _post(rng, me, "request", "tuin")
    match = matches.react(garden.id, actor=helpers[3], message="Ik kom zaterdag knippen.")
    matches.accept(match.id, actor=me)
    matches.complete(match.id, actor=helpers[3], minutes=90)
    # I helped someone: confirmed, booked, and thanked.
    walk = _post(rng, helpers[4], "request", "gezelschap-en-wandelen")
    match = matches.react(walk.id, actor=me, message="Ik wandel graag mee!")
    matches.accept(match.id, actor=helpers[4])
    matches.complete(match.id, actor=me, minutes=60)
    matches.confirm(match.id, actor=helpers[4])
    matches.leave_thanks(match.id, actor=helpers[4], body="Wat een fijne wandeling, dank je!")
    # My offer, and a coffee morning I signed up for.
    _post(rng, me, "offer", "computer-en-telefoon")
    coffee = db.session.scalar(
        select(Listing)
        .where(Listing.kind == "activity", Listing.neighbourhood_id == me.neighbourhood_id)
        .order_by(Listing.id)
    )
    if coffee is not None and coffee.owner_id != me.id:
        activities.sign_up(coffee.id, actor=me)
