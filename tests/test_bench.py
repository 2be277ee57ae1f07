"""The benchmark script still runs: a quick pass on a tiny corpus (figures are not asserted)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bench"


@pytest.mark.slow
def test_quick_benchmark_writes_every_figure(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "scripts/bench.py",
            "--quick",
            "--corpus",
            str(FIXTURES / "corpus.jsonl"),
            "--queries",
            str(FIXTURES / "queries.json"),
            "--sizes",
            "40,all",
            "--engines",
            "ours,whoosh,fts5",
            "--out",
            str(out),
            "--plot",
            str(tmp_path / "latency.png"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    warm = results["warm"]["rows"]
    assert {"floor", "/search", "/answer", "core search", "/search cached repeat"} <= set(warm)
    assert results["warm"]["statuses"]["/search"] == [200]
    assert results["warm"]["cache_hit_share"] == 1.0
    scale = results["scale"]
    assert sorted((r["engine"], r["docs"]) for r in scale) == sorted(
        (e, n) for e in ("ours", "whoosh", "fts5") for n in (40, 120)
    )
    for row in scale:
        assert row["warm"]["n"] == 24 and row["warm"]["p50_ms"] > 0
        assert row["index_bytes"] > 0 and row["rss_after_open_mb"] > 0
    # Every query's source document is in the full fixture corpus: each engine finds most.
    full = [r for r in scale if r["docs"] == 120]
    assert all(r["judged_queries"] == 24 and r["top10"] >= 0.8 for r in full)
    targets = {t["target"] for t in results["targets"]}
    assert any("fresh queries" in t for t in targets)
    assert "| warm, bundled index |" in done.stdout
