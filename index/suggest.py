"""Search-box suggestions: popular queries, FAQ questions, headings, titles, word completions.

What the user has typed so far is a prefix: every word but the last is complete, and the last
one is partial unless the text ends in a space or punctuation (`restless leg syn` ->
`restless leg syndrome`). Suggestions are what a person would type, from two places:

- phrases: the site's popular queries (popular-queries.txt, from the query log), FAQ questions,
  article titles and section headings, never a generic heading ("Conclusion", "Introduction")
  that names no subject. Those that begin with the typed words come first, then those that hold
  every complete word (by stem) and a word (not a stop word) starting with the partial one;
  within each, popular queries (most asked first) before questions before titles before
  headings, specific before shared, short before long. Typed text that opens as a question
  ("what c", "why do my legs") gets only questions and queries, besides the ones it begins.
- completions: the typed words with the partial one completed from the index vocabulary (the
  unstemmed `spell` field). With complete words before it, a completion must share passages
  with them; words that directly follow the last one in the text ("cast" -> "cast iron") win,
  then the most shared, then the most common.

Order: phrases that begin with the typed words, the best three completions, other phrases,
other completions. When that leaves room, a typed word with synonyms (synonyms.txt) is replaced
by each of its synonyms in turn and suggested for: `coffee` -> `caffeine` on a site that says
caffeine, and a partial last word by those of the synonyms it starts (`coff` -> `caffeine`);
a word the site does use adds the phrases that say it in other words (`rls` -> the title
"… Restless Leg Syndrome"). A partial word that is already a whole word matches its other
forms too (`legs` -> "Leg").
Everything that does not depend on the prefix (phrase tables, sorted
vocabulary) is computed once per index version, on first use; a keystroke then costs a few
lookups, and the passages examined for completions are capped (SAMPLE_DOCS).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from whoosh.support.charset import accent_map

from .errors import BadContent
from .popular import FILE_NAME as POPULAR_FILE
from .popular import load_popular
from .query import _QUESTION_OPENERS as QUESTION_OPENERS
from .query import CleanQuery, QueryText, cleaned_text
from .search import RECAP_HEADINGS
from .store import SearchIndex
from .text import WORD_RE, stem

DEFAULT_LIMIT = 8
# Completions ranked by co-occurrence are drawn from this many of the most common candidates.
COMPLETION_CANDIDATES = 40
# Co-occurrence and adjacency are counted over at most this many passages holding the typed
# words (the first ones, in index order), which bounds a keystroke's cost on a large index.
SAMPLE_DOCS = 300
# Completions placed right after the phrases that begin with the typed text.
TOP_COMPLETIONS = 3
_KIND_RANK = {"query": 0, "question": 1, "article": 2, "heading": 3}
# Kinds a person types as a question: offered for typed text that opens as one.
_ASKING_KINDS = frozenset(("query", "question"))
# Headings that say where a passage is in its article, not what it is about: no one types them.
GENERIC_HEADINGS = RECAP_HEADINGS | frozenset(
    "introduction intro overview background abstract preface foreword contents notes references"
    " resources sources acknowledgments acknowledgements faq".split()
    + ["see also", "further reading", "frequently asked questions", "more information"]
)
# Synonyms tried for one keystroke, at most, when the typed words leave room.
MAX_SYNONYM_VARIANTS = 3
# A partial word this long or longer may stand for a synonym it starts ("coff" -> coffee);
# shorter ones start too many.
MIN_SYNONYM_PREFIX = 3
_MAX_CHAR = "\U0010ffff"


def fold_words(text: str) -> list[str]:
    """Return the lowercase, accent-folded words of text, as text.raw_words does, but faster."""
    # raw_words runs a Whoosh analyzer chain per call; building the tables calls this once per
    # heading, so the same three steps are done directly.
    return [m.group().lower().translate(accent_map) for m in WORD_RE.finditer(text)]


@dataclass(frozen=True)
class Suggestion:
    """One suggestion: the text to put in the box and where it comes from."""

    text: str
    kind: str  # "query", "question", "article", "heading" or "completion"


@dataclass(frozen=True)
class _Phrase:
    text: str
    kind: str
    words: tuple[str, ...]
    # Per word, what a typed word must equal to match it: its stem, or the word for stop words.
    keys: tuple[str, ...]
    # The words that are not stop words: only these complete a partial word inside a phrase
    # ("an" should not find every heading with "and" in it).
    content_words: tuple[str, ...]


def _key(word: str) -> str:
    return stem(word) or word


class _Tables:
    """Prefix-independent lookup tables of one index version."""

    def __init__(self, index: SearchIndex):
        self.phrases = _collect_phrases(index)
        # Phrase ids are in static rank order and every list below is sorted, so the first
        # ids that match are the best ones and a scan can stop there.
        self.by_key: dict[str, list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        self.by_first: dict[str, list[int]] = {}
        self.by_first_key: dict[str, list[int]] = {}
        for i, phrase in enumerate(self.phrases):
            for k in dict.fromkeys(phrase.keys):
                self.by_key.setdefault(k, []).append(i)
            for w in dict.fromkeys(phrase.content_words):
                self.by_word.setdefault(w, []).append(i)
            self.by_first.setdefault(phrase.words[0], []).append(i)
            self.by_first_key.setdefault(phrase.keys[0], []).append(i)
        self.phrase_words = sorted(self.by_word)
        self.first_words = sorted(self.by_first)
        vocab = index.vocabulary()
        self.vocab = [w for w, _ in vocab]
        self.vocab_df = [df for _, df in vocab]
        # One-word synonym terms, sorted: a partial word may be the start of one ("coff").
        self.synonym_terms = sorted(k[0] for k in index.synonyms.rules if len(k) == 1)


def _popular(index: SearchIndex) -> list[tuple[str, int]]:
    """Return the index version's popular queries whose every word the index knows."""
    try:
        queries = load_popular(index.path / POPULAR_FILE)
    except BadContent:
        return []  # the build checked the file; a damaged copy only loses these suggestions
    return [
        (q, n)
        for q, n in queries
        if any(stem(w) for w in fold_words(q))
        and all(index.known(stem(w)) for w in fold_words(q) if stem(w))
    ]


