"""Stand in for AWS Lambda's Python runtime: import Zappa's handler from an unpacked package
and hand it events, as Lambda does, in this clean process.

Run by ops/artifact.py as
`python -I -S lambda_runner.py TASK_ROOT LAYER_DIR RUNTIME_DIR EVENTS RESULT`
(-I -S: no site-packages, no environment, not even this file's folder on sys.path). Only the
standard library is used here; everything else must come from TASK_ROOT (the unpacked zip,
Lambda's /var/task), LAYER_DIR (the unpacked layer's python/ folder, Lambda's /opt/python; "-"
for none) or RUNTIME_DIR (boto3 alone, Lambda's /var/runtime).
"""

import json
import os
import sys
import sysconfig
import time

STARTED = time.perf_counter()


class Context:
    """The attributes of Lambda's context object that handlers read."""

    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "faq-search-dev")
    function_version = "$LATEST"
    memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    log_group_name = f"/aws/lambda/{function_name}"
    log_stream_name = "2025/11/25/[$LATEST]0123456789abcdef0123456789abcdef"

    def __init__(self, number: int):
        self.aws_request_id = f"00000000-0000-4000-8000-{number:012d}"
        self._deadline = time.monotonic() + 6

    def get_remaining_time_in_millis(self) -> int:
        """Return the milliseconds left before Lambda would stop this invocation."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _write_probe(folder: str) -> str:
    """Try to write into folder, as a careless library might; report what happened."""
    try:
        with open(os.path.join(folder, ".write-probe"), "w") as handle:
            handle.write("x")
    except OSError as exc:
        return type(exc).__name__
    os.remove(os.path.join(folder, ".write-probe"))
    return "written"


def _foreign_modules(allowed: list[str]) -> list[str]:
    """Return files of loaded modules that came from neither the package nor the stand-ins."""
    foreign = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path == __file__:
            continue  # this runner itself
        if path and not any(os.path.abspath(path).startswith(root) for root in allowed):
            foreign.append(path)
    return sorted(foreign)


def _loaded_from(root: str) -> list[str]:
    """Return the top-level names of loaded modules whose files lie under root."""
    root = os.path.abspath(root) + os.sep
    return sorted(
        {
            name.split(".")[0]
            for name, module in list(sys.modules.items())
            if (getattr(module, "__file__", None) or "").startswith(root)
        }
    )


def _native_modules(root: str) -> list[str]:
    """Return the compiled extension modules loaded from under root, relative to it."""
    root = os.path.abspath(root) + os.sep
    return sorted(
        os.path.relpath(module.__file__, root)
        for module in list(sys.modules.values())
        if (getattr(module, "__file__", None) or "").endswith(".so")
        and module.__file__.startswith(root)
    )


def main() -> None:
    """Import the handler, feed it every event, write timings and responses as JSON."""
    task_root, layer_dir, runtime_dir, events_path, result_path = sys.argv[1:6]
    layers = [] if layer_dir == "-" else [layer_dir]
    # Lambda's order: the function's code first, then its layers (/opt/python), then the
    # runtime's own boto3.
    sys.path[:0] = [task_root, *layers, runtime_dir]
    os.chdir(task_root)
    with open(events_path) as handle:
        events = json.load(handle)

    import_start = time.perf_counter()
    import handler  # Zappa's generated entry point, at the root of the package

    imported = time.perf_counter()
    results = []
    for number, (name, event) in enumerate(events):
        start = time.perf_counter()
        response = handler.lambda_handler(event, Context(number))
        results.append({"name": name, "response": response, "ms": _ms(start)})
        if number == 0:
            first_done = time.perf_counter()

    stdlib = [sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")]
    allowed = [os.path.abspath(p) + os.sep for p in (task_root, *layers, runtime_dir, *stdlib)]
    out = {
        "python": sys.version.split()[0],
        "startup_ms": round((import_start - STARTED) * 1000, 2),
        "import_ms": round((imported - import_start) * 1000, 2),
        "first_event_ms": round((first_done - imported) * 1000, 2) if results else None,
        "cold_ms": round((first_done - STARTED) * 1000, 2) if results else None,
        "results": results,
        "foreign_modules": _foreign_modules(allowed),
        "loaded_from_runtime": _loaded_from(runtime_dir),
        "loaded_from_layer": _loaded_from(layers[0]) if layers else [],
        "native_modules": _native_modules(task_root),
        "layer_native_modules": _native_modules(layers[0]) if layers else [],
        "write_probe": _write_probe(task_root),
        "layer_write_probe": _write_probe(layers[0]) if layers else None,
        "sys_flags": {"isolated": sys.flags.isolated, "no_site": sys.flags.no_site},
    }
    with open(result_path, "w") as handle:
        json.dump(out, handle)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


if __name__ == "__main__":
    main()
