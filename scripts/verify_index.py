#!/usr/bin/env python3
"""Verify a built index before it ships: the manifest's counts and version must match the content
folder, every smoke query (content/smoke-queries.json) must find its expected section, and every
article must be the top hit of at least one passing smoke query.

Example:
    python scripts/verify_index.py --index index_data --content content
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.errors import SearchError  # noqa: E402
from index.verify import SMOKE_FILE, verify_index  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, verify, print the outcome; exit 1 on any problem."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--index", type=Path, default=ROOT / "index_data", help="built index (default: index_data/)"
    )
    parser.add_argument(
        "--content", type=Path, default=ROOT / "content", help="content folder (default: content/)"
    )
    parser.add_argument(
        "--smoke",
        type=Path,
        help=f"smoke query file (default: CONTENT/{SMOKE_FILE})",
    )
    args = parser.parse_args(argv)
    try:
        report = verify_index(args.index, args.content, args.smoke or args.content / SMOKE_FILE)
    except SearchError as exc:
        print(f"verify failed: {exc}", file=sys.stderr)
        return 1
    if report.problems:
        print(f"verify failed for index {report.index_version}:", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        print("Fix the content or the smoke file, rebuild, and verify again.", file=sys.stderr)
        return 1
    print(
        f"index {report.index_version} verified: {report.articles} articles, "
        f"{report.passages} passages match the content; {report.queries} smoke queries pass"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
