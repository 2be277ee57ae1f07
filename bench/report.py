"""Turn the benchmark's results into Markdown tables and a verdict on each target."""

from __future__ import annotations

# The targets, as ratios or absolute figures measured in one run.
FRESH_X_FLOOR = 6.0
CACHED_X_FLOOR = 1.5
COLD_X_HELLO = 2.0
# The function zip and every layer it needs, zipped.
ARTIFACT_MB = 50.0
SCALE_MIN_DOCS = 60_000
# At 64k documents: latency no worse than before the index was slimmed, memory and open time
# that fit a small Lambda function, and an index at most twice plain Whoosh's on disk.
SCALE_P50_MS = 3.3
SCALE_P99_MS = 9.3
SCALE_RSS_MB = 200.0
SCALE_OPEN_MS = 1000.0
SIZE_X_WHOOSH = 2.0


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def warm_table(warm: dict) -> list[str]:
    """Return the warm in-process table: p50, p99 and p50 as a multiple of the floor."""
    lines = [
        "| warm, bundled index | p50 ms | p99 ms | p50 × floor |",
        "| --- | ---: | ---: | ---: |",
    ]
    names = {"floor": "constant-JSON Flask route (floor)"}
    for name, row in warm["rows"].items():
        label = names.get(name, name if name.startswith("core") else f"`GET {name}`")
        if name == "/search cached repeat":
            label = "`GET /search`, cached repeat"
        lines.append(
            f"| {label} | {_fmt(row['p50_ms'], 3)} | {_fmt(row['p99_ms'], 3)} "
            f"| {_fmt(row['x_floor'])} |"
        )
    return lines


