"""Faults ops will meet, each with what the service does and what /health tells them.

Missing or damaged index files, another schema version, a read-only index folder (as on
Lambda), a rebuild while the service serves, and a content file that cannot be parsed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from index.build import CURRENT_FILE, MANIFEST_FILE, build_index
from index.errors import BuildError
from service.app import create_app

from .conftest import make_content
from .invariants import check_response
from .servers import get_json, gunicorn

MINERALS = ("zanzibarite", "moonstonite", "quartzalite")


def _version_dir(root: Path) -> Path:
    return root / (root / CURRENT_FILE).read_text().strip()


def _segment(root: Path) -> Path:
    return next(_version_dir(root).glob("*.seg"))


def _health(client) -> tuple[int, dict]:
    response = client.get("/health")
    check_response(response.status_code, response.headers, response.get_data(), unavailable_ok=True)
    return response.status_code, response.get_json()


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture()
def damaged(tmp_path, index_dir):
    """A private copy of the built index, for a test to damage."""
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    return copy


def test_missing_index_health_says_how_to_build_it_without_a_path(tmp_path):
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "nothing")}).test_client()
    status, body = _health(client)
    assert (status, body["error"]["code"]) == (503, "index_missing")
    assert "build_index.py" in body["error"]["message"]
    assert "SEARCH_INDEX_DIR" in body["error"]["message"]
    assert str(tmp_path) not in body["error"]["message"]


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda root: _truncate(_segment(root)), ".seg"),
        (lambda root: _segment(root).unlink(), ".seg"),
        (lambda root: next(_version_dir(root).glob("*.toc")).unlink(), ".toc"),
        (lambda root: (_version_dir(root) / MANIFEST_FILE).write_text("{"), MANIFEST_FILE),
        (lambda root: _flip_middle(_segment(root)), ".seg"),
        (lambda root: (root / CURRENT_FILE).write_text("v-deleted\n"), "v-deleted"),
    ],
    ids=["truncated-segment", "deleted-segment", "deleted-toc", "bad-manifest",
         "bytes-flipped-in-segment", "current-points-nowhere"],
)  # fmt: skip
def test_damaged_index_health_names_the_problem_and_searches_never_500(damaged, damage, named):
    damage(damaged)
    client = create_app({"SEARCH_INDEX_DIR": str(damaged)}).test_client()
    status, body = _health(client)
    assert status == 503
    assert body["error"]["code"] in ("index_unreadable", "index_missing")
    message = body["error"]["message"]
    assert named in message, message
    assert "rebuild the index" in message
    assert str(damaged) not in message
    for url in ("/search?q=iron+deficiency", "/answer?q=is+rls+genetic"):
        response = client.get(url)
        check_response(
            response.status_code, response.headers, response.get_data(), unavailable_ok=True
        )
        # Damage that only a checksum sees may still answer; anything else is a 503, never 500.
        assert response.status_code in (200, 503)


def test_other_schema_version_is_refused_with_what_to_do(damaged):
    manifest_path = _version_dir(damaged) / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["schema_version"] = 0
    manifest_path.write_text(json.dumps(manifest))
    client = create_app({"SEARCH_INDEX_DIR": str(damaged)}).test_client()
    status, body = _health(client)
    assert (status, body["error"]["code"]) == (503, "index_unreadable")
    assert "schema version 0" in body["error"]["message"]
    assert "rebuild the index" in body["error"]["message"]
    assert client.get("/search?q=iron").status_code == 503


def test_a_swap_to_an_unreadable_version_keeps_the_last_good_one_serving(tmp_path):
    content = make_content(tmp_path / "content")
    root = tmp_path / "index"
    good = build_index(content, root).manifest["index_version"]
    client = create_app({"SEARCH_INDEX_DIR": str(root)}).test_client()
    assert _health(client) == (200, _health(client)[1])
    # A build by another version of the code: CURRENT now names a version this code refuses.
    (content / "articles" / "extra.txt").write_text("Extra Notes\n\nIron and dopamine notes.\n")
    other = build_index(content, root).path
    manifest = json.loads((other / MANIFEST_FILE).read_text())
    (other / MANIFEST_FILE).write_text(json.dumps({**manifest, "schema_version": 99}))
    os.utime(root / CURRENT_FILE)
    status, body = _health(client)
    assert (status, body["error"]["code"]) == (503, "index_unreadable")
    assert "schema version 99" in body["error"]["message"]
    assert f"still serving the last good version {good}" in body["error"]["message"]
    search = client.get("/search?q=iron+deficiency")
    assert search.status_code == 200
    assert search.get_json()["index_version"] == good
    # The next good build is picked up and /health is clean again.
    (content / "articles" / "extra.txt").write_text("Extra Notes\n\nIron notes, rebuilt.\n")
    fixed = build_index(content, root).manifest["index_version"]
    status, body = _health(client)
    assert (status, body["index_version"]) == (200, fixed)


def test_a_version_pruned_while_open_still_ranks_with_the_encoder(tmp_path):
    """Two builds later the version a worker holds is deleted: its requests rank as before."""
    from index.semantic import encoder_dir

    if encoder_dir() is None:
        pytest.skip("the sentence encoder is not set up (requirements-semantic.txt)")
    content = make_content(tmp_path / "content")
    root = tmp_path / "index"
    build_index(content, root)
    path = "/search?" + urlencode({"q": "can low iron levels cause it"})

    def ranked(response) -> list:
        return [(r["id"], r["score"]) for r in response.get_json()["results"]]

    expected = ranked(create_app({"SEARCH_INDEX_DIR": str(root)}).test_client().get(path))
    client = create_app({"SEARCH_INDEX_DIR": str(root)}).test_client()
    assert _health(client)[0] == 200  # opened; the vectors are read on the first query
    shutil.rmtree(_version_dir(root))
    response = client.get(path)
    check_response(response.status_code, response.headers, response.get_data())
    assert response.status_code == 200
    assert ranked(response) == expected


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def _read_only_wrapper(folder: Path) -> list[str] | None:
    """Return a command prefix that runs a program with folder mounted read-only, or None."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return None
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    prefix = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, str(folder)]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


