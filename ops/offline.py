"""Run AWS-aware tools (Zappa, boto3) so that nothing can leave this machine.

Every such command gets a clean environment (no inherited variables): fake credentials, a private
TMPDIR/HOME, AWS config files that do not exist, and AWS_EC2_METADATA_DISABLED so boto never
asks the cloud metadata address for credentials. Where we are root and `unshare` works, the
command also runs in its own network namespace (only a downed loopback: every connection
fails at once) and mount namespace, where folders can be remounted read-only as on Lambda.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import stat
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def offline_env(private_dir: Path, region: str = "us-east-1", **extra: str) -> dict[str, str]:
    """Return a complete environment (nothing inherited) for a command that loads boto."""
    private_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": SYSTEM_PATH,
        "LANG": "C.UTF-8",
        "HOME": str(private_dir),
        "TMPDIR": str(private_dir),
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        # Never read the developer's real ~/.aws files.
        "AWS_CONFIG_FILE": str(private_dir / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(private_dir / "no-aws-credentials"),
        **FAKE_CREDENTIALS,
    }
    env.update(extra)
    return env


@functools.cache
def can_isolate() -> bool:
    """Return True when commands can run in private network and mount namespaces.

    OPS_NO_NAMESPACES=1 forces the fallback (to try what a container without unshare does).
    """
    if os.environ.get("OPS_NO_NAMESPACES") == "1":
        return False
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(
        ["unshare", "--net", "--mount", "true"], capture_output=True, timeout=30, check=False
    )
    return probe.returncode == 0


def isolated(command: Sequence[str], readonly: Iterable[Path] = ()) -> list[str]:
    """Wrap command to run without network, with the readonly folders remounted read-only.

    Without namespaces (not root, or unshare refused) the command is returned unchanged; the
    environment from offline_env() is then the only guard, and make_readonly() the read-only one.
    """
    if not can_isolate():
        return list(command)
    mounts = "".join(
        f"mount --bind {shlex.quote(str(p))} {shlex.quote(str(p))} && "
        f"mount -o remount,bind,ro {shlex.quote(str(p))} && "
        for p in readonly
    )
    return ["unshare", "--net", "--mount", "sh", "-c", mounts + 'exec "$@"', "sh", *command]


def readonly_enforced() -> bool:
    """Return True when a read-only folder really refuses writes (root ignores mode bits)."""
    return can_isolate() or os.geteuid() != 0


def make_readonly(root: Path) -> None:
    """Drop every write bit under root (the read-only guard when namespaces are unavailable)."""
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def make_writable(root: Path) -> None:
    """Give the owner write access again so a read-only tree can be deleted."""
    for path in [root, *root.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)
