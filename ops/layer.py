"""The Lambda layer: `cryptography` and what only it needs, kept out of the function zip.

cryptography (with cffi, its _cffi_backend and pycparser) is half of what the function would
carry, yet only the Alexa signature check uses it, on the first Alexa call. In a layer it is
published once per change of its pins instead of with every content deploy, and the function
zip stays under 5 MB. Lambda unpacks a layer under /opt, and a Python function finds
/opt/python on sys.path right after its own folder (/var/task): the layer zip holds its
packages under python/, installed from the same Lambda-platform wheels as the function's.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .venvs import canonical

# Distributions that go into the layer: cryptography and its dependency chain, which nothing
# else in the function imports (the artifact check proves it: the function runs with them gone
# from its zip).
LAYER_DISTRIBUTIONS = ("cryptography", "cffi", "pycparser")
LAYER_FOLDER = "python"
LAYER_MOUNT = "/opt/python"
LAYER_SUFFIX = "cryptography"
LAYER_RUNTIME = "python3.11"
HASH_MARK = "sha256:"
# Like the function zip (zappa_settings.json excludes "tests"): test suites stay behind.
_TEST_DIRS = ("tests", "test")


class LayerError(Exception):
    """The layer cannot be built from the packaging venv, or holds the wrong files."""


@dataclass
class LayerReport:
    """What the layer zip holds and how big it is."""

    path: Path
    sha256: str
    zip_bytes: int
    unzipped_bytes: int
    files: int
    compiled: int
    distributions: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Return the size report as printable lines."""
        mib = 1024 * 1024
        held = ", ".join(f"{name} {version}" for name, version in self.distributions.items())
        return [
            f"layer {self.path} ({held}; mounted at {LAYER_MOUNT})",
            f"  zip {self.zip_bytes / mib:.2f} MiB, unzipped {self.unzipped_bytes / mib:.2f} MiB, "
            f"{self.files} files, {self.compiled} byte-compiled modules, sha256 {self.sha256}",
        ]


def layer_path_for(function_zip: Path) -> Path:
    """Return where the layer zip of a function zip goes: beside it, `NAME-layer.zip`."""
    return function_zip.with_name(f"{function_zip.stem}-layer.zip")


def layer_name(settings: dict, stage: str) -> str:
    """Return the stage's layer name, e.g. faq-search-dev-cryptography."""
    return f"{settings.get('project_name', 'faq-search')}-{stage}-{LAYER_SUFFIX}"


def layer_top_levels(dists: dict[str, set[str]]) -> dict[str, set[str]]:
    """Return {distribution: its top-level names} for the layer's distributions.

    dists is checks.distribution_top_levels() of the packaging venv.
    """
    missing = [name for name in LAYER_DISTRIBUTIONS if canonical(name) not in dists]
    if missing:
        raise LayerError(
            f"the packaging venv lacks {', '.join(missing)}: requirements.txt must pin them"
        )
    return {name: dists[canonical(name)] for name in LAYER_DISTRIBUTIONS}


def excluding_layer(settings: dict, tops: set[str]) -> dict:
    """Return stage settings whose `exclude` also keeps the layer's packages out of the zip."""
    return {**settings, "exclude": [*settings.get("exclude", []), *sorted(tops)]}


def stage_layer(site_packages: Path, tops: set[str], tree: Path) -> Path:
    """Copy the layer's top-level names from site_packages into tree/python; return that."""
    target = tree / LAYER_FOLDER
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", *_TEST_DIRS)
    for top in sorted(tops):
        source = site_packages / top
        if source.is_dir():
            shutil.copytree(source, target / top, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, target / top)
        else:
            raise LayerError(f"{source} is missing from the packaging venv: recreate build/")
    return target


def layer_problems(names: list[str], tops_by_dist: dict[str, set[str]]) -> list[str]:
    """Return what is wrong with the layer zip's file list (empty when it is fit to publish)."""
    allowed = set().union(*tops_by_dist.values())
    owner = {top: dist for dist, tops in tops_by_dist.items() for top in tops}
    problems = []
    present = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if len(parts) < 2 or parts[0] != LAYER_FOLDER:
            problems.append(
                f"layer ships {name} outside {LAYER_FOLDER}/ (Lambda would not find it)"
            )
            continue
        present.add(parts[1])
        if parts[1] not in allowed:
            problems.append(f"layer ships {name} (not part of {', '.join(tops_by_dist)})")
        elif set(_TEST_DIRS) & set(parts[:-1]):
            problems.append(f"layer ships {name} (tests stay behind)")
        elif name.endswith((".pyc", ".pyo")) and parts[-2] != "__pycache__":
            problems.append(f"layer ships a stray cache file {name}")
    for top in sorted(allowed - present):
        problems.append(f"layer misses {top} (from {owner[top]})")
    return problems


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file (the layer's identity in its version description)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
