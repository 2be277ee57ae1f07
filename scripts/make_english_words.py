#!/usr/bin/env python3
"""Write index/data/english-words.txt, the English words the spelling corrector never "corrects".

The words come from Debian's `wamerican` and `wbritish` packages (SCOWL's American and British
English lists, the ones behind /usr/share/dict/words), unpacked from their .debs with
`dpkg-deb -x`, never installed. Kept: every entry made of letters only, lowercased, without
possessives ("cat's"); the union of the lists, sorted, one a line, after a header naming the
packages. The service only reads the file: nothing is downloaded when it runs.

Example:
    cd /tmp && apt-get download wamerican wbritish && cd -
    python scripts/make_english_words.py --deb /tmp/wamerican_2020.12.07-2_all.deb \\
        --deb /tmp/wbritish_2020.12.07-2_all.deb
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "index" / "data" / "english-words.txt"
_LETTERS = re.compile(r"^[a-z]+$")


def words_of(text: str) -> set[str]:
    """Return the lowercased, letters-only words of a dictionary file's text."""
    return {w.lower() for w in text.split() if _LETTERS.match(w.lower())}


def dictionary_words(deb: Path) -> set[str]:
    """Unpack a word-list .deb and return the words of its usr/share/dict/ file."""
    with tempfile.TemporaryDirectory(prefix="wordlist-") as tmp:
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        files = [p for p in (Path(tmp) / "usr/share/dict").glob("*") if p.is_file()]
        if not files:
            raise OSError(f"{deb}: no word list under usr/share/dict/")
        return set().union(*(words_of(p.read_text(encoding="utf-8")) for p in files))


def main(argv: list[str] | None = None) -> int:
    """Unpack the .debs, write the word list; exit 1 saying what to do when one is unusable."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--deb",
        type=Path,
        action="append",
        required=True,
        help="a word-list .deb (repeatable), e.g. /tmp/wamerican_2020.12.07-2_all.deb",
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT})")
    args = parser.parse_args(argv)
    words: set[str] = set()
    for deb in args.deb:
        if not deb.is_file():
            print(f"error: {deb}: no such file; run `apt-get download wamerican`", file=sys.stderr)
            return 1
        try:
            words |= dictionary_words(deb)
        except (OSError, UnicodeDecodeError, subprocess.CalledProcessError) as exc:
            print(f"error: {deb}: cannot read its word list: {exc}", file=sys.stderr)
            return 1
    names = ", ".join(d.name for d in args.deb)
    header = f"# {len(words)} words from Debian's {names}; made by scripts/make_english_words.py"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + "\n" + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(words)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
