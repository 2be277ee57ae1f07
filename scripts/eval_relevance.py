#!/usr/bin/env python3
"""Build an index from the judged content and print relevance figures per ranking feature.

Each row switches one feature off; "plain BM25F" is Whoosh's own ranking of the same query,
where any match counts as an answer. success@1 and MRR@5 are over the answerable queries;
no-answer accuracy is over all (answer given exactly when one is expected).

Example:
    python scripts/eval_relevance.py --judgments tests/fixtures/relevance/judgments.json
    python scripts/eval_relevance.py --judgments tests/fixtures/dev-queries.json --content content
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.errors import SearchError  # noqa: E402
from index.evaluate import CONFIGURATIONS, built_index, evaluate, load_judgments  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when the full configuration misses --min-pass."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--judgments",
        type=Path,
        required=True,
        action="append",
        help="judgments JSON (repeatable); see tests/fixtures/relevance/",
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
        "--min-pass",
        type=float,
        default=0.0,
        help="fail (exit 1) when the full configuration passes fewer (0-1)",
    )
    args = parser.parse_args(argv)
    status = 0
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
                print("| configuration | success@1 | MRR@5 | no-answer acc. | passed |")
                print("| --- | ---: | ---: | ---: | ---: |")
                for name, ranking in CONFIGURATIONS.items():
                    m = evaluate(index, judgments, ranking)
                    print(
                        f"| {name} | {m.success_at_1:.1%} | {m.mrr_at_5:.3f} | "
                        f"{m.no_answer_accuracy:.1%} | {m.passed:.1%} |"
                    )
                    if name == "all features":
                        full = m
                if args.show_failures and full.failures:
                    print("\nfailures (all features):")
                    for line in full.failures:
                        print(f"  {line}")
                if full.passed < args.min_pass:
                    status = 1
        except SearchError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
