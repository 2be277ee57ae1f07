"""English words from a well-kept word list: a word in it is a real word, never a typo to fix.

The list (data/english-words.txt) is the union of Debian's `wamerican` and `wbritish` word lists,
made by scripts/make_english_words.py. It is read once, on the first unknown query word, and kept
as one string per two first letters (under 1 MB in all; a set of its 75,000 words would take
several times that), so a look-up searches a few kilobytes.
"""

from __future__ import annotations

from functools import cache
from itertools import groupby
from pathlib import Path

WORDS_FILE = Path(__file__).parent / "data" / "english-words.txt"


@cache
def _chunks() -> dict[str, str]:
    lines = WORDS_FILE.read_text(encoding="utf-8").split("\n")[1:]  # line 1 names the source
    words = (w for w in lines if w)
    return {head: "\n" + "\n".join(group) + "\n" for head, group in groupby(words, lambda w: w[:2])}


def is_english(word: str) -> bool:
    """Return True when word (any case) is in the English word list."""
    word = word.lower()
    return word.isalpha() and f"\n{word}\n" in _chunks().get(word[:2], "")
