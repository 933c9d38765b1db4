"""Dutch for the back office's new texts (work queue, trust, vulnerable, proxy residents,
the access-log reason). Merged into buurthulp/translations/nl at merge time."""

NL = {
    # Notifications
    "%(by)s recorded your certificate of conduct (VOG). It is valid until %(day)s. "
    "You can now help with everything.": "%(by)s heeft je verklaring omtrent het gedrag (VOG) "
    "genoteerd. Die is geldig tot %(day)s. Je kunt nu bij alles helpen.",
    "%(by)s verified your account: you met, or they saw your ID. Thank you!": "%(by)s heeft je "
    "account bevestigd: jullie hebben elkaar ontmoet, of je ID is bekeken. Dank je wel!",
    "Your certificate of conduct (VOG) needs renewing before %(day)s. Your coordinator can "
    "tell you how.": "Je VOG moet vóór %(day)s vernieuwd worden. Je coördinator vertelt je "
    "hoe dat gaat.",
    "The certificate of conduct (VOG) of %(name)s needs renewing before %(day)s.": "De VOG van "
    "%(name)s moet vóór %(day)s vernieuwd worden.",
    "Your certificate of conduct (VOG) is three years old. Until you have a new one, you "
    "cannot help with tasks that need one.": "Je VOG is drie jaar oud. Tot je een nieuwe hebt, "
    "kun je niet helpen bij taken waarvoor een VOG nodig is.",
    "The certificate of conduct (VOG) of %(name)s has lapsed (%(day)s).": "De VOG van %(name)s "
    "is verlopen (%(day)s).",
    # Work queue
    "%(n)s overdue": "%(n)s te laat",
    "Work queue": "Werklijst",
    "Work-queue item handled": "Punt op de werklijst afgehandeld",
    "Everything that waits for you, most urgent first.": "Alles wat op je wacht, het meest "
    "dringende eerst.",
    "Everything in your neighbourhoods that waits for you. The most urgent is at the top; "
    "overdue items are marked.": "Alles in jouw buurten dat op je wacht. Het meest dringende "
    "staat bovenaan; wat te laat is, staat gemarkeerd.",
    "Show one kind": "Toon één soort",
    "Overdue": "Te laat",
    "Open": "Openen",
    "Mark as handled": "Afgehandeld",
    "Why it is here": "Waarom het hier staat",
    "To do": "Te doen",
    "Kind": "Soort",
    "Nothing waits for you right now.": "Er wacht nu niets op je.",
    "Members to verify": "Leden om te bevestigen",
    "Disputed minutes": "Minuten waar onenigheid over is",
    "Requests for the solidarity pool": "Vragen om de solidariteitspot",
    "Confirmations held for a coordinator": "Bevestigingen die op een coördinator wachten",
    "Requests nobody reacted to": "Hulpvragen zonder reactie",
    "Agreed, not done after 14 days": "Afgesproken, na 14 dagen niet klaar",
    "Vulnerable residents not heard from": "Kwetsbare bewoners van wie we niets hoorden",
    "Waits for a resident who is not online": "Wacht op een bewoner die niet online is",
    "A neighbour reacted: accept on their behalf?": "Een buur reageerde: namens de bewoner "
    "aannemen?",
    "They are asked to help: give their answer.": "De bewoner is gevraagd om te helpen: geef "
    "het antwoord door.",
    "The help is done: confirm the minutes on their behalf.": "De hulp is klaar: bevestig de "
    "minuten namens de bewoner.",
    "for %(name)s": "voor %(name)s",
    "New resident, not verified yet: meet them in person or see an ID.": "Nieuwe bewoner, nog "
    "niet bevestigd: ontmoet diegene of bekijk een ID.",
    "Nobody reacted in five days. Ask a neighbour who could help, or call the resident.": "Al "
    "vijf dagen geen reactie. Vraag een buur die kan helpen, of bel de bewoner.",
    "Agreed over two weeks ago and not marked done. Ask both how it went.": "Meer dan twee weken "
    "geleden afgesproken en nog niet klaar gemeld. Vraag allebei hoe het ging.",
    "Marked vulnerable and nothing heard for sixty days. Call or visit.": "Kwetsbaar en al "
    "zestig dagen niets gehoord. Bel of ga langs.",
    "The work queue is for coordinators.": "De werklijst is voor coördinatoren.",
    "This kind of item is not known.": "Deze soort kennen we niet.",
    "This item is not in your work queue (any more).": "Dit staat niet (meer) op je werklijst.",
    "This item leaves the queue by itself once it is handled where it opens.": "Dit gaat vanzelf "
    "van de werklijst als je het afhandelt op de pagina waar het opent.",
    "Write in a few words what you did.": "Schrijf in een paar woorden wat je gedaan hebt.",
    "What did you do?": "Wat heb je gedaan?",
    "For example: called her, a neighbour will help on Friday.": "Bijvoorbeeld: gebeld, een "
    "buur helpt vrijdag.",
    "Write what you did. The item leaves your work queue, and the note stays in the audit "
    "log.": "Schrijf op wat je gedaan hebt. Het gaat van je werklijst af en de notitie blijft in "
    "het logboek.",
    "Save and take it off the queue": "Opslaan en van de werklijst halen",
    "Handled: it left your work queue.": "Afgehandeld: het staat niet meer op je werklijst.",
    "Back to the work queue": "Terug naar de werklijst",
    # The reason asked before opening a resident's data
    "Why do you open this?": "Waarom open je dit?",
    (
        "You are about to open the personal data of a resident.",
        "You are about to open the personal data of %(num)d residents.",
    ): (
        "Je gaat de persoonsgegevens van een bewoner openen.",
        "Je gaat de persoonsgegevens van %(num)d bewoners openen.",
    ),
    "Choose why. We ask this once a day for each resident. The resident can see who looked, "
    "when, what and why.": "Kies waarom. We vragen dit één keer per dag per bewoner. De bewoner "
    "ziet wie keek, wanneer, wat en waarom.",
    "In a few words (needed for “other”)": "In een paar woorden (nodig bij “anders”)",
    "Continue": "Verder",
    "Choose a reason.": "Kies een reden.",
    "Say in a few words why you open it.": "Zeg in een paar woorden waarom je het opent.",
    "handling a request for help": "hulpvraag behandelen",
    "a concern report": "melding",
    "the resident asked for it": "verzoek van bewoner",
    "financial administration": "financiële administratie",
    "other": "anders",
    "overview": "overzicht",
    "You in the coordinator's work queue": "Jij op de werklijst van de coördinator",
    "Your trust level and what the coordinator keeps for you": "Je vertrouwensniveau en wat de "
    "coördinator voor je bijhoudt",
    "Your trust level, to change it": "Je vertrouwensniveau, om het aan te passen",
    "Your details, to mark you as someone who needs extra care": "Je gegevens, om aan te geven "
    "dat je extra zorg nodig hebt",
    "Your listings and matches, to act on your behalf": "Je hulpvragen, aanbod en matches, om "
    "namens jou te handelen",
    "Your printed summary of requests, matches and balance": "Je afgedrukte overzicht van "
    "hulpvragen, matches en saldo",
    "Your printed welcome letter": "Je afgedrukte welkomstbrief",
    "Your listing, read by a coordinator looking for help for a neighbour": "Je hulpvraag of "
    "aanbod, gelezen door een coördinator die hulp zoekt voor een buur",
    # A resident's file and trust
    "Your view of this page is recorded; the resident can see that in their privacy log.": "Dat "
    "je deze pagina bekijkt, wordt vastgelegd; de bewoner ziet dat in het privacylogboek.",
    "Member since": "Lid sinds",
    "Trust level": "Vertrouwensniveau",
    "VOG valid until %(day)s": "VOG geldig tot %(day)s",
    "Not online": "Niet online",
    "A coordinator keeps this account. Consent to the privacy statement: %(how)s.": "Een "
    "coördinator beheert dit account. Toestemming voor de privacyverklaring: %(how)s.",
    "Record a check": "Controle vastleggen",
    "Extra care (vulnerable)": "Extra zorg (kwetsbaar)",
    "Act on their behalf": "Namens deze bewoner handelen",
    "Time bank": "Tijdbank",
    "What staff did": "Wat medewerkers deden",
    "Needs extra care": "Heeft extra zorg nodig",
    "Note for professionals": "Notitie voor professionals",
    "Only helpers with a checked VOG see their requests, and helpers reach them through the "
    "coordinator.": "Alleen helpers met een gecontroleerde VOG zien de hulpvragen, en helpers "
    "bereiken deze bewoner via de coördinator.",
    "Trust history": "Geschiedenis van het vertrouwensniveau",
    "Level": "Niveau",
    "How": "Hoe",
    "Note": "Notitie",
    "issued %(day)s, valid until %(until)s": "afgegeven %(day)s, geldig tot %(until)s",
    "Nobody has recorded a check yet.": "Nog niemand heeft een controle vastgelegd.",
    "Trust level of %(name)s": "Vertrouwensniveau van %(name)s",
    "Now": "Nu",
    "New residents become verified when you meet them or see an ID. A helper with a "
    "certificate of conduct (VOG) can help with everything; a VOG needs renewing after three "
    "years. Never keep a copy of a document.": "Een nieuwe bewoner is bevestigd als je diegene "
    "ontmoet of een ID bekijkt. Een helper met een VOG kan bij alles helpen; een VOG moet na "
    "drie jaar vernieuwd worden. Bewaar nooit een kopie van een document.",
    "Back to %(name)s": "Terug naar %(name)s",
    "What did you check?": "Wat heb je gecontroleerd?",
    "Choose what you checked.": "Kies wat je gecontroleerd hebt.",
    "I met them in person": "Ik heb diegene persoonlijk ontmoet",
    "I saw an ID document (I did not keep a copy)": "Ik heb een ID-bewijs gezien (zonder kopie "
    "te bewaren)",
    "I saw their certificate of conduct (VOG)": "Ik heb de VOG gezien",
    "Lower the trust level by one step": "Het vertrouwensniveau één stap verlagen",
    "Date of issue on the VOG": "Datum van afgifte op de VOG",
    "Only for a VOG. It needs renewing three years after this date.": "Alleen bij een VOG. Drie "
    "jaar na deze datum moet die vernieuwd worden.",
    "Note (optional; needed when you lower the level)": "Notitie (mag leeg; nodig als je het "
    "niveau verlaagt)",
    "verified": "bevestigd",
    "VOG checked": "VOG gecontroleerd",
    "met in person": "persoonlijk ontmoet",
    "ID seen": "ID gezien",
    "VOG seen": "VOG gezien",
    "lowered by a coordinator": "verlaagd door een coördinator",
    "VOG lapsed after three years": "VOG verlopen na drie jaar",
    "%(name)s is already verified.": "%(name)s is al bevestigd.",
    "Verify %(name)s first: meet them or see an ID.": "Bevestig %(name)s eerst: ontmoet diegene "
    "of bekijk een ID.",
    "%(name)s is at the lowest level already.": "%(name)s staat al op het laagste niveau.",
    "Write why you lower the level.": "Schrijf waarom je het niveau verlaagt.",
    "Fill in the date of issue on the VOG.": "Vul de datum van afgifte op de VOG in.",
    "The date of issue cannot be in the future.": "De datum van afgifte kan niet in de "
    "toekomst liggen.",
    "This VOG is more than three years old. Ask for a new one.": "Deze VOG is ouder dan drie "
    "jaar. Vraag een nieuwe aan.",
    "Someone changed this member's trust level just now. Look again.": "Iemand heeft het "
    "vertrouwensniveau net veranderd. Kijk nog eens.",
    "You cannot do this for your own account. Ask another coordinator to do it.": "Dit kun je "
    "niet voor je eigen account doen. Vraag een andere coördinator.",
    "The trust level of %(name)s is saved.": "Het vertrouwensniveau van %(name)s is opgeslagen.",
    # Vulnerable
    "Extra care for %(name)s": "Extra zorg voor %(name)s",
    "Mark a resident as vulnerable when they need extra protection. Then:": "Markeer een "
    "bewoner als kwetsbaar als diegene extra bescherming nodig heeft. Dan:",
    "only helpers with a checked VOG see and answer their requests;": "zien en beantwoorden "
    "alleen helpers met een gecontroleerde VOG de hulpvragen;",
    "helpers reach them through you: they see your name and phone, not the resident's;": "bereiken "
    "helpers de bewoner via jou: ze zien jouw naam en telefoon, niet die van de bewoner;",
    "time is never confirmed for them automatically: you confirm it.": "wordt tijd nooit "
    "vanzelf bevestigd: dat doe jij.",
    "Why does this resident need extra care?": "Waarom heeft deze bewoner extra zorg nodig?",
    "A few words. The audit log keeps them.": "Een paar woorden. Het logboek bewaart ze.",
    "Note for professionals (optional)": "Notitie voor professionals (mag leeg)",
    "Only coordinators see this. Write only what helps them help.": "Alleen coördinatoren zien "
    "dit. Schrijf alleen op wat hen helpt om te helpen.",
    "Save the mark": "Markering opslaan",
    "Mark as vulnerable": "Markeren als kwetsbaar",
    "Take the mark off": "Markering weghalen",
    "Why does the mark come off?": "Waarom gaat de markering eraf?",
    "Write in a few words why this resident needs extra care.": "Schrijf in een paar woorden "
    "waarom deze bewoner extra zorg nodig heeft.",
    "Write in a few words why the mark comes off.": "Schrijf in een paar woorden waarom de "
    "markering eraf gaat.",
    "marked vulnerable: %(why)s": "gemarkeerd als kwetsbaar: %(why)s",
    "no longer marked vulnerable: %(why)s": "niet meer gemarkeerd als kwetsbaar: %(why)s",
    "%(name)s is marked vulnerable.": "%(name)s is gemarkeerd als kwetsbaar.",
    "%(name)s is no longer marked vulnerable.": "%(name)s is niet meer gemarkeerd als kwetsbaar.",
    "This neighbour is helped only by volunteers whose certificate of conduct (VOG) the "
    "coordinator checked. Ask your coordinator about it.": "Deze buur krijgt alleen hulp van "
    "vrijwilligers van wie de coördinator de VOG heeft gecontroleerd. Vraag je coördinator "
    "ernaar.",
    "%(name)s is helped through their coordinator. Contact goes through the coordinator: call "
    "them to make an appointment.": "%(name)s krijgt hulp via de coördinator. Contact loopt via "
    "de coördinator: bel om een afspraak te maken.",
    "This neighbour is reached through their coordinator.": "Deze buur bereik je via de "
    "coördinator.",
    # Residents who are not online
    "Residents who are not online": "Bewoners die niet online zijn",
    "Ask, react and confirm on their behalf; print their overview.": "Vraag, reageer en "
    "bevestig namens hen; druk hun overzicht af.",
    "For residents without e-mail or computer you ask, react, agree, confirm and write on their "
    "behalf. Everything shows “on behalf of … by …”.": "Voor bewoners zonder e-mail of computer "
    "vraag, reageer, spreek af, bevestig en schrijf jij namens hen. Overal staat “namens … "
    "door …”.",
    "Make an account for a resident": "Account maken voor een bewoner",
    "You do not act for anyone yet.": "Je handelt nog voor niemand.",
    "For a resident without e-mail or computer. Nobody can log in with this account: you act on "
    "their behalf. Read the privacy statement with them first.": "Voor een bewoner zonder e-mail "
    "of computer. Niemand kan met dit account inloggen: jij handelt namens de bewoner. Lees eerst "
    "samen de privacyverklaring.",
    "The name neighbours see, for example: Truus de Vries.": "De naam die buren zien, "
    "bijvoorbeeld: Truus de Vries.",
    "Phone number": "Telefoonnummer",
    "Helpers see it only once a match is agreed.": "Helpers zien het pas als een match is "
    "afgesproken.",
    "How did the resident agree to the privacy statement?": "Hoe gaf de bewoner toestemming "
    "voor de privacyverklaring?",
    "Choose how the resident agreed.": "Kies hoe de bewoner toestemming gaf.",
    "on paper, signed": "op papier, ondertekend",
    "by phone": "telefonisch",
    "in person, out loud": "persoonlijk, mondeling",
    "Make the account": "Account maken",
    "Fill in a phone number: helpers and the coordinator call this resident.": "Vul een "
    "telefoonnummer in: helpers en de coördinator bellen deze bewoner.",
    "This address is not in a neighbourhood you coordinate.": "Dit adres ligt niet in een buurt "
    "waar jij coördinator bent.",
    "Only coordinators can do this.": "Alleen coördinatoren kunnen dit doen.",
    "account made for a resident who is not online; consent %(how)s": "account gemaakt voor een "
    "bewoner die niet online is; toestemming %(how)s",
    "The account of %(name)s is made. You act on their behalf.": "Het account van %(name)s is "
    "gemaakt. Jij handelt namens deze bewoner.",
    "On behalf of %(name)s": "Namens %(name)s",
    "on behalf of %(name)s by %(by)s": "namens %(name)s door %(by)s",
    "on behalf of %(name)s: %(what)s": "namens %(name)s: %(what)s",
    "posted “%(title)s”": "plaatste “%(title)s”",
    "reacted to “%(title)s”": "reageerde op “%(title)s”",
    "accepted a reaction to “%(title)s”": "nam een reactie aan op “%(title)s”",
    "confirmed %(time)s for “%(title)s”": "bevestigde %(time)s voor “%(title)s”",
    "wrote a message about “%(title)s”": "schreef een bericht over “%(title)s”",
    "Overview": "Overzicht",
    "React to a neighbour": "Reageren op een buur",
    "Print the summary": "Overzicht afdrukken",
    "Print the welcome letter": "Welkomstbrief afdrukken",
    "Their file": "Dossier",
    "Their listings": "Hulpvragen en aanbod",
    "Their matches": "Matches",
    "No listings yet.": "Nog geen hulpvragen of aanbod.",
    "with %(name)s": "met %(name)s",
    "Ask for help on behalf of %(name)s": "Hulp vragen namens %(name)s",
    "Neighbours see the request under the name of %(name)s, with “on behalf of … by …” and "
    "your name.": "Buren zien de hulpvraag onder de naam van %(name)s, met “namens … door …” en "
    "jouw naam.",
    "Put the request online": "Hulpvraag online zetten",
    "Back": "Terug",
    "Help near %(name)s": "Hulp in de buurt van %(name)s",
    "What neighbours ask and offer near %(name)s, as they would see it. React on their "
    "behalf.": "Wat buren vragen en aanbieden in de buurt van %(name)s, zoals diegene het zou "
    "zien. Reageer namens hen.",
    "React on behalf of %(name)s": "Reageren namens %(name)s",
    "More": "Meer",
    "This resident has no address yet.": "Deze bewoner heeft nog geen adres.",
    "Nothing near them right now.": "Er is nu niets in de buurt.",
    "Reaction on their behalf": "Reactie namens de bewoner",
    "Say who you are writing for and when they could use the help.": "Zeg voor wie je schrijft "
    "en wanneer de hulp welkom is.",
    "Send the reaction": "Reactie versturen",
    "The request is online, on behalf of %(name)s.": "De hulpvraag staat online, namens %(name)s.",
    "The reaction is sent, on behalf of %(name)s.": "De reactie is verstuurd, namens %(name)s.",
    "The message is sent, on behalf of %(name)s.": "Het bericht is verstuurd, namens %(name)s.",
    "Agreed, on behalf of %(name)s.": "Afgesproken, namens %(name)s.",
    "The answer is sent, on behalf of %(name)s.": "Het antwoord is verstuurd, namens %(name)s.",
    "%(name)s is asked to help. What is the answer?": "%(name)s is gevraagd om te helpen. Wat "
    "is het antwoord?",
    "Yes, on behalf of %(name)s": "Ja, namens %(name)s",
    "No, on behalf of %(name)s": "Nee, namens %(name)s",
    "said yes to “%(title)s”": "zei ja op “%(title)s”",
    "said no to “%(title)s”": "zei nee op “%(title)s”",
    "Confirmed and booked, on behalf of %(name)s.": "Bevestigd en geboekt, namens %(name)s.",
    "Reaction": "Reactie",
    "Agreed": "Afgesproken",
    "Yes, agreed on behalf of %(name)s": "Ja, afgesproken namens %(name)s",
    "When you confirm, this time goes from the balance of %(name)s.": "Als je bevestigt, gaat "
    "deze tijd van het saldo van %(name)s af.",
    "Message on their behalf": "Bericht namens de bewoner",
    "Back to the overview": "Terug naar het overzicht",
    # The printed pages
    "Overview for %(name)s": "Overzicht voor %(name)s",
    "Print this page with your browser (Ctrl+P).": "Druk deze pagina af met je browser (Ctrl+P).",
    "Buurthulp, printed on %(day)s": "Buurthulp, afgedrukt op %(day)s",
    "Your time credits": "Je tijdtegoed",
    "Your requests for help": "Je hulpvragen",
    "You have no open requests now.": "Je hebt nu geen open hulpvragen.",
    "Who helps you": "Wie helpt je",
    "phone": "telefoon",
    "Nobody is agreed to help you right now.": "Er is nu niemand met wie hulp is afgesproken.",
    "Questions? Call your coordinator %(name)s:": "Vragen? Bel je coördinator %(name)s:",
    "Welcome to Buurthulp": "Welkom bij Buurthulp",
    "Dear %(name)s,": "Beste %(name)s,",
    "Welcome to Buurthulp in %(hood)s.": "Welkom bij Buurthulp in %(hood)s.",
    "Welcome to Buurthulp.": "Welkom bij Buurthulp.",
    "Here neighbours help each other with small things: shopping, a lift, a form, a chat.": "Hier "
    "helpen buren elkaar met kleine dingen: boodschappen, een ritje, een formulier, een praatje.",
    "How it works": "Zo werkt het",
    "You tell me what you need. I put your question online for you.": "Je vertelt mij wat je "
    "nodig hebt. Ik zet je vraag voor je online.",
    "A neighbour who can help reacts. I call you, and together we agree.": "Een buur die kan "
    "helpen, reageert. Ik bel je en samen spreken we iets af.",
    "The neighbour calls you to make an appointment. Your address is only shared then.": "De "
    "buur belt je voor een afspraak. Pas dan wordt je adres gedeeld.",
    "Afterwards I book the time. One hour of help is one hour of time credits, whoever gives "
    "it.": "Daarna boek ik de tijd. Een uur hulp is een uur tijdtegoed, wie het ook geeft.",
    "Can you not give anything back? Ask anyway. The solidarity pool is there for that.": "Kun "
    "je niets teruggeven? Vraag het toch. Daar is de solidariteitspot voor.",
    "Your privacy": "Je privacy",
    "You have no account to log in to: I keep it for you. Everything I do for you says “on "
    "behalf of %(name)s by %(by)s”. You may always ask what is stored about you, and who "
    "looked at it.": "Je hebt geen account om in te loggen: ik beheer het voor je. Bij alles wat "
    "ik voor je doe, staat “namens %(name)s door %(by)s”. Je mag altijd vragen wat er over je is "
    "opgeslagen en wie ernaar keek.",
    "Questions, or do you need help? Call me, %(name)s, your coordinator:": "Vragen, of heb je "
    "hulp nodig? Bel mij, %(name)s, je coördinator:",
    "Kind regards,": "Met vriendelijke groet,",
}
