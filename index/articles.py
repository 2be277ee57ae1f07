"""Read one article back from the index's stored passages: title, date and its sections in order.

The index stores every passage's text, heading and anchor, so a server without the site (local
development, a newcomer's first run) can still show the article a result links to.
"""

from __future__ import annotations

from dataclasses import dataclass

from .store import SearchIndex


@dataclass(frozen=True)
class Section:
    """One passage of an article as stored: its anchor, heading, kind and paragraphs."""

    anchor: str
    heading: str
    kind: str  # "intro", "section" or "faq"
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ArticleText:
    """An article rebuilt from the index: what its page shows."""

    slug: str
    title: str
    date: str
    sections: tuple[Section, ...]


def read_article(index: SearchIndex, slug: str) -> ArticleText | None:
    """Return the article with this slug from the index, sections in their order, or None."""
    info = index.articles.get(slug)
    if info is None:
        return None
    stored = index.article_passages(slug)
    sections = tuple(
        Section(
            anchor=doc["url"].partition("#")[2],
            heading=doc["section"],
            kind=doc["kind"],
            paragraphs=tuple(p for p in doc["body"].split("\n\n") if p.strip()),
        )
        for doc in stored
    )
    date = stored[0].get("date", "") if stored else ""
    return ArticleText(slug=slug, title=info.title, date=date, sections=sections)