def _collect_phrases(index: SearchIndex) -> list[_Phrase]:
    """Return deduplicated popular queries, questions, titles and headings in static rank order."""
    # folded text -> (text, kind, articles, times asked)
    found: dict[str, tuple[str, str, set[str], int]] = {}
    articles: set[str] = set()

    def add(text: str, kind: str, article: str, count: int = 0) -> None:
        key = " ".join(fold_words(text))
        if not key:
            return
        old = found.get(key)
        if old is None:
            found[key] = (text, kind, {article} if article else set(), count)
            return
        best = kind if _KIND_RANK[kind] < _KIND_RANK[old[1]] else old[1]
        text = text if best == kind else old[0]
        found[key] = (text, best, old[2] | ({article} if article else set()), old[3] + count)

    for query, count in _popular(index):
        add(query, "query", "", count)
    passages = list(index.all_stored_fields())
    for fields in passages:
        if fields["article"] not in articles:
            articles.add(fields["article"])
            add(fields["title"], "article", fields["article"])
    for fields in passages:
        kind = fields.get("kind")
        if kind == "intro":  # the intro's heading is the article title, added above
            continue
        section = fields["section"]
        if kind != "faq" and section.lower().strip(" :.!") in GENERIC_HEADINGS:
            continue
        add(section, "question" if kind == "faq" else "heading", fields["article"])

    def static_rank(item: tuple[str, tuple[str, str, set[str], int]]) -> tuple:
        key, (_, kind, where, count) = item
        # A heading many articles share tells the user little.
        return (len(where) > 1, _KIND_RANK[kind], -count, len(key), key)

    phrases = []
    for key, (text, kind, _, _) in sorted(found.items(), key=static_rank):
        words = tuple(key.split())
        content = tuple(w for w in words if stem(w))
        phrases.append(_Phrase(text, kind, words, tuple(_key(w) for w in words), content))
    return phrases


def _tables(index: SearchIndex) -> _Tables:
    """Return the tables of this index version (kept on it), building them on first use."""
    return index.derived("suggest", lambda: _Tables(index))


def _with_prefix(words: list[str], prefix: str) -> list[str]:
    """Return the sorted words that start with prefix."""
    return words[bisect_left(words, prefix) : bisect_left(words, prefix + _MAX_CHAR)]


def _unique(ids: Iterable[int]) -> Iterator[int]:
    last = -1
    for i in ids:
        if i != last:
            yield i
            last = i


