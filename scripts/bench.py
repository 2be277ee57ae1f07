#!/usr/bin/env python3
"""Benchmark what users feel: warm latency against a Flask floor, Lambda cold start, package
size, and search at scale side by side with SQLite FTS5 and tantivy. Prints Markdown tables,
saves every figure as JSON and draws latency against corpus size as a PNG.

Set up once: .venv/bin/pip install -r requirements-bench.txt (tantivy and matplotlib are
benchmark-only; without them those parts are skipped with a note).

Examples:
    .venv/bin/python scripts/bench.py                       # everything, ~5 minutes
    .venv/bin/python scripts/bench.py --quick               # a smoke run in well under a minute
    .venv/bin/python scripts/bench.py --parts scale --sizes 1000,10000 --engines ours,fts5

The corpus (--corpus) is any JSONL of {"id", "title", "body"}, gzip or plain; its queries
(--queries) a JSON list of {"q", "src"} where src is the id of a document that answers q.
The default, ../shared/corpus/ beside the repository, holds 63,905 Debian 12 package
descriptions (Debian's Translation-en index for bookworm/main, each stanza's Package and
Description-en; title "package: short description", body the long description; shuffled with
a fixed seed) and 200 queries of 2-4 words taken from the first 1,000 short descriptions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import configs, engines, report, scale  # noqa: E402
from bench.corpus import CORPUS_NAME, QUERIES_NAME, shared_corpus  # noqa: E402
from bench.plot import draw  # noqa: E402

PARTS = ("warm", "cold", "scale")


def parse_sizes(text: str) -> list[int | None]:
    """Parse '1000,10000,all' into [1000, 10000, None]."""
    sizes: list[int | None] = []
    for part in text.split(","):
        part = part.strip().lower()
        if part == "all":
            sizes.append(None)
        elif part.isdigit() and int(part) > 0:
            sizes.append(int(part))
        else:
            raise argparse.ArgumentTypeError(f"not a size: {part!r} (use numbers or 'all')")
    return sizes


def machine() -> dict:
    """Return what the figures were measured on."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def build_parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=shared_corpus(CORPUS_NAME),
        help=f"JSONL of {{id, title, body}}, .gz ok (default: ../shared/corpus/{CORPUS_NAME})",
    )
    parser.add_argument(
        "--queries",
        type=Path,
        default=shared_corpus(QUERIES_NAME),
        help=f"JSON list of {{q, src}} (default: ../shared/corpus/{QUERIES_NAME})",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=None,
        help="corpus sizes for the scale part, e.g. 1000,10000,all "
        "(default: 1000,10000,all; --quick: 300)",
    )
    parser.add_argument(
        "--engines",
        default=",".join(engines.ENGINES),
        help=f"engines at scale (default: {','.join(engines.ENGINES)})",
    )
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"what to measure (default: {','.join(PARTS)})"
    )
    parser.add_argument(
        "--warm-queries",
        type=Path,
        default=ROOT / "tests/fixtures/dev-queries.json",
        help="dev queries for the warm part; typos and unrelated queries are added",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="passes over the queries (default: 5 warm / 2 at scale; --quick: 1)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench-results.json",
        help="where to save every figure as JSON (default: bench-results.json)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        default=ROOT / "docs" / "latency.png",
        help="PNG of latency against corpus size (default: docs/latency.png)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="where to build the indexes (default: a temporary folder, removed)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 300 documents, one pass, no cold start"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts, print the tables, save JSON and the plot; exit 1 on a failure."""
    args = build_parser().parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        print(f"unknown part(s) {sorted(unknown)}; choose from {', '.join(PARTS)}", file=sys.stderr)
        return 2
    if args.quick and "cold" in parts and args.parts == ",".join(PARTS):
        parts.remove("cold")
    sizes = args.sizes or ([300] if args.quick else [1000, 10000, None])
    warm_repeat = args.repeat or (1 if args.quick else 5)
    scale_repeat = args.repeat or (1 if args.quick else 2)

    def say(line: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)

    results: dict = {
        "machine": machine(),
        "command": "scripts/bench.py " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    notes: list[str] = []
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        if "warm" in parts:
            results["warm"] = {
                name: in_config("warm", name, workdir, say, warm_repeat, args.warm_queries)
                for name in configs.CONFIGS
            }
        if "cold" in parts:
            results["cold"] = {
                name: in_config("cold", name, workdir, say) for name in configs.CONFIGS
            }
        if "scale" in parts:
            # The peers have no encoder: the engine is compared in the lexical configuration.
            configs.apply(configs.SCALE_CONFIG)
            notes.append(
                f"scale: configuration {configs.SCALE_CONFIG} "
                f"({configs.describe(configs.SCALE_CONFIG)})"
            )
            say(notes[-1])
            rows = run_scale(args, sizes, workdir, scale_repeat, say, notes)
            results["scale"] = rows
            results["scale_ratios"] = scale.ratios(rows)
    except (RuntimeError, OSError, ValueError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    results["targets"] = report.targets(results)
    results["notes"] = notes
    print_tables(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    say(f"figures saved to {args.out}")
    if results.get("scale"):
        m = results["machine"]
        title = f"Warm query latency, {m['cpu_model']} ({m['cpus']} CPUs), Python {m['python']}"
        if draw(results["scale"], args.plot, title):
            say(f"plot saved to {args.plot}")
        else:
            say("plot skipped: matplotlib is not installed (pip install -r requirements-bench.txt)")
    return 0


def in_config(part: str, name: str, workdir: Path, say, *extra) -> dict:
    """Run one part in one configuration in a fresh process (the encoder state is global)."""
    import subprocess

    say(f"{part} [{name}]: {configs.describe(name)}, in its own process")
    out = workdir / f"{part}-{name}.json"
    command = [sys.executable, "-m", "bench.in_config", part, name, str(workdir), str(out)]
    done = subprocess.run([*command, *map(str, extra)], cwd=ROOT, check=False)
    if done.returncode:
        raise RuntimeError(f"the {part} part in the {name} configuration failed")
    return json.loads(out.read_text())


def run_scale(args, sizes, workdir: Path, repeat: int, say, notes: list[str]) -> list[dict]:
    """Measure every available engine at every size."""
    if args.corpus is None or args.queries is None:
        raise ValueError("no corpus: pass --corpus FILE and --queries FILE (see --help)")
    chosen = [e.strip() for e in args.engines.split(",") if e.strip()]
    bad = [e for e in chosen if e not in engines.ENGINES]
    if bad:
        raise ValueError(f"unknown engine(s) {bad}; choose from {', '.join(engines.ENGINES)}")
    usable = [e for e in chosen if engines.available(e)]
    for missing in sorted(set(chosen) - set(usable)):
        notes.append(f"{missing} skipped: not installed (pip install -r requirements-bench.txt)")
        say(notes[-1])
    return scale.run(args.corpus, args.queries, sizes, usable, workdir, repeat, say)


def print_tables(results: dict) -> None:
    """Print the Markdown tables of whatever was measured."""
    m = results["machine"]
    blocks = [[f"Machine: {m['cpus']} CPUs, {m['cpu_model']}, Python {m['python']}"]]
    for name, warm in (results.get("warm") or {}).items():
        blocks.append([f"Warm, {name} ({warm['settings']}):", "", *report.warm_table(warm)])
    for name, cold in (results.get("cold") or {}).items():
        blocks.append([f"Cold, {name} ({cold['settings']}):", "", *report.cold_table(cold)])
    if results.get("scale"):
        blocks.append(report.scale_table(results["scale"]))
        blocks.append(report.ratio_table(results["scale_ratios"]))
    if results["targets"]:
        blocks.append(report.target_table(results["targets"]))
    if results["notes"]:
        blocks.append([f"- {n}" for n in results["notes"]])
    print("\n\n".join("\n".join(b) for b in blocks))


if __name__ == "__main__":
    sys.exit(main())
