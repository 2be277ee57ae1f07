"""Popular queries: what people search most, as the site's search box should offer it.

`popular-queries.txt` beside the articles holds one query a line, most asked first, optionally
after its count and a tab (`12<TAB>what causes restless legs`); `#` starts a comment.
`scripts/query_report.py --popular FILE` writes it from the query log, keeping only queries that
found something and that several people asked. The build copies it into the index version.
"""

from __future__ import annotations

from pathlib import Path

from .errors import BadContent
from .text import normalize

FILE_NAME = "popular-queries.txt"
MAX_QUERIES = 500
MAX_CHARS = 120


def parse_popular(text: str, source: str = "<popular>") -> list[tuple[str, int]]:
    """Return (query, count) pairs in file order; raise BadContent naming a malformed line."""
    found: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        count_text, tab, query = line.partition("\t")
        if not tab:
            count_text, query = "1", line
        if not count_text.strip().isdigit():
            raise BadContent(
                f"{source}:{number}: expected 'COUNT<TAB>query' or 'query', got {raw!r}"
            )
        query = " ".join(normalize(query).lower().split())
        if not query or len(query) > MAX_CHARS:
            raise BadContent(f"{source}:{number}: a query of 1 to {MAX_CHARS} characters, please")
        found[query] = found.get(query, 0) + int(count_text)
        if len(found) > MAX_QUERIES:
            raise BadContent(f"{source}: more than {MAX_QUERIES} queries; keep the most asked")
    return list(found.items())


def load_popular(path: Path) -> list[tuple[str, int]]:
    """Read a popular-queries file; a missing file means none."""
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadContent(f"{path}: cannot be read as UTF-8 text: {exc}") from exc
    return parse_popular(text, str(path))
