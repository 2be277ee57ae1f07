"""A socket guard: any connection or name look-up beyond loopback fails and is written down.

Python processes started with this folder on PYTHONPATH load it at start-up (site imports
`sitecustomize`); the test process calls install() itself. Each attempt is appended to the file
named by NET_GUARD_LOG, so a caller that swallows the error (Zappa prints and carries on) still
fails the test that reads the file.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local(host: object) -> bool:
    if host is None:
        return True  # a passive (bind) look-up
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    name = str(host).strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> OSError:
    log = os.environ.get("NET_GUARD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {what}\n")
    return OSError(errno.ENETUNREACH, f"net guard: {what} is not on this machine")


def install() -> None:
    """Patch socket so only loopback can be reached (idempotent)."""
    if getattr(socket, "_net_guard", False):
        return
    connect, connect_ex, getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def guarded_connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _refuse(f"connect {address[0]}:{address[1]}")
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            raise _refuse(f"connect {address[0]}:{address[1]}")
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            error = _refuse(f"look up {host}")
            raise socket.gaierror(socket.EAI_NONAME, str(error))
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo
    socket._net_guard = (connect, connect_ex, getaddrinfo)


def uninstall() -> None:
    """Put socket back as it was."""
    saved = getattr(socket, "_net_guard", None)
    if saved:
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved
        del socket._net_guard


if os.environ.get("NET_GUARD_LOG"):
    install()
