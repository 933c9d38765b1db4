"""Full-text search in Dutch over a listing's title and description, on both databases.

- SQLite: an FTS5 table with the trigram tokenizer (`listings_fts`, kept in step by
  triggers): any three letters or more of a word match, so "boods" finds "boodschappen"
  and "schappen" does too.
- PostgreSQL: `to_tsvector('dutch', ...)` with an expression GIN index, each word as a
  prefix (`word:*`), both as typed and as its Dutch stem: "boods" finds "boodschappen",
  "fietsen" finds "fiets".

The DDL is in the migrations (it is not part of the ORM metadata); `install()` runs the
same statements, and runs by itself after `create_all` makes the listings table (race
tests, the browser tests' server, benchmarks), so no database ends up without search.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, event, func, literal_column, text

from buurthulp.listings.models import Listing

MIN_WORD = 3
MAX_WORDS = 6
QUERY_MAX = 100

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS listings_fts USING fts5("
    "title, description, content='listings_listing', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_insert AFTER INSERT ON listings_listing BEGIN "
    "INSERT INTO listings_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_delete AFTER DELETE ON listings_listing BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    "CREATE TRIGGER IF NOT EXISTS listings_fts_update AFTER UPDATE OF title, description "
    "ON listings_listing BEGIN "
    "INSERT INTO listings_fts(listings_fts, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    "INSERT INTO listings_fts(rowid, title, description) "
    "VALUES (new.id, new.title, new.description); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS listings_fts_insert",
    "DROP TRIGGER IF EXISTS listings_fts_delete",
    "DROP TRIGGER IF EXISTS listings_fts_update",
    "DROP TABLE IF EXISTS listings_fts",
)
PG_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_listings_listing_search ON listings_listing "
    "USING gin (to_tsvector('dutch', title || ' ' || description))",
)
PG_DROP = ("DROP INDEX IF EXISTS ix_listings_listing_search",)


def is_search_object(name: str | None, type_: str) -> bool:
    """Objects this module owns outside the ORM metadata (Alembic's compare skips them)."""
    if not name:
        return False
    return (type_ == "table" and name.startswith("listings_fts")) or (
        type_ == "index" and name == "ix_listings_listing_search"
    )


def install(bind: Any) -> None:
    """Create the search objects on `bind` (a connection or an Alembic `op` bind)."""
    for statement in SQLITE_DDL if bind.dialect.name == "sqlite" else PG_DDL:
        bind.execute(text(statement))


def optimise(session: Any) -> None:
    """After an erasure: merge the SQLite index's segments, so words deleted from it are
    gone from the file too (FTS5 keeps an old segment until a merge). PostgreSQL's index
    lives in the table's own pages, which VACUUM reclaims as for every other row."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("INSERT INTO listings_fts(listings_fts) VALUES ('optimize')"))


@event.listens_for(Listing.__table__, "after_create")
def _after_create(_table: Any, connection: Any, **_kw: Any) -> None:
    install(connection)


def words_of(query: str) -> list[str]:
    """The words worth searching for: letters and digits, at least three, at most six."""
    found = re.findall(r"\w+", query.lower()[:QUERY_MAX])
    return [w for w in found if len(w) >= MIN_WORD][:MAX_WORDS]


def matching(dialect: str, words: list[str]) -> ColumnElement[bool]:
    """A WHERE clause: listings whose title or description holds every word."""
    if dialect == "sqlite":
        expression = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
        # `id + 0`: not an indexed column, so SQLite narrows by the other conditions (the
        # cells near the member) and checks each row against the matches, instead of probing
        # the cell index once per matching listing in the whole country.
        return (Listing.id + 0).in_(
            text("SELECT rowid FROM listings_fts WHERE listings_fts MATCH :fts").bindparams(
                fts=expression
            )
        )
    document = func.to_tsvector(
        literal_column("'dutch'"), Listing.title + literal_column("' '") + Listing.description
    )
    query = None
    for word in words:
        prefix = re.sub(r"[^\w]", "", word) + ":*"
        # The Dutch stem for whole words ("fietsen" is "fiets"), the word as typed for a
        # part of one: stemming "boods" gives "bod", which no longer starts "boodschapp".
        either = func.to_tsquery(literal_column("'dutch'"), prefix).op("||")(
            func.to_tsquery(literal_column("'simple'"), prefix)
        )
        query = either if query is None else query.op("&&")(either)
    return document.op("@@")(query)
