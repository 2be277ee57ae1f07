"""Measure HTML main-content extraction: what each extractor keeps of the article and drops.

For every page in bench/html_extract_cases.json: the share of article phrases kept, of section
headings kept as headings, and the furniture phrases (navigation, cookie banners, sharing,
comments, footers, scripts) that leaked into the text. Extractors: this project's reader
(index/formats/html.py) and trafilatura (requirements-bench.txt), each with its own defaults
for article text (no comments, tables kept).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).with_name("html_extract_cases.json")

# (text, headings) of one page
Extractor = Callable[[str, str], tuple[str, list[str]]]


@dataclass(frozen=True)
class PageScore:
    """How one extractor did on one page."""

    page: str
    kept: int
    keep_total: int
    headings: int
    headings_total: int
    leaked: list[str]


def _flat(text: str) -> str:
    return " ".join(text.split())


def ours(html: str, slug: str) -> tuple[str, list[str]]:
    """Return the passages' text and section headings as this project's reader finds them."""
    from index.formats.html import parse_article

    article = parse_article(html, slug, slug)
    text = " ".join([article.title] + [f"{p.section} {p.text}" for p in article.passages])
    return text, [p.section for p in article.passages]


def trafilatura_extract(html: str, slug: str) -> tuple[str, list[str]]:
    """Return trafilatura's main text and the headings its XML output marks as such."""
    import trafilatura

    xml = (
        trafilatura.extract(html, output_format="xml", include_comments=False, include_tables=True)
        or ""
    )
    text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    heads = [_flat(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<head[^>]*>(.*?)</head>", xml)]
    return text, heads


EXTRACTORS: dict[str, Extractor] = {"ours (lxml)": ours, "trafilatura": trafilatura_extract}


def score(extract: Extractor, cases: dict | None = None) -> list[PageScore]:
    """Run one extractor over every case page."""
    cases = cases or json.loads(CASES.read_text())
    scores = []
    for page, case in cases["pages"].items():
        html = (ROOT / page).read_text(encoding="utf-8")
        text, heads = extract(html, Path(page).stem)
        flat = _flat(text)
        heads = [_flat(h).strip(" ¶") for h in heads]
        scores.append(
            PageScore(
                page=Path(page).name,
                kept=sum(_flat(k) in flat for k in case["keep"]),
                keep_total=len(case["keep"]),
                headings=sum(any(h.endswith(w) for h in heads) for w in case["headings"]),
                headings_total=len(case["headings"]),
                leaked=[d for d in case["drop"] if _flat(d) in flat],
            )
        )
    return scores


def report(names: list[str] | None = None) -> list[str]:
    """Return printable lines comparing the extractors, one line per page and a total."""
    lines = []
    for name in names or list(EXTRACTORS):
        try:
            scores = score(EXTRACTORS[name])
        except ImportError as exc:
            lines.append(f"{name}: skipped ({exc.name} not installed: requirements-bench.txt)")
            continue
        for s in scores:
            lines.append(
                f"{name:12} {s.page:28} article {s.kept}/{s.keep_total}  "
                f"headings {s.headings}/{s.headings_total}  leaked {len(s.leaked)}"
                + (f": {', '.join(s.leaked)}" if s.leaked else "")
            )
        kept = sum(s.kept for s in scores), sum(s.keep_total for s in scores)
        heads = sum(s.headings for s in scores), sum(s.headings_total for s in scores)
        leaked = sum(len(s.leaked) for s in scores)
        lines.append(
            f"{name:12} {'TOTAL':28} article {kept[0]}/{kept[1]}  headings {heads[0]}/{heads[1]}  "
            f"leaked {leaked}"
        )
    return lines


def _same_heading(wanted: str, found: str) -> bool:
    """Return True when found is the wanted heading, its numbering ("6.2 ") dropped or not."""
    return bool(wanted and found) and (wanted == found or wanted.endswith(" " + found))


def folder_report(folder: Path, limit: int = 200) -> list[str]:
    """Return, for every page under folder, the share of its <h2>/<h3> headings and of its
    <p> paragraphs (40 characters or more) each extractor keeps: no hand-made expectations."""
    from lxml import html as lxml_html

    pages = sorted(folder.rglob("*.html"))[:limit]
    lines = [f"{len(pages)} pages under {folder}"]
    for name, extract in EXTRACTORS.items():
        heads = heads_total = paras = paras_total = failed = 0
        seconds = 0.0
        for page in pages:
            source = page.read_text(encoding="utf-8", errors="replace")
            try:
                doc = lxml_html.document_fromstring(source)
            except Exception:  # a page lxml cannot read counts for neither extractor
                continue
            wanted_heads = [_flat(h.text_content()).strip(" ¶") for h in doc.iter("h2", "h3")]
            wanted_paras = [t for p in doc.iter("p") if len(t := _flat(p.text_content())) >= 40]
            heads_total += len(wanted_heads)
            paras_total += len(wanted_paras)
            started = time.perf_counter()
            try:
                text, found = extract(source, page.stem)
            except Exception:  # no title or no body: nothing kept
                failed += 1
                continue
            finally:
                seconds += time.perf_counter() - started
            flat = _flat(text)
            found = [_flat(h) for h in found]
            heads += sum(any(_same_heading(h, f) for f in found) for h in wanted_heads)
            paras += sum(p[:60] in flat for p in wanted_paras)
        lines.append(
            f"{name:12} headings kept {heads}/{heads_total} ({heads / max(heads_total, 1):.0%}), "
            f"paragraphs kept {paras}/{paras_total} ({paras / max(paras_total, 1):.0%}), "
            f"pages refused {failed}, {seconds / max(len(pages), 1) * 1000:.1f} ms a page"
        )
    return lines
