"""Builds killed at any point (an OOM kill on big content) never break the served index.

The random test runs KILLED_BUILDS=6 rounds by default (each round is a killed build, a fresh
process serving the result and a full rebuild); KILLED_BUILDS=40 runs longer.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.build import CURRENT_FILE, LOCK_FILE, MANIFEST_FILE, build_index
from index.store import IndexProvider, SearchIndex, resolve_version_dir

from .conftest import FIXTURES, ROOT, make_content

ROUNDS = int(os.environ.get("KILLED_BUILDS", "6"))
SEED = int(os.environ.get("KILLED_BUILDS_SEED", "16"))
EXTRA = "Growing Tomatoes\n\nMay 1, 2024\n\nWatering\n\nWater tomatoes deeply twice a week.\n"

# A fresh process opens the served index through the app and reports what /health and a search say.
_FRESH = """
import json, sys
from service.app import create_app
client = create_app({"SEARCH_INDEX_DIR": sys.argv[1]}).test_client()
health = client.get("/health")
found = client.get("/search", query_string={"q": "restless legs"})
print(json.dumps([health.status_code, health.get_json(), found.status_code, found.get_json()]))
"""


# Tuning articles added to the project's content: with the sentence encoder, a build of a few
# seconds, long enough for kills to land in every step.
KILLED_BUILD_ARTICLES = 8


def _content(tmp_path: Path) -> Path:
    """The project's content plus a few tuning articles."""
    content = make_content(tmp_path / "content")
    articles = sorted((FIXTURES / "eval" / "tuning" / "articles").glob("*.txt"))
    for path in articles[:KILLED_BUILD_ARTICLES]:
        shutil.copy(path, content / "articles" / path.name)
    return content


def _build_command(content: Path, out: Path) -> list[str]:
    script = str(ROOT / "scripts" / "build_index.py")
    return [sys.executable, script, "--content", str(content), "--output", str(out), "--quiet"]


def _assert_serves(out: Path) -> str:
    """Check the served version opens, matches its checksums and a fresh process serves it."""
    index = SearchIndex(resolve_version_dir(out))
    try:
        index.verify()
        version = index.version
    finally:
        index.close()
    fresh = subprocess.run(
        [sys.executable, "-c", _FRESH, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    # The last line: the query log writes its own lines to stdout before it.
    status, health, search_status, found = json.loads(fresh.stdout.splitlines()[-1])
    assert (status, health["status"], health["index_version"]) == (200, "ok", version)
    assert search_status == 200 and found["results"], found
    return version


def _assert_no_garbage(out: Path) -> None:
    names = sorted(p.name for p in out.iterdir())
    versions = [n for n in names if n.startswith("v-")]
    assert sorted(set(names) - set(versions)) == sorted([CURRENT_FILE, LOCK_FILE]), names
    assert 1 <= len(versions) <= 2, names
    assert (out / CURRENT_FILE).read_text().strip() in versions
    for name in versions:  # every kept version is whole
        SearchIndex(out / name).verify()


def test_builds_killed_at_random_points_never_break_the_served_index(tmp_path):
    rng = random.Random(SEED)
    content = _content(tmp_path)
    out = tmp_path / "index"
    extra = content / "articles" / "tomatoes.txt"
    started = time.monotonic()
    subprocess.run(_build_command(content, out), check=True, timeout=120)
    duration = time.monotonic() - started
    _assert_serves(out)
    kills = []
    for _ in range(ROUNDS):
        # Half the rounds rebuild the same content (the case that used to rename the live
        # folder away), half change it.
        if rng.random() < 0.5:
            extra.unlink() if extra.exists() else extra.write_text(EXTRA)
        build = subprocess.Popen(_build_command(content, out))
        delay = rng.uniform(0.15, 1.05) * duration
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        finished = build.wait() == 0
        kills.append(f"{delay:.2f}s{'(finished)' if finished else ''}")
        _assert_serves(out)
        # The next build succeeds, cleans up after the killed one and serves the content.
        result = build_index(content, out)
        assert _assert_serves(out) == result.manifest["index_version"]
        _assert_no_garbage(out)
    print(f"killed builds: {ROUNDS} rounds, build {duration:.2f}s, kills at {' '.join(kills)}")


def test_a_same_content_rebuild_never_moves_the_served_folder(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    build_index(content, out)
    provider = IndexProvider(out)
    served = provider.get()
    files = sorted(p.name for p in served.path.iterdir())
    build_index(content, out)  # same content, same version
    assert sorted(p.name for p in served.path.iterdir()) == files
    assert provider.get().version == served.version
    assert resolve_version_dir(out) != served.path  # a new folder, the served one untouched


def test_what_a_killed_build_left_is_removed_by_the_next(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    build_index(content, out)
    staging = out / ".build-k1ll3d"
    staging.mkdir()
    (staging / "_MAIN_1.seg").write_bytes(b"\0" * 100_000)
    (out / ".CURRENT.tmp").write_text("v-half\n")
    build_index(content, out)
    _assert_no_garbage(out)


def test_a_half_pruned_folder_is_never_kept_in_place_of_the_served_version(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    build_index(content, out)
    served = resolve_version_dir(out)
    # A kill while an older version was deleted: part of it left, newer than anything on disk.
    half = out / "v-0123456789ab"
    shutil.copytree(served, half)
    (half / MANIFEST_FILE).unlink()
    os.utime(half, (time.time() + 3600, time.time() + 3600))
    (content / "articles" / "tomatoes.txt").write_text(EXTRA)
    build_index(content, out)
    # The version that was served stays as the previous one; the half folder is gone.
    assert served.is_dir() and not half.exists()
    SearchIndex(served).verify()
    _assert_no_garbage(out)


def test_versions_are_pruned_by_the_build_time_in_their_manifest(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    build_index(content, out)
    older = resolve_version_dir(out)
    (content / "articles" / "tomatoes.txt").write_text(EXTRA)
    build_index(content, out)
    previous = resolve_version_dir(out)
    os.utime(older, (time.time() + 3600, time.time() + 3600))  # touched, copied: mtime lies
    (content / "articles" / "tomatoes.txt").write_text(EXTRA + "\nMore\n\nAnd more text.\n")
    build_index(content, out)
    assert previous.is_dir() and not older.exists()


def test_a_second_build_at_the_same_time_is_refused(tmp_path):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    build_index(content, out)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'w'); fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('locked', flush=True); time.sleep(30)",
            str(out / LOCK_FILE),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        run = subprocess.run(_build_command(content, out), capture_output=True, text=True)
        assert run.returncode == 1 and "another build" in run.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    build_index(content, out)
    _assert_no_garbage(out)


@pytest.mark.parametrize("name", [".build-x", ".trash-v-x"])
def test_leftover_names_never_count_as_versions(tmp_path, name):
    content = make_content(tmp_path / "content")
    out = tmp_path / "index"
    (out / name).mkdir(parents=True)
    build_index(content, out)
    assert not (out / name).exists()
