"""The shared Dutch taxonomy of kinds of help. Reports count on these slugs: an admin may
add categories for a neighbourhood, never remove or rename these."""

from __future__ import annotations

from buurthulp.i18n import lazy_gettext as _l

SHARED = (
    ("boodschappen", _l("Shopping")),
    ("klussen-in-huis", _l("Odd jobs in the house")),
    ("tuin", _l("Garden")),
    ("vervoer-en-begeleiding", _l("Transport and going along")),
    ("gezelschap-en-wandelen", _l("Company and walks")),
    ("administratie-en-formulieren", _l("Paperwork and forms")),
    ("computer-en-telefoon", _l("Computer and phone")),
    ("koken-en-maaltijden", _l("Cooking and meals")),
    ("huisdieren", _l("Pets")),
    ("anders", _l("Something else")),
)
SHARED_SLUGS = tuple(slug for slug, _label in SHARED)
# Dutch names as the field documents use them: what a resident types as an interest or a
# talent ("tuin", "boodschappen") matches the category.
DUTCH_NAMES = {
    "boodschappen": "boodschappen",
    "klussen-in-huis": "klussen in huis",
    "tuin": "tuin",
    "vervoer-en-begeleiding": "vervoer en begeleiding",
    "gezelschap-en-wandelen": "gezelschap en wandelen",
    "administratie-en-formulieren": "administratie en formulieren",
    "computer-en-telefoon": "computer en telefoon",
    "koken-en-maaltijden": "koken en maaltijden",
    "huisdieren": "huisdieren",
    "anders": "anders",
}
