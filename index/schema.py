"""The one Whoosh schema, used by the build and by every reader."""

from __future__ import annotations

from whoosh.fields import ID, STORED, TEXT, Schema

from .text import make_word_analyzer

# The fields a query searches, with their BM25F weights. Their term statistics live in the
# impact postings (impacts.py), built from these; Whoosh stores their text only.
FIELD_BOOSTS = {"body": 1.0, "section": 2.0, "title": 1.5, "keywords": 1.5}
SEARCH_FIELDS = tuple(FIELD_BOOSTS)

# Bump when fields or analysis change: an index built with another version is refused at open.
SCHEMA_VERSION = 3


def make_schema() -> Schema:
    """Return the schema of a passage document."""
    return Schema(
        id=STORED,
        # Indexed (one term per article, no positions): an article's passages are found by slug.
        article=ID(stored=True),
        title=STORED,
        section=STORED,
        body=STORED,
        # Surface words of every searchable field: the vocabulary for spelling and suggestions
        # (with positions: a completion that follows the typed word in the text comes first).
        spell=TEXT(analyzer=make_word_analyzer()),
        kind=STORED,
        position=STORED,
        url=STORED,
        # The passage's body length, heading terms, defined terms and heading opener, for the
        # rerank (term counts are in the impact postings).
        stats=STORED,
        # The passage number of its article's first passage, which alone stores the article's
        # topic (ArticleInfo, store.py) and date: per-article data is read only when needed.
        first=STORED,
        topic=STORED,
        date=STORED,
    )
