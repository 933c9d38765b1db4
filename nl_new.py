"""New msgids of feat-coord (what waits for a coordinator) with their Dutch, to merge into
buurthulp/translations/nl/LC_MESSAGES/messages.po. Residents are "je"; B1 Dutch."""

NL = {
    # Notifications to the parties.
    "“%(title)s” was confirmed automatically after 14 days without an answer: "
    "%(minutes)s booked.": "“%(title)s” is vanzelf bevestigd, omdat er na 14 dagen geen "
    "antwoord kwam: %(minutes)s geboekt.",
    "“%(title)s” could not be confirmed automatically: your balance is at its lower limit. "
    "A coordinator will help. You do not need to do anything.": "“%(title)s” kon niet vanzelf "
    "bevestigd worden: je saldo staat op de ondergrens. Een coördinator helpt. Je hoeft zelf "
    "niets te doen.",
    "%(by)s asked the coordinator to add time from the solidarity pool for “%(title)s”, "
    "on your behalf.": "%(by)s heeft voor jou aan de coördinator gevraagd om tijd uit de "
    "solidariteitspot bij te passen voor “%(title)s”.",
    "A coordinator settled the minutes for “%(title)s”: %(minutes)s booked. %(note)s": "Een "
    "coördinator heeft besloten over de minuten voor “%(title)s”: %(minutes)s geboekt. "
    "%(note)s",
    "A coordinator cancelled “%(title)s”. No time is booked. %(note)s": "Een coördinator heeft "
    "“%(title)s” geannuleerd. Er is geen tijd geboekt. %(note)s",
    # Notifications to coordinators.
    "%(by)s does not agree with the minutes for “%(title)s”. A coordinator decides.": "%(by)s "
    "is het niet eens met de minuten voor “%(title)s”. Een coördinator beslist.",
    "%(by)s asks for a contribution from the solidarity pool for “%(title)s”.": "%(by)s vraagt "
    "om een bijdrage uit de solidariteitspot voor “%(title)s”.",
    "“%(title)s” could not be confirmed automatically: the payer's balance is at its lower "
    "limit.": "“%(title)s” kon niet vanzelf bevestigd worden: het saldo van wie betaalt staat "
    "op de ondergrens.",
    "“%(title)s” waits for you to confirm: the payer is helped through a coordinator, so it "
    "is not confirmed automatically.": "“%(title)s” wacht op jouw bevestiging: wie betaalt, "
    "krijgt hulp via een coördinator. Daarom wordt het niet vanzelf bevestigd.",
    # Home card, staff page, reasons.
    "Waits for a coordinator": "Wacht op een coördinator",
    "Disputed minutes and payments that need the solidarity pool.": "Minuten waarover men het "
    "niet eens is, en betalingen die de solidariteitspot nodig hebben.",
    "The minutes are disputed": "Ze zijn het niet eens over de minuten",
    "Asks for a contribution from the solidarity pool": "Vraagt om een bijdrage uit de "
    "solidariteitspot",
    "Limit reached: not confirmed automatically": "Limiet bereikt: niet vanzelf bevestigd",
    "Waits for a coordinator: the payer is helped through a coordinator": "Wacht op een "
    "coördinator: wie betaalt, krijgt hulp via een coördinator",
    "You in the list of matches that wait for a coordinator": "Jij in de lijst van matches "
    "die wachten op een coördinator",
    "Matches in your neighbourhoods that a coordinator needs to look at. The one that waits "
    "longest is at the top.": "Matches in jouw buurten waar een coördinator naar moet kijken. "
    "Wat het langst wacht, staat bovenaan.",
    "Match": "Match",
    "Why it waits": "Waarom het wacht",
    "Since": "Sinds",
    "Opening this list is recorded in the privacy log of the residents it shows.": "Als je "
    "deze lijst opent, komt dat in het privacylogboek van de bewoners die erin staan.",
    "Nothing waits for a coordinator right now.": "Er wacht nu niets op een coördinator.",
    # The match page, for coordinators.
    "since %(when)s": "sinds %(when)s",
    "%(name)s marked it done with %(time)s.": "%(name)s heeft het klaar gemeld met %(time)s.",
    "%(name)s does not agree:": "%(name)s is het er niet mee eens:",
    "Is the payer's balance too low for the minutes? Then first add time from the solidarity "
    "pool.": "Is het saldo van wie betaalt te laag voor deze minuten? Geef dan eerst tijd uit "
    "de solidariteitspot.",
    "Settle the dispute": "Besluit vastleggen",
    "Confirm on behalf of %(name)s": "Bevestigen namens %(name)s",
    "The payer's balance is at its lower limit. First add time from the solidarity pool, "
    "then confirm here.": "Het saldo van wie betaalt staat op de ondergrens. Geef eerst tijd "
    "uit de solidariteitspot en bevestig dan hier.",
    "Grant time from the pool first": "Geef eerst tijd uit de pot",
    "You are part of this match: another coordinator settles it.": "Je doet zelf mee aan deze "
    "match. Een andere coördinator beslist.",
    "Contribution for “%(title)s”": "Bijdrage voor “%(title)s”",
    "The dispute is settled. Both are told.": "Het besluit is vastgelegd. Allebei krijgen "
    "ze bericht.",
    # The match page, for the parties.
    "The coordinator was asked to add time from the solidarity pool. They will get back to "
    "you.": "De coördinator is gevraagd om tijd uit de solidariteitspot bij te passen. Die "
    "neemt contact met je op.",
    # The decision form.
    "What do you decide?": "Wat besluit je?",
    "Confirm the minutes as given": "De opgegeven minuten bevestigen",
    "Confirm other minutes": "Andere minuten bevestigen",
    "Cancel the match: no time is booked": "De match annuleren: er wordt geen tijd geboekt",
    "Choose what you decide.": "Kies wat je besluit.",
    "The right number of minutes": "Het juiste aantal minuten",
    "Only when you confirm other minutes.": "Alleen als je andere minuten bevestigt.",
    "A note for both": "Een bericht voor allebei",
    "Both read this. Needed when you change the minutes or cancel.": "Allebei lezen dit. Nodig "
    "als je de minuten verandert of annuleert.",
    # Refusals.
    "Only the two people in this match can ask for this.": "Alleen de twee mensen in deze "
    "match kunnen dit vragen.",
    "You are part of this match. Ask another coordinator to settle it.": "Je doet zelf mee aan "
    "deze match. Vraag een andere coördinator om te beslissen.",
    "Only a coordinator of this neighbourhood can settle this.": "Alleen een coördinator van "
    "deze buurt kan hierover beslissen.",
    "The minutes of this match are not disputed.": "Over de minuten van deze match is geen "
    "onenigheid.",
    "This dispute was already settled.": "Hierover is al besloten.",
    "Write a short note for both: what you decided and why.": "Schrijf een kort bericht voor "
    "allebei: wat je besluit en waarom.",
}
