"""A neighbourhood's own categories, and the categories it wants a trusted helper for.

The shared categories are the Dutch taxonomy that reports count on: they are never removed
or renamed. An admin adds categories for one neighbourhood; those can be renamed, and
removed only while no listing uses them (the database refuses the rest). A rule per
neighbourhood and category asks for a "verified" or "vog" helper; matching reads it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from buurthulp.audit import services as audit
from buurthulp.auth.models import Member
from buurthulp.auth.permissions import may
from buurthulp.auth.roles import Permission
from buurthulp.db import transaction
from buurthulp.errors import Conflict, InvalidInput, NotAllowed, NotFound
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.inputs import clean_choice, clean_text, is_id
from buurthulp.listings.models import TRUST_NEEDED, Category, CategoryRule, Listing
from buurthulp.listings.services import categories_for, category_label
from buurthulp.listings.taxonomy import DUTCH_NAMES, SHARED, SHARED_SLUGS
from buurthulp.neighbourhoods.services import get_neighbourhood_or_404

NAME_MAX = 60
SLUG_MAX = 40
#: "" means anyone may help.
TRUST_CHOICES = ("", *TRUST_NEEDED)


@dataclass(frozen=True)
class CategoryRow:
    """One line of the admin's list: the category, its name, the rule, whether it is used."""

    category: Category
    label: str
    trust_needed: str | None
    used: bool


def _authorise(actor: Member, neighbourhood_id: int) -> None:
    if not may(actor, Permission.NEIGHBOURHOODS_MANAGE, neighbourhood_id):
        raise NotAllowed(_("Only an admin can change the categories of a neighbourhood."))


def _in_neighbourhood(category_id: object, neighbourhood_id: int) -> Category:
    """A shared category or one of this neighbourhood's own; any other is not found."""
    found = db.session.get(Category, category_id) if is_id(category_id) else None
    if found is None or found.neighbourhood_id not in (None, neighbourhood_id):
        raise NotFound(_("This category does not exist here."))
    return found


def categories_of(neighbourhood_id: int, *, actor: Member) -> list[CategoryRow]:
    """Every category a neighbourhood's residents choose from, with its rule."""
    _authorise(actor, neighbourhood_id)
    get_neighbourhood_or_404(neighbourhood_id)
    rules = dict(
        db.session.execute(
            select(CategoryRule.category_id, CategoryRule.trust_needed).where(
                CategoryRule.neighbourhood_id == neighbourhood_id
            )
        )
        .tuples()
        .all()
    )
    categories = categories_for(neighbourhood_id)
    used = set(
        db.session.scalars(
            select(Listing.category_id)
            .where(Listing.category_id.in_([c.id for c in categories if not c.shared]))
            .distinct()
        )
    )
    return [
        CategoryRow(c, category_label(c), rules.get(c.id), c.shared or c.id in used)
        for c in categories
    ]


def _clean_name(name: object) -> str:
    return clean_text(
        name,
        field="name",
        required=True,
        min_length=2,
        max_length=NAME_MAX,
        multiline=False,
        empty_message=_("Give the category a name."),
    )


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[: SLUG_MAX - 3] or "categorie"


def _check_name_free(name: str, neighbourhood_id: int, *, other_than: int | None = None) -> None:
    """Two categories with one name would confuse whoever posts (shared names count in
    Dutch and in the reader's language)."""
    wanted = name.casefold()
    taken = {n.casefold() for n in DUTCH_NAMES.values()}
    with force_locale("en"):
        taken |= {str(label).casefold() for _slug, label in SHARED}
    for category in categories_for(neighbourhood_id):
        if category.id != other_than:
            taken.add(category_label(category).casefold())
    if wanted in taken:
        raise InvalidInput(_("There is already a category with this name."), field="name")


