"""The ranking configurations the benchmark measures, declared once: name -> environment."""

from __future__ import annotations

import os

from index.semantic import ENCODER_ENV

# None removes the variable: the encoder is on by default when requirements-semantic.txt is in.
CONFIGS: dict[str, dict[str, str | None]] = {
    "lexical": {ENCODER_ENV: "off"},
    "semantic": {ENCODER_ENV: None},
}
# The scale part measures the engine against peers that have no encoder.
SCALE_CONFIG = "lexical"


def environ(name: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """Return base (default os.environ) with the configuration's variables set or removed."""
    env = dict(os.environ if base is None else base)
    for key, value in CONFIGS[name].items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def apply(name: str) -> None:
    """Set this process's environment to the configuration (before the encoder is loaded)."""
    os.environ.clear()
    os.environ.update(environ(name))


def describe(name: str) -> str:
    """Return the configuration's settings as shell text, e.g. 'SEARCH_ENCODER=off'."""
    parts = [f"{k}={v}" if v is not None else f"{k} unset" for k, v in CONFIGS[name].items()]
    return ", ".join(parts)
