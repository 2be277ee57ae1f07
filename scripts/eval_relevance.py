#!/usr/bin/env python3
"""Build an index from judged content and print relevance figures, per ranking feature.

For each judgments file: one row per configuration (each switches one feature off; "plain
BM25F" is Whoosh's own ranking, where any match counts as an answer), then, for all features,
success@1 by kind of query, the reliability table (answers by confidence bucket and the share
of them that are right) and, with --show-failures, the queries it gets wrong.

success@1 and MRR@5 are over the answerable queries; "answers right" is the share of answers
given that are right; "wrong ≥0.9" counts wrong answers given at confidence 0.9 or more;
"unrelated refused" counts the queries that must get no answer and got none.

Example:
    python scripts/eval_relevance.py --judgments tests/fixtures/eval/tuning.json \\
        --judgments tests/fixtures/eval/test.json
    python scripts/eval_relevance.py --judgments tests/fixtures/dev-queries.json --content content
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.errors import SearchError  # noqa: E402
from index.evaluate import (  # noqa: E402
    CONFIGURATIONS,
    Metrics,
    built_index,
    evaluate,
    load_judgments,
)

HEADER = (
    "| configuration | success@1 | MRR@5 | no-answer acc. | passed | answers right "
    "| wrong ≥0.9 | unrelated refused |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def row(name: str, m: Metrics) -> str:
    """Format one configuration's figures as a table row."""
    refused, unrelated = m.unrelated
    return (
        f"| {name} | {m.success_at_1:.1%} | {m.mrr_at_5:.3f} | {m.no_answer_accuracy:.1%} | "
        f"{m.passed:.1%} | {m.answers_right:.1%} | {m.wrong_confident} | {refused}/{unrelated} |"
    )


def details(m: Metrics, show_failures: bool) -> list[str]:
    """Format the full configuration's breakdown by kind, reliability table and failures."""
    lines = ["", "| kind of query | queries | success@1 |", "| --- | ---: | ---: |"]
    lines += [f"| {k} | {n} | {s:.1%} |" for k, (n, s) in m.by_kind().items()]
    lines += ["", "| confidence | answers | right |", "| --- | ---: | ---: |"]
    lines += [f"| {label} | {n} | {share:.1%} |" for label, n, share in m.reliability()]
    if show_failures and m.failures:
        lines += ["", "failures (all features):", *(f"  {f}" for f in m.failures)]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the tables; exit 1 when the full configuration misses --min-pass."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--judgments",
        type=Path,
        required=True,
        action="append",
        help="judgments JSON (repeatable), e.g. tests/fixtures/eval/test.json",
    )
    parser.add_argument(
        "--content",
        type=Path,
        action="append",
        help="content folder(s) to index (default: those the file names, else content/)",
    )
    parser.add_argument(
        "--show-failures",
        action="store_true",
        help="list the queries the full configuration gets wrong",
    )
    parser.add_argument(
        "--only-full",
        action="store_true",
        help="run only the full configuration (quicker), e.g. while tuning",
    )
    parser.add_argument(
        "--min-pass",
        type=float,
        default=0.0,
        help="fail (exit 1) when the full configuration passes fewer (0-1)",
    )
    args = parser.parse_args(argv)
    status = 0
    configurations = list(CONFIGURATIONS.items())[:1] if args.only_full else CONFIGURATIONS.items()
    for path in args.judgments:
        try:
            judgments, named = load_judgments(path)
        except (OSError, ValueError, KeyError) as exc:
            print(f"{path}: cannot read judgments: {exc}", file=sys.stderr)
            return 1
        content = args.content or [ROOT / p for p in named] or [ROOT / "content"]
        try:
            with built_index(content) as index:
                print(
                    f"\n{path} ({len(judgments)} queries, {index.manifest['article_count']} "
                    f"articles, {index.doc_count} passages)\n"
                )
                print(HEADER)
                full = None
                for name, ranking in configurations:
                    m = evaluate(index, judgments, ranking)
                    print(row(name, m))
                    full = full or m
                print("\n".join(details(full, args.show_failures)))
                if full.passed < args.min_pass:
                    status = 1
        except SearchError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
