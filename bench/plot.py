"""Draw query latency (p50 and p99) against corpus size for every engine, log-log, as a PNG."""

from __future__ import annotations

from pathlib import Path

COLOURS = {"ours": "#d62728", "whoosh": "#1f77b4", "fts5": "#2ca02c", "tantivy": "#9467bd"}
LABELS = {
    "ours": "ours (Whoosh + impact postings + rerank)",
    "whoosh": "plain Whoosh BM25F (OR)",
    "fts5": "SQLite FTS5 bm25() (OR)",
    "tantivy": "tantivy (OR)",
}


def draw(rows: list[dict], path: Path, title: str) -> bool:
    """Save the plot to path; return False (and draw nothing) when matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")  # no display: write the file only
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5), dpi=100)
    for engine in dict.fromkeys(r["engine"] for r in rows):
        mine = sorted((r for r in rows if r["engine"] == engine), key=lambda r: r["docs"])
        docs = [r["docs"] for r in mine]
        colour = COLOURS.get(engine)
        label = LABELS.get(engine, engine)
        ax.plot(docs, [r["warm"]["p50_ms"] for r in mine], "o-", color=colour, label=f"{label} p50")
        ax.plot(
            docs,
            [r["warm"]["p99_ms"] for r in mine],
            "s--",
            color=colour,
            alpha=0.7,
            label=f"{label} p99",
        )
    largest = max((r["docs"] for r in rows), default=0)
    if largest >= 60_000:  # the targets at the full corpus
        ax.plot([largest], [10.0], "r*", markersize=12, label="target p50 ≤ 10 ms")
        ax.plot([largest], [40.0], "rx", markersize=10, label="target p99 ≤ 40 ms")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("documents in the index")
    ax.set_ylabel("warm query latency, ms (log)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True