def _free_slug(name: str, neighbourhood_id: int) -> str:
    """The name as a slug, numbered when a renamed category still holds it."""
    own = select(Category.slug).where(Category.neighbourhood_id == neighbourhood_id)
    taken = set(SHARED_SLUGS) | set(db.session.scalars(own))
    base = _slug(name)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set_rule(neighbourhood_id: int, category_id: int, trust_needed: str) -> None:
    """Ask for a trusted helper, or not ("" = anyone); only flushes."""
    rule = db.session.scalar(
        select(CategoryRule).where(
            CategoryRule.neighbourhood_id == neighbourhood_id,
            CategoryRule.category_id == category_id,
        )
    )
    if not trust_needed:
        if rule is not None:
            db.session.delete(rule)
    elif rule is None:
        db.session.add(
            CategoryRule(
                neighbourhood_id=neighbourhood_id,
                category_id=category_id,
                trust_needed=trust_needed,
            )
        )
    else:
        rule.trust_needed = trust_needed
    db.session.flush()


def _clean_trust(trust_needed: object) -> str:
    return clean_choice(trust_needed or "", TRUST_CHOICES, field="trust_needed")


def add_category(
    neighbourhood_id: int, *, name: object, trust_needed: object = "", actor: Member
) -> Category:
    """An admin adds a category for one neighbourhood (after the shared ones)."""
    _authorise(actor, neighbourhood_id)
    get_neighbourhood_or_404(neighbourhood_id)
    clean = _clean_name(name)
    trust = _clean_trust(trust_needed)
    try:
        with transaction():
            _check_name_free(clean, neighbourhood_id)
            last = db.session.scalar(
                select(func.max(Category.position)).where(
                    Category.neighbourhood_id == neighbourhood_id
                )
            )
            category = Category(
                slug=_free_slug(clean, neighbourhood_id),
                name=clean,
                neighbourhood_id=neighbourhood_id,
                position=max(last or 0, 99) + 1,
            )
            db.session.add(category)
            db.session.flush()
            _set_rule(neighbourhood_id, category.id, trust)
            audit.record(actor, "category", neighbourhood_id=neighbourhood_id, note=clean)
    except IntegrityError:  # the same name added twice at once
        raise Conflict(_("The category could not be saved. Please try again.")) from None
    return category


def save_category(
    neighbourhood_id: int,
    category_id: object,
    *,
    name: object = None,
    trust_needed: object = "",
    actor: Member,
) -> Category:
    """Rename a neighbourhood's own category (a shared one keeps its name) and set who may
    help with it here. The slug stays: listings and links keep pointing at it."""
    _authorise(actor, neighbourhood_id)
    category = _in_neighbourhood(category_id, neighbourhood_id)
    trust = _clean_trust(trust_needed)
    clean = None
    if name is not None and not category.shared:
        clean = _clean_name(name)
    elif name is not None and name != category_label(category):
        raise InvalidInput(_("A shared category keeps its name."), field="name")
    try:
        with transaction():
            if clean is not None and clean != category.name:
                _check_name_free(clean, neighbourhood_id, other_than=category.id)
                category.name = clean
            _set_rule(neighbourhood_id, category.id, trust)
            audit.record(
                actor,
                "category",
                neighbourhood_id=neighbourhood_id,
                note=f"{category_label(category)} · {trust or '-'}",
            )
    except IntegrityError:  # two admins set the same rule at once
        raise Conflict(_("The category could not be saved. Please try again.")) from None
    return category


def remove_category(neighbourhood_id: int, category_id: object, *, actor: Member) -> None:
    """Remove a neighbourhood's own category that no listing uses (yet)."""
    _authorise(actor, neighbourhood_id)
    category = _in_neighbourhood(category_id, neighbourhood_id)
    if category.shared:
        raise Conflict(_("Shared categories are never removed: reports count on them."))
    try:
        with transaction():
            # The listings' foreign key refuses it once used; its rules go with it (cascade).
            audit.record(
                actor,
                "category",
                neighbourhood_id=neighbourhood_id,
                note=f"- {category_label(category)}",
            )
            db.session.delete(category)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("Listings use this category, so it stays. You can rename it.")) from None


def category_row(neighbourhood_id: int, category_id: object, *, actor: Member) -> CategoryRow:
    """One category as the admin's list shows it (a shared one or this neighbourhood's)."""
    for row in categories_of(neighbourhood_id, actor=actor):
        if row.category.id == category_id:
            return row
    raise NotFound(_("This category does not exist here."))
