"""The query-log report as one HTML page (scripts/query_report.py --html), from real log lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from .conftest import ROOT

HOSTILE = '<script>alert("q")</script> & <img src=x onerror=alert(1)>'


class _Report(HTMLParser):
    """Tags, their attributes, and the text of each table row by section id."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.rows: dict[str, list[list[str]]] = {}
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "section":
            self._section = attributes.get("id", "")
        elif tag == "tr":
            self._row = []
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows.setdefault(self._section, []).append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture()
def traffic(client, capsys, tmp_path):
    """Log lines the app writes for a mix of traffic, as a CloudWatch filter-log-events export."""
    capsys.readouterr()
    for q in ["is rls genetic"] * 3 + ["iron deficiency and dopamine"] * 2:
        client.get("/answer", query_string={"q": q})
    for q in ["chocolate cake recipe"] * 2 + ["restles leg syndrome", "leg cramps at night"]:
        client.get("/answer", query_string={"q": q})
    client.get("/search", query_string={"q": "pregnancy"})
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
    # A line as hostile as a query can be (the log keeps what callers typed).
    record = json.loads(lines[0])
    lines.append(json.dumps({**record, "query": HOSTILE, "results": 0, "answered": False}))
    export = tmp_path / "week.json"
    export.write_text(
        json.dumps(
            {
                "events": [
                    {"logStreamName": "2026/12/01/[$LATEST]abc", "timestamp": n, "message": line}
                    for n, line in enumerate(lines)
                ],
                "searchedLogStreams": [],
            }
        )
    )
    return export, [json.loads(x) for x in lines]


def _report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "query_report.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_html_report_shows_top_queries_gaps_corrections_and_latency(traffic, tmp_path):
    export, records = traffic
    page = tmp_path / "report.html"
    done = _report(str(export), "--html", str(page))
    assert done.returncode == 0, done.stderr
    assert f"wrote {page}" in done.stderr and "3 charts" in done.stderr
    html = page.read_text()
    report = _Report(html)
    top = report.rows["top"]
    assert top[:3] == [
        ["3", "is rls genetic"],
        ["2", "chocolate cake recipe"],
        ["2", "iron deficiency and dopamine"],
    ]
    gaps = [row[1] for row in report.rows["gaps"]]
    assert "chocolate cake recipe" in gaps and HOSTILE.lower() in gaps
    # The misspelling the service corrected, and what it searched instead.
    corrected = next(r["corrected"] for r in records if r["query"] == "restles leg syndrome")
    assert corrected and ["1", "restles leg syndrome", corrected] in report.rows["corrections"]
    # Latency percentiles from the logged latencies.
    latencies = sorted(r["latency_ms"] for r in records)
    median = re.search(r"<dt>median</dt><dd>([0-9.]+) ms</dd>", html)
    assert median and abs(float(median.group(1)) - latencies[len(latencies) // 2]) < 0.01 + (
        latencies[-1] - latencies[0]
    )
    assert "<dt>p95</dt>" in html and "<dt>p99</dt>" in html
    # Three inline charts, and the question text inside them is text, escaped.
    assert html.count("<svg") == 3
    assert "is rls genetic" in html.split('id="top"')[1].split("</svg>")[0]


def test_html_report_is_self_contained_and_escaped(traffic, tmp_path):
    export, _ = traffic
    page = tmp_path / "report.html"
    assert _report(str(export), "--html", str(page)).returncode == 0
    html = page.read_text()
    report = _Report(html)
    tags = {tag for tag, _ in report.tags}
    assert not tags & {"script", "link", "img", "iframe", "object"}
    for _, attrs in report.tags:
        for name in ("src", "href"):
            assert not attrs.get(name, "#").startswith(("http", "//")), attrs
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in html


def test_html_report_and_json_agree_and_text_report_lists_corrections(traffic):
    export, _ = traffic
    data = json.loads(_report(str(export), "--json").stdout)
    assert data["latency_ms"]["p90"] <= data["latency_ms"]["p95"] <= data["latency_ms"]["p99"]
    assert data["outcomes"]["no result"] == 3  # the cake twice and the hostile line
    assert data["corrections"][0]["query"] == "restles leg syndrome"
    text = _report(str(export)).stdout
    assert "Corrected spellings" in text and "restles leg syndrome  -> " in text


def test_the_lambda_package_carries_no_charting_code():
    runtime = (ROOT / "requirements.txt").read_text().lower()
    assert "matplotlib" not in runtime and "numpy" not in runtime
    # The report module imports matplotlib only when it draws.
    done = subprocess.run(
        [sys.executable, "-c", "import sys, service.report_html, service.query_report; "
         "print('matplotlib' in sys.modules)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"
