"""The query-log summary as one self-contained HTML page: tables, and small charts drawn with
matplotlib as inline SVG (no file, script or font beside it; it opens anywhere, offline).

matplotlib is imported only here and only when charts are drawn: it is in
requirements-report.txt, never in requirements.txt, so the Lambda package has none of it.
"""

from __future__ import annotations

import io
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

_TEMPLATES = Path(__file__).resolve().parent / "templates"
# Charts: small, the page's own colours.
_INK, _MUTED, _ACCENT, _WARN = "#1d232b", "#5b6570", "#0b5cad", "#b3261e"
_OUTCOME_COLOURS = {
    "answered": _ACCENT,
    "results only": "#7fa7d6",
    "no answer": "#e0a100",
    "no result": _WARN,
}


class ChartsUnavailable(Exception):
    """matplotlib is not installed (it comes with requirements-report.txt)."""


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise ChartsUnavailable(
            "the charts need matplotlib: .venv/bin/pip install -r requirements-report.txt"
        ) from exc
    matplotlib.use("Agg")  # no display: draw to memory only
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: smaller, searchable, the page's font
            "svg.hashsalt": "query-report",  # the same data draws the same SVG
            "font.size": 9,
            "axes.edgecolor": _MUTED,
            "axes.labelcolor": _INK,
            "xtick.color": _MUTED,
            "ytick.color": _INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    fig.clf()
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # the XML prolog and doctype cannot sit inside HTML


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def top_queries_chart(plt, rows: list[dict]) -> str:
    """Return a horizontal bar chart of the most frequent queries (SVG)."""
    rows = rows[:10][::-1]
    fig, ax = plt.subplots(figsize=(5.6, 0.28 * len(rows) + 0.6))
    ax.barh([_short(r["query"]) for r in rows], [r["count"] for r in rows], color=_ACCENT)
    ax.set_xlabel("times asked")
    ax.xaxis.get_major_locator().set_params(integer=True)
    svg = _svg(fig)
    plt.close(fig)
    return svg


def outcomes_chart(plt, outcomes: dict[str, int]) -> str:
    """Return one stacked bar of how queries ended: answered, results only, no answer, none."""
    fig, ax = plt.subplots(figsize=(5.6, 0.9))
    left = 0
    for name, colour in _OUTCOME_COLOURS.items():
        count = outcomes.get(name, 0)
        if count:
            ax.barh([0], [count], left=left, color=colour, label=f"{name} {count}")
            left += count
    ax.set_yticks([])
    ax.set_xlim(0, left or 1)
    ax.set_xlabel("queries")
    # A legend, not labels on the bars: a small share leaves no room for its name.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.7), ncol=4, frameon=False)
    svg = _svg(fig)
    plt.close(fig)
    return svg


def latency_chart(plt, values: list[float], latency: dict) -> str:
    """Return a histogram of latencies with the median and p95 marked (SVG)."""
    fig, ax = plt.subplots(figsize=(5.6, 1.8))
    ax.hist(values, bins=min(30, max(5, len(values) // 4)), color=_ACCENT)
    for name, colour in (("median", _INK), ("p95", _WARN)):
        ax.axvline(latency[name], color=colour, linestyle="--", linewidth=1,
                   label=f"{name} {latency[name]} ms")
    ax.legend(frameon=False)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("queries")
    svg = _svg(fig)
    plt.close(fig)
    return svg


def charts(data: dict, latencies: list[float]) -> dict[str, str]:
    """Return the charts as SVG text by name; raise ChartsUnavailable without matplotlib."""
    plt = _pyplot()
    drawn = {}
    if data["most_frequent"]:
        drawn["top"] = top_queries_chart(plt, data["most_frequent"])
    if data["outcomes"]:
        drawn["outcomes"] = outcomes_chart(plt, data["outcomes"])
    if latencies and data["latency_ms"]:
        drawn["latency"] = latency_chart(plt, latencies, data["latency_ms"])
    return drawn


def render(data: dict, sources: list[str], drawn: dict[str, str], note: str = "") -> str:
    """Return the whole page: the summary from Summary.as_dict(), the charts, every text escaped."""
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"])
    )
    template = env.get_template("query_report.html")
    return template.render(data=data, sources=sources, charts=drawn, note=note)
