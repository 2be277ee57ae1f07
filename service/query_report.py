"""Read structured query log lines (service/query_log.py) and summarise what the content misses.

It lives beside the log it reads; scripts/query_report.py is its command line, and
service/report_html.py renders the same summary as a self-contained page.

Accepted input, plain or gzipped (CloudWatch's export to S3 writes .gz files):
- the JSON lines themselves, one per line, or prefixed (a CloudWatch export's timestamp, or
  Lambda's "[INFO]<tab>time<tab>request id<tab>" prefix): the JSON object from the first "{";
- the JSON printed by `aws logs filter-log-events` / `get-log-events` ({"events": [{"message"}]}).
Other lines (Zappa's access log, tracebacks) are skipped.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.search import LOW_CONFIDENCE

EVENT = "query"
_CLI_OUTPUT = re.compile(r'^\s*\{\s*"(events|nextForwardToken|searchedLogStreams)"')


class ReportError(Exception):
    """A log file cannot be read."""


def _open_text(path: Path) -> io.TextIOBase:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ReportError(f"{path}: cannot be read: {exc.strerror}") from exc
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8", errors="replace")


def _record_from(text: str) -> dict | None:
    start = text.find("{")
    if start < 0:
        return None
    try:
        record = json.loads(text[start:])
    except ValueError:
        return None
    if isinstance(record, dict) and record.get("event") == EVENT and "query" in record:
        return record
    return None


def read_records(path: Path) -> Iterator[dict]:
    """Yield every query record found in one log file."""
    with _open_text(path) as handle:
        try:
            head = handle.read(4096)
            if _CLI_OUTPUT.match(head):
                try:
                    document = json.loads(head + handle.read())
                except ValueError as exc:
                    raise ReportError(f"{path}: looks like AWS CLI JSON but is not: {exc}") from exc
                for event in document.get("events", []):
                    record = _record_from(str(event.get("message", "")))
                    if record:
                        yield record
                return
            pending = head
            while True:
                *lines, pending = pending.split("\n")
                yield from filter(None, map(_record_from, lines))
                chunk = handle.read(1 << 16)
                if not chunk:
                    break
                pending += chunk
            record = _record_from(pending)
            if record:
                yield record
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise ReportError(f"{path}: cannot be read: {exc}") from exc


@dataclass
class Summary:
    """Counts over a set of query records."""

    low_confidence: float
    records: int = 0
    queries: Counter = field(default_factory=Counter)
    routes: Counter = field(default_factory=Counter)
    versions: Counter = field(default_factory=Counter)
    no_results: Counter = field(default_factory=Counter)
    # Queries that found at least one passage: the candidates for popular-queries.txt.
    found: Counter = field(default_factory=Counter)
    no_answer: Counter = field(default_factory=Counter)
    weak: Counter = field(default_factory=Counter)
    weak_detail: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    corrections: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    first: str | None = None
    last: str | None = None

    def add(self, record: dict) -> None:
        """Count one record (later pages of the same search are not counted as new queries)."""
        self.records += 1
        self.routes[record.get("route", "?")] += 1
        self.versions[record.get("index_version", "?")] += 1
        if isinstance(record.get("latency_ms"), int | float):
            self.latencies.append(float(record["latency_ms"]))
        when = record.get("time")
        if isinstance(when, str):
            self.first = min(self.first or when, when)
            self.last = max(self.last or when, when)
        if record.get("offset", 0):
            return
        query = " ".join(str(record["query"]).lower().split())
        self.queries[query] += 1
        corrected = record.get("corrected")
        if isinstance(corrected, str) and corrected.strip():
            self.corrections[(query, " ".join(corrected.lower().split()))] += 1
        if record.get("results") == 0:
            self.no_results[query] += 1
            self.outcomes["no result"] += 1
            return
        self.found[query] += 1
        if record.get("answered") is False:
            self.no_answer[query] += 1
            self.outcomes["no answer"] += 1
        elif record.get("answered") is True:
            self.outcomes["answered"] += 1
        else:
            self.outcomes["results only"] += 1
        confidence = record.get("confidence")
        if isinstance(confidence, int | float) and confidence < self.low_confidence:
            self.weak[query] += 1
            previous = self.weak_detail.get(query)
            if previous is None or confidence < previous[0]:
                self.weak_detail[query] = (float(confidence), record.get("top_id"))

    def as_dict(self, top: int) -> dict:
        """Return the summary as JSON-ready data, each list cut to top entries."""
        return {
            "records": self.records,
            "distinct_queries": len(self.queries),
            "first": self.first,
            "last": self.last,
            "routes": dict(self.routes.most_common()),
            "index_versions": dict(self.versions.most_common()),
            "latency_ms": _latency(self.latencies),
            "most_frequent": _rows(self.queries, top),
            "no_results": _rows(self.no_results, top),
            "no_answer": _rows(self.no_answer, top),
            "low_confidence": [
                {
                    **row,
                    "confidence": self.weak_detail[row["query"]][0],
                    "top_id": self.weak_detail[row["query"]][1],
                }
                for row in _rows(self.weak, top)
            ],
            "low_confidence_below": self.low_confidence,
            "corrections": [
                {"query": q, "corrected": c, "count": n}
                for (q, c), n in sorted(self.corrections.items(), key=lambda kv: (-kv[1], kv[0]))[
                    :top
                ]
            ],
            "outcomes": dict(self.outcomes.most_common()),
        }


def popular_queries(summary: Summary, min_count: int, top: int) -> list[tuple[str, int]]:
    """Return the most asked queries that found something, each asked at least min_count times.

    The floor keeps what one person typed (a name, a symptom of their own) out of the search
    box that every visitor sees.
    """
    rows = [(q, n) for q, n in summary.found.items() if n >= min_count]
    return sorted(rows, key=lambda qn: (-qn[1], qn[0]))[:top]


def format_popular(rows: list[tuple[str, int]]) -> str:
    """Return the text of a popular-queries.txt file (index/popular.py reads it)."""
    head = "# From the query log by scripts/query_report.py --popular: count, tab, query\n"
    return head + "".join(f"{n}\t{q}\n" for q, n in rows)


def _rows(counter: Counter, top: int) -> list[dict]:
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"query": q, "count": n} for q, n in ordered]


def _latency(values: list[float]) -> dict | None:
    if not values:
        return None
    ordered = sorted(values)

    def rank(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))], 2)

    return {
        "count": len(ordered),
        "median": round(statistics.median(ordered), 2),
        "p90": rank(0.90),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": round(ordered[-1], 2),
    }


def summarize(records: Iterable[dict], low_confidence: float = LOW_CONFIDENCE) -> Summary:
    """Count records into a Summary."""
    summary = Summary(low_confidence=low_confidence)
    for record in records:
        summary.add(record)
    return summary


def format_report(data: dict, sources: int) -> str:
    """Return the human-readable report of as_dict() output."""
    out = [
        f"{data['records']} query log lines, {data['distinct_queries']} distinct queries, "
        f"from {sources} file(s)"
        + (f", {data['first']} to {data['last']}" if data["first"] else ""),
        "routes: " + ", ".join(f"{k} {v}" for k, v in data["routes"].items()),
        "index versions: " + ", ".join(f"{k} ({v})" for k, v in data["index_versions"].items()),
    ]
    if data["latency_ms"]:
        lat = data["latency_ms"]
        out.append(
            f"latency ms: median {lat['median']}, p90 {lat['p90']}, p95 {lat['p95']}, "
            f"p99 {lat['p99']}, max {lat['max']}"
        )

    def table(title: str, rows: list[dict], extra=None) -> None:
        out.extend(["", title])
        if not rows:
            out.append("  (none)")
        for row in rows:
            tail = f"  {extra(row)}" if extra else ""
            out.append(f"  {row['count']:>6}  {row['query']}{tail}")

    table("Most frequent queries", data["most_frequent"])
    table(
        "No results: write an article, or add a synonym (content/synonyms.txt)", data["no_results"]
    )
    table(
        "No answer: write an FAQ entry (a heading ending in '?') that answers it", data["no_answer"]
    )
    table(
        f"Low confidence (below {data['low_confidence_below']}): the best passage covers the "
        "question only in part",
        data["low_confidence"],
        lambda row: f"(confidence {row['confidence']}, top passage {row['top_id']})",
    )
    table(
        "Corrected spellings: add a synonym when a correction is wrong",
        data["corrections"],
        lambda row: f"-> {row['corrected']}",
    )
    return "\n".join(out)
