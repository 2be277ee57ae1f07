#!/usr/bin/env python3
"""Summarise the service's query log: the most frequent queries, the ones with no result or no
answer, and low-confidence answers, so ops know which article or FAQ entry to write next.

Reads the JSON lines service/query_log.py writes (one per query) from log files: plain or
gzipped, a CloudWatch export, or the output of `aws logs filter-log-events`. With --html it also
writes one self-contained page (tables, content gaps, corrections, latency percentiles and small
charts; the charts need matplotlib: pip install -r requirements-report.txt).

Examples:
    python scripts/query_report.py lambda.log
    aws logs filter-log-events --log-group-name /aws/lambda/faq-search-prod \\
        --filter-pattern '{ $.event = "query" }' > week.json
    python scripts/query_report.py week.json --top 30 --low-confidence 0.8
    python scripts/query_report.py week.json --html report.html
    python scripts/query_report.py week.json --popular content/popular-queries.txt

With --popular FILE it also writes the queries asked most often (at least --min-count times)
that found something, as the search box's popular-queries file (rebuild the index after).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.popular import MAX_QUERIES  # noqa: E402
from service.query_report import (  # noqa: E402
    LOW_CONFIDENCE,
    ReportError,
    format_popular,
    format_report,
    popular_queries,
    read_records,
    summarize,
)
from service.report_html import ChartsUnavailable, charts, render  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, read every file, print the report; exit 1 when nothing can be read."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("logs", nargs="+", type=Path, metavar="LOGFILE", help="log file(s)")
    parser.add_argument("--top", type=int, default=20, help="rows per table (default: 20)")
    parser.add_argument(
        "--low-confidence",
        type=float,
        default=LOW_CONFIDENCE,
        metavar="C",
        help=f"list answers and top hits with confidence below C (default: {LOW_CONFIDENCE})",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--html", type=Path, metavar="FILE", help="also write the report as one HTML page"
    )
    parser.add_argument(
        "--popular",
        type=Path,
        metavar="FILE",
        help="also write the popular queries there, e.g. content/popular-queries.txt",
    )
    parser.add_argument(
        "--min-count",
        type=int,
        default=3,
        metavar="N",
        help="a popular query was asked at least N times (default: 3), e.g. --min-count 5",
    )
    args = parser.parse_args(argv)
    if args.top < 1 or not 0 < args.low_confidence <= 1:
        parser.error("--top must be at least 1 and --low-confidence within (0, 1]")
    if args.min_count < 1:
        parser.error("--min-count must be at least 1")

    def records():
        for path in args.logs:
            yield from read_records(path)

    try:
        summary = summarize(records(), args.low_confidence)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not summary.records:
        print(
            "error: no query log lines found in "
            + ", ".join(map(str, args.logs))
            + '; expected JSON lines with "event": "query" (written by service/query_log.py)',
            file=sys.stderr,
        )
        return 1
    data = summary.as_dict(args.top)
    print(json.dumps(data, indent=1) if args.json else format_report(data, len(args.logs)))
    if args.html:
        note = ""
        try:
            drawn = charts(data, summary.latencies)
        except ChartsUnavailable as exc:
            drawn, note = {}, f"No charts: {exc}"
            print(f"warning: {note}", file=sys.stderr)
        page = render(data, [p.name for p in args.logs], drawn, note)
        try:
            args.html.write_text(page, encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.html}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"wrote {args.html} ({len(page) // 1024} KiB, {len(drawn)} charts)", file=sys.stderr)
    if args.popular:
        rows = popular_queries(summary, args.min_count, MAX_QUERIES)
        try:
            args.popular.write_text(format_popular(rows), encoding="utf-8")
        except OSError as exc:
            print(f"error: {args.popular}: cannot be written: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"{args.popular}: {len(rows)} popular queries; rebuild the index to use them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
