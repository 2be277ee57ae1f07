"""Turn what a user typed into concepts to search: plain words, never Whoosh query syntax.

Each concept is one thing the user asked about, with its alternatives (the word itself, a
spelling correction, synonyms). Ranking and answer confidence count concepts, not raw terms,
so a synonym or a correction never counts twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from .errors import EmptyQuery, NoWords, QueryTooLong
from .lexicon import is_english
from .store import SearchIndex
from .synonyms import EMPTY
from .text import STOP_WORDS, WORD_RE, joined_compounds, normalize, raw_words, stem

MAX_QUERY_CHARS = 200
# Longer raw text is refused before normalising it (NFKC can make text up to 18 times longer).
MAX_RAW_QUERY_CHARS = MAX_QUERY_CHARS * 4
# Bounds that keep the worst query within a few times a normal one's cost.
MAX_CONCEPTS = 12
MAX_ALTERNATIVES = 6
# Alternatives of all concepts together: each one is retrieved and reranked, so twelve concepts
# of six synonyms would cost six times a query of twelve words. Every concept keeps its own
# word; the rest of the budget goes round the concepts (second alternatives, then third…).
MAX_QUERY_ALTERNATIVES = 24
# Words, and letters, per query the spelling corrector may work on: each correction costs about
# a normal query and grows with the word's length, so a query of 30 typos would otherwise cost
# 30 of them. Longer "words" are never typos of real ones.
MAX_CORRECTIONS = 3
MAX_CORRECTION_LETTERS = 30
MAX_CORRECTABLE_CHARS = 20
# Vocabulary terms read when expanding an unknown prefix ("comp" has hundreds of extensions).
MAX_PREFIX_SCAN = 200
# Postings the typo check reads to see a candidate next to the query's other words: a third
# of a posting per passage, between these bounds (common words would read the whole index).
MIN_POSTINGS, MAX_POSTINGS = 1_000, 20_000

# A corrected word may not be what the user meant: it counts for less in answer confidence.
CORRECTION_TRUST = {0: 1.0, 1: 0.85, 2: 0.6}

Phrase = tuple[str, ...]

_DEFINITION_STARTS = ("what is", "what are", "what does", "whats", "what s", "meaning of")
_CAUSE_STARTS = ("what causes", "what cause", "causes of", "cause of", "reason for", "reasons for")
_QUESTION_OPENERS = frozenset(
    "is are can could does do did should will would was were".split()
    + "what when where who which how why".split()
)


# What a question word asks for, in words a heading or passage answering it tends to use.
# Applied as a light preference, never as a search term: it cannot make a passage match.
_INTENT_HINTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("who",), ("risk", "affect", "people", "candidate")),
    (("how", "often"), ("often", "frequency", "schedule", "week", "day", "time")),
    (("how", "long"), ("long", "week", "month", "year", "day", "hour")),
    (("how", "do", "i", "know"), ("sign", "test", "check", "symptom", "tell")),
    (("how", "can", "i", "tell"), ("sign", "test", "check", "symptom", "tell")),
    (("when",), ("when", "time", "sign", "until")),
)


def intent_hints(tokens: list[str]) -> frozenset[str]:
    """Return index terms that suit what the opening question words ask for."""
    hints: set[str] = set()
    for opening, words_ in _INTENT_HINTS:
        if tuple(tokens[: len(opening)]) == opening:
            hints.update(stem(w) or w for w in words_)
    return frozenset(hints)


_QUANTIFIERS = frozenset(("much", "many", "little", "few"))
_KIND_WORDS = frozenset(("kind", "kinds", "sort", "sorts", "type", "types"))


def _over_under(tokens: list[str]) -> dict[str, str]:
    """Map "too much water" / "too little water" to the prefix "overwater" / "underwater"."""
    found: dict[str, str] = {}
    for i in range(len(tokens) - 2):
        if tokens[i] == "too" and tokens[i + 1] in _QUANTIFIERS:
            prefix = "over" if tokens[i + 1] in ("much", "many") else "under"
            found[tokens[i + 2]] = prefix + tokens[i + 2]
    return found


def question_kind(tokens: list[str]) -> str | None:
    """Classify a query by its opening words: definition, cause, how, question or None."""
    if not tokens:
        return None
    opening = " ".join(tokens[:2])
    if opening.startswith(_DEFINITION_STARTS) or tokens[0] in ("define", "definition"):
        return "definition"
    if opening.startswith(_CAUSE_STARTS) or tokens[0] == "why":
        return "cause"
    if tokens[0] == "how":
        return "how"
    if tokens[0] in _QUESTION_OPENERS:
        return "question"
    return None


@dataclass(frozen=True)
class Concept:
    """One thing the user asked about and the term phrases that count as finding it."""

    surface: str
    alternatives: tuple[Phrase, ...]
    # How sure we are the user meant this: below 1 for a spelling correction.
    trust: float = 1.0
    # False when no alternative occurs in the index at all.
    known: bool = True

    @property
    def terms(self) -> set[str]:
        """Return every index term of every alternative."""
        return {t for alt in self.alternatives for t in alt}

    @cached_property
    def shaped(self) -> tuple[tuple[Phrase, str | None], ...]:
        """Return each alternative with its one term, or None when it is a phrase of several.

        The rerank tests every alternative against every candidate: single terms (nearly all)
        are then one membership test, with no call.
        """
        return tuple((alt, alt[0] if len(alt) == 1 else None) for alt in self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    """A user's query, normalised, corrected and expanded."""

    text: str
    concepts: tuple[Concept, ...]
    corrected: str | None
    question: str | None
    # The opening word when the query is phrased as a question ("why", "can", …).
    opener: str | None = None
    # Terms that suit what the question asks for ("who" -> risk): a preference, not a match.
    hints: frozenset[str] = frozenset()

    @property
    def terms(self) -> set[str]:
        """Return every index term the query may match."""
        return {t for c in self.concepts for t in c.terms}


