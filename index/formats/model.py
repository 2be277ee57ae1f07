"""The one passage model every format parses into: an article of sections and FAQ entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..text import slugify


def is_question(heading: str) -> bool:
    """Return True when a heading asks a question, so its section is an FAQ entry."""
    return heading.rstrip().endswith("?")


@dataclass(frozen=True)
class Passage:
    """One searchable unit: a section (or FAQ entry) of an article."""

    id: str
    slug: str
    section: str
    text: str
    kind: str  # "section", "faq" or "intro"
    position: int


@dataclass(frozen=True)
class Comment:
    """A reader's comment: kept for completeness, never indexed or answered."""

    name: str
    text: str
    date: str


@dataclass(frozen=True)
class Section:
    """What a parser found before passages are numbered: a heading, its kind, its paragraphs."""

    heading: str
    kind: str  # "section", "faq" or "intro"
    paragraphs: tuple[str, ...]


@dataclass
class Article:
    """A parsed article: metadata plus its passages."""

    slug: str
    title: str
    date: str
    keywords: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # The page's own address (an HTML canonical link, a Markdown front matter url): results
    # link there instead of /articles/<slug>.
    canonical: str = ""

    @property
    def url(self) -> str:
        """Return the article's address on the site."""
        return self.canonical or f"/articles/{self.slug}"

    def add_sections(self, sections: Iterable[Section]) -> None:
        """Append each section with paragraphs as a passage; repeated headings get -2, -3…"""
        seen: dict[str, int] = {}
        for p in self.passages:
            seen[p.slug] = seen.get(p.slug, 0) + 1
        for section in sections:
            if not section.paragraphs:
                continue
            base = "intro" if section.kind == "intro" else slugify(section.heading)
            seen[base] = seen.get(base, 0) + 1
            section_slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
            self.passages.append(
                Passage(
                    id=f"{self.slug}/{section_slug}",
                    slug=section_slug,
                    section=section.heading,
                    text="\n\n".join(section.paragraphs),
                    kind=section.kind,
                    position=len(self.passages),
                )
            )
