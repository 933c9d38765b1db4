"""Dutch for the new texts of the privacy rights (export, erasure, retention, consents).

Merged into buurthulp/translations/nl/LC_MESSAGES/messages.po by whoever merges this branch.
"""

NL = {
    "A copy of all data": "Een kopie van alle gegevens",
    "About you": "Over jou",
    "Account erased": "Account verwijderd",
    "Activities you signed up for": "Activiteiten waarvoor je je hebt aangemeld",
    "All your data, to give you a copy": "Al je gegevens, om je een kopie te geven",
    "Back to the privacy page": "Terug naar de privacypagina",
    "Choose how the resident gave their consent.": "Kies hoe de bewoner toestemming gaf.",
    "Choose what the consent is for.": "Kies waarvoor de toestemming is.",
    "Consents": "Toestemmingen",
    "Counted from the day the match ended. 12 is a year.": (
        "Gerekend vanaf de dag dat de match is afgelopen. 12 is een jaar."
    ),
    "Data of %(name)s": "Gegevens van %(name)s",
    "Download as a file for another program (JSON)": (
        "Downloaden als bestand voor een ander programma (JSON)"
    ),
    "Download as a page to keep or print": "Downloaden als pagina om te bewaren of te printen",
    "Erase an account nobody used after (months)": (
        "Verwijder een account dat niemand gebruikt na (maanden)"
    ),
    "Erase my account": "Mijn account verwijderen",
    "Erase the account": "Het account verwijderen",
    "Erase the account of %(name)s": "Het account van %(name)s verwijderen",
    "Erase this account": "Dit account verwijderen",
    "Erase this account at the resident's request": (
        "Dit account verwijderen op verzoek van de bewoner"
    ),
    "Erased by the member themselves.": "Verwijderd door het lid zelf.",
    "File (JSON)": "Bestand (JSON)",
    "For a resident who is not online: they agreed on paper, by phone or in person.": (
        "Voor een bewoner die niet online is: die gaf toestemming op papier, telefonisch of "
        "persoonlijk."
    ),
    "For example: by phone on 3 December, or on paper during a visit.": (
        "Bijvoorbeeld: telefonisch op 3 december, of op papier tijdens een bezoek."
    ),
    "Give a number of months from %(low)s to %(high)s.": (
        "Geef een aantal maanden van %(low)s tot %(high)s."
    ),
    "Hello %(name)s,\n\nYou have not used Buurthulp for a long time. To protect your privacy, "
    "we erase accounts that nobody used for %(months)s months. We will erase yours after "
    "%(day)s.\n\nDo you want to keep your account? Then log in before that day: %(url)s\n\n"
    "Did you stop on purpose? Then you do not need to do anything.": (
        "Hallo %(name)s,\n\nJe hebt Buurthulp al lang niet gebruikt. Om je privacy te "
        "beschermen, verwijderen we accounts die %(months)s maanden niet gebruikt zijn. Jouw "
        "account verwijderen we na %(day)s.\n\nWil je je account houden? Log dan voor die dag "
        "in: %(url)s\n\nBen je bewust gestopt? Dan hoef je niets te doen."
    ),
    "Here you see what you agreed to, when, and who wrote it down.": (
        "Hier zie je waarvoor je toestemming gaf, wanneer, en wie het heeft opgeschreven."
    ),
    "How": "Hoe",
    "How did the resident ask for this?": "Hoe vroeg de bewoner hierom?",
    "How far you go": "Hoe ver je gaat",
    "How long we keep it": "Hoe lang we het bewaren",
    "How the resident gave consent": "Hoe de bewoner toestemming gaf",
    "I agree": "Ik ga akkoord",
    "Joined on": "Lid sinds",
    "Languages": "Talen",
    "Last logged in": "Laatst ingelogd",
    "Messages you wrote": "Berichten die je schreef",
    "My consents": "Mijn toestemmingen",
    "My data": "Mijn gegevens",
    "My data: see, download or print it": "Mijn gegevens: bekijken, downloaden of printen",
    "No consent is recorded yet.": "Er is nog geen toestemming opgeschreven.",
    "Not used since %(day)s.": "Niet gebruikt sinds %(day)s.",
    "Nothing yet.": "Nog niets.",
    "Of the other person you only see the name here.": "Van de ander zie je hier alleen de naam.",
    "Only when the resident asks for it. Making it is written in the audit log.": (
        "Alleen als de bewoner erom vraagt. Het maken ervan komt in het logboek."
    ),
    "Only when the resident asks for it. Their personal data goes; their open requests and "
    "offers close; the neighbours they have a match with (%(n)s now) hear that they left; "
    "their messages show as “removed”; their balance (%(balance)s) is settled with the "
    "solidarity pool.": (
        "Alleen als de bewoner erom vraagt. Hun persoonlijke gegevens verdwijnen; hun open "
        "hulpvragen en aanbod sluiten; de buren met wie ze een match hebben (nu %(n)s) horen "
        "dat ze gestopt zijn; hun berichten tonen als “verwijderd”; hun saldo (%(balance)s) "
        "wordt verrekend met de solidariteitspot."
    ),
    "Page to print": "Pagina om te printen",
    "Privacy of %(name)s": "Privacy van %(name)s",
    "Privacy: consents, copy of data, erase": (
        "Privacy: toestemmingen, kopie van gegevens, verwijderen"
    ),
    "Privacy: how long we keep things": "Privacy: hoe lang we dingen bewaren",
    "Read the privacy statement": "Lees de privacyverklaring",
    "Remove the messages of a match after (months)": (
        "Verwijder de berichten van een match na (maanden)"
    ),
    "So we know it is really you.": "Zo weten we dat jij het echt bent.",
    "Stop with Buurthulp?": "Stoppen met Buurthulp?",
    "Talents": "Talenten",
    "Thank you. Your consent is saved.": "Dank je wel. Je toestemming is opgeslagen.",
    "The account of %(name)s is erased. It is now called “%(pseudonym)s”.": (
        "Het account van %(name)s is verwijderd. Het heet nu “%(pseudonym)s”."
    ),
    "The consent is recorded.": "De toestemming is opgeschreven.",
    "The member gets an e-mail a month before. Residents helped through a coordinator are "
    "never erased this way: the coordinator is asked instead.": (
        "Het lid krijgt een maand van tevoren een e-mail. Bewoners die via een coördinator "
        "geholpen worden, verwijderen we zo nooit: dan krijgt de coördinator de vraag."
    ),
    "The messages of a match are removed a year after the match ended. An account that "
    "nobody used for two years is erased; we send you an e-mail a month before. Your "
    "neighbourhood may choose other periods.": (
        "De berichten van een match verwijderen we een jaar nadat de match is afgelopen. Een "
        "account dat twee jaar niet gebruikt is, verwijderen we; je krijgt een maand van "
        "tevoren een e-mail. Je buurt kan andere termijnen kiezen."
    ),
    "The privacy statement: Buurthulp keeps and uses my data to bring neighbours together": (
        "De privacyverklaring: Buurthulp bewaart en gebruikt mijn gegevens om buren bij elkaar "
        "te brengen"
    ),
    "This account is already erased.": "Dit account is al verwijderd.",
    "This account is erased.": "Dit account is verwijderd.",
    "This account is not active.": "Dit account is niet actief.",
    "This cannot be undone. Give the resident a copy of their data first if they want one.": (
        "Dit kun je niet terugdraaien. Geef de bewoner eerst een kopie van de gegevens als ze "
        "die willen."
    ),
    "This cannot be undone. Want a copy of your data first?": (
        "Dit kun je niet terugdraaien. Wil je eerst een kopie van je gegevens?"
    ),
    "This is a staff account. An admin first takes away the staff roles; then the account "
    "can be erased.": (
        "Dit is een account van een medewerker. Een beheerder haalt eerst de rollen weg; "
        "daarna kan het account verwijderd worden."
    ),
    "This is everything Buurthulp keeps about you, on %(day)s.": (
        "Dit is alles wat Buurthulp over je bewaart, op %(day)s."
    ),
    "This is everything Buurthulp keeps about you. You can keep a copy, or print it.": (
        "Dit is alles wat Buurthulp over je bewaart. Je kunt een kopie bewaren of het printen."
    ),
    "This message was removed.": "Dit bericht is verwijderd.",
    "Type the name exactly as it is shown, to be sure it is the right resident.": (
        "Typ de naam precies zoals die er staat, zodat het zeker de goede bewoner is."
    ),
    "Type the resident's name to confirm": "Typ de naam van de bewoner om te bevestigen",
    "What the resident agrees to": "Waarvoor de bewoner toestemming geeft",
    "What you agreed to": "Waarvoor je toestemming gaf",
    "What you asked and offered": "Wat je vroeg en aanbood",
    "When you erase your account:": "Als je je account verwijdert:",
    "Who looked at your data": "Wie je gegevens heeft bekeken",
    "Withdraw and erase my account": "Intrekken en mijn account verwijderen",
    "Withdraw your consent": "Je toestemming intrekken",
    "Withdrawing this consent erases your account. Use “Erase my account” for that.": (
        "Als je deze toestemming intrekt, verwijderen we je account. Gebruik daarvoor “Mijn "
        "account verwijderen”."
    ),
    "Write down": "Opschrijven",
    "Write down a consent": "Een toestemming opschrijven",
    "Write how the resident asked for this, for example: by phone today.": (
        "Schrijf op hoe de bewoner hierom vroeg, bijvoorbeeld: vandaag telefonisch."
    ),
    "Yes, erase my account. I know this cannot be undone.": (
        "Ja, verwijder mijn account. Ik weet dat dit niet terug kan."
    ),
    "You can erase your account yourself. Your personal data is then gone.": (
        "Je kunt je account zelf verwijderen. Je persoonlijke gegevens zijn dan weg."
    ),
    "You can see and download all your data, and erase your account, on your account page. "
    "Not online? Ask your coordinator: they can do it for you.": (
        "Op je accountpagina kun je al je gegevens bekijken en downloaden, en je account "
        "verwijderen. Niet online? Vraag het je coördinator: die kan het voor je doen."
    ),
    "You can withdraw your consent to the privacy statement at any time. Without it we "
    "cannot keep your account, so we then erase it. You first see what that means.": (
        "Je kunt je toestemming voor de privacyverklaring altijd intrekken. Zonder die "
        "toestemming kunnen we je account niet houden, dus dan verwijderen we het. Je ziet "
        "eerst wat dat betekent."
    ),
    "Your Buurthulp account will be erased": "Je Buurthulp-account wordt verwijderd",
    "Your account is erased. Thank you for helping your neighbours.": (
        "Je account is verwijderd. Dank je wel voor je hulp aan je buren."
    ),
    "Your account, to erase it at your request": (
        "Je account, om het op jouw verzoek te verwijderen"
    ),
    "Your consents, to handle a privacy request of yours": (
        "Je toestemmingen, om een privacyverzoek van jou af te handelen"
    ),
    "Your exact place on the map": "Je precieze plek op de kaart",
    "Your matches": "Je matches",
    "Your password is not right.": "Je wachtwoord klopt niet.",
    "Your time credits": "Je tijdtegoed",
    "Your view of this page is recorded; the resident can see that in their privacy log.": (
        "Dat je deze pagina bekijkt, wordt opgeschreven; de bewoner ziet dat in het privacylogboek."
    ),
    "agreed on %(day)s, %(how)s": "akkoord gegeven op %(day)s, %(how)s",
    "by phone": "telefonisch",
    "for an older version": "voor een oudere versie",
    "given": "gegeven",
    "in person": "persoonlijk",
    "note of thanks": "bedankje",
    "on paper": "op papier",
    "on the website": "op de website",
    "the messages you wrote show as “removed”;": (
        "tonen de berichten die je schreef als “verwijderd”;"
    ),
    "version %(v)s": "versie %(v)s",
    "withdrawn on %(day)s": "ingetrokken op %(day)s",
    "written down by %(name)s": "opgeschreven door %(name)s",
    "your name, e-mail address, phone, address and profile are gone;": (
        "zijn je naam, e-mailadres, telefoon, adres en profiel weg;"
    ),
    "your requests and offers close, and the neighbours you have a match with hear that you "
    "left (%(n)s now);": (
        "sluiten je hulpvragen en aanbod, en horen de buren met wie je een match hebt dat je "
        "gestopt bent (nu %(n)s);"
    ),
    "your time credits (%(balance)s) are settled with the solidarity pool. What you gave and "
    "received stays in the books under “Verwijderd lid”, without your name.": (
        "wordt je tijdtegoed (%(balance)s) verrekend met de solidariteitspot. Wat je gaf en "
        "kreeg blijft in de boeken staan onder “Verwijderd lid”, zonder je naam."
    ),
    "“%(title)s” has stopped: the other neighbour left Buurthulp.": (
        "“%(title)s” is gestopt: de andere buur is gestopt met Buurthulp."
    ),
}