def _phrase_matches(
    tables: _Tables, full: list[str], partial: str | None, limit: int
) -> tuple[list[int], int]:
    """Return the best phrase ids (those that begin with the typed words first) and how many
    of them begin with the typed words."""
    typed = [_key(w) for w in full]
    n = len(typed)
    phrases = tables.phrases
    # A partial word that is already a whole word also stands for its other forms ("legs" in
    # "Restless Leg Syndrome"), as it would once the user typed on.
    whole = stem(partial) if partial else ""

    def has_partial(i: int, at: int | None = None) -> bool:
        phrase = phrases[i]
        if at is not None:
            words = phrase.words
            # A key is never empty, so an empty whole (a stop word typed) matches none.
            return len(words) > at and (words[at].startswith(partial) or phrase.keys[at] == whole)
        return any(w.startswith(partial) for w in phrase.content_words) or whole in phrase.keys

    # Phrases that begin with what was typed.
    if typed:
        starts: Iterable[int] = (
            i
            for i in tables.by_first_key.get(typed[0], ())
            if list(phrases[i].keys[:n]) == typed and (partial is None or has_partial(i, n))
        )
    elif partial is not None:
        lists = [tables.by_first[w] for w in _with_prefix(tables.first_words, partial)]
        lists.append(tables.by_first_key.get(whole, []))
        starts = _unique(heapq.merge(*lists))
    else:
        return [], 0
    best = list(islice(starts, limit))
    begin = len(best)

    # Phrases that hold every typed content word (by stem) and a word starting with the partial.
    content = list(dict.fromkeys(k for w, k in zip(full, typed, strict=True) if stem(w)))
    if content:
        lists = sorted((tables.by_key.get(k, []) for k in content), key=len)
        others = [set(ids) for ids in lists[1:]]
        contains: Iterable[int] = (
            i
            for i in lists[0]
            if all(i in ids for ids in others) and (partial is None or has_partial(i))
        )
    elif partial is not None:
        lists = [tables.by_word[w] for w in _with_prefix(tables.phrase_words, partial)]
        lists.append(tables.by_key.get(whole, []))
        contains = _unique(heapq.merge(*lists))
    else:
        contains = ()
    if full and full[0] in QUESTION_OPENERS:
        # "what c" asks a question: "Conclusion" or "Pregnancy and Hormonal Changes" is no
        # question anyone types.
        contains = (i for i in contains if phrases[i].kind in _ASKING_KINDS)
    chosen = set(best)
    best += islice((i for i in contains if i not in chosen), limit - begin)
    return best, begin


def _sample_docs(index: SearchIndex, tables: _Tables, full: list[str]) -> list[int] | None:
    """Return the first passages holding every complete content word (None: there is none)."""
    words, terms = [], []
    for word in full:
        if not stem(word):
            continue
        # The surface word in the one vocabulary field is far cheaper to intersect than the
        # stem across the four searched fields; the stem in the body covers other word forms.
        at = bisect_left(tables.vocab, word)
        known = at < len(tables.vocab) and tables.vocab[at] == word
        if known:
            words.append(word)
        else:
            terms.append(stem(word))
    if not words and not terms:
        return None
    return index.docs_with_all(words, terms, SAMPLE_DOCS)


def _completions(
    index: SearchIndex, tables: _Tables, full: list[str], partial: str, limit: int
) -> list[str]:
    """Return vocabulary words completing partial, the most useful first."""
    lo = bisect_left(tables.vocab, partial)
    hi = bisect_left(tables.vocab, partial + _MAX_CHAR)
    df, vocab = tables.vocab_df, tables.vocab
    common = heapq.nsmallest(COMPLETION_CANDIDATES, range(lo, hi), key=lambda i: (-df[i], vocab[i]))
    sample = _sample_docs(index, tables, full)
    if sample is None:
        return [vocab[i] for i in common[:limit]]
    if not sample:
        return []
    members = set(sample)
    together = []
    for i in common:
        count = index.co_occurrence(vocab[i], sample, members)
        if count:
            together.append((-count, -df[i], vocab[i]))
    together.sort()
    # Words that follow the last typed word in the text ("cast iron") are what the user is
    # typing; words that merely share a passage with it ("cast including") are noise next to
    # them, and a fallback without them.
    before = [w for w in full if stem(w)][-1]
    adjacent = [
        (-n, count, neg_df, word)
        for count, neg_df, word in together[:limit]
        if (n := index.adjacent(before, word, sample))
    ]
    if adjacent:
        return [word for *_, word in sorted(adjacent)]
    return [word for *_, word in together[:limit]]


def _dedupe(items: Iterable[Suggestion], limit: int) -> list[Suggestion]:
    seen: set[str] = set()
    out: list[Suggestion] = []
    for item in items:
        key = " ".join(fold_words(item.text))
        if key not in seen:
            seen.add(key)
            out.append(item)
        if len(out) == limit:
            break
    return out


