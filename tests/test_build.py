"""Build: atomic swap, deterministic version, manifest, and failures that keep the last index."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.build import CURRENT_FILE, build_index
from index.errors import BuildError
from index.store import IndexProvider

from .conftest import ROOT, make_content


def _current(out: Path) -> str:
    return (out / CURRENT_FILE).read_text().strip()


def test_manifest_describes_the_build(index_dir):
    manifest = json.loads((index_dir / _current(index_dir) / "manifest.json").read_text())
    assert manifest["article_count"] == 1
    assert manifest["passage_count"] == 8
    assert _current(index_dir) == f"v-{manifest['index_version']}-{manifest['build_id']}"
    assert "whoosh-reloaded" in manifest["libraries"]
    assert set(manifest["content_files"]) >= {"articles/restless-leg-syndrome.txt"}


def test_same_content_gives_the_same_version(tmp_path, content_dir):
    first = build_index(content_dir, tmp_path / "a").manifest["index_version"]
    second = build_index(content_dir, tmp_path / "b").manifest["index_version"]
    again = build_index(content_dir, tmp_path / "a").manifest["index_version"]
    assert first == second == again


def test_changed_content_changes_the_version_and_is_served_after_the_swap(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    old = build_index(content, out).manifest["index_version"]
    provider = IndexProvider(out)
    assert provider.get().version == old
    (content / "articles" / "gardening.txt").write_text(
        "Growing Tomatoes\n\nMay 1, 2024\n\nWatering\n\nWater tomatoes deeply twice a week.\n"
    )
    new = build_index(content, out).manifest["index_version"]
    assert new != old
    assert provider.get().version == new
    assert provider.get().manifest["article_count"] == 2


def test_failed_build_leaves_the_previous_index_untouched(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    good = build_index(content, out).manifest["index_version"]
    before = sorted(p.name for p in out.iterdir())
    (content / "articles" / "broken.txt").write_text("\n\n")
    with pytest.raises(BuildError, match="broken.txt"):
        build_index(content, out)
    assert sorted(p.name for p in out.iterdir()) == before
    assert IndexProvider(out).get().version == good


def _build_script(content: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run scripts/build_index.py as ops would; return the finished process."""
    command = [sys.executable, str(ROOT / "scripts" / "build_index.py")]
    command += ["--content", str(content), "--output", str(out), *extra]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_build_script_exits_non_zero_and_names_the_file(tmp_path):
    content = make_content(tmp_path / "content")
    (content / "articles" / "empty.txt").write_text("")
    run = _build_script(content, tmp_path / "out", "--quiet")
    assert run.returncode == 1
    assert "empty.txt" in run.stderr
    assert not (tmp_path / "out" / CURRENT_FILE).exists()


def test_build_script_prints_a_summary(tmp_path):
    content = make_content(tmp_path / "content")
    run = _build_script(content, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    assert "1 articles, 8 passages" in run.stdout


def test_only_the_current_and_previous_versions_are_kept(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    for n in range(3):
        (content / "articles" / f"extra{n}.txt").write_text(f"Extra {n}\n\nBody number {n}.\n")
        build_index(content, out)
    assert len([p for p in out.glob("v-*") if p.is_dir()]) == 2
    shutil.rmtree(content)
