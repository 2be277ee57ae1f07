"""Scale: each engine at each corpus size, built and queried in fresh processes.

A build runs in one process (build time, size on disk), the queries in another (open time,
memory after open, first-pass and warm latency, top-10 quality), so no engine's memory or
caches leak into another's figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

WORKER = [sys.executable, "-m", "bench.worker"]
ROOT = Path(__file__).resolve().parent.parent


def _worker(args: list[str]) -> dict:
    done = subprocess.run(
        WORKER + args, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench worker {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(
    corpus: Path,
    queries: Path,
    sizes: list[int | None],
    engines: list[str],
    workdir: Path,
    repeat: int,
    say: Callable[[str], None],
) -> list[dict]:
    """Return one row per (size, engine): build, size, open, memory, latency, quality."""
    rows = []
    for size in sizes:
        for engine in engines:
            folder = workdir / f"{engine}-{size or 'all'}"
            say(f"scale: {engine} at {size or 'all'} documents: building")
            subset = ["--corpus", str(corpus)] + ([] if size is None else ["--size", str(size)])
            built = _worker(["build", engine, str(folder), *subset])
            say(f"scale: {engine} at {built['docs']} documents: querying")
            measured = _worker(
                ["query", engine, str(folder), "--queries", str(queries), "--repeat", str(repeat)]
                + subset
            )
            rows.append({"engine": engine, "size": size or "all", **built, **measured})
    return rows


def ratios(rows: list[dict]) -> list[dict]:
    """Return each peer's warm p50/p99 and memory as a ratio to ours at the same size."""
    ours = {r["docs"]: r for r in rows if r["engine"] == "ours"}
    out = []
    for row in rows:
        base = ours.get(row["docs"])
        if row["engine"] == "ours" or base is None:
            continue
        out.append(
            {
                "engine": row["engine"],
                "docs": row["docs"],
                "p50_vs_ours": _ratio(row["warm"]["p50_ms"], base["warm"]["p50_ms"]),
                "p99_vs_ours": _ratio(row["warm"]["p99_ms"], base["warm"]["p99_ms"]),
                "build_vs_ours": _ratio(row["build_s"], base["build_s"]),
                "size_vs_ours": _ratio(row["index_bytes"], base["index_bytes"]),
            }
        )
    return out


def _ratio(value: float, base: float) -> float | None:
    return round(value / base, 3) if base else None
