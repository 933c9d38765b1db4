"""A busy resident: matches in every state, messages, a negative balance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from buurthulp.accounts.services import update_profile
from buurthulp.auth.models import Member
from buurthulp.matches import services as matches
from buurthulp.matches.models import Match


@dataclass
class Busy:
    member: Member
    matches: dict[str, Match]


def agreed(make: Any, owner: Member, helper: Member, kind: str = "request", **kw: Any) -> Match:
    listing = make.listing(owner, kind, **kw)
    match = matches.react(listing.id, actor=helper, message=f"{helper.display_name} helpt")
    return matches.accept(match.id, actor=owner)


def make_busy(make: Any, member: Member, bert: Member, carla: Member) -> Busy:
    """`member` in a match of every state with `bert` and `carla`, and owing time."""
    update_profile(
        member,
        interests="wandelen",
        talents="koken",
        availability=3,
        radius_m=1500,
        languages="nl",
        phone="06 1234 5678",
        actor=member,
    )
    found: dict[str, Match] = {}
    proposed = make.listing(member, description="Mijn sleutel ligt bij de buren")
    found["proposed"] = matches.react(proposed.id, actor=bert, message="Ik kan dinsdag")
    found["agreed"] = agreed(make, member, bert)
    matches.post_message(found["agreed"].id, actor=member, body="Bel aan bij nummer 12")
    matches.post_message(found["agreed"].id, actor=bert, body="Ik kom om tien uur")
    # Help received, marked done by the helper: waits for the member to confirm.
    waiting = agreed(make, member, carla)
    found["awaiting_payer"] = matches.complete(waiting.id, actor=carla, minutes=60)
    # An offer of the member: carla pays, the member would receive.
    offer = agreed(make, member, carla, "offer")
    found["awaiting_payee"] = matches.complete(offer.id, actor=carla, minutes=45)
    done = agreed(make, member, bert)
    matches.complete(done.id, actor=bert, minutes=120)
    matches.confirm(done.id, actor=member)
    found["done"] = done
    matches.leave_thanks(done.id, actor=member, body="Dank je wel lieve Bert")
    asked = make.listing(member)
    found["invited"] = matches.invite(asked.id, carla.id, actor=member, message="Kun jij?")
    disputed = agreed(make, member, bert)
    matches.complete(disputed.id, actor=bert, minutes=200)
    found["disputed"] = matches.dispute(disputed.id, actor=member, reason="Het was korter")
    theirs = make.listing(bert)
    found["reacted"] = matches.react(theirs.id, actor=member, message="Ik help je graag")
    return Busy(member, found)
