"""Categories: the shared ones every neighbourhood has, a neighbourhood's own, and the
trust a neighbourhood asks of a helper for one."""

from __future__ import annotations

from sqlalchemy import select

from buurthulp.errors import InvalidInput
from buurthulp.extensions import db
from buurthulp.i18n import gettext as _
from buurthulp.listings.models import (
    Category,
    CategoryRule,
    Listing,
)
from buurthulp.listings.taxonomy import SHARED, SHARED_SLUGS

# Categories ---------------------------------------------------------------------------------


def ensure_shared_categories() -> None:
    """The shared taxonomy exists (the migration adds it; this mends a bare create_all)."""
    have = set(db.session.scalars(select(Category.slug).where(Category.neighbourhood_id.is_(None))))
    for position, (slug, _label) in enumerate(SHARED):
        if slug not in have:
            db.session.add(Category(slug=slug, position=position))
    db.session.flush()


def categories_for(neighbourhood_id: int | None) -> list[Category]:
    """The shared categories, then the neighbourhood's own."""
    query = select(Category).order_by(Category.neighbourhood_id.is_not(None), Category.position)
    if neighbourhood_id is None:
        query = query.where(Category.neighbourhood_id.is_(None))
    else:
        query = query.where(
            (Category.neighbourhood_id.is_(None)) | (Category.neighbourhood_id == neighbourhood_id)
        )
    return list(db.session.scalars(query))


def category_label(category: Category) -> str:
    labels = dict(SHARED)
    if category.shared and category.slug in labels:
        return str(labels[category.slug])
    return category.name or category.slug


def _category(slug: object, neighbourhood_id: int) -> Category:
    if not isinstance(slug, str) or not slug:
        raise InvalidInput(_("Choose what kind of help it is."), field="category")
    found = db.session.scalar(
        select(Category).where(
            Category.slug == slug,
            (Category.neighbourhood_id.is_(None)) | (Category.neighbourhood_id == neighbourhood_id),
        )
    )
    if found is None and slug in SHARED_SLUGS:
        ensure_shared_categories()
        found = db.session.scalar(
            select(Category).where(Category.slug == slug, Category.neighbourhood_id.is_(None))
        )
    if found is None:
        raise InvalidInput(_("This category is not known."), field="category")
    return found


def trust_needed(listing: Listing) -> str | None:
    """ "verified" or "vog" when the neighbourhood asks a trusted helper for this category."""
    return db.session.scalar(
        select(CategoryRule.trust_needed).where(
            CategoryRule.neighbourhood_id == listing.neighbourhood_id,
            CategoryRule.category_id == listing.category_id,
        )
    )
