"""A local AWS for the deploy lifecycle test: moto's server on a free port of 127.0.0.1, inside a
network namespace of its own where the machine allows it, with a socket guard everywhere.

- `loopback_only()` moves this thread (and every thread and process it starts) into a fresh
  network namespace holding only a loopback interface, then back; without root it does nothing
  and says so. The emulator, the deploy commands and the test's own boto3 reads all run inside.
- `NetGuard` writes down and refuses any connection or name look-up beyond loopback, in this
  process and (through tests/net_guard/sitecustomize.py on PYTHONPATH) in every Python process
  the commands start; the test fails on any entry.
- `Emulator` serves moto in this process, so its state is this test's alone and is reset on
  start and stop.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import re
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from moto.awslambda.models import lambda_backends
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.moto_api._internal import moto_api_backend
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from .net_guard import sitecustomize as guard

GUARD_DIR = Path(__file__).resolve().parent / "net_guard"
_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1


def _libc_call(name: str, *args: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{name}: {os.strerror(error)}")


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, bytes(14))
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14s", b"lo", flags | _IFF_UP, bytes(14)))


@contextlib.contextmanager
def loopback_only() -> Iterator[bool]:
    """Run the block in a new network namespace with only loopback; yield whether it could."""
    if os.geteuid() != 0 or os.environ.get("OPS_NO_NAMESPACES") == "1":
        yield False
        return
    original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        try:
            _libc_call("unshare", _CLONE_NEWNET)
        except OSError:
            yield False  # a container that refuses namespaces: the guard alone holds
            return
        try:
            _loopback_up()
            yield True
        finally:
            _libc_call("setns", original, _CLONE_NEWNET)
    finally:
        os.close(original)


class NetGuard:
    """The socket guard for this process and the commands it starts, and its log."""

    def __init__(self, log: Path):
        self.log = log
        log.write_text("")

    def env(self) -> dict[str, str]:
        """Return what a command's environment needs to carry the guard."""
        path = os.environ.get("PYTHONPATH", "")
        return {
            "NET_GUARD_LOG": str(self.log),
            "PYTHONPATH": f"{GUARD_DIR}{os.pathsep}{path}" if path else str(GUARD_DIR),
        }

    def install_here(self) -> None:
        """Guard this process too (its boto3 reads)."""
        os.environ["NET_GUARD_LOG"] = str(self.log)
        guard.install()

    def uninstall_here(self) -> None:
        """Stop guarding this process."""
        guard.uninstall()

    def attempts(self) -> list[str]:
        """Return every refused attempt so far."""
        return [line for line in self.log.read_text().splitlines() if line.strip()]


# moto 5.2.5 implements Get/Create/Update/DeleteFunctionUrlConfig but not
# ListFunctionUrlConfigs (GET /2021-10-31/functions/NAME/urls), which `zappa update` calls on
# every update to delete stray function URLs; moto answers 404 and Zappa stops. No Zappa setting
# avoids the call (with function URLs enabled it lists them too). This answers exactly that call
# from moto's own record of the function's URL config, in the real API's shape.
_LIST_URLS = re.compile(r"^/2021-10-31/functions/(?P<name>[^/]+)/urls/?$")
_REGION = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[a-z0-9-]+)/lambda/")


def _list_function_url_configs(environ: dict, name: str, start_response) -> list[bytes]:
    found = _REGION.search(environ.get("HTTP_AUTHORIZATION", ""))
    backend = lambda_backends[DEFAULT_ACCOUNT_ID][found["region"] if found else "us-east-1"]
    try:
        function = backend.get_function(name)
    except Exception:  # moto's UnknownFunctionException
        body = {"Type": "User", "Message": f"Function not found: {name}"}
        headers = [("x-amzn-ErrorType", "ResourceNotFoundException")]
        start_response("404 Not Found", [("Content-Type", "application/json"), *headers])
        return [json.dumps(body).encode()]
    configs = [function.url_config.to_dict()] if function.url_config else []
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"FunctionUrlConfigs": configs}).encode()]


class Emulator:
    """moto's server on a free port of 127.0.0.1, in this process."""

    def __init__(self) -> None:
        moto_app = DomainDispatcherApplication(create_backend_app)

        def app(environ, start_response):
            match = _LIST_URLS.match(environ.get("PATH_INFO", ""))
            if match and environ.get("REQUEST_METHOD") == "GET":
                return _list_function_url_configs(environ, unquote(match["name"]), start_response)
            return moto_app(environ, start_response)

        self._server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Emulator:
        """Serve, with empty state."""
        self._thread.start()
        self._reset()
        return self

    def stop(self) -> None:
        """Forget every resource and stop serving."""
        self._reset()
        self._server.shutdown()
        self._thread.join(timeout=10)

    @staticmethod
    def _reset() -> None:
        moto_api_backend.reset()
