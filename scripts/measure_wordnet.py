#!/usr/bin/env python3
"""Measure WordNet synonym expansion against the ranking as it is, on both evaluation halves.

Each query word the site's synonyms do not expand gains, as alternatives, the other words of
its most frequent WordNet sense (noun, verb, adjective, adverb; Debian's wordnet-base data,
no install needed), kept only where the index holds them. The expansion is applied for this
run only; the service does not use it (docs/relevance.md says why).

Example:
    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb /tmp/wordnet
    python scripts/measure_wordnet.py /tmp/wordnet/usr/share/wordnet
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import index.search as search_module  # noqa: E402
from index.evaluate import built_index, evaluate, load_judgments  # noqa: E402
from index.search import DEFAULT_RANKING  # noqa: E402
from index.text import stem  # noqa: E402

HALVES = ("tuning", "test")
PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")


def first_sense_synonyms(folder: Path) -> dict[str, list[str]]:
    """Return {lemma: the other lemmas of its most frequent sense} from WordNet's WNDB files."""
    synonyms: dict[str, list[str]] = {}
    for pos in PARTS_OF_SPEECH:
        synsets = {}
        for line in (folder / f"data.{pos}").open(encoding="latin-1"):
            if line.startswith("  "):  # the licence header
                continue
            fields = line.split()
            count = int(fields[3], 16)
            synsets[fields[0]] = [fields[4 + 2 * i].lower().split("(")[0] for i in range(count)]
        for line in (folder / f"index.{pos}").open(encoding="latin-1"):
            if line.startswith("  "):
                continue
            fields = line.split()
            pointers = int(fields[3])
            first = fields[6 + pointers]  # senses are listed most frequent first
            others = synonyms.setdefault(fields[0], [])
            for word in synsets[first]:
                if word != fields[0] and word.count("_") <= 1 and word not in others:
                    others.append(word)
    return synonyms


def expanding(parse_query, synonyms: dict[str, list[str]]):
    """Return parse_query with WordNet alternatives added to single words the site leaves alone."""

    def parse(index, text, **options):
        parsed = parse_query(index, text, **options)
        concepts = []
        for concept in parsed.concepts:
            word = concept.surface
            if len(concept.alternatives) == 1 and " " not in word:
                extra = []
                for lemma in synonyms.get(word) or synonyms.get(stem(word) or "", []):
                    alt = tuple(stem(w) for w in lemma.split("_"))
                    known = all(t and index.known(t) for t in alt)
                    if known and alt not in concept.alternatives and alt not in extra:
                        extra.append(alt)
                concept = replace(concept, alternatives=(*concept.alternatives, *extra))
            concepts.append(concept)
        return replace(parsed, concepts=tuple(concepts))

    return parse


def main(argv: list[str] | None = None) -> int:
    """Print success@1, MRR@5, answers right and wrong ≥0.9 with and without the expansion."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("wordnet", type=Path, help="folder of WordNet's data.* and index.* files")
    args = parser.parse_args(argv)
    synonyms = first_sense_synonyms(args.wordnet)
    plain = search_module.parse_query
    print("| half | encoder | WordNet | success@1 | MRR@5 | answers right | wrong ≥0.9 |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    for half in HALVES:
        judgments, content = load_judgments(ROOT / "tests" / "fixtures" / "eval" / f"{half}.json")
        with built_index([ROOT / p for p in content]) as index:
            for semantic in (True, False):
                for expanded in (False, True):
                    search_module.parse_query = expanding(plain, synonyms) if expanded else plain
                    ranking = replace(DEFAULT_RANKING, semantic=semantic)
                    m = evaluate(index, judgments, ranking)
                    print(
                        f"| {half} | {'on' if semantic else 'off'} | {'on' if expanded else 'off'} "
                        f"| {m.success_at_1:.1%} | {m.mrr_at_5:.3f} | {m.answers_right:.1%} "
                        f"| {m.wrong_confident} |"
                    )
    search_module.parse_query = plain
    return 0


if __name__ == "__main__":
    sys.exit(main())
