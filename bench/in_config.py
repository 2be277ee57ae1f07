"""Run one benchmark part in one configuration, in this fresh process (the encoder is global).

Used by scripts/bench.py: python -m bench.in_config PART CONFIG WORKDIR OUT [REPEAT QUERIES]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import configs

ROOT = Path(__file__).resolve().parent.parent


def _say(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def warm_part(workdir: Path, repeat: int, dev_queries: Path, name: str) -> dict:
    """Build the bundled content under this configuration and measure it in process."""
    from index.build import build_index

    from . import warm

    index_dir = workdir / f"bundled-{name}"
    build_index(ROOT / "content", index_dir)
    queries = warm.query_mix(dev_queries)
    _say(f"warm [{name}]: {len(queries)} queries x {repeat} passes through the Flask test client")
    return warm.run(index_dir, queries, repeat)


def main(argv: list[str]) -> int:
    """Apply the configuration, run the part, write its figures as JSON to OUT."""
    part, name, workdir, out = argv[0], argv[1], Path(argv[2]), Path(argv[3])
    configs.apply(name)
    if part == "warm":
        result = warm_part(workdir, int(argv[4]), Path(argv[5]), name)
    else:
        from . import cold

        result = cold.run(workdir / f"cold-{name}", _say, encoder=name == "semantic")
    from index.semantic import encoder_dir

    folder = encoder_dir()
    # Relative to the repository, so the saved figures name no one machine's folders.
    result["encoder"] = (
        (folder.relative_to(ROOT).as_posix() if folder.is_relative_to(ROOT) else str(folder))
        if folder
        else None
    )
    result["settings"] = configs.describe(name)
    out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
