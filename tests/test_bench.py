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
    # Both ranking configurations are measured, each in its own process with its own setting.
    assert set(results["warm"]) == {"lexical", "semantic"}
    assert results["warm"]["lexical"]["encoder"] is None
    assert results["warm"]["semantic"]["encoder"]
    for config in results["warm"].values():
        warm = config["rows"]
        assert {"floor", "/search", "/answer", "core search", "/search cached repeat"} <= set(warm)
        assert config["statuses"]["/search"] == [200]
        assert config["cache_hit_share"] == 1.0
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
    for name in ("lexical", "semantic"):
        assert any(t.startswith(f"[{name}] warm /search, fresh queries") for t in targets)
        assert f"Warm, {name} (SEARCH_ENCODER" in done.stdout
    assert "| warm, bundled index |" in done.stdout
    assert "scale: configuration lexical (SEARCH_ENCODER=off)" in done.stdout


BENCH_SCRIPTS = ["bench.py", "bench_query_cost.py", "bench_suggest.py", "cold_start.py"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_benchmarks_live_in_bench_and_read_nothing_from_tests():
    # scripts/ holds thin entry points; the logic and what tests share with it is in bench/.
    for path in [
        *sorted((ROOT / "bench").glob("*.py")),
        *(ROOT / "scripts" / s for s in BENCH_SCRIPTS),
    ]:
        text = path.read_text()
        assert "from tests" not in text and "import tests" not in text, path
        assert "/work/" not in text, f"{path}: a path of one particular machine"
    for name in BENCH_SCRIPTS[1:]:
        assert len((ROOT / "scripts" / name).read_text().splitlines()) < 100, name


def test_the_suggest_benchmark_types_every_query(tmp_path):
    done = _run(
        "scripts/bench_suggest.py",
        "--corpus",
        str(FIXTURES / "corpus.jsonl"),
        "--queries",
        str(FIXTURES / "queries.json"),
        "--docs",
        "120",
        "--index",
        str(tmp_path / "index"),
    )
    assert done.returncode == 0, done.stderr
    assert "indexed 120 documents" in done.stdout
    queries = json.loads((FIXTURES / "queries.json").read_text())
    typed = sum(len(q["q"].lstrip()) for q in queries)  # one keystroke a character
    assert f"{typed} keystrokes: median" in done.stdout
    assert "'git comm'" in done.stdout


def test_the_query_cost_benchmark_prints_every_family_with_and_without_bounds():
    from bench.costly import costly_queries

    done = _run(
        "scripts/bench_query_cost.py",
        "--corpus",
        str(FIXTURES / "corpus.jsonl"),
        "--docs",
        "120",
        "--queries",
        str(FIXTURES / "queries.json"),
        "--repeat",
        "1",
    )
    assert done.returncode == 0, done.stderr
    assert "index: 120 passages" in done.stdout
    for family in [*costly_queries(["placeholder"] * 60), "deepest page (offset 500)"]:
        for bounds in ("bounded", "unbounded"):
            assert f"| {family} | {bounds} |" in done.stdout


@pytest.mark.parametrize("name", BENCH_SCRIPTS)
def test_every_bench_script_has_help_with_an_example(name):
    done = _run(f"scripts/{name}", "--help")
    assert done.returncode == 0, done.stderr
    assert "Example" in done.stdout
    assert f"scripts/{name}" in done.stdout