def clean_query(text: str) -> str:
    """Return the normalised query text; raise EmptyQuery or QueryTooLong."""
    if len(text) > MAX_RAW_QUERY_CHARS:
        raise QueryTooLong(f"the query is longer than {MAX_QUERY_CHARS} characters")
    cleaned = " ".join(normalize(text).split())
    if not cleaned:
        raise EmptyQuery("the query is empty")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"the query is longer than {MAX_QUERY_CHARS} characters")
    return cleaned


class CleanQuery(str):
    """What a user typed, cleaned once per request (by read_query) and passed on as it is.

    A str, so it goes wherever the cleaned text goes; the core's entry points see it is clean.
    """

    # False after a space or "?": the last word is finished (suggestions complete it otherwise).
    ends_in_word: bool

    def __new__(cls, text: str, ends_in_word: bool) -> CleanQuery:
        query = super().__new__(cls, text)
        query.ends_in_word = ends_in_word
        return query

    @property
    def text(self) -> str:
        """Return the cleaned text as a plain str."""
        return str(self)


QueryText = str | CleanQuery
"""What the core's entry points take: raw text (cleaned there) or a CleanQuery."""


def read_query(typed: str) -> CleanQuery:
    """Clean what the user typed; raise EmptyQuery, QueryTooLong or NoWords."""
    text = clean_query(typed)
    if not WORD_RE.search(text):
        # Only punctuation or query syntax ("*", "((", "~"): nothing a user could mean.
        raise NoWords("the query has no words to search for")
    return CleanQuery(text, bool(WORD_RE.match(typed[-1:])))


def cleaned_text(query: QueryText) -> str:
    """Return the cleaned text of query, cleaning it only when it is raw text."""
    return query.text if isinstance(query, CleanQuery) else clean_query(query)


def _known(index: SearchIndex, term: str) -> bool:
    return index.known(term)


def _is_transposition(word: str, candidate: str) -> bool:
    return len(word) == len(candidate) and sorted(word) == sorted(candidate)


def _doc_ids(index: SearchIndex, terms: list[str]) -> set[int]:
    """Return the ids of passages holding any of terms in any searched field."""
    return index.doc_ids(terms)


def _postings(index: SearchIndex, term: str) -> int:
    """Return how many postings term has over the searched fields."""
    return index.df(term)


