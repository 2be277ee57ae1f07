"""The one passage model every format parses into: an article of sections and FAQ entries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import BadContent
from ..snippets import sentences
from ..text import slugify

# An article with more headings than this is a mistake or an attack: the build stops.
MAX_SECTIONS = 1_000
# A longer section is split into passages of at most this many characters (at paragraph, then
# sentence, then word ends), so no single passage makes snippets or stored fields huge.
MAX_PASSAGE_CHARS = 12_000


# Real FAQ questions run long ("I am currently tracking testing (bookworm). What will happen when a
# release is made? Will I still be tracking testing or …?" is 28 words); a paragraph rarely
# both ends a question and stays this short.
QUESTION_MAX_WORDS = 45
QUESTION_MAX_CHARS = 300
# A question mark, then closing marks only: "?", "?!", "?'", "?)".
_ENDS_QUESTION = re.compile(r"\?[!'\"”’)]*$")
# A question followed by an aside in brackets: "How do I delete a file? (And other questions...)".
_QUESTION_THEN_ASIDE = re.compile(r"\?\s*\([^()]*\)$")
_INTERROGATIVES = frozenset(
    "how what why when where who whom whose which can could do does did is are am was were will"
    " would should shall may might must have has isn't aren't doesn't don't can't won't".split()
)


def is_question(heading: str, marked: bool = False) -> bool:
    """Return True when a heading asks a question, so its section is an FAQ entry.

    A question ends in "?" (closing marks allowed), or ends in an aside in brackets right after
    its "?" ("Why do my csh aliases not work? (Plus other alias pitfalls.)"), or opens with a
    question word and, after its "?", only exclaims ("Why does X? I thought Y!"). A line that
    goes on to state something after its question ("Why? Nobody knows.") asks nothing, unless
    the markup says it is a heading (marked: HTML, Markdown), where a question word, a "?" and
    a remark after it ("Can Privoxy make mistakes? This does not sound very scientific.") is
    still the entry's question.
    """
    heading = heading.strip()
    words = heading.split()
    if not words or len(words) > QUESTION_MAX_WORDS or len(heading) > QUESTION_MAX_CHARS:
        return False
    if "?" not in heading:
        return False
    if _ENDS_QUESTION.search(heading) or _QUESTION_THEN_ASIDE.search(heading):
        return True
    first = words[0].lower().strip("\"'“‘(").replace("’", "'")
    if first not in _INTERROGATIVES:
        return False
    return marked or heading.rstrip("\"'”’").endswith("!")


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

    def add_sections(self, sections: Iterable[Section], source: str) -> None:
        """Append each section with paragraphs as passages (a long one split); repeated
        headings get -2, -3…; raise BadContent naming source past MAX_SECTIONS headings."""
        sections = list(sections)
        headings = sum(1 for s in sections if s.kind != "intro")
        if headings > MAX_SECTIONS:
            raise BadContent(
                f"{source}: {headings:,} headings; an article may have at most "
                f"{MAX_SECTIONS:,} (split it into several articles)"
            )
        seen: dict[str, int] = {}
        for section in sections:
            if not section.paragraphs:
                continue
            base = "intro" if section.kind == "intro" else slugify(section.heading)
            for text in split_passage("\n\n".join(section.paragraphs)):
                seen[base] = seen.get(base, 0) + 1
                section_slug = base if seen[base] == 1 else f"{base}-{seen[base]}"
                self.passages.append(
                    Passage(
                        id=f"{self.slug}/{section_slug}",
                        slug=section_slug,
                        section=section.heading,
                        text=text,
                        kind=section.kind,
                        position=len(self.passages),
                    )
                )


def split_passage(text: str, limit: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Split text into parts of at most limit characters at paragraph, sentence or word ends."""
    if len(text) <= limit:
        return [text]
    pieces: list[tuple[str, str]] = []  # (joiner before it, piece)
    for n, paragraph in enumerate(text.split("\n\n")):
        for m, sentence in enumerate(sentences(paragraph) or [paragraph]):
            joiner = "\n\n" if n and not m else " "
            while len(sentence) > limit:  # one endless sentence: cut at the last space
                cut = sentence.rfind(" ", 0, limit + 1)
                cut = cut if cut > 0 else limit
                pieces.append((joiner, sentence[:cut]))
                sentence, joiner = sentence[cut:].lstrip(), " "
            pieces.append((joiner, sentence))
    parts: list[str] = []
    current = ""
    for joiner, piece in pieces:
        if current and len(current) + len(joiner) + len(piece) > limit:
            parts.append(current)
            current = ""
        current = current + joiner + piece if current else piece
    if current:
        parts.append(current)
    return parts