@pytest.mark.server
def test_a_read_only_index_folder_is_served_and_never_written(tmp_path, index_dir):
    root = tmp_path / "readonly"
    shutil.copytree(index_dir, root)
    before = _snapshot(root)
    wrapper = _read_only_wrapper(root)
    if wrapper is None:
        if os.geteuid() == 0:
            pytest.skip("no mount namespace here to make a read-only folder for root")
        for path in [root, *root.rglob("*")]:  # not root: permissions are enough
            path.chmod(path.stat().st_mode & 0o555)
    try:
        with gunicorn(root, workers=1, threads=4, wrapper=wrapper) as base:
            status, health = get_json(base + "/health")
            assert (status, health["status"]) == (200, "ok")
            status, body = get_json(base + "/search?q=iron+deficiency")
            assert status == 200
            assert body["results"][0]["section"] == "Iron Deficiency"
            status, body = get_json(base + "/answer?q=is+rls+genetic")
            assert (status, body["answer"]["section"]) == (200, "Genetic Predisposition")
    finally:
        for path in [root, *root.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert _snapshot(root) == before


@pytest.mark.server
def test_rebuilds_while_serving_fail_no_request_and_the_new_version_is_served(tmp_path):
    content = make_content(tmp_path / "content")
    root = tmp_path / "index"
    first = build_index(content, root).manifest["index_version"]
    failures: list[str] = []
    served: set[str] = set()
    stop = threading.Event()

    def hammer(base: str) -> None:
        queries = ["iron deficiency", "is rls genetic", "pregnancy", *MINERALS]
        n = 0
        while not stop.is_set():
            q = queries[n % len(queries)]
            n += 1
            for url in (f"{base}/search?{urlencode({'q': q})}", f"{base}/health"):
                try:
                    status, body = get_json(url)
                except OSError as exc:
                    failures.append(f"{url}: {exc}")
                    continue
                if status != 200:
                    failures.append(f"{url}: {status} {body}")
                else:
                    served.add(body["index_version"])

    with gunicorn(root, workers=2, threads=4) as base:
        threads = [threading.Thread(target=hammer, args=(base,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            versions = [first]
            for n in range(3):
                time.sleep(0.3)
                (content / "articles" / f"rebuild-{n}.txt").write_text(
                    f"Rebuild Number {n}\n\nMar 1, 2024\n\nMinerals\n\n"
                    f"Notes on {MINERALS[n]}, a rare mineral.\n"
                )
                versions.append(build_index(content, root).manifest["index_version"])
            time.sleep(0.3)
            # A content file that cannot be parsed: the build names it, the last index stays.
            (content / "articles" / "broken.txt").write_bytes(b"\xff\xfe not UTF-8 \xff")
            with pytest.raises(BuildError, match="broken.txt"):
                build_index(content, root)
            time.sleep(0.3)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        assert not failures, failures[:5]
        status, health = get_json(base + "/health")
        assert (status, health["index_version"]) == (200, versions[-1])
        status, body = get_json(f"{base}/search?q={MINERALS[2]}")
        assert body["results"][0]["article"] == "Rebuild Number 2"
    assert versions[-1] in served and first in served
    assert len(set(versions)) == 4