class _ContextCheck:
    """Tell whether a candidate occurs in a passage with another word of the query.

    Postings reads are bounded: the context's rarest words are read once, within the budget; a
    candidate too common to read occurs with nearly everything and fits; once the budget is
    spent no further candidate fits.
    """

    def __init__(self, index: SearchIndex, context: list[str]):
        self.index, self.context = index, context
        self.budget = self.left = min(MAX_POSTINGS, max(MIN_POSTINGS, index.doc_count // 3))
        self.context_ids: set[int] | None = None

    def fits(self, candidate: str) -> bool:
        """Return True when candidate co-occurs with the context (or cannot be checked cheaply)."""
        if not self.context:
            return True
        cost = _postings(self.index, candidate)
        if cost > self.budget:
            return True
        if cost > self.left:
            return False
        self.left -= cost
        if self.context_ids is None:
            rarest, used = [], 0
            for size, term in sorted((_postings(self.index, t), t) for t in set(self.context)):
                if rarest and used + size > self.budget:
                    break
                rarest.append(term)
                used += size
            self.context_ids = _doc_ids(self.index, rarest)
        return bool(_doc_ids(self.index, [candidate]) & self.context_ids)


_UNSEEN = object()


def _correct(index: SearchIndex, word: str, context: list[str]) -> tuple[str, int] | None:
    """Return the correction of word in this context, remembered per opened index."""
    key = ("correct", word, tuple(sorted(context)))
    # One read of the shared memo: another thread may clear it between a check and a second read.
    found = index.memo.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = _find_correction(index, word, context)
        index.remember(key, found)
    return found


def _correctable(word: str) -> bool:
    # A real English word the index lacks ("worse") is what the user meant, not a typo: it is
    # searched as typed (and by the index words it begins, see _prefix_alternatives).
    return 3 <= len(word) <= MAX_CORRECTABLE_CHARS and word.isalpha() and not is_english(word)


def _swaps(word: str) -> Iterator[str]:
    """Yield word with two neighbouring letters swapped, each way of doing so once."""
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _stop_word_typo(word: str) -> str | None:
    """Return the question or function word that word misspells by two swapped letters."""
    if word in STOP_WORDS or not word.isalpha() or is_english(word):
        return None
    return next((w for w in _swaps(word) if w in STOP_WORDS), None)


def _find_correction(index: SearchIndex, word: str, context: list[str]) -> tuple[str, int] | None:
    """Return (closest vocabulary word, edit distance) for an unknown word, or None.

    A candidate should be a known word that occurs with the query's other known words: of
    "tomato blght", "blight" (beside tomato) beats "bight". When none does, the closest English
    word the index holds is still the fix ("thrombosis symtoms" -> "symptoms", although no
    passage has both): the typed word is no word at all.
    """
    if not _correctable(word):
        return None
    context_check = _ContextCheck(index, context)
    fallback: tuple[str, int] | None = None
    for distance in (1, 2):
        for candidate in index.spelling(word, limit=5, maxdist=distance, prefix=1):
            # Short words have many neighbours ("cake" -> "care"): only swapped letters count.
            if len(word) < (5 if distance == 1 else 7) and not _is_transposition(word, candidate):
                continue
            term = stem(candidate)
            if candidate != word and term and _known(index, term):
                if context_check.fits(term):
                    return candidate, distance
                if fallback is None and is_english(candidate):
                    fallback = candidate, distance
        if fallback is not None:
            return fallback
    # An unfinished or misspelt ending ("overwaterd", "cactus"): the longest known stem of it.
    for cut in (1, 2):
        head = word[:-cut]
        if len(head) < 4:
            break
        extensions = index.words_with_prefix(head, MAX_PREFIX_SCAN)
        extensions = [w for w in extensions if w != word and _known(index, stem(w))]
        # The shortest extension that fits the context (ties: the first in vocabulary order).
        for extension in sorted(extensions, key=len):
            if context_check.fits(stem(extension)):
                return extension, 2
    return None


def _prefix_alternatives(index: SearchIndex, term: str) -> list[Phrase]:
    """Return index terms that extend an unknown term ("wors" -> "worsen"), most frequent first."""
    if len(term) < 4:
        return []
    found = sorted(index.body_terms(term, MAX_PREFIX_SCAN), reverse=True)
    return [(t,) for _, t in found[: MAX_ALTERNATIVES - 1]]


def _within_budget(concepts: list[Concept]) -> tuple[Concept, ...]:
    """Return concepts with their alternatives cut to MAX_QUERY_ALTERNATIVES in all."""
    if sum(len(c.alternatives) for c in concepts) <= MAX_QUERY_ALTERNATIVES:
        return tuple(concepts)
    kept = [1] * len(concepts)
    left = MAX_QUERY_ALTERNATIVES - len(concepts)
    rank = 1
    while left > 0 and any(k < len(c.alternatives) for k, c in zip(kept, concepts, strict=True)):
        for i, concept in enumerate(concepts):
            if left and len(concept.alternatives) > rank:
                kept[i] += 1
                left -= 1
        rank += 1
    return tuple(
        replace(c, alternatives=c.alternatives[:k]) for c, k in zip(concepts, kept, strict=True)
    )


def _apply_fixes(text: str, fixes: dict[str, str]) -> str:
    """Return text with each misspelled word replaced, everything else as the user typed it."""
    return WORD_RE.sub(lambda m: fixes.get(m.group().lower(), m.group()), text)


def parse_query(
    index: SearchIndex, text: QueryText, correct: bool = True, synonyms: bool = True
) -> ParsedQuery:
    """Parse text into concepts, correcting unknown words and applying synonyms."""
    synonym_map = index.synonyms if synonyms else EMPTY
    cleaned = cleaned_text(text)
    tokens = raw_words(joined_compounds(cleaned, index.known))
    surface_words: list[str] = []
    distances: dict[str, int] = {}
    fixes: dict[str, str] = {}
    tokens = tokens[: MAX_CONCEPTS * 3]
    if correct:
        # "waht is debain": a misspelt question word is fixed too, so that the question is
        # understood ("what is" asks for a definition) and the correction shows it.
        for i, token in enumerate(tokens):
            if not _known(index, stem(token) or token) and (fixed := _stop_word_typo(token)):
                tokens[i] = fixes[token] = fixed
    # "too much"/"too little" only qualify the next word (see _over_under).
    quantifiers = {i + 1 for i in range(len(tokens) - 1) if tokens[i] == "too"}
    # "what kind of doctor" asks "what doctor": "kind of" is part of the question words.
    fillers = {
        i
        for i in range(1, len(tokens) - 1)
        if tokens[i] in _KIND_WORDS and tokens[i - 1] in ("what", "which") and tokens[i + 1] == "of"
    }
    content_words = [
        w
        for i, w in enumerate(tokens)
        if w not in STOP_WORDS
        and len(w) > 1
        and not (i in quantifiers and w in _QUANTIFIERS)
        and i not in fillers
    ]
    known = [t for t in map(stem, content_words) if t and _known(index, t)]
    letters_left, corrections_left = MAX_CORRECTION_LETTERS, MAX_CORRECTIONS
    for word in content_words:
        term = stem(word)
        if not term:
            continue
        if correct and not _known(index, term) and not synonym_map.rules.get((term,)):
            fix = None
            if _correctable(word) and len(word) <= letters_left and corrections_left:
                letters_left, corrections_left = letters_left - len(word), corrections_left - 1
                fix = _correct(index, word, known)
            if fix:
                surface_words.append(fix[0])
                distances[stem(fix[0])] = fix[1]
                fixes[word] = fix[0]
                continue
        surface_words.append(word)
    surface_words = surface_words[: MAX_CONCEPTS * 2]
    terms = [stem(w) for w in surface_words]
    concepts: list[Concept] = []
    position = 0
    compounds = _over_under(tokens)
    for phrase, alternatives in synonym_map.expand(terms):
        if len(alternatives) == 1 and len(phrase) == 1 and not _known(index, phrase[0]):
            alternatives = (phrase, *_prefix_alternatives(index, phrase[0]))
        surface_word = surface_words[position] if len(phrase) == 1 else ""
        if surface_word in compounds:
            head = stem(compounds[surface_word])[:-1] or compounds[surface_word]
            alternatives = (*alternatives, *_prefix_alternatives(index, head))
        surface = " ".join(surface_words[position : position + len(phrase)])
        position += len(phrase)
        if any(c.alternatives[0] == phrase for c in concepts):
            continue  # a repeated word is one concept
        trust = CORRECTION_TRUST.get(distances.get(phrase[0], 0), 1.0) if len(phrase) == 1 else 1.0
        # Alternatives the index cannot match would only distort the concept's weight.
        usable = [alt for alt in alternatives if all(_known(index, t) for t in alt)]
        known_alt = bool(usable)
        alternatives = tuple((usable or [phrase])[:MAX_ALTERNATIVES])
        concepts.append(Concept(surface, alternatives, trust, known_alt))
    corrected = _apply_fixes(cleaned, fixes) if fixes else None
    opener = tokens[0] if tokens and tokens[0] in _QUESTION_OPENERS else None
    return ParsedQuery(
        cleaned,
        _within_budget(concepts[:MAX_CONCEPTS]),
        corrected,
        question_kind(tokens),
        opener,
        intent_hints(tokens),
    )
