"""Zappa's own command line, run from an empty folder and without its request to PyPI.

- Every Zappa command but `init` and `settings` first asks PyPI for the newest Zappa; the deploy
  pins Zappa on purpose and talks to AWS only.
- Zappa 0.63 walks its working folder for Python files importing `zappa.websocket` and, if it
  finds one, adds a WebSocket API to the stage. From the repository root it finds Zappa's own
  handler inside build/deploy-venv and would create that API on every deploy. So this runs
  Zappa in an empty temporary folder, with the -z and -s paths made absolute first.

scripts/zappa_offline.py is the command line.
"""

import os

# The same, as a program for `python -c` (scripts/package.py runs it in a staging folder that
# holds only the project's code).
OFFLINE_MAIN = (
    "import sys; from zappa import cli; "
    "cli.ZappaCLI.check_for_update = lambda self: None; "
    "sys.argv[0] = 'zappa'; cli.handle()"
)
_PATH_OPTIONS = {"-z", "--zip", "-s", "--settings_file"}


def absolute_paths(argv: list[str]) -> list[str]:
    """Return argv with the values of Zappa's path options made absolute."""
    out = list(argv)
    for number, arg in enumerate(out[:-1]):
        if arg in _PATH_OPTIONS:
            out[number + 1] = os.path.abspath(out[number + 1])
    return out
