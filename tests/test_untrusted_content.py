"""Content is untrusted: links out of the folder, FIFOs, huge files, hostile names and passages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.costly import count_calls
from index.build import build_index
from index.content import (
    MAX_FILE_BYTES,
    MAX_PASSAGE_CHARS,
    MAX_SECTIONS,
    load_articles,
    parse_article,
)
from index.errors import BuildError
from index.snippets import _words, highlight
from index.store import IndexProvider
from index.text import stem
from service.app import create_app

from .conftest import ROOT, make_content

SECRET = "hunter2-database-password"


def _build_script(content: Path, out: Path, env: dict | None = None, timeout: float = 60):
    command = [sys.executable, str(ROOT / "scripts" / "build_index.py")]
    command += ["--content", str(content), "--output", str(out), "--quiet"]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _search(index: Path, query: str) -> dict:
    client = create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(index)}).test_client()
    response = client.get("/search", query_string={"q": query, "limit": 50})
    assert response.status_code == 200
    return response.get_json()


def test_a_link_out_of_the_content_folder_stops_the_build_and_is_never_served(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    build_index(content, out)
    good = IndexProvider(out).get().version
    outside = tmp_path / "secrets.txt"
    outside.write_text(f"Database Settings\n\nThe database password is {SECRET}.\n")
    (content / "articles" / "settings.txt").symlink_to(outside)
    run = _build_script(content, out)
    assert run.returncode == 1
    assert "settings.txt" in run.stderr and "outside the content folder" in run.stderr
    assert SECRET not in run.stderr + run.stdout
    assert IndexProvider(out).get().version == good
    assert _search(out, "database password")["total"] == 0


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "/dev/zero"])
def test_links_to_system_files_are_refused_without_printing_them(tmp_path, target):
    content = make_content(tmp_path / "content")
    (content / "articles" / "system.txt").symlink_to(target)
    # /proc/self/environ would hold this; /dev/zero would be read until memory runs out.
    run = _build_script(content, tmp_path / "index", env={"SOME_SETTING": SECRET}, timeout=60)
    assert run.returncode == 1
    assert "system.txt" in run.stderr and "outside the content folder" in run.stderr
    assert SECRET not in run.stderr and "root:" not in run.stderr


def test_a_link_that_stays_inside_the_content_folder_is_read(tmp_path):
    content = make_content(tmp_path / "content")
    (content / "shared").mkdir()
    (content / "shared" / "tomatoes.txt").write_text(
        "Growing Tomatoes\n\nMay 1, 2024\n\nWatering\n\nWater tomatoes deeply twice a week.\n"
    )
    (content / "articles" / "tomatoes.txt").symlink_to(content / "shared" / "tomatoes.txt")
    build_index(content, tmp_path / "index")
    assert _search(tmp_path / "index", "tomatoes")["total"] == 1


def test_a_fifo_stops_the_build_at_once_naming_it(tmp_path):
    content = make_content(tmp_path / "content")
    os.mkfifo(content / "articles" / "pipe.txt")
    # Before the check, opening the FIFO waited for a writer forever.
    run = _build_script(content, tmp_path / "index", timeout=60)
    assert run.returncode == 1
    assert "pipe.txt" in run.stderr and "not a regular file" in run.stderr


def test_hidden_files_and_editor_backups_are_not_articles(tmp_path):
    content = make_content(tmp_path / "content")
    article = "Hidden Thoughts\n\nMay 1, 2024\n\nNotes\n\nThe word quokka is only here.\n"
    for name in (".hidden.txt", ".#draft.txt", "#draft.txt#", "draft.txt~", "draft.swp.txt"):
        (content / "articles" / name).write_text(article)
    articles = load_articles(content)
    assert [a.slug for a in articles] == ["draft-swp", "restless-leg-syndrome"]


def test_names_in_other_scripts_keep_their_meaning(tmp_path):
    content = make_content(tmp_path / "content")
    for name, heading in (("Привет мир", "Первый раздел"), ("日本語", "最初の節")):
        text = f"{name}\n\nMay 1, 2024\n\n{heading}\n\nSome body text about {name}.\n"
        (content / "articles" / f"{name}.txt").write_text(text)
    slugs = {a.slug: [p.id for p in a.passages] for a in load_articles(content)}
    assert slugs["privet-mir"] == ["privet-mir/pervyi-razdel"]
    assert slugs["ri-ben-yu"] == ["ri-ben-yu/zui-chu-nojie"]


def test_an_absurdly_large_file_is_refused_naming_it(tmp_path):
    content = make_content(tmp_path / "content")
    paragraph = "Iron helps blood carry oxygen around the body every day. " * 20 + "\n\n"
    with (content / "articles" / "huge.txt").open("w") as f:
        f.write("Huge Article\n\nMay 1, 2024\n\n")
        while f.tell() <= MAX_FILE_BYTES:
            f.write(paragraph)
    with pytest.raises(BuildError, match=r"huge\.txt: over 2,097,152 bytes"):
        build_index(content, tmp_path / "index")


def test_too_many_headings_are_refused_naming_the_file(tmp_path):
    content = make_content(tmp_path / "content")
    sections = "".join(f"Heading {n}\n\nBody {n}.\n\n" for n in range(MAX_SECTIONS + 1))
    (content / "articles" / "many.txt").write_text(f"Many Headings\n\n{sections}")
    with pytest.raises(BuildError, match=r"many\.txt: 1,001 headings"):
        build_index(content, tmp_path / "index")


def test_a_long_section_is_split_into_bounded_passages_that_keep_every_word():
    sentence = "Zebrafish regrow their fins and hearts after an injury heals. "
    body = "\n\n".join(sentence * 30 for _ in range(60)) + " " + "endless " * 3000
    article = parse_article(f"Fish\n\nMay 1, 2024\n\nRegrowth\n\n{body}\n", "fish")
    texts = [p.text for p in article.passages]
    assert len(texts) > 1
    assert all(len(t) <= MAX_PASSAGE_CHARS for t in texts)
    assert " ".join(" ".join(texts).split()) == " ".join(body.split())
    ids = [p.id for p in article.passages]
    assert ids[:3] == ["fish/regrowth", "fish/regrowth-2", "fish/regrowth-3"]
    assert {p.section for p in article.passages} == {"Regrowth"}


def test_highlighting_work_does_not_grow_with_the_square_of_the_matches():
    def passage(matches: int) -> str:
        return " ".join(f"zebrafish swim {n} times" for n in range(matches))

    def work(matches: int) -> int:
        text = passage(matches)
        # Counted with every word's stem cached and no snippet cached, whatever ran before.
        for word in set(text.lower().split()):
            stem(word)
        _words.cache_clear()
        return count_calls(lambda: highlight(text, {"zebrafish"}))

    small, large = work(400), work(20_000)
    # Linear and capped: 50x the matches costs at most a few times as much (it was ~2,500x).
    assert large < 4 * small, (small, large)
    snippet = highlight(passage(20_000), {"zebrafish"})
    assert snippet.count("<mark>zebrafish</mark>") == 10


def test_a_passage_full_of_matches_is_searched_with_a_bounded_snippet(tmp_path):
    content = make_content(tmp_path / "content")
    body = " ".join("Zebrafish regrow fins." for _ in range(20_000))
    (content / "articles" / "fish.txt").write_text(f"Fish\n\nMay 1, 2024\n\nRegrowth\n\n{body}\n")
    build_index(content, tmp_path / "index")
    found = _search(tmp_path / "index", "zebrafish")
    assert found["total"] > 1
    assert all(len(hit["text"]) <= MAX_PASSAGE_CHARS for hit in found["results"])
    assert all(hit["snippet"].count("<mark>") <= 40 for hit in found["results"])


def test_a_curated_file_that_links_out_is_refused_too(tmp_path):
    content = make_content(tmp_path / "content")
    outside = tmp_path / "words.txt"
    outside.write_text(f"password, {SECRET}\n")
    (content / "synonyms.txt").unlink()
    (content / "synonyms.txt").symlink_to(outside)
    run = _build_script(content, tmp_path / "index")
    assert run.returncode == 1
    assert "synonyms.txt" in run.stderr and "outside the content folder" in run.stderr
    assert SECRET not in run.stderr