def _surface(tables: _Tables, term: str) -> str | None:
    """Return the most common vocabulary word whose stem is term ("caffein" -> "caffeine")."""
    # A word begins with its stem, but for the stemmer's final "i" ("pregnanc" -> "pregnancy").
    head = term[:-1] or term
    lo, hi = bisect_left(tables.vocab, head), bisect_left(tables.vocab, head + _MAX_CHAR)
    words = sorted((-tables.vocab_df[i], tables.vocab[i]) for i in range(lo, hi))
    return next((word for _, word in words if stem(word) == term), None)


def _synonym_starts(tables: _Tables, partial: str) -> list[str]:
    """Return the one-word synonym terms that the partial word may be the start of."""
    if len(partial) < MIN_SYNONYM_PREFIX:
        return []
    at = bisect_left(tables.synonym_terms, partial)
    hi = bisect_left(tables.synonym_terms, partial + _MAX_CHAR)
    return tables.synonym_terms[at:hi]


def _synonym_variants(
    index: SearchIndex, tables: _Tables, tokens: list[str], partial: bool, known: bool = False
) -> list[list[str]]:
    """Return tokens with a word the site never uses (known: one it uses) replaced by its
    synonyms, a few at most; a partial last word stands for the synonym terms it starts
    ("coff" -> coffee)."""
    variants: list[list[str]] = []
    for at, token in enumerate(tokens):
        term = stem(token)
        terms = [term] if term else []
        if partial and at == len(tokens) - 1 and not known:
            terms += [t for t in _synonym_starts(tables, token) if t != term]
        rules = [
            alternative
            for t in terms
            if index.known(t) == known
            for alternative in index.synonyms.rules.get((t,), ())
            if alternative != (t,)
        ]
        for alternative in dict.fromkeys(rules):
            if not all(index.known(t) for t in alternative):
                continue
            words = [_surface(tables, t) for t in alternative]
            if all(words):
                variants.append(tokens[:at] + words + tokens[at + 1 :])
            if len(variants) == MAX_SYNONYM_VARIANTS:
                return variants
    return variants


def _phrase_suggestions(
    tables: _Tables, tokens: list[str], partial: bool, limit: int
) -> tuple[list[Suggestion], int]:
    """Return the phrases for the typed words (the last one partial when partial is True) and
    how many of them begin with the typed words."""
    last = tokens[-1] if partial else None
    ids, starts = _phrase_matches(tables, tokens[:-1] if partial else tokens, last, limit)
    return [Suggestion(tables.phrases[i].text, tables.phrases[i].kind) for i in ids], starts


def _suggest_tokens(
    index: SearchIndex, tables: _Tables, tokens: list[str], partial: bool, typed: str, limit: int
) -> list[Suggestion]:
    """Return suggestions for the typed words, the last one partial when partial is True."""
    last = tokens[-1] if partial else None
    full = tokens[:-1] if partial else tokens
    phrases, starts = _phrase_suggestions(tables, tokens, partial, limit)
    completed: list[Suggestion] = []
    if last is not None:
        before = " ".join(full)
        for word in _completions(index, tables, full, last, limit):
            text_out = f"{before} {word}" if before else word
            if text_out != typed:  # the word as typed is no suggestion
                completed.append(Suggestion(text_out, "completion"))
    return (
        phrases[:starts]
        + completed[:TOP_COMPLETIONS]
        + phrases[starts:]
        + completed[TOP_COMPLETIONS:]
    )


def suggest(index: SearchIndex, text: QueryText, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """Return at most limit suggestions for what the user has typed so far, best first."""
    cleaned = cleaned_text(text)
    tokens = fold_words(cleaned)
    if not tokens:
        return []
    # A word is finished once something that is not part of a word (a space, "?") follows it.
    if isinstance(text, CleanQuery):
        partial = text.ends_in_word
    else:
        partial = bool(WORD_RE.match(text[-1:]))
    tables = _tables(index)
    typed = " ".join(tokens)
    ordered = _suggest_tokens(index, tables, tokens, partial, typed, limit)
    if len(_dedupe(ordered, limit)) < limit:
        for variant in _synonym_variants(index, tables, tokens, partial):
            ordered += _suggest_tokens(index, tables, variant, partial, typed, limit)
            if not partial:  # "coffee " -> "caffeine"; a partial one is completed above
                ordered.append(Suggestion(" ".join(variant), "completion"))
    if len(_dedupe(ordered, limit)) < limit:
        # A word the site uses is completed as itself, but the phrases that say it in other
        # words are what the user means too: "rls" -> "… Restless Leg Syndrome".
        for variant in _synonym_variants(index, tables, tokens, partial, known=True):
            ordered += _phrase_suggestions(tables, variant, partial, limit)[0]
    return _dedupe(ordered, limit)


__all__ = ["DEFAULT_LIMIT", "Suggestion", "suggest"]
