"""Synonyms in Solr's format, applied at query time.

    coffee, caffeine                 equivalent: either finds both
    rls => restless legs syndrome    one-way: "rls" is searched as the right-hand side
Terms may be several words; matching is on index terms, so "legs"/"leg" both match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BadContent
from .text import stems

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class SynonymMap:
    """Maps a phrase of index terms to the phrases it should also (or instead) be searched as."""

    rules: dict[Phrase, tuple[Phrase, ...]]
    longest: int

    def __len__(self) -> int:
        return len(self.rules)

    def expand(self, terms: list[str]) -> list[tuple[Phrase, tuple[Phrase, ...]]]:
        """Split terms into (phrase as typed, alternatives) pieces, longest rule first."""
        out: list[tuple[Phrase, tuple[Phrase, ...]]] = []
        i = 0
        while i < len(terms):
            for size in range(min(self.longest, len(terms) - i), 0, -1):
                phrase = tuple(terms[i : i + size])
                if phrase in self.rules:
                    out.append((phrase, self.rules[phrase]))
                    i += size
                    break
            else:
                out.append(((terms[i],), ((terms[i],),)))
                i += 1
        return out


EMPTY = SynonymMap({}, 0)


def _phrases(side: str) -> list[Phrase]:
    return [p for p in (tuple(stems(part)) for part in side.split(",")) if p]


def parse_synonyms(text: str, source: str = "<synonyms>") -> SynonymMap:
    """Parse Solr-format synonym lines; raise BadContent naming the line when one is malformed."""
    rules: dict[Phrase, list[Phrase]] = {}

    def add(lhs: Phrase, alternatives: list[Phrase]) -> None:
        current = rules.setdefault(lhs, [])
        current.extend(a for a in alternatives if a not in current)

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left, _, right = line.partition("=>")
            lhs, rhs = _phrases(left), _phrases(right)
            if not lhs or not rhs or "=>" in right:
                raise BadContent(f"{source}:{number}: expected 'words => words' on this line")
            for phrase in lhs:
                add(phrase, rhs)
        else:
            group = _phrases(line)
            if len(group) < 2:
                raise BadContent(f"{source}:{number}: a synonym group needs two or more terms")
            for phrase in group:
                add(phrase, [phrase] + [p for p in group if p != phrase])
    frozen = {k: tuple(v) for k, v in rules.items()}
    return SynonymMap(frozen, max((len(k) for k in frozen), default=0))


def load_synonyms(path: Path) -> SynonymMap:
    """Read a synonyms file; a missing file means no synonyms."""
    if not path.is_file():
        return EMPTY
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadContent(f"{path}: cannot be read as UTF-8 text: {exc}") from exc
    return parse_synonyms(text, str(path))
