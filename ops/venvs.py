"""The packaging virtualenv (runtime deps + Zappa) and the stand-in for Lambda's boto3.

Both live under build/ and are reused while the pinned requirement files are unchanged, so a
repeated test or deploy costs seconds; a fresh clone installs them from the package index once.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "build"
DEPLOY_VENV = BUILD_DIR / "deploy-venv"
LAMBDA_RUNTIME_DIR = BUILD_DIR / "lambda-runtime"
DEPLOY_REQUIREMENTS = ROOT / "requirements-deploy.txt"
RUNTIME_REQUIREMENTS = ROOT / "requirements.txt"
LAMBDA_PYTHON = (3, 11)
# What the Lambda Python runtime already provides (in /var/runtime), so the zip must not carry.
LAMBDA_PROVIDED = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
)
# Lambda's python3.11 runtime is Amazon Linux 2 (glibc 2.26) on x86_64: compiled runtime wheels
# must carry one of these tags. pip on a newer Linux would pick a newer manylinux wheel (that
# Lambda cannot load), so the runtime requirements are reinstalled for exactly these platforms.
LAMBDA_PLATFORMS = (
    "manylinux_2_26_x86_64",
    "manylinux_2_24_x86_64",
    "manylinux2014_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
)
_STAMP = ".requirements-stamp"
_LAYOUT = "venv layout 2: runtime wheels for Lambda's platform"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


class EnvironmentSetupError(Exception):
    """The packaging venv or the runtime stand-in could not be set up."""


def canonical(name: str) -> str:
    """Return the normalised distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, str]:
    """Return {canonical name: version} for every `name==version` line, following -r includes."""
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("-r "):
            pins.update(read_pins(path.parent / line[3:].strip()))
            continue
        match = _PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def check_python() -> None:
    """Refuse to package with a Python other than Lambda's (bytecode must match the runtime)."""
    if sys.version_info[:2] != LAMBDA_PYTHON:
        want = ".".join(map(str, LAMBDA_PYTHON))
        raise EnvironmentSetupError(
            f"packaging needs Python {want} to match the Lambda runtime python{want}; "
            f"this is {sys.version.split()[0]}: run with a python{want} interpreter"
        )


def _stamp(*files: Path) -> str:
    digest = hashlib.sha256(f"{sys.version}\n{_LAYOUT}\n".encode())
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise EnvironmentSetupError(f"{what} failed (exit {done.returncode}):\n{tail}")


def _pip_install(python: Path | str, args: list[str], what: str) -> None:
    quiet = ["--quiet", "--disable-pip-version-check"]
    _run([str(python), "-m", "pip", "install", *quiet, *args], what)


def _base_python() -> str:
    # A venv made from inside another venv must still point at the real interpreter.
    return getattr(sys, "_base_executable", None) or sys.executable


def ensure_deploy_venv(venv: Path = DEPLOY_VENV) -> Path:
    """Create or refresh the packaging venv from requirements-deploy.txt; return its path."""
    check_python()
    stamp = _stamp(DEPLOY_REQUIREMENTS, RUNTIME_REQUIREMENTS)
    stamp_file = venv / _STAMP
    if (venv / "bin" / "python").exists() and stamp_file.is_file():
        if stamp_file.read_text() == stamp:
            return venv
    shutil.rmtree(venv, ignore_errors=True)
    _run([_base_python(), "-m", "venv", str(venv)], f"creating the venv {venv}")
    _pip_install(
        venv / "bin" / "python",
        ["-r", str(DEPLOY_REQUIREMENTS)],
        f"installing {DEPLOY_REQUIREMENTS.name} into {venv}",
    )
    _install_lambda_wheels(venv)
    stamp_file.write_text(stamp)
    return venv


def site_packages(venv: Path) -> Path:
    """Return the venv's site-packages folder."""
    version = ".".join(map(str, LAMBDA_PYTHON))
    return venv / "lib" / f"python{version}" / "site-packages"


def _install_lambda_wheels(venv: Path) -> None:
    """Replace the runtime requirements in the venv by the wheels built for Lambda's platform."""
    target = site_packages(venv)
    platforms = [arg for p in LAMBDA_PLATFORMS for arg in ("--platform", p)]
    _pip_install(
        venv / "bin" / "python",
        [
            "--no-deps",
            "--only-binary=:all:",
            "--upgrade",
            "--implementation",
            "cp",
            "--python-version",
            ".".join(map(str, LAMBDA_PYTHON)),
            *platforms,
            "--target",
            str(target),
            "-r",
            str(RUNTIME_REQUIREMENTS),
        ],
        f"installing {RUNTIME_REQUIREMENTS.name} for Lambda's platform into {venv}",
    )
    # --target puts console scripts (flask, ...) in site-packages/bin: not code, not shipped.
    shutil.rmtree(target / "bin", ignore_errors=True)


def ensure_lambda_runtime(target: Path = LAMBDA_RUNTIME_DIR, venv: Path = DEPLOY_VENV) -> Path:
    """Install only boto3 and what it needs (as pinned) into target: Lambda's /var/runtime."""
    pins = read_pins(DEPLOY_REQUIREMENTS)
    missing = [name for name in LAMBDA_PROVIDED if name not in pins]
    if missing:
        raise EnvironmentSetupError(
            f"{DEPLOY_REQUIREMENTS.name} does not pin {', '.join(missing)}; pin the packaging "
            "venv's whole dependency tree (pip freeze)"
        )
    specs = [f"{name}=={pins[name]}" for name in LAMBDA_PROVIDED]
    stamp = "\n".join(specs)
    stamp_file = target / _STAMP
    if stamp_file.is_file() and stamp_file.read_text() == stamp:
        return target
    shutil.rmtree(target, ignore_errors=True)
    python = venv / "bin" / "python"
    _pip_install(
        python if python.exists() else sys.executable,
        ["--no-deps", "--target", str(target), *specs],
        f"installing boto3 into {target}",
    )
    stamp_file.write_text(stamp)
    return target
