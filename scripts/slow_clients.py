#!/usr/bin/env python3
"""Hold trickling connections against the served configuration while probing it; print figures.

Builds the index from content/ into a temporary folder, serves it with gunicorn and
scripts/gunicorn.conf.py on 127.0.0.1, and runs bench/slow_clients.py against it. Exits 1 when
a probe failed or took a second or more. Needs the dev venv (./scripts/test.sh makes it).

Examples:
    .venv/bin/python scripts/slow_clients.py                    # 200 connections for 30 s
    .venv/bin/python scripts/slow_clients.py --sockets 50 --seconds 10
    WORKER_CLASS=gthread .venv/bin/python scripts/slow_clients.py --seconds 10   # a thread pool
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.slow_clients import attack  # noqa: E402
from index.build import build_index  # noqa: E402
from tests.servers import gunicorn  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the attack, print its figures; exit 1 if the probe suffered."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sockets", type=int, default=200, help="slow connections (200)")
    parser.add_argument("--seconds", type=float, default=30, help="how long to hold them (30)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        index = Path(work) / "index"
        build_index(ROOT / "content", index)
        with gunicorn(index, workers=args.workers) as base:
            url = urlsplit(base)
            report = attack(url.hostname, url.port, args.sockets, args.seconds)
    print("\n".join(report.lines()))
    slow = [ms for ms in report.probe_ms if ms >= 1000]
    if report.probe_failures or slow or not report.probe_ms:
        print(f"SLOW CLIENTS WON: {len(report.probe_failures)} probes failed, {len(slow)} "
              "took a second or more", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
