"""Check a built Lambda zip: it carries the index and what runs, in a form Lambda can load.

No boto3/botocore (Lambda provides them), nothing only packaging needs, none of the layer's
packages (ops/layer.py), of Zappa only what its handler imports, no tests or caches,
unchecked-hash byte-code beside every module, and compiled wheels that run on Lambda's
python3.11 (Amazon Linux 2, glibc 2.26, x86_64).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

from index.build import CURRENT_FILE, MANIFEST_FILE

from .layer import LAYER_DISTRIBUTIONS
from .venvs import LAMBDA_PROVIDED, RUNTIME_REQUIREMENTS, canonical, read_pins

INDEX_FOLDER = "index_data"
# What Zappa's generated handler imports: a few zappa modules, and durationpy via them.
HANDLER_DISTS = ("zappa", "durationpy")
ZAPPA_RUNTIME_MODULES = {"__init__.py", "asgi.py", "middleware.py", "utilities.py", "wsgi.py"}
# Lambda's python3.11 runtime is Amazon Linux 2 (glibc 2.26) on x86_64, the architecture set in
# zappa_settings.json: a compiled wheel must be tagged for it, since Zappa is told not to fetch
# Lambda-specific wheels (use_precompiled_packages false).
LAMBDA_GLIBC_MINOR = 26
_LAMBDA_OLD_PLATFORMS = {"manylinux1_x86_64", "manylinux2010_x86_64", "manylinux2014_x86_64"}
_NEVER_SHIPPED_DIRS = {"tests", "test", ".pytest_cache", ".ruff_cache", ".mypy_cache", "docs"}


def distribution_top_levels(venv: Path) -> dict[str, set[str]]:
    """Return {distribution: top-level names it installs} for every package in the venv."""
    script = (
        "import json, importlib.metadata as m\n"
        "out = {}\n"
        "for d in m.distributions():\n"
        "    names = {p.parts[0] for p in (d.files or []) if p.parts and p.parts[0] != '..'}\n"
        "    out[d.metadata['Name']] = sorted(names - {'__pycache__', 'bin'})\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-I", "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )
    return {canonical(k): set(v) for k, v in json.loads(done.stdout).items()}


def content_problems(names: list[str], index_version: str, venv: Path) -> list[str]:
    """Return what is wrong with a package's file list (empty when it is fit to ship)."""
    present = set(names)
    top = {PurePosixPath(n).parts[0] for n in names}
    problems = []
    version_dir = f"{INDEX_FOLDER}/v-{index_version}"
    required = [
        "handler.py",
        "zappa_settings.py",
        "service/wsgi.py",
        "index/store.py",
        f"{INDEX_FOLDER}/{CURRENT_FILE}",
        f"{version_dir}/{MANIFEST_FILE}",
    ]
    problems += [f"missing {name}" for name in required if name not in present]
    if not any(n.startswith(f"{version_dir}/") and n.endswith(".toc") for n in names):
        problems.append(f"missing the Whoosh table of contents in {version_dir}/")
    other_versions = {
        PurePosixPath(n).parts[1]
        for n in names
        if n.startswith(f"{INDEX_FOLDER}/v-") and not n.startswith(f"{version_dir}/")
    }
    problems += [f"ships an old index version {v}" for v in sorted(other_versions)]

    dists = distribution_top_levels(venv)
    runtime = set(read_pins(RUNTIME_REQUIREMENTS)) | set(HANDLER_DISTS)
    layer = {canonical(name) for name in LAYER_DISTRIBUTIONS}
    for dist, tops in sorted(dists.items()):
        if dist in layer:
            problems += [
                f"ships {t} (from {dist}: it belongs in the layer)" for t in sorted(tops & top)
            ]
        elif dist in runtime:
            missing = {t for t in tops if not t.endswith(".dist-info")} - top
            problems += [f"missing {t} (from {dist})" for t in sorted(missing)]
        else:
            why = "Lambda provides it" if dist in LAMBDA_PROVIDED else "only packaging needs it"
            problems += [f"ships {t} (from {dist}: {why})" for t in sorted(tops & top)]
    extra_zappa = {
        n
        for n in names
        if n.startswith("zappa/")
        and "/__pycache__/" not in n
        and n.removeprefix("zappa/") not in ZAPPA_RUNTIME_MODULES
    }
    problems += [f"ships {n} (the handler does not need it)" for n in sorted(extra_zappa)]
    for name in names:
        parts = PurePosixPath(name).parts
        if _NEVER_SHIPPED_DIRS & set(parts[:-1]):
            problems.append(f"ships {name} (tests, caches and docs stay behind)")
        elif name.endswith((".pyc", ".pyo")) and (len(parts) < 2 or parts[-2] != "__pycache__"):
            problems.append(f"ships a stray cache file {name}")
    return problems


def pyc_problems(archive: zipfile.ZipFile) -> list[str]:
    """Return modules without an unchecked-hash .pyc beside them, and .pyc without a module."""
    names = set(archive.namelist())
    tag = sys.implementation.cache_tag
    problems = []
    for name in sorted(names):
        path = PurePosixPath(name)
        if name.endswith(".py"):
            pyc = str(path.parent / "__pycache__" / f"{path.stem}.{tag}.pyc")
            if pyc.startswith("./"):
                pyc = pyc[2:]
            if pyc not in names:
                problems.append(f"{name} is not byte-compiled")
            elif int.from_bytes(archive.read(pyc)[4:8], "little") != 0b01:
                problems.append(f"{pyc} is not an unchecked-hash .pyc")
        elif name.endswith(".pyc"):
            source = path.parent.parent / (path.name.split(".")[0] + ".py")
            if str(source).removeprefix("./") not in names:
                problems.append(f"{name} has no source module beside it")
    return problems


def _wheel_runs_on_lambda(tags: list[str]) -> bool:
    for tag in tags:
        platform = tag.split("-")[-1]
        if platform == "any" or platform in _LAMBDA_OLD_PLATFORMS:
            return True
        match = re.fullmatch(r"manylinux_2_(\d+)_x86_64", platform)
        if match and int(match.group(1)) <= LAMBDA_GLIBC_MINOR:
            return True
    return False


def binary_problems(archive: zipfile.ZipFile) -> list[str]:
    """Return compiled distributions whose wheel needs a newer glibc than Lambda's runtime."""
    problems = []
    for name in archive.namelist():
        if not name.endswith(".dist-info/WHEEL"):
            continue
        lines = archive.read(name).decode().splitlines()
        tags = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Tag:")]
        if not _wheel_runs_on_lambda(tags):
            problems.append(
                f"{PurePosixPath(name).parent.name} was built for {', '.join(tags)}; Lambda's "
                f"python3.11 runs x86_64 with glibc 2.{LAMBDA_GLIBC_MINOR}: pin a release with "
                "such a wheel"
            )
    return problems
