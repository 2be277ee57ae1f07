"""Turn what a user typed into concepts to search: plain words, never Whoosh query syntax.

Each concept is one thing the user asked about, with its alternatives (the word itself, a
spelling correction, synonyms). Ranking and answer confidence count concepts, not raw terms,
so a synonym or a correction never counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from whoosh import query as wq

from .errors import BadQuery
from .store import SearchIndex
from .text import QUESTION_WORDS, STOP_WORDS, normalize, raw_words, stem

MAX_QUERY_CHARS = 200
# Bounds that keep the worst query within a few times a normal one's cost.
MAX_CONCEPTS = 12
MAX_ALTERNATIVES = 6
# Letters per query the spelling corrector may scan for: its work grows with a word's length and
# each scan costs up to tens of ms on a large vocabulary, so a query of 30 typos would otherwise
# cost 30 scans. 30 letters is three typical typos; longer "words" are never typos of real ones.
MAX_CORRECTION_LETTERS = 30
MAX_CORRECTABLE_CHARS = 20
# Vocabulary terms read when expanding an unknown prefix ("comp" has hundreds of extensions).
MAX_PREFIX_SCAN = 1000
# Postings (summed document frequencies over the searched fields) that candidate retrieval may
# read: rarest terms first, so a query of many common words cannot walk the whole index
# (measured at 64k passages: 40x a normal query without it). Commoner terms still count in the
# rerank. A third of a posting per passage, between these bounds, keeps the ratio to a normal
# query the same at every index size.
MIN_POSTINGS, MAX_POSTINGS = 1_000, 20_000
SEARCH_FIELDS = ("body", "section", "title", "keywords")
FIELD_BOOSTS = {"body": 1.0, "section": 2.0, "title": 1.5, "keywords": 1.5}

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    """One thing the user asked about and the term phrases that count as finding it."""

    surface: str
    alternatives: tuple[Phrase, ...]

    @property
    def terms(self) -> set[str]:
        """Return every index term of every alternative."""
        return {t for alt in self.alternatives for t in alt}


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query, normalised, corrected and expanded."""

    text: str
    concepts: tuple[Concept, ...]
    corrected: str | None
    question: str | None
    # The terms candidate retrieval searches (within MAX_POSTINGS); None means every term.
    candidate_terms: frozenset[str] | None = None

    @property
    def terms(self) -> set[str]:
        """Return every index term the query may match."""
        return {t for c in self.concepts for t in c.terms}


def clean_query(text: str) -> str:
    """Return the normalised query text; raise BadQuery when it is empty or too long."""
    if len(text) > MAX_QUERY_CHARS * 4:
        raise BadQuery(f"the query is longer than {MAX_QUERY_CHARS} characters")
    cleaned = " ".join(normalize(text).split())
    if not cleaned:
        raise BadQuery("the query is empty")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise BadQuery(f"the query is longer than {MAX_QUERY_CHARS} characters")
    return cleaned


def _known(index: SearchIndex, term: str) -> bool:
    searcher = index.searcher()
    return any(searcher.doc_frequency(f, term) for f in SEARCH_FIELDS)


def _correctable(word: str) -> bool:
    # Short words have too many neighbours ("cake" -> "care"): only longer ones are corrected.
    return 5 <= len(word) <= MAX_CORRECTABLE_CHARS and word.isalpha()


def _correct(index: SearchIndex, word: str) -> str | None:
    """Return the closest vocabulary word for an unknown word, or None."""
    if not _correctable(word):
        return None
    maxdist = 1 if len(word) < 7 else 2
    corrector = index.searcher().corrector("spell")
    for candidate in corrector.suggest(word, limit=3, maxdist=maxdist, prefix=1):
        if candidate != word and stem(candidate) and _known(index, stem(candidate)):
            return candidate
    return None


def _prefix_alternatives(index: SearchIndex, term: str) -> list[Phrase]:
    """Return index terms that extend an unknown term ("wors" -> "worsen"), most frequent first."""
    if len(term) < 4:
        return []
    reader = index.searcher().reader()
    extensions = (
        t.decode("utf-8") for t in islice(reader.expand_prefix("body", term), MAX_PREFIX_SCAN)
    )
    found = sorted(((reader.doc_frequency("body", t), t) for t in extensions), reverse=True)
    return [(t,) for _, t in found[: MAX_ALTERNATIVES - 1]]


def parse_query(index: SearchIndex, text: str, correct: bool = True) -> ParsedQuery:
    """Parse text into concepts, correcting unknown words and applying synonyms."""
    cleaned = clean_query(text)
    tokens = raw_words(cleaned)
    question = tokens[0] if tokens and tokens[0] in QUESTION_WORDS else None
    surface_words: list[str] = []
    corrected_any = False
    letters_left = MAX_CORRECTION_LETTERS
    for word in tokens:
        if word in STOP_WORDS or len(word) < 2:
            continue
        term = stem(word)
        if not term:
            continue
        if correct and not _known(index, term) and not index.synonyms.rules.get((term,)):
            fix = None
            if _correctable(word) and len(word) <= letters_left:
                letters_left -= len(word)
                fix = _correct(index, word)
            if fix:
                surface_words.append(fix)
                corrected_any = True
                continue
        surface_words.append(word)
    surface_words = surface_words[: MAX_CONCEPTS * 2]
    terms = [stem(w) for w in surface_words]
    concepts: list[Concept] = []
    position = 0
    for phrase, alternatives in index.synonyms.expand(terms):
        if len(alternatives) == 1 and len(phrase) == 1 and not _known(index, phrase[0]):
            alternatives = (phrase, *_prefix_alternatives(index, phrase[0]))
        surface = " ".join(surface_words[position : position + len(phrase)])
        position += len(phrase)
        if any(c.alternatives[0] == phrase for c in concepts):
            continue  # a repeated word is one concept
        concepts.append(Concept(surface, tuple(alternatives[:MAX_ALTERNATIVES])))
    corrected = " ".join(surface_words) if corrected_any else None
    kept = tuple(concepts[:MAX_CONCEPTS])
    terms = {t for c in kept for t in c.terms}
    return ParsedQuery(cleaned, kept, corrected, question, _within_postings(index, terms))


def _within_postings(index: SearchIndex, terms: set[str]) -> frozenset[str]:
    """Return the rarest terms whose postings fit the budget (always at least one term)."""
    searcher = index.searcher()
    budget = min(MAX_POSTINGS, max(MIN_POSTINGS, index.doc_count // 3))
    costs = sorted((sum(searcher.doc_frequency(f, t) for f in SEARCH_FIELDS), t) for t in terms)
    chosen: set[str] = set()
    used = 0
    for cost, term in costs:
        if chosen and used + cost > budget:
            break
        chosen.add(term)
        used += cost
    return frozenset(chosen)


def whoosh_query(parsed: ParsedQuery) -> wq.Query:
    """Build the candidate query: any term of any concept, in any field, field-boosted."""
    terms = parsed.terms if parsed.candidate_terms is None else parsed.candidate_terms
    clauses = [
        wq.Term(field, term, boost=FIELD_BOOSTS[field])
        for term in sorted(terms)
        for field in SEARCH_FIELDS
    ]
    return wq.Or(clauses) if clauses else wq.NullQuery
