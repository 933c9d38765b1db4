"""Dutch for the new msgids of the safeguards (blocks, reports, suspension, moderation).

Merged into buurthulp/translations/nl/LC_MESSAGES/messages.po at the merge.
"""

NL = {
    # Listing status, notifications, access log
    "hidden by a coordinator": "verborgen door een coördinator",
    "A report you made, or one about you": "Een melding die je deed, of een melding over jou",
    "You in the list of reports that wait for a coordinator": (
        "Jij in de lijst met meldingen die wachten op een coördinator"
    ),
    "Your listing, to check it": "Je oproep, om die te controleren",
    "You in the list of listings to check": "Jij in de lijst met oproepen om te controleren",
    "Your account, to suspend it or lift a suspension": (
        "Je account, om het te schorsen of een schorsing op te heffen"
    ),
    "A neighbour made a report. It waits for you on the reports page.": (
        "Een buur heeft iets gemeld. De melding wacht op je bij Meldingen."
    ),
    "A coordinator has handled your report. Thank you for telling us.": (
        "Een coördinator heeft je melding behandeld. Dank je wel dat je het liet weten."
    ),
    "A coordinator warns you: %(message)s": "Een coördinator waarschuwt je: %(message)s",
    "A new listing waits for your check: “%(title)s”.": (
        "Een nieuwe oproep wacht op je controle: “%(title)s”."
    ),
    "Your listing “%(title)s” is checked. Neighbours can see it now.": (
        "Je oproep “%(title)s” is gecontroleerd. Buren kunnen hem nu zien."
    ),
    "Your listing “%(title)s” is not placed. The coordinator says: %(reason)s": (
        "Je oproep “%(title)s” is niet geplaatst. De coördinator zegt: %(reason)s"
    ),
    "A coordinator has hidden your listing “%(title)s”: %(reason)s": (
        "Een coördinator heeft je oproep “%(title)s” verborgen: %(reason)s"
    ),
    "Your listing “%(title)s” can be seen again.": "Je oproep “%(title)s” is weer te zien.",
    "The other person in “%(title)s” cannot use Buurthulp for now. A coordinator takes over "
    "this match and will contact you.": (
        "De ander in “%(title)s” kan Buurthulp voorlopig niet gebruiken. Een coördinator "
        "neemt deze match over en neemt contact met je op."
    ),
    "“%(title)s” waits for you: one of the two cannot use Buurthulp for now.": (
        "“%(title)s” wacht op jou: een van de twee kan Buurthulp voorlopig niet gebruiken."
    ),
    "Your account works again. Your listings are paused: open them again when you are ready.": (
        "Je account werkt weer. Je oproepen staan op pauze: zet ze weer open als je er klaar "
        "voor bent."
    ),
    "Reports": "Meldingen",
    "What neighbours reported, and what waits for your decision.": (
        "Wat buren meldden, en wat wacht op jouw besluit."
    ),
    "Listings to check": "Oproepen om te controleren",
    "New members' first listings, and hidden listings.": (
        "De eerste oproepen van nieuwe leden, en verborgen oproepen."
    ),
    # Matches
    "You cannot agree with this neighbour.": "Je kunt geen afspraak maken met deze buur.",
    "This neighbour cannot take part right now.": "Deze buur kan nu niet meedoen.",
    "You cannot write to each other any more. Your coordinator can help if needed.": (
        "Jullie kunnen elkaar niet meer schrijven. Je coördinator kan helpen als dat nodig is."
    ),
    "Thank you! A coordinator checks your listing before neighbours see it. "
    "We let you know soon.": (
        "Dank je wel! Een coördinator kijkt eerst naar je oproep voordat buren hem zien. "
        "Je hoort snel van ons."
    ),
    # Forms
    "What is wrong?": "Wat is er mis?",
    "Choose what is wrong.": "Kies wat er mis is.",
    "What happened?": "Wat is er gebeurd?",
    "Only coordinators read this. The person you report does not see who reported.": (
        "Alleen coördinatoren lezen dit. Wie je meldt, ziet niet wie de melding deed."
    ),
    "What did you do?": "Wat heb je gedaan?",
    "Choose what you did.": "Kies wat je hebt gedaan.",
    "Note for coordinators": "Notitie voor coördinatoren",
    "Only coordinators read this. The one who reported hears only that it is handled.": (
        "Alleen coördinatoren lezen dit. Wie meldde, hoort alleen dat het is behandeld."
    ),
    "What the member reads": "Wat het lid leest",
    "Needed for a warning, a hidden listing or a suspension.": (
        "Nodig bij een waarschuwing, een verborgen oproep of een schorsing."
    ),
    "The owner reads this. Needed when you refuse or hide a listing.": (
        "De eigenaar leest dit. Nodig als je een oproep niet plaatst of verbergt."
    ),
    "Why do you suspend this account?": "Waarom schors je dit account?",
    "The member reads this in an e-mail. It is kept in the audit log.": (
        "Het lid leest dit in een e-mail. Het wordt bewaard in het logboek."
    ),
    "Note (optional)": "Notitie (mag leeg blijven)",
    "Kept in the audit log.": "Wordt bewaard in het logboek.",
    # Labels
    "Rude or hurtful": "Ongepast of kwetsend",
    "A scam, or asking for money": "Oplichting of geld vragen",
    "I do not feel safe": "Onveilig gevoel",
    "Spam or advertising": "Spam of reclame",
    "No action needed": "Geen actie nodig",
    "Talked with the member": "Gesprek gevoerd",
    "Warning given": "Waarschuwing gegeven",
    "Listing hidden": "Oproep verborgen",
    "Account suspended": "Account geschorst",
    "listing": "oproep",
    "message": "bericht",
    "member": "lid",
    "Checked and placed": "Gecontroleerd en geplaatst",
    "Not placed": "Niet geplaatst",
    "Hidden": "Verborgen",
    "Shown again": "Weer zichtbaar",
    # Moderation
    "Write the reason: the owner of the listing reads it.": (
        "Schrijf de reden op: de eigenaar van de oproep leest die."
    ),
    "This is your own listing. Ask another coordinator.": (
        "Dit is je eigen oproep. Vraag een andere coördinator."
    ),
    "This listing does not wait for a check.": "Deze oproep wacht niet op controle.",
    "The owner of this listing cannot use Buurthulp right now.": (
        "De eigenaar van deze oproep kan Buurthulp nu niet gebruiken."
    ),
    "This listing waits for its check: place it or refuse it.": (
        "Deze oproep wacht op controle: plaats hem of plaats hem niet."
    ),
    "This listing cannot be hidden now.": "Deze oproep kan nu niet verborgen worden.",
    "This listing is not hidden.": "Deze oproep is niet verborgen.",
    # Queue lines
    "%(reason)s: %(what)s of %(name)s": "%(reason)s: %(what)s van %(name)s",
    "“%(title)s” of %(name)s": "“%(title)s” van %(name)s",
    # Blocks and reports
    "This match was stopped.": "Deze match is gestopt.",
    "This is your own account.": "Dit is je eigen account.",
    "Your account cannot block members right now.": "Je account kan nu geen leden blokkeren.",
    "You have not blocked this member.": "Je hebt dit lid niet geblokkeerd.",
    "Report one thing at a time: a listing, a message or a member.": (
        "Meld één ding tegelijk: een oproep, een bericht of een lid."
    ),
    "We could not find this message.": "We konden dit bericht niet vinden.",
    "You wrote this message yourself.": "Je hebt dit bericht zelf geschreven.",
    "Your account cannot make reports right now.": "Je account kan nu geen meldingen doen.",
    "Write in a few words what happened.": "Schrijf in een paar woorden wat er gebeurde.",
    "We could not find this report.": "We konden deze melding niet vinden.",
    "You are part of this report. Ask another coordinator to handle it.": (
        "Je bent zelf betrokken bij deze melding. Vraag een andere coördinator om hem te "
        "behandelen."
    ),
    "Write what the member reads: what was not right, and what you expect.": (
        "Schrijf wat het lid leest: wat niet goed was, en wat je verwacht."
    ),
    "Only a reported listing can be hidden.": "Alleen een gemelde oproep kan verborgen worden.",
    "Ask a coordinator of the member's neighbourhood to suspend them.": (
        "Vraag een coördinator van de buurt van dit lid om het te schorsen."
    ),
    "This report was already handled.": "Deze melding is al behandeld.",
    "The listing “%(title)s”": "De oproep “%(title)s”",
    "A message from %(name)s": "Een bericht van %(name)s",
    "The member %(name)s": "Het lid %(name)s",
    # Suspension
    "Only an admin can suspend a member of staff.": (
        "Alleen een beheerder kan een medewerker schorsen."
    ),
    "Write the reason: the member reads it.": "Schrijf de reden op: het lid leest die.",
    "This account is suspended already.": "Dit account is al geschorst.",
    "Only an active account can be suspended.": "Alleen een actief account kan geschorst worden.",
    "Suspended": "Geschorst",
    "Your Buurthulp account is suspended": "Je Buurthulp-account is geschorst",
    "Hello %(name)s,\n\nA coordinator has suspended your Buurthulp account. You cannot log in "
    "for now. The reason:\n\n%(reason)s\n\nDo you have a question about this, or do you not "
    "agree? Please contact the coordinator of your neighbourhood. You find how on %(url)s": (
        "Hallo %(name)s,\n\nEen coördinator heeft je Buurthulp-account geschorst. Je kunt "
        "voorlopig niet inloggen. De reden:\n\n%(reason)s\n\nHeb je hier een vraag over, of "
        "ben je het er niet mee eens? Neem dan contact op met de coördinator van je buurt. "
        "Hoe dat kan, lees je op %(url)s"
    ),
    "This account is not suspended.": "Dit account is niet geschorst.",
    "Suspension lifted": "Schorsing opgeheven",
    # Contact details in public texts
    "a phone number": "een telefoonnummer",
    "an e-mail address": "een e-mailadres",
    "an address or postcode": "een adres of postcode",
    "a bank account number (IBAN)": "een rekeningnummer (IBAN)",
    "%(first)s and %(last)s": "%(first)s en %(last)s",
    "Please leave out %(what)s. Everyone nearby can read this text, also people you do not "
    "know yet. Once you agree on a match, you both see each other's contact details and can "
    "write to each other privately.": (
        "Laat %(what)s weg. Iedereen in de buurt kan deze tekst lezen, ook mensen die je nog "
        "niet kent. Zodra jullie een match afspreken, zien jullie allebei elkaars "
        "contactgegevens en kun je elkaar een eigen bericht sturen."
    ),
    "In Buurthulp help is paid in time, never in money.": (
        "In Buurthulp betaal je hulp met tijd, nooit met geld."
    ),
    # Pages: flashes
    "Thank you for telling us. A coordinator will look at it.": (
        "Dank je wel dat je het laat weten. Een coördinator kijkt ernaar."
    ),
    "You blocked %(name)s. You no longer see each other here.": (
        "Je hebt %(name)s geblokkeerd. Jullie zien elkaar hier niet meer."
    ),
    "The block is lifted.": "De blokkering is opgeheven.",
    "The report is handled. The one who reported is told.": (
        "De melding is behandeld. Wie meldde, krijgt bericht."
    ),
    "Place it: neighbours can see it": "Plaatsen: buren kunnen hem zien",
    "Do not place it (give the reason)": "Niet plaatsen (geef de reden)",
    "Hide it (give the reason)": "Verbergen (geef de reden)",
    "Show it again": "Weer laten zien",
    "The listing is placed. The owner is told.": (
        "De oproep is geplaatst. De eigenaar krijgt bericht."
    ),
    "The listing is not placed. The owner reads your reason.": (
        "De oproep is niet geplaatst. De eigenaar leest je reden."
    ),
    "The listing is hidden. The owner reads your reason.": (
        "De oproep is verborgen. De eigenaar leest je reden."
    ),
    "The listing can be seen again. The owner is told.": (
        "De oproep is weer te zien. De eigenaar krijgt bericht."
    ),
    "The suspension is lifted. %(name)s can log in again.": (
        "De schorsing is opgeheven. %(name)s kan weer inloggen."
    ),
    "%(name)s is suspended and logged out everywhere.": (
        "%(name)s is geschorst en overal uitgelogd."
    ),
    # Account page
    "People you blocked": "Mensen die je blokkeert",
    "You and they do not see each other here. Lift a block when you want to.": (
        "Jullie zien elkaar hier niet. Hef een blokkering op wanneer je wilt."
    ),
    "since %(day)s": "sinds %(day)s",
    "Lift the block on %(name)s": "Blokkering van %(name)s opheffen",
    "You have not blocked anyone. You can block someone from their listing or your match "
    "with them.": (
        "Je blokkeert niemand. Je kunt iemand blokkeren vanuit hun oproep of jullie match."
    ),
    # Listing and match pages
    "This listing waits for the coordinator. In this neighbourhood a coordinator checks a new "
    "member's first listings before neighbours see them.": (
        "Deze oproep wacht op de coördinator. In deze buurt kijkt een coördinator eerst naar "
        "de eerste oproepen van een nieuw lid, voordat buren ze zien."
    ),
    "A coordinator has hidden this listing: neighbours do not see it.": (
        "Een coördinator heeft deze oproep verborgen: buren zien hem niet."
    ),
    "Do you have a question about it? Ask your coordinator.": (
        "Heb je hier een vraag over? Vraag het je coördinator."
    ),
    "Check, hide or show this listing": "Deze oproep controleren, verbergen of laten zien",
    "Report this listing": "Deze oproep melden",
    "Block %(name)s": "%(name)s blokkeren",
    "Report this message": "Dit bericht melden",
    "Report %(name)s": "%(name)s melden",
    # Block page
    "You blocked %(name)s. You do not see each other here.": (
        "Je blokkeert %(name)s. Jullie zien elkaar hier niet."
    ),
    "Lift the block": "Blokkering opheffen",
    "When you block someone:": "Als je iemand blokkeert:",
    "you no longer see each other's listings;": "zien jullie elkaars oproepen niet meer;",
    "you are not suggested to each other;": "worden jullie niet meer aan elkaar voorgesteld;",
    "you cannot react to each other, write to each other or sign up for each other's activities;": (
        "kunnen jullie niet op elkaar reageren, elkaar niet schrijven en je niet aanmelden "
        "voor elkaars activiteiten;"
    ),
    "reactions that were not answered yet end, and an agreed match where the help has not "
    "happened yet stops.": (
        "stoppen reacties die nog geen antwoord hadden, en stopt een afgesproken match als "
        "de hulp nog niet gegeven is."
    ),
    "%(name)s is not told that you blocked them. You can lift the block later on your "
    "account page.": (
        "%(name)s hoort niet dat je blokkeert. Je kunt de blokkering later opheffen op de "
        "pagina van je account."
    ),
    "Did something happen that the coordinator should know about? Then also report it.": (
        "Is er iets gebeurd dat de coördinator moet weten? Meld het dan ook."
    ),
    "To my account": "Naar mijn account",
    # Moderation pages
    "Check a listing": "Een oproep controleren",
    "Posted": "Geplaatst",
    "Open the listing as neighbours see it": "De oproep bekijken zoals buren hem zien",
    "Decisions so far": "Besluiten tot nu toe",
    "Your decision": "Jouw besluit",
    "Save my decision": "Mijn besluit opslaan",
    "This listing is closed: there is nothing to decide.": (
        "Deze oproep is gesloten: er valt niets te besluiten."
    ),
    "Suspension of %(name)s": "Schorsing van %(name)s",
    "All listings to check": "Alle oproepen om te controleren",
    "Listing": "Oproep",
    "Wait for a check": "Wachten op controle",
    "In neighbourhoods with pre-moderation, a new member's first listings wait until a "
    "coordinator places them.": (
        "In buurten met controle vooraf wachten de eerste oproepen van een nieuw lid tot een "
        "coördinator ze plaatst."
    ),
    "No listings wait for a check.": "Er wachten geen oproepen op controle.",
    "Hidden listings": "Verborgen oproepen",
    "No listings are hidden.": "Er zijn geen verborgen oproepen.",
    # Report pages
    "Report about %(name)s": "Melding over %(name)s",
    "Reported by": "Gemeld door",
    "The listing": "De oproep",
    "The message": "Het bericht",
    "in the match about “%(title)s”": "in de match over “%(title)s”",
    "Other reports about %(name)s": "Andere meldingen over %(name)s",
    "Handled by %(name)s on %(when)s: %(outcome)s.": (
        "Behandeld door %(name)s op %(when)s: %(outcome)s."
    ),
    "The member read:": "Het lid las:",
    "Save: handled": "Opslaan: behandeld",
    "Opening this report is recorded in the privacy log of both residents.": (
        "Het openen van deze melding wordt vastgelegd in het privacylogboek van beide bewoners."
    ),
    "All open reports": "Alle open meldingen",
    "Report to the coordinator": "Melden bij de coördinator",
    "Only coordinators read your report. The person you report does not see who reported. "
    "You hear from us when it is handled.": (
        "Alleen coördinatoren lezen je melding. Wie je meldt, ziet niet wie de melding deed. "
        "Je hoort van ons als de melding is behandeld."
    ),
    "Send my report": "Melding versturen",
    "Back": "Terug",
    "Do you feel unsafe right now? Call 112.": "Voel je je nu onveilig? Bel 112.",
    "Report something": "Iets melden",
    "Did something feel wrong? Tell the coordinator. Only coordinators read it, and the "
    "person you report does not see who reported.": (
        "Voelde iets niet goed? Meld het bij de coördinator. Alleen coördinatoren lezen het, "
        "en wie je meldt, ziet niet wie de melding deed."
    ),
    "A listing: open it and choose “Report this listing” at the bottom.": (
        "Een oproep: open hem en kies onderaan “Deze oproep melden”."
    ),
    "A message: open the match and choose “Report” under the message.": (
        "Een bericht: open de match en kies “Melden” onder het bericht."
    ),
    "A person: choose “Report” on the listing or the match with that person.": (
        "Een persoon: kies “Melden” bij de oproep of de match met die persoon."
    ),
    "Do you feel unsafe right now? Call 112. Not urgent but worried? Call the police on "
    "0900-8844.": (
        "Voel je je nu onveilig? Bel 112. Geen spoed, maar wel zorgen? Bel de politie op 0900-8844."
    ),
    "Reports from neighbours in your neighbourhoods that nobody has handled yet. The oldest "
    "is at the top.": (
        "Meldingen van buren in jouw buurten die nog niemand heeft behandeld. De oudste "
        "staat bovenaan."
    ),
    "Report": "Melding",
    "No reports wait for you.": "Er wachten geen meldingen op je.",
    # Suspension page
    "Account": "Account",
    "Suspended by %(name)s on %(when)s:": "Geschorst door %(name)s op %(when)s:",
    "Lift the suspension": "Schorsing opheffen",
    "%(name)s can log in again. Their listings stay paused until they open them again.": (
        "%(name)s kan weer inloggen. De oproepen blijven op pauze tot %(name)s ze weer openzet."
    ),
    "Suspend this account": "Dit account schorsen",
    "What happens:": "Wat er gebeurt:",
    "%(name)s is logged out everywhere at once and cannot log in.": (
        "%(name)s wordt meteen overal uitgelogd en kan niet inloggen."
    ),
    "Their open listings are paused; reactions nobody answered yet end.": (
        "Open oproepen gaan op pauze; reacties zonder antwoord stoppen."
    ),
    "Their agreed matches come to the coordinators; the other person is told.": (
        "Afgesproken matches gaan naar de coördinatoren; de ander krijgt bericht."
    ),
    "They get an e-mail with your reason.": "Het lid krijgt een e-mail met jouw reden.",
    "Suspend the account": "Account schorsen",
    "This account is not active: it cannot be suspended.": (
        "Dit account is niet actief: het kan niet geschorst worden."
    ),
    "Earlier suspensions": "Eerdere schorsingen",
    "lifted on %(day)s by %(name)s": "opgeheven op %(day)s door %(name)s",
    "Opening this page is recorded in the member's privacy log.": (
        "Het openen van deze pagina wordt vastgelegd in het privacylogboek van het lid."
    ),
}
