"""Build the Lambda zip with `zappa package`, offline, then byte-compile it and check its contents;
build the layer zip beside it.

Steps: stage only what runs (index/, service/, the current index version, the stage's Zappa
settings with the layer's packages excluded) in a clean folder; run `zappa package STAGE` there
from the packaging venv with fake credentials and no network; unpack Zappa's zip, compile every
module with unchecked-hash .pyc (Zappa dates every entry 1980-01-01, so timestamp .pyc would be
stale and ignored, and Lambda's read-only disk cannot cache them: every cold start would compile
everything again); write the zip again deterministically; then check it carries the index and
none of what Lambda provides, only packaging needs, or the layer holds. The layer zip
(ops/layer.py: cryptography and what only it needs) is copied from the same venv's
Lambda-platform wheels under python/, compiled for /opt/python, zipped and checked the same way.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from index.build import CURRENT_FILE, MANIFEST_FILE
from index.store import resolve_version_dir

from .checks import (
    INDEX_FOLDER,
    binary_problems,
    content_problems,
    distribution_top_levels,
    pyc_problems,
)
from .layer import (
    LAYER_MOUNT,
    LayerError,
    LayerReport,
    excluding_layer,
    layer_path_for,
    layer_problems,
    layer_top_levels,
    sha256_of,
    stage_layer,
)
from .offline import isolated, offline_env
from .settings import SETTINGS_FILE, stage_settings
from .venvs import DEPLOY_VENV, RUNTIME_REQUIREMENTS, ensure_deploy_venv, read_pins, site_packages
from .zappa_cli import OFFLINE_MAIN

ROOT = Path(__file__).resolve().parent.parent
# Project folders that run on Lambda; everything else in the repository stays behind.
RUNTIME_PACKAGES = ("index", "service")
# Where Lambda unpacks the code: compiled code names its source files there, for tracebacks.
LAMBDA_TASK_ROOT = "/var/task"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
LAMBDA_DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024
# Zappa's own command line, minus its request to PyPI (ops/ is not importable where it runs).
_ZAPPA_OFFLINE = OFFLINE_MAIN


class PackagingError(Exception):
    """The package could not be built, or it does not hold what Lambda must run."""


@dataclass
class PackageReport:
    """What was built: where, how big, from which index, and what it holds."""

    path: Path
    stage: str
    index_version: str
    zip_bytes: int
    unzipped_bytes: int
    files: int
    compiled: int
    largest: list[tuple[str, int]] = field(default_factory=list)
    layer: LayerReport | None = None

    def lines(self) -> list[str]:
        """Return the size report as printable lines."""
        mib = 1024 * 1024
        out = [
            f"package {self.path} (stage {self.stage}, index {self.index_version})",
            f"  zip {self.zip_bytes / mib:.2f} MiB (direct upload limit "
            f"{LAMBDA_DIRECT_UPLOAD_LIMIT // mib} MiB), unzipped {self.unzipped_bytes / mib:.2f} "
            f"MiB of Lambda's {LAMBDA_UNZIPPED_LIMIT // mib} MiB, {self.files} files, "
            f"{self.compiled} byte-compiled modules",
            "  largest: "
            + ", ".join(f"{name} {size / mib:.2f} MiB" for name, size in self.largest),
        ]
        if self.layer:
            out += self.layer.lines()
        return out


def stage_project(stage_dir: Path, index_root: Path, settings_path: Path = SETTINGS_FILE) -> str:
    """Copy what runs into stage_dir (only the current index version); return that version."""
    version_dir = resolve_version_dir(index_root)
    manifest = json.loads((version_dir / MANIFEST_FILE).read_text())
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")
    for name in RUNTIME_PACKAGES:
        shutil.copytree(ROOT / name, stage_dir / name, ignore=ignore)
    # One version per package, so its folder is named by the version alone (ops/checks.py).
    name = f"v-{manifest['index_version']}"
    shutil.copytree(version_dir, stage_dir / INDEX_FOLDER / name)
    (stage_dir / INDEX_FOLDER / CURRENT_FILE).write_text(name + "\n")
    shutil.copyfile(settings_path, stage_dir / "zappa_settings.json")
    return manifest["index_version"]


def run_zappa_package(
    stage: str, stage_dir: Path, output: Path, venv: Path, private_dir: Path, region: str
) -> None:
    """Run `zappa package STAGE -o output` in stage_dir with no way to reach AWS."""
    env = offline_env(
        private_dir,
        region,
        VIRTUAL_ENV=str(venv),
        PATH=f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
    )
    command = [str(venv / "bin" / "python"), "-c", _ZAPPA_OFFLINE, "package", stage]
    done = subprocess.run(
        isolated([*command, "-o", str(output)]),
        cwd=stage_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or not output.is_file():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-20:])
        raise PackagingError(f"zappa package {stage} failed (exit {done.returncode}):\n{tail}")


def compile_tree(tree: Path, python: str | None = None, prefix: str = LAMBDA_TASK_ROOT) -> int:
    """Byte-compile every module under tree with unchecked-hash .pyc; return how many.

    A fresh interpreter does it: marshal output depends on the compiling process's state, and
    the same process state every time is what makes the zip reproducible. prefix is where tree
    lies on Lambda (compiled code names its source files there, for tracebacks).
    """
    command = [
        python or sys.executable,
        "-I",
        "-W",
        "ignore",  # third-party SyntaxWarnings (old escape sequences) are not ours to fix
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        "unchecked-hash",
        "-s",
        str(tree),
        "-p",
        prefix,
        str(tree),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-10:])
        raise PackagingError(f"byte-compiling the package failed:\n{tail}")
    return sum(1 for _ in tree.rglob("__pycache__/*.pyc"))


def write_zip(tree: Path, output: Path) -> None:
    """Zip tree deterministically: sorted names, fixed dates and modes."""
    tmp = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), date_time=FIXED_DATE)
            info.create_system = 3  # Unix, so Lambda honours the mode bits below
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    tmp.replace(output)


def _package_info(tree: Path, stage: str, index_version: str) -> None:
    """Replace Zappa's package_info.json (random uuid, build time, user) by stable facts."""
    digest = hashlib.sha256()
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        if path.name != "package_info.json" or path.parent != tree:
            digest.update(path.relative_to(tree).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    info = {"stage": stage, "index_version": index_version, "content_sha256": digest.hexdigest()}
    (tree / "package_info.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")


def rebuild_zip(raw: Path, output: Path, stage: str, index_version: str, compile: bool) -> None:
    """Unpack Zappa's zip, byte-compile it (unless compile is False) and zip it again."""
    with tempfile.TemporaryDirectory(prefix="lambda-tree-") as tmp:
        tree = Path(tmp)
        with zipfile.ZipFile(raw) as archive:
            archive.extractall(tree)
        if compile:
            compile_tree(tree)
        _package_info(tree, stage, index_version)
        write_zip(tree, output)


def report_for(path: Path, stage: str, index_version: str) -> PackageReport:
    """Measure a built zip."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    sizes: dict[str, int] = {}
    for info in infos:
        top = PurePosixPath(info.filename).parts[0]
        sizes[top] = sizes.get(top, 0) + info.file_size
    largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    return PackageReport(
        path=path,
        stage=stage,
        index_version=index_version,
        zip_bytes=path.stat().st_size,
        unzipped_bytes=sum(i.file_size for i in infos),
        files=len(infos),
        compiled=sum(1 for i in infos if i.filename.endswith(".pyc")),
        largest=largest,
    )


def build_layer(
    venv: Path, output: Path, tops_by_dist: dict[str, set[str]], compile: bool = True
) -> LayerReport:
    """Build and check the layer zip from the venv's Lambda-platform wheels; write output."""
    pins = read_pins(RUNTIME_REQUIREMENTS)
    with tempfile.TemporaryDirectory(prefix="lambda-layer-") as tmp:
        tree = Path(tmp) / "layer"
        python_dir = stage_layer(site_packages(venv), set().union(*tops_by_dist.values()), tree)
        if compile:
            compile_tree(python_dir, prefix=LAYER_MOUNT)
        built = Path(tmp) / "layer.zip"
        write_zip(tree, built)
        with zipfile.ZipFile(built) as archive:
            infos = archive.infolist()
            problems = layer_problems(archive.namelist(), tops_by_dist)
            problems += binary_problems(archive)
            if compile:
                problems += pyc_problems(archive)
        if problems:
            listed = "\n  ".join(problems[:40])
            raise PackagingError(f"the layer is not fit to publish:\n  {listed}")
        report = LayerReport(
            path=output,
            sha256=sha256_of(built),
            zip_bytes=built.stat().st_size,
            unzipped_bytes=sum(i.file_size for i in infos),
            files=len(infos),
            compiled=sum(1 for i in infos if i.filename.endswith(".pyc")),
            distributions={name: pins.get(name, "?") for name in tops_by_dist},
        )
        shutil.move(built, output)
    return report


def build_package(
    stage: str,
    index_root: Path,
    output: Path,
    compile: bool = True,
    venv: Path = DEPLOY_VENV,
    settings_path: Path = SETTINGS_FILE,
    layer_output: Path | None = None,
) -> PackageReport:
    """Build, byte-compile and check the Lambda zip for stage from the index at index_root, and
    the layer zip (default: beside it, NAME-layer.zip)."""
    settings = stage_settings(stage, settings_path)
    if settings.get("slim_handler"):
        raise PackagingError("slim_handler must be false: the whole app ships in one zip")
    resolve_version_dir(index_root)  # fail on a missing index before any install
    venv = ensure_deploy_venv(venv)
    output = output.resolve()
    layer_output = (layer_output or layer_path_for(output)).resolve()
    try:
        layer_tops = layer_top_levels(distribution_top_levels(venv))
    except LayerError as exc:
        raise PackagingError(str(exc)) from exc
    for path in (output, layer_output):
        path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lambda-package-") as tmp:
        work = Path(tmp)
        stage_dir = work / "project"
        stage_dir.mkdir()
        index_version = stage_project(stage_dir, index_root, settings_path)
        # Zappa packages the whole venv; the stage's settings, resolved, tell it to leave the
        # layer's packages out (the committed file stays self-contained for plain Zappa use).
        packaging = excluding_layer(settings, set().union(*layer_tops.values()))
        (stage_dir / "zappa_settings.json").write_text(json.dumps({stage: packaging}, indent=1))
        raw = work / "zappa.zip"
        region = settings.get("aws_region", "us-east-1")
        run_zappa_package(stage, stage_dir, raw, venv, work / "private", region)
        built = work / "checked.zip"
        rebuild_zip(raw, built, stage, index_version, compile)
        with zipfile.ZipFile(built) as archive:
            problems = content_problems(archive.namelist(), index_version, venv)
            problems += binary_problems(archive)
            if compile:
                problems += pyc_problems(archive)
        if problems:
            listed = "\n  ".join(problems[:40])
            raise PackagingError(f"the package for {stage} is not fit to ship:\n  {listed}")
        report = report_for(built, stage, index_version)
        if report.unzipped_bytes > LAMBDA_UNZIPPED_LIMIT:
            raise PackagingError(f"the package for {stage} exceeds Lambda's 250 MiB unzipped")
        layer = build_layer(venv, work / "layer.zip", layer_tops, compile)
        if report.unzipped_bytes + layer.unzipped_bytes > LAMBDA_UNZIPPED_LIMIT:
            raise PackagingError(
                f"the package and its layer for {stage} exceed Lambda's 250 MiB unzipped"
            )
        # Only checked zips reach the output paths.
        shutil.move(built, output)
        shutil.move(work / "layer.zip", layer_output)
    report.path = output
    layer.path = layer_output
    report.layer = layer
    return report
