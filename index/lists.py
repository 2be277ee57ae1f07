"""List answers: "reasons for X", "types of X", "ways to X" answered by the headings of X's article.

A query asks for a list when it names what it wants several of (reasons, causes, types, ways,
symptoms, …). It gets one when the article it is answered from is about exactly what the query
asks about (every other word of the query names that article's topic), announces such a list in
its title or keyword line ("Understanding the Reason for Restless Leg Syndrome"), has no single
section that answers it ("Common Causes": that section is the answer), and has a run of at least
three section headings that are its items: not generic ("Introduction", "Conclusion"), not
questions, not restating the topic ("Managing Restless Leg Syndrome with …").

The answer is one readable sentence ("There are several possible reasons: genetic
predisposition, …, and medications and substance use.") and the items, each with its link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .query import Concept, ParsedQuery
from .store import SearchIndex
from .text import raw_words, stem, stems

MIN_ITEMS = 3
MAX_ITEMS = 10
# A heading longer than this is a sentence about the topic, not the name of one item.
MAX_ITEM_WORDS = 8

# What a query may ask several of, by family: the words that ask, and what the sentence calls
# them. The sentence keeps the query's own word ("causes of" -> "causes", "reason for" ->
# "reasons").
_FAMILIES: dict[str, dict[str, str]] = {
    "cause": {
        w: noun
        for noun, words in {
            "reasons": "reason reasons",
            "causes": "cause causes caused causing",
            "triggers": "trigger triggers",
            "factors": "factor factors",
        }.items()
        for w in words.split()
    },
    "type": {
        w: noun
        for noun, words in {
            "types": "type types",
            "kinds": "kind kinds",
            "forms": "form forms",
            "varieties": "variety varieties",
        }.items()
        for w in words.split()
    },
    "way": {
        w: noun
        for noun, words in {
            "ways": "way ways",
            "methods": "method methods",
            "tips": "tip tips",
            "remedies": "remedy remedies",
            "options": "option options",
            "treatments": "treatment treatments",
        }.items()
        for w in words.split()
    },
    "symptom": {
        w: noun
        for noun, words in {"symptoms": "symptom symptoms", "signs": "sign signs"}.items()
        for w in words.split()
    },
}
_STEMS = {family: frozenset(stem(w) for w in words) for family, words in _FAMILIES.items()}
# Lists of what may be true say so; lists of ways or types simply are.
_LEADS = {"cause": "There are several possible", "symptom": "There are several possible"}
_PLACE_HEADINGS = frozenset(
    "introduction intro overview background abstract preface foreword contents notes references"
    " resources sources acknowledgments acknowledgements faq".split()
    + ["see also", "further reading", "frequently asked questions", "more information"]
)
_OPENERS = frozenset("how what why when where who which can is are does do should".split())
_GERUND = re.compile(r"^[a-z]{3,}ing$", re.IGNORECASE)


@dataclass(frozen=True)
class ListItem:
    """One item of a list answer: the heading that names it and the link to its passage."""

    title: str
    url: str


@dataclass(frozen=True)
class ListFound:
    """A list answer: the sentence to read, its items and the article it comes from."""

    text: str
    items: tuple[ListItem, ...]
    article_id: str  # the id of the article's first passage
    article_url: str


@dataclass(frozen=True)
class _Section:
    id: str
    heading: str
    kind: str
    url: str
    terms: frozenset[str]


def generic_heading(heading: str) -> bool:
    """Return True for a heading that says where a passage is, not what it is about."""
    from .search import RECAP_HEADINGS  # search imports this module

    plain = heading.lower().strip(" :.!")
    return plain in _PLACE_HEADINGS or plain in RECAP_HEADINGS


def asked_family(tokens: Iterable[str]) -> tuple[str, str] | None:
    """Return (family, plural noun) of the first word that asks for several of something."""
    for token in tokens:
        for family, words in _FAMILIES.items():
            if token in words:
                return family, words[token]
    return None


def spoken_item(title: str) -> str:
    """Return a heading as words inside a sentence: "Iron Deficiency" -> "iron deficiency"."""
    # Acronyms and names written with inner capitals ("RLS", "iPhone") keep their case.
    return " ".join(w if w[1:] != w[1:].lower() else w.lower() for w in title.split())


def _joined(words: list[str]) -> str:
    if len(words) < 3:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def list_sentence(lead: str, titles: list[str], max_chars: int | None = None) -> str:
    """Return "Lead: a, b, and c.", ending in "and more" when items must go to fit max_chars."""
    words = [spoken_item(t) for t in titles]
    for keep in range(len(words), 0, -1):
        shown = words[:keep] + (["more"] if keep < len(words) else [])
        text = f"{lead}: {_joined(shown)}."
        if max_chars is None or len(text) <= max_chars or keep == 1:
            return text
    return f"{lead}."


def _sections(index: SearchIndex) -> dict[str, list[_Section]]:
    """Return each article's passages in order (built once per index version)."""

    def build() -> dict[str, list[_Section]]:
        found: dict[str, list[tuple[int, _Section]]] = {}
        for fields in index.all_stored_fields():
            section = _Section(
                fields["id"],
                fields["section"],
                fields["kind"],
                fields["url"],
                frozenset(stems(fields["section"])),
            )
            found.setdefault(fields["article"], []).append((fields["position"], section))
        return {slug: [s for _, s in sorted(items)] for slug, items in found.items()}

    return index.derived("list-sections", build)


