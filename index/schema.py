"""The one Whoosh schema, used by the build and by every reader."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from .text import make_analyzer, make_word_analyzer

# The fields a query searches, with their BM25F weights (build-time impacts and the Whoosh
# query both read them from here).
FIELD_BOOSTS = {"body": 1.0, "section": 2.0, "title": 1.5, "keywords": 1.5}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)

# Bump when fields or analysis change: an index built with another version is refused at open.
SCHEMA_VERSION = 2


def make_schema() -> Schema:
    """Return the schema of a passage document."""
    analyzer = make_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        article=ID(stored=True),
        title=TEXT(analyzer=analyzer, stored=True),
        section=TEXT(analyzer=analyzer, stored=True),
        keywords=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        # Surface words of every searchable field: the vocabulary for spelling and suggestions.
        spell=TEXT(analyzer=make_word_analyzer()),
        kind=ID(stored=True),
        position=NUMERIC(stored=True),
        url=STORED,
        date=STORED,
        # Term counts of the passage, precomputed so reranking never re-analyses text.
        stats=STORED,
    )
