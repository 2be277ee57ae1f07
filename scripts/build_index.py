#!/usr/bin/env python3
"""Build the search index from the content folder (articles + curated files), atomically.

Example:
    python scripts/build_index.py --content content --output index_data
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.build import build_index  # noqa: E402
from index.errors import SearchError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


class _Progress:
    """A progress bar with rate and ETA on a terminal, plain periodic lines otherwise."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last_line = 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed else 0.0
        eta = (total - done) / rate if rate else 0.0
        if self.tty:
            filled = int(30 * done / max(total, 1))
            bar = "#" * filled + "-" * (30 - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total} {rate:,.0f}/s ETA {eta:4.0f}s")
            if done == total:
                sys.stderr.write("\n")
        elif done == total or elapsed - self.last_line >= 5:
            self.last_line = elapsed
            print(
                f"indexed {done}/{total} passages, {rate:,.0f}/s, ETA {eta:.0f}s", file=sys.stderr
            )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build, print a summary; exit 1 on a failed build."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=ROOT / "content",
        help="folder with articles/*.txt and curated files (default: content/)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "index_data",
        help="index folder the service reads (default: index_data/, bundled into Lambda)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)
    try:
        result = build_index(
            args.content, args.output, progress=None if args.quiet else _Progress()
        )
    except SearchError as exc:
        print(f"build failed: {exc}\nThe previous index (if any) is untouched.", file=sys.stderr)
        return 1
    m = result.manifest
    if not args.quiet:
        curated = m.get("curation", {})
        counts = (
            curated.get("asks", 0),
            len(curated.get("pins", {})),
            len(curated.get("blocked", [])),
        )
        curation = ", curation: {} asks, {} pins, {} blocks".format(*counts) if any(counts) else ""
        print(
            f"index {m['index_version']}: {m['article_count']} articles, "
            f"{m['passage_count']} passages, {m['synonym_rules']} synonym rules{curation}, "
            f"built in {m['build_seconds']}s -> {result.path}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