def _names_topic(concept: Concept, topic: frozenset[str]) -> bool:
    return any(all(t in topic for t in alt) for alt in concept.alternatives)


def _is_item(section: _Section, family: str, subject: list[frozenset[str]]) -> bool:
    words = section.heading.split()
    if section.kind != "section" or not words or len(words) > MAX_ITEM_WORDS:
        return False
    if generic_heading(section.heading) or words[0].lower() in _OPENERS:
        return False
    # "Managing Restless Leg Syndrome with …": about the whole topic, not one of its items.
    if family != "way" and _GERUND.match(words[0]):
        return False
    return not all(any(t in section.terms for t in alts) for alts in subject)


def asks_for_list(parsed: ParsedQuery) -> bool:
    """Return whether the query asks for several of something ("reasons for X")."""
    return asked_family(raw_words(parsed.corrected or parsed.text)) is not None


def find_list(index: SearchIndex, parsed: ParsedQuery, article_slug: str) -> ListFound | None:
    """Return the list answer to parsed from the article, or None when it does not ask or fit."""
    tokens = raw_words(parsed.corrected or parsed.text)
    asked = asked_family(tokens)
    info = index.articles.get(article_slug)
    if asked is None or info is None:
        return None
    family, noun = asked
    family_stems = _STEMS[family]
    subject = [c for c in parsed.concepts if not (c.terms & family_stems)]
    if not subject or not all(_names_topic(c, info.topic_terms) for c in subject):
        return None  # "causes of rls in pregnancy" asks about one item, not for the list
    if not info.topic_terms & family_stems:
        return None  # the article does not announce a list of these
    sections = _sections(index).get(article_slug, [])
    if any(s.terms & family_stems for s in sections if s.kind != "intro"):
        return None  # "Common Causes": that section is the answer
    subject_terms = [frozenset(c.terms) for c in subject]
    runs: list[list[_Section]] = [[]]
    for section in sections:
        if _is_item(section, family, subject_terms):
            runs[-1].append(section)
        elif runs[-1]:
            runs.append([])
    items = max(runs, key=len)
    if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        return None
    lead = f"{_LEADS.get(family, 'There are several')} {noun}"
    text = list_sentence(lead, [s.heading for s in items])
    first = sections[0]
    return ListFound(
        text,
        tuple(ListItem(s.heading, s.url) for s in items),
        first.id,
        first.url.partition("#")[0],
    )
