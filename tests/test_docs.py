"""The README is an entry point: short, and every page and file it points at exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target) links and <img src="target">, minus web addresses.
LINK = re.compile(r"\]\(([^)\s]+)\)|src=\"([^\"]+)\"")


def _local_links(page: Path) -> list[str]:
    targets = [a or b for a, b in LINK.findall(page.read_text())]
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


def _anchors(page: Path) -> set[str]:
    """Return the anchors GitHub makes of a page's headings."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_readme_fits_on_a_few_screens():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(ROOT / t.split("#")[0]).resolve() for t in _local_links(ROOT / "README.md")}
    unlinked = [p.name for p in PAGES[1:] if p.resolve() not in linked]
    assert unlinked == []


def test_every_local_link_resolves():
    broken = []
    for page in PAGES:
        for target in _local_links(page):
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and file.suffix == ".md":
                if anchor not in _anchors(file):
                    broken.append(f"{page.name}: {target}")
    assert broken == []


def test_docs_name_no_issue_numbers_or_machine():
    for page in PAGES:
        assert not re.search(r"\bissue \d+|this machine", page.read_text(), re.I), page.name


# `$ curl -s 'http://127.0.0.1:8000/PATH'` followed by the line curl printed.
CURL_EXAMPLE = re.compile(r"^\$ curl -s 'http://127\.0\.0\.1:8000(/[^']*)'\n(\{.*\})$", re.M)
# Fields that differ from run to run or from build to build, not in what a reader relies on.
VOLATILE = {"took_ms", "built_at", "index_version", "score"}


def _steady(value):
    if isinstance(value, dict):
        return {k: _steady(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


def test_readme_curl_examples_are_what_the_api_answers(client):
    examples = CURL_EXAMPLE.findall((ROOT / "README.md").read_text())
    assert len(examples) >= 5
    for path, printed in examples:
        response = client.get(path)
        assert _steady(response.get_json()) == _steady(json.loads(printed)), path