def scale_table(rows: list[dict]) -> list[str]:
    """Return the scale table: one row per engine and size."""
    lines = [
        "| engine | docs | build s | index MB | open ms | RSS after open MB "
        "| p50 ms | p99 ms | first-pass p50 / p99 ms | top-10 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in sorted(rows, key=lambda r: (r["docs"], r["engine"] != "ours", r["engine"])):
        first = r["first_pass"]
        lines.append(
            f"| {r['engine']} | {r['docs']} | {_fmt(r['build_s'], 1)} "
            f"| {_fmt(r['index_bytes'] / 2**20, 1)} | {_fmt(r['open_ms'], 0)} "
            f"| {_fmt(r['rss_after_open_mb'], 0)} | {_fmt(r['warm']['p50_ms'], 2)} "
            f"| {_fmt(r['warm']['p99_ms'], 2)} "
            f"| {_fmt(first['p50_ms'], 2)} / {_fmt(first['p99_ms'], 2)} "
            f"| {_fmt(r['top10'], 3)} |"
        )
    return lines


def ratio_table(ratios: list[dict]) -> list[str]:
    """Return each peer's figures as a multiple of ours at the same size."""
    lines = [
        "| peer ÷ ours | docs | p50 | p99 | build time | index size |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in ratios:
        lines.append(
            f"| {r['engine']} | {r['docs']} | {_fmt(r['p50_vs_ours'])} | {_fmt(r['p99_vs_ours'])} "
            f"| {_fmt(r['build_vs_ours'])} | {_fmt(r['size_vs_ours'])} |"
        )
    return lines


def cold_table(cold: dict) -> list[str]:
    """Return the cold-start and package table."""
    lines = [
        "| Lambda artifact | ours | hello-world Flask | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, label in (
        ("import_ms", "import Zappa's handler, median ms"),
        ("first_event_ms", "first event (imports the app, opens the index), median ms"),
        ("cold_ms", "cold start: import + first event, median ms"),
        ("zip_mb", "function zip MB"),
        ("unzipped_mb", "function unzipped MB"),
        ("layer_zip_mb", "layer zip MB (cryptography, the same layer for both)"),
        ("layer_unzipped_mb", "layer unzipped MB"),
        ("encoder_layer_zip_mb", "encoder layer zip MB (onnxruntime, tokenizers, numpy)"),
        ("encoder_layer_unzipped_mb", "encoder layer unzipped MB"),
        ("total_zip_mb", "function zip plus the layers it ships, MB"),
    ):
        if key.startswith("encoder_") and key not in cold["ours"]:
            continue
        ours, hello = cold["ours"].get(key), cold["hello"].get(key)
        ratio = ours / hello if ours and hello else None
        lines.append(f"| {label} | {_fmt(ours, 1)} | {_fmt(hello, 1)} | {_fmt(ratio)} |")
    return lines


def targets(results: dict) -> list[dict]:
    """Return each target with its measured figure and whether it is met (None: not measured)."""
    out = []
    for name, warm in (results.get("warm") or {}).items():
        rows = warm["rows"]
        out.append(
            _target(
                f"[{name}] warm /search, fresh queries",
                rows["/search"]["x_floor"],
                FRESH_X_FLOOR,
                "× floor",
            )
        )
        out.append(
            _target(
                f"[{name}] warm /search, cached repeats",
                rows["/search cached repeat"]["x_floor"],
                CACHED_X_FLOOR,
                "× floor",
            )
        )
    for name, cold in (results.get("cold") or {}).items():
        ours, hello = cold.get("ours", {}), cold.get("hello", {})
        if ours.get("total_zip_mb"):
            out.append(
                _target(
                    f"[{name}] Lambda function zip plus layers",
                    ours["total_zip_mb"],
                    ARTIFACT_MB,
                    "MB zipped",
                )
            )
        if ours.get("cold_ms") and hello.get("cold_ms"):
            ratio = round(ours["cold_ms"] / hello["cold_ms"], 2)
            out.append(
                _target(f"[{name}] Lambda cold path vs hello-world Flask", ratio, COLD_X_HELLO, "×")
            )
    scale = results.get("scale") or []
    big = [r for r in scale if r["docs"] >= SCALE_MIN_DOCS]
    if big:
        docs = max(r["docs"] for r in big)
        ours = next((r for r in big if r["engine"] == "ours" and r["docs"] == docs), None)
        plain = next((r for r in big if r["engine"] == "whoosh" and r["docs"] == docs), None)
        if ours:
            out.append(
                _target(
                    f"search core p50 at {docs} docs", ours["warm"]["p50_ms"], SCALE_P50_MS, "ms"
                )
            )
            out.append(
                _target(
                    f"search core p99 at {docs} docs", ours["warm"]["p99_ms"], SCALE_P99_MS, "ms"
                )
            )
        if ours:
            out.append(
                _target(
                    f"RSS after open at {docs} docs", ours["rss_after_open_mb"], SCALE_RSS_MB, "MB"
                )
            )
            out.append(
                _target(
                    f"open (first query ready) at {docs} docs",
                    ours["open_ms"],
                    SCALE_OPEN_MS,
                    "ms",
                )
            )
        if ours and plain:
            size = round(ours["index_bytes"] / plain["index_bytes"], 2)
            out.append(
                _target(f"index on disk at {docs} docs vs plain Whoosh", size, SIZE_X_WHOOSH, "×")
            )
            out.append(
                {
                    "target": f"top-10 at {docs} docs not below plain Whoosh ({plain['top10']})",
                    "measured": ours["top10"],
                    "limit": plain["top10"],
                    "met": ours["top10"] >= plain["top10"],
                }
            )
    return out


def _target(name: str, measured: float, limit: float, unit: str) -> dict:
    return {
        "target": f"{name} ≤ {limit} {unit}",
        "measured": measured,
        "limit": limit,
        "met": measured <= limit,
    }


def target_table(found: list[dict]) -> list[str]:
    """Return the targets as a table with their verdicts."""
    lines = ["| target | measured | met |", "| --- | ---: | :---: |"]
    for t in found:
        measured = _fmt(t["measured"], 3)
        lines.append(f"| {t['target']} | {measured} | {'yes' if t['met'] else 'NO'} |")
    return lines
