"""Text normalisation and the one analyzer shared by indexing and querying."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from slugify import slugify as _slugify
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

# Whoosh's list plus pronouns, auxiliaries and question words: none of them tells two passages
# apart, and keeping them would let "what is the ..." match every passage.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up us very was we were what when where which
    while who whom why will with would yet you your yours yourself yourselves tbd get gets got
    tell know want wants like please thing things make makes made need needs needed
    use used using way ways best good lot lots much many""".split()
)

_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\ufeff]")
# Emoji, variation selectors and replacement characters survive scraping as noise ("?♀️?").
_SYMBOL_NOISE = re.compile(r"[\ufe00-\ufe0f\ufffd\u2640-\u2642\U0001f000-\U0001faff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")
SLUG_MAX_CHARS = 100
WORD_RE = re.compile(r"\w+(?:[.'’]\w+)*")
# A word written with hyphens ("time-out", "e-mail") is as often written joined ("timeout"):
# the index holds both forms, so either spelling finds the passage.
_HYPHENATED = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+){1,3}\b")


def normalize(text: str) -> str:
    """Return text in NFKC with control characters and emoji noise removed and spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _SYMBOL_NOISE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def make_analyzer() -> Analyzer:
    """Build the analyzer used by every text field: words, lowercase, accents folded, stems."""
    return (
        RegexTokenizer(WORD_RE)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=2, maxsize=40)
        | StemFilter(cachesize=50000)
    )


def make_word_analyzer() -> Analyzer:
    """Build the analyzer for surface words (spelling and suggestions): no stemming."""
    return (
        RegexTokenizer(WORD_RE)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=STOP_WORDS, minsize=2, maxsize=40)
    )


_ANALYZER = make_analyzer()
_WORDS = make_word_analyzer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the index term for one surface word ('' for a stop word)."""
    tokens = [t.text for t in _ANALYZER(word)]
    return tokens[0] if tokens else ""


def stems(text: str) -> list[str]:
    """Return the index terms of text, in order, stop words dropped."""
    return [t.text for t in _ANALYZER(text)]


def _joined(match: re.Match[str]) -> str:
    return match.group().replace("-", "")


def index_terms(text: str) -> list[str]:
    """Return the terms text is indexed under: its stems plus hyphenated words joined."""
    terms = stems(text)
    if "-" in text:
        terms.extend(filter(None, map(stem, map(_joined, _HYPHENATED.finditer(text)))))
    return terms


def joined_compounds(text: str, known: Callable[[str], bool]) -> str:
    """Return text with each hyphenated word joined where the index holds the joined form."""
    if "-" not in text:
        return text
    return _HYPHENATED.sub(lambda m: j if known(stem(j := _joined(m))) else m.group(), text)


def words(text: str) -> list[str]:
    """Return the lowercase, accent-folded surface words of text, stop words dropped."""
    return [t.text for t in _WORDS(text)]


def raw_words(text: str) -> list[str]:
    """Return every lowercase, accent-folded word of text, stop words kept."""
    return [
        t.text
        for t in (RegexTokenizer(WORD_RE) | LowercaseFilter() | CharsetFilter(accent_map))(text)
    ]


def slugify(text: str) -> str:
    """Return a URL-safe slug: lowercase ASCII words joined by hyphens, other scripts spelt out."""
    # Transliterated ("Привет" -> "privet", "日本語" -> "ri-ben-yu"), not dropped: two names in
    # another script must not both become "section".
    return _slugify(text, max_length=SLUG_MAX_CHARS, word_boundary=True) or "section"
