"""Dutch for the new texts of feat-listings (listing lifecycle, categories, digest), to merge
into buurthulp/translations/nl/LC_MESSAGES/messages.po.

No longer used after this branch (can go from the catalogue): "30 days longer",
"Yes, 30 days longer", "Is your listing “%(title)s” still on?",
"No more of these e-mails? %(link)s", "What happened:".
"""

NL = {
    # Expiry and "still on?"
    "Extend by 30 days": "30 dagen verlengen",
    "Extend by 30 days: open this link and press the button": (
        "30 dagen verlengen: open deze link en klik op de knop"
    ),
    "Still on": "Nog steeds actueel",
    "still on?": "nog actueel?",
    "Still on? Open this link and press the button": (
        "Nog steeds actueel? Open deze link en klik op de knop"
    ),
    "Thank you: your listing stays online.": "Dank je wel: je oproep blijft online.",
    "This link was already used, or your listing was extended since. Log in to see your listing.": (
        "Deze link is al gebruikt, of je oproep is intussen al verlengd. "
        "Log in om je oproep te zien."
    ),
    "Is your listing “%(title)s” still on? Say so within 30 days, or we pause it for you.": (
        "Is je oproep “%(title)s” nog steeds actueel? Laat het ons binnen 30 dagen weten. "
        "Anders zetten we hem op pauze."
    ),
    "We paused your listing “%(title)s”: you did not say it is still on. Is it? "
    "Open the listing and press “Open again”.": (
        "We hebben je oproep “%(title)s” op pauze gezet: je hebt niet laten weten of hij nog "
        "actueel is. Is hij dat wel? Open de oproep en klik op “Weer openen”."
    ),
    "Is this still on? Press “Still on” to keep it online. Without an answer within 30 days "
    "of our question, we pause it.": (
        "Is dit nog actueel? Klik op “Nog steeds actueel”, dan blijft het online. Hebben we "
        "30 dagen na onze vraag geen antwoord, dan zetten we het op pauze."
    ),
    # Closing thanks the open reactions
    "“%(title)s” is closed: help was found, or it is no longer needed. "
    "Thank you for wanting to help!": (
        "“%(title)s” is gesloten: er is al hulp gevonden, of het is niet meer nodig. "
        "Dank je wel dat je wilde helpen!"
    ),
    "“%(title)s” is closed: this offer is no longer available. Thank you for asking!": (
        "“%(title)s” is gesloten: dit aanbod is er niet meer. Dank je wel voor je vraag!"
    ),
    # The daily digest
    "No more e-mail about this? %(link)s": "Geen e-mail meer hierover? %(link)s",
    "No more daily e-mail at all? %(link)s": "Helemaal geen dagelijkse e-mail meer? %(link)s",
    "the daily e-mail with news for you": "de dagelijkse e-mail met nieuws voor jou",
    # Categories (admin)
    "Categories": "Categorieën",
    "Categories in %(name)s": "Categorieën in %(name)s",
    "Residents choose one of these for each listing. The shared ones are the same everywhere "
    "and always stay.": (
        "Bewoners kiezen hier een van bij elke oproep. De gedeelde categorieën zijn overal "
        "hetzelfde en blijven altijd bestaan."
    ),
    "For": "Voor",
    "Who may help": "Wie mag helpen",
    "everyone (shared)": "iedereen (gedeeld)",
    "this neighbourhood": "deze buurt",
    "Add a category for this neighbourhood": "Een categorie toevoegen voor deze buurt",
    "Add": "Toevoegen",
    "Back to management": "Terug naar beheer",
    "Back to the categories": "Terug naar de categorieën",
    "A shared category: the same everywhere. It keeps its name and always stays.": (
        "Een gedeelde categorie: overal hetzelfde. De naam blijft en de categorie blijft "
        "altijd bestaan."
    ),
    "A category of %(name)s only.": "Een categorie van alleen %(name)s.",
    "Anyone may help": "Iedereen mag helpen",
    "Only a verified helper": "Alleen een gecontroleerde helper",
    "Only a helper with a certificate of conduct (VOG)": "Alleen een helper met een VOG",
    "A few words residents understand, for example: bike repairs.": (
        "Een paar woorden die bewoners begrijpen, bijvoorbeeld: fietsen maken."
    ),
    "Who may help with it in this neighbourhood?": "Wie mag hierbij helpen in deze buurt?",
    "For help inside someone's home, ask for a verified helper.": (
        "Is het hulp bij iemand thuis? Vraag dan om een gecontroleerde helper."
    ),
    "Remove this category": "Deze categorie verwijderen",
    "The category has been added.": "De categorie is toegevoegd.",
    "The category has been removed.": "De categorie is verwijderd.",
    "The category has been saved.": "De categorie is opgeslagen.",
    "Only an admin can change the categories of a neighbourhood.": (
        "Alleen een beheerder kan de categorieën van een buurt wijzigen."
    ),
    "This category does not exist here.": "Deze categorie bestaat hier niet.",
    "Give the category a name.": "Geef de categorie een naam.",
    "There is already a category with this name.": "Er is al een categorie met deze naam.",
    "The category could not be saved. Please try again.": (
        "De categorie kon niet worden opgeslagen. Probeer het nog een keer."
    ),
    "A shared category keeps its name.": "Een gedeelde categorie houdt haar naam.",
    "Shared categories are never removed: reports count on them.": (
        "Gedeelde categorieën worden nooit verwijderd: de rapportages tellen ermee."
    ),
    "Listings use this category, so it stays. You can rename it.": (
        "Er zijn oproepen met deze categorie, dus hij blijft bestaan. Je kunt hem wel een "
        "andere naam geven."
    ),
}
