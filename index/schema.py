"""The one Whoosh schema, used by the build and by every reader."""

from __future__ import annotations

from whoosh.fields import ID, STORED, TEXT, Schema

from .text import make_word_analyzer

# The fields a query searches, with their BM25F weights. Their term statistics live in the
# impact postings (impacts.py), built from these; Whoosh stores their text only.
FIELD_BOOSTS = {"body": 1.0, "section": 2.0, "title": 1.5, "keywords": 1.5}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)

# Bump when fields or analysis change: an index built with another version is refused at open.
SCHEMA_VERSION = 4


def make_schema() -> Schema:
    """Return the schema of a passage document."""
    return Schema(
        # Everything a reader needs of the passage, as one pickled dict (build.py's _documents):
        # Whoosh filters stored fields one by one against the schema, so one field is the
        # cheapest to read back.
        passage=STORED,
        # Indexed (one term per article, no positions): an article's passages are found by slug.
        article=ID,
        # Surface words of every searchable field: the vocabulary for spelling and suggestions
        # (with positions: a completion that follows the typed word in the text comes first).
        spell=TEXT(analyzer=make_word_analyzer()),
    )

