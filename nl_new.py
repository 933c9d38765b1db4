"""Dutch for the new texts of two-step verification (merged into messages.po by hand)."""

NL = {
    # Forms
    "Code": "Code",
    "The 6 digits your app shows now. No phone at hand? Type one of your recovery codes.": (
        "De 6 cijfers die je app nu laat zien. Geen telefoon bij de hand? Typ dan een van je "
        "herstelcodes."
    ),
    "Code from the app": "Code uit de app",
    "The 6 digits the app shows after scanning.": (
        "De 6 cijfers die de app laat zien na het scannen."
    ),
    "A code from the app or a recovery code, to show it is you.": (
        "Een code uit de app of een herstelcode. Zo weten we dat jij het bent."
    ),
    "For example: phone lost, she called on Monday and I knew her voice.": (
        "Bijvoorbeeld: telefoon kwijt, ze belde maandag en ik herkende haar stem."
    ),
    "I have checked that the member asked for this themselves": (
        "Ik heb gecontroleerd dat het lid dit zelf heeft gevraagd"
    ),
    "Check who asked first, then tick this box.": (
        "Controleer eerst wie het vroeg. Zet dan een vinkje in dit vakje."
    ),
    # Messages
    "Two-step verification of %(name)s is reset. They are logged out everywhere and have "
    "been told.": (
        "De tweestapsverificatie van %(name)s is gewist. %(name)s is overal uitgelogd en "
        "heeft een bericht gekregen."
    ),
    "Staff need two-step verification for the API. Log in on the website, set it up under "
    "My account, then ask for a new token.": (
        "Medewerkers hebben tweestapsverificatie nodig voor de API. Log in op de website, "
        "stel het in bij Mijn account en vraag dan een nieuw token aan."
    ),
    "Staff need two-step verification for the API. Log in on the website first and set it "
    "up under My account.": (
        "Medewerkers hebben tweestapsverificatie nodig voor de API. Log eerst in op de "
        "website en stel het in bij Mijn account."
    ),
    "This account uses two-step verification: send the 6-digit code from the app (or a "
    "recovery code) as “otp”.": (
        "Dit account gebruikt tweestapsverificatie: stuur de code van 6 cijfers uit de app "
        "(of een herstelcode) mee als “otp”."
    ),
    "Set up two-step verification first. Staff see residents' data only after that.": (
        "Stel eerst tweestapsverificatie in. Pas daarna zie je als medewerker gegevens van "
        "bewoners."
    ),
    "%(by)s reset your two-step verification (the code app). Every device was logged out. "
    "Log in again and set it up on your phone.": (
        "%(by)s heeft je tweestapsverificatie (de code-app) gewist. Je bent op alle apparaten "
        "uitgelogd. Log opnieuw in en stel het in op je telefoon."
    ),
    "Only the member can set up their own two-step verification.": (
        "Alleen het lid zelf kan eigen tweestapsverificatie instellen."
    ),
    "Setting up had already started. Open the page again.": (
        "Het instellen was al begonnen. Open de pagina opnieuw."
    ),
    "Type the 6 digits your app shows.": "Typ de 6 cijfers die je app laat zien.",
    "Setting up has not started, or has expired. Start again.": (
        "Het instellen is niet begonnen of duurde te lang. Begin opnieuw."
    ),
    "This code is not right. Check that the time on your phone is right, and type the 6 "
    "digits the app shows now.": (
        "Deze code klopt niet. Kijk of de tijd op je telefoon goed staat. Typ dan de 6 "
        "cijfers die de app nu laat zien."
    ),
    "Staff keep two-step verification on. Got a new phone? Set it up again on the new phone.": (
        "Medewerkers houden tweestapsverificatie aan. Heb je een nieuwe telefoon? Stel het "
        "dan opnieuw in op die telefoon."
    ),
    "Two-step verification is already off.": "Tweestapsverificatie staat al uit.",
    "Only an admin can reset two-step verification.": (
        "Alleen een beheerder kan tweestapsverificatie wissen."
    ),
    "Write down why, for example: phone lost, asked by phone.": (
        "Schrijf op waarom, bijvoorbeeld: telefoon kwijt, gevraagd per telefoon."
    ),
    "This member has no two-step verification to reset.": (
        "Dit lid heeft geen tweestapsverificatie om te wissen."
    ),
    "Only the system can set a second factor for someone.": (
        "Alleen het systeem kan voor iemand een tweede stap instellen."
    ),
    "This code is not right, or it was used already. Type the 6 digits your app shows now, "
    "or one of your recovery codes.": (
        "Deze code klopt niet of is al gebruikt. Typ de 6 cijfers die je app nu laat zien, "
        "of een van je herstelcodes."
    ),
    "Welcome, %(name)s. First set up two-step verification: it takes a minute.": (
        "Welkom, %(name)s. Stel eerst tweestapsverificatie in. Dat duurt een minuut."
    ),
    "That took too long. Log in again, please.": "Dat duurde te lang. Log opnieuw in.",
    "QR code for your code app": "QR-code voor je code-app",
    "Two-step verification is off.": "Tweestapsverificatie staat uit.",
    "Two-step verification is on.": "Tweestapsverificatie staat aan.",
    # Pages
    "Reset two-step verification": "Tweestapsverificatie wissen",
    "A member lost their phone and their recovery codes? Reset their two-step verification "
    "here. They are logged out on every device and get a message. Staff set it up again "
    "when they next log in.": (
        "Is een lid de telefoon en de herstelcodes kwijt? Wis hier de tweestapsverificatie. "
        "Het lid wordt op alle apparaten uitgelogd en krijgt een bericht. Medewerkers stellen "
        "het opnieuw in als ze weer inloggen."
    ),
    "Only do this when you are sure the member asked for it themselves: in person, or by "
    "phone with someone you know.": (
        "Doe dit alleen als je zeker weet dat het lid het zelf vroeg: in persoon, of per "
        "telefoon met iemand die je kent."
    ),
    "Reset": "Wissen",
    "Log in: your code": "Inloggen: je code",
    "Your password is right. Now open the code app on your phone and type the code it "
    "shows for Buurthulp.": (
        "Je wachtwoord klopt. Open nu de code-app op je telefoon en typ de code die daar "
        "bij Buurthulp staat."
    ),
    "Lost your phone and your recovery codes? Ask your coordinator or the admin to reset "
    "your two-step verification.": (
        "Telefoon en herstelcodes kwijt? Vraag je coördinator of de beheerder om je "
        "tweestapsverificatie te wissen."
    ),
    "Your recovery codes": "Je herstelcodes",
    "Write these codes down or print this page, and keep it somewhere safe. You see them "
    "only now.": (
        "Schrijf deze codes op of print deze pagina, en bewaar ze op een veilige plek. Je "
        "ziet ze alleen nu."
    ),
    "No phone at hand? Then you log in with one of these codes instead of the code from the "
    "app. Each code works once.": (
        "Geen telefoon bij de hand? Dan log je in met een van deze codes in plaats van de "
        "code uit de app. Elke code werkt één keer."
    ),
    "I have saved them: go on": "Ik heb ze bewaard: verder",
    "Two-step verification": "Tweestapsverificatie",
    "With two-step verification you log in with your password and a code from an app on "
    "your phone. Someone who finds out your password still cannot get in.": (
        "Met tweestapsverificatie log je in met je wachtwoord én een code uit een app op je "
        "telefoon. Weet iemand je wachtwoord? Dan kan die persoon toch niet inloggen."
    ),
    "You work for Buurthulp as staff. You see residents' data only after you have set this up.": (
        "Je werkt als medewerker voor Buurthulp. Je ziet gegevens van bewoners pas als je dit "
        "hebt ingesteld."
    ),
    "Set up in three steps": "Instellen in drie stappen",
    "Install a code app on your phone, for example Google Authenticator, Microsoft "
    "Authenticator or FreeOTP.": (
        "Zet een code-app op je telefoon, bijvoorbeeld Google Authenticator, Microsoft "
        "Authenticator of FreeOTP."
    ),
    "In the app, choose to add an account and scan this QR code.": (
        "Kies in de app voor een account toevoegen en scan deze QR-code."
    ),
    "Cannot scan? Type this key in the app instead:": (
        "Lukt scannen niet? Typ dan deze sleutel in de app:"
    ),
    "Type the code the app now shows for Buurthulp.": (
        "Typ de code die de app nu bij Buurthulp laat zien."
    ),
    "Turn on": "Aanzetten",
    ("You have %(num)s recovery code left.", "You have %(num)s recovery codes left."): (
        "Je hebt nog %(num)s herstelcode.",
        "Je hebt nog %(num)s herstelcodes.",
    ),
    "New phone?": "Nieuwe telefoon?",
    "Turn it on": "Aanzetten",
    "Set it up again on your new phone. Your old phone keeps working until you are done.": (
        "Stel het opnieuw in op je nieuwe telefoon. Je oude telefoon blijft werken tot je "
        "klaar bent."
    ),
    "Set up on my phone": "Instellen op mijn telefoon",
    "Turn it off": "Uitzetten",
    "Turn off": "Uitzetten",
    "Staff keep two-step verification on. Lost your phone and your recovery codes? Ask an "
    "admin to reset it.": (
        "Medewerkers houden tweestapsverificatie aan. Telefoon en herstelcodes kwijt? Vraag "
        "een beheerder om het te wissen."
    ),
    "Back to my account": "Terug naar mijn account",
}
