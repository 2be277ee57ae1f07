"""Create or update a stage's Lambda execution role the way `zappa deploy` does.

`zappa deploy -z ZIP` (deploying an already built package) skips Zappa's role management, so
the first deploy of the checked package runs this first (scripts/zappa_roles.py). It needs Zappa.
"""

from __future__ import annotations


def ensure_roles(stage: str, settings_file: str | None = None) -> str:
    """Create or update the stage's IAM role (unless manage_roles is false); say what was done."""
    from zappa.cli import ZappaCLI  # only in the packaging venv

    cli = ZappaCLI()
    cli.api_stage = stage
    cli.load_settings(settings_file)
    if not cli.manage_roles:
        return (
            f"manage_roles is false: the function will use the existing role {cli.zappa.role_name}"
        )
    cli.zappa.create_iam_roles()
    return f"IAM role {cli.zappa.role_name} is ready"
