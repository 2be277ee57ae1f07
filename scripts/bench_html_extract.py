#!/usr/bin/env python3
"""Compare HTML main-content extractors on the HTML fixtures (bench/html_extract.py).

Prints, per page and in total, the article phrases kept, the section headings kept and the
page furniture that leaked in. Needs requirements-bench.txt for trafilatura.

Example:
    .venv/bin/pip install -r requirements-bench.txt
    python scripts/bench_html_extract.py
    apt-get download apache2-doc && dpkg-deb -x apache2-doc_*.deb /tmp/apache2-doc
    python scripts/bench_html_extract.py \
        --pages /tmp/apache2-doc/usr/share/doc/apache2-doc/manual/en
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.html_extract import EXTRACTORS, folder_report, report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Print the comparison."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", choices=sorted(EXTRACTORS), action="append", help="run only this extractor"
    )
    parser.add_argument(
        "--pages",
        type=Path,
        help="also measure every *.html under this folder (an unpacked -doc package): the "
        "share of its h2/h3 headings and <p> paragraphs each extractor keeps",
    )
    args = parser.parse_args(argv)
    for line in report(args.only):
        print(line)
    if args.pages:
        for line in folder_report(args.pages):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
