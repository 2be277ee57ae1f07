"""Query cost: a synthetic index big enough for common words to be expensive, a deterministic
measure of the work one search does, and the families of worst-case queries we know of.

Shared by bench/query_cost.py (scripts/bench_query_cost.py) and tests/test_query_cost.py.
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from index.build import write_index
from index.content import Article, parse_article
from index.query import MAX_QUERY_CHARS

_CONSONANTS = "bcdfghklmnprstvz"
_VOWELS = "aeiou"


def vocabulary(size: int, seed: int = 7) -> list[str]:
    """Return size distinct invented words (5 to 10 letters), the most frequent first."""
    rng = random.Random(seed)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        syllables = rng.randint(2, 4)
        word = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(syllables))
        word += rng.choice(("", "n", "r", "s", "t"))
        if len(word) >= 5 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def synthetic_articles(passages: int, vocab: list[str], seed: int = 11) -> list[Article]:
    """Return articles of Zipf-distributed words: a few words are in most passages."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    articles: list[Article] = []
    per_article = 8
    for number in range((passages + per_article - 1) // per_article):
        title = " ".join(w.capitalize() for w in rng.choices(vocab, weights, k=rng.randint(3, 6)))
        lines = [title, "", "Mar 3, 2024", ""]
        for _ in range(per_article):
            heading = " ".join(rng.choices(vocab, weights, k=rng.randint(2, 4))).capitalize()
            body = " ".join(rng.choices(vocab, weights, k=rng.randint(40, 120)))
            lines += [heading, "", body.capitalize() + ".", ""]
        articles.append(parse_article("\n".join(lines), f"synthetic-{number}"))
    return articles


# Synonym groups of the most common words: each such word is searched as six, the worst case
# for a query of common words (every concept expands to six of the most frequent terms).
SYNONYM_GROUP = 6
SYNONYM_WORDS = 120


def synonym_lines(vocab: list[str]) -> list[str]:
    """Return Solr-format groups of SYNONYM_GROUP words over the SYNONYM_WORDS most common."""
    common = vocab[:SYNONYM_WORDS]
    groups = [common[i : i + SYNONYM_GROUP] for i in range(0, len(common), SYNONYM_GROUP)]
    return [", ".join(g) for g in groups if len(g) == SYNONYM_GROUP]


def build_synthetic_index(out: Path, passages: int = 2000, vocab_size: int = 4000) -> list[str]:
    """Build a synthetic index, with a synonyms file of common-word groups, into out; return its
    vocabulary, the most frequent word first."""
    vocab = vocabulary(vocab_size)
    with tempfile.TemporaryDirectory() as tmp:
        synonyms = Path(tmp) / "synonyms.txt"
        synonyms.write_text("\n".join(synonym_lines(vocab)) + "\n", encoding="utf-8")
        articles = synthetic_articles(passages, vocab)
        write_index(articles, out, f"synthetic-{passages}", extra_files=[synonyms])
    return vocab


def count_calls(action: Callable[[], object]) -> int:
    """Return how many Python and C function calls action makes: deterministic work units."""
    calls = 0

    def profiler(frame, event, arg):  # noqa: ARG001 - sys.setprofile's signature
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        action()
    finally:
        sys.setprofile(previous)
    return calls


def _fill(words: list[str]) -> str:
    """Join words up to the longest query the API accepts."""
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > MAX_QUERY_CHARS:
            break
        out = f"{out} {word}" if out else word
    return out


def _typo(word: str, rng: random.Random) -> str:
    """Return word with one letter swapped with its neighbour (kept at the same length)."""
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def normal_queries(vocab: list[str], count: int = 30, seed: int = 3) -> list[str]:
    """Return queries like real ones: 2 to 4 distinct words, as frequent as in the content;
    every third one has a typo in its longest word."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    queries = []
    for number in range(count):
        size = rng.randint(2, 4)
        words: list[str] = []
        while len(words) < size:
            word = rng.choices(vocab, weights)[0]
            if word not in words:
                words.append(word)
        if number % 3 == 2:
            longest = max(range(size), key=lambda i: len(words[i]))
            words[longest] = _typo(words[longest], rng)
        queries.append(" ".join(words))
    return queries


def costly_queries(vocab: list[str], seed: int = 5) -> dict[str, str]:
    """Return the worst queries we know of, by the kind of work each one multiplies."""
    rng = random.Random(seed)
    common = vocab[:60]
    long_common = [w for w in common if len(w) >= 7]
    return {
        "many common words": _fill(common),
        "many typos": _fill([_typo(w, rng) for w in long_common] * 3),
        "many long unknown words": _fill(["".join(rng.sample((w * 20)[:40], 20)) for w in common]),
        "many prefixes": _fill([w[:4] + "q" for w in common]),
        "prefixes and typos": _fill(
            [w[:4] if i % 2 else _typo(w, rng) for i, w in enumerate(common)]
        ),
        "common words and three typos": _fill(
            [
                w
                for pair in zip(common, map(lambda w: _typo(w, rng), long_common), strict=False)
                for w in pair
            ]
        ),
        "one common word repeated": _fill([vocab[0]] * 40),
        # One word of each synonym group: twelve concepts of six common alternatives each.
        "a word from every synonym group": _fill(vocab[:SYNONYM_WORDS:SYNONYM_GROUP]),
        "question syntax": _fill([f"{w}~2 OR {w}*" for w in common]),
        "40-letter words": _fill([(w * 8)[:40] for w in common]),
        "digits": _fill([str(rng.randrange(10**6)) for _ in range(40)]),
    }
