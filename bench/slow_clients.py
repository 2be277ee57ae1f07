"""Slow clients against a served instance on 127.0.0.1: trickling connections plus a probe.

Three kinds of attacker connection, in turn: one that sends its request headers a byte a second,
one that sends whole headers for a POST and then its body a byte a second, and one that connects
and sends nothing. When the server closes one (or answers it), the attacker opens another, so
`sockets` stay open all the time. Meanwhile a probe asks ordinary searches, each a distinct query
(no cached answer), and times every answer. Bounded: `sockets` connections at most, `seconds`
long, loopback only.
"""

from __future__ import annotations

import selectors
import socket
import statistics
import threading
import time
import urllib.request
from dataclasses import dataclass, field

KINDS = ("headers", "body", "idle")
BODY_BYTES = 2_000  # what the body trickler announces (under MAX_CONTENT_LENGTH)
SEND_EVERY = 1.0  # seconds between a trickler's bytes
PROBE_EVERY = 0.2
PROBE_TIMEOUT = 5.0


@dataclass
class Report:
    """What one run measured."""

    sockets: int
    seconds: float
    opened: int = 0
    held_min: int = 0  # fewest attacker connections open at once, after the ramp-up
    # Seconds from connect to the server's close or answer, by kind, and the answers' statuses.
    lifetimes: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    answers: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    probe_ms: list[float] = field(default_factory=list)
    probe_failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return the figures as printable lines."""
        out = [
            f"slow clients: {self.sockets} trickling connections for {self.seconds:.0f} s "
            f"({self.opened} opened in all, at least {self.held_min} open at once)"
        ]
        for kind in KINDS:
            times = self.lifetimes[kind]
            if times:
                statuses = sorted(set(self.answers[kind])) or ["closed"]
                out.append(
                    f"  {kind}: the server ended {len(times)} after {min(times):.1f}-"
                    f"{max(times):.1f} s ({', '.join(statuses)})"
                )
            else:
                out.append(f"  {kind}: none ended by the server")
        if self.probe_ms:
            ordered = sorted(self.probe_ms)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            out.append(
                f"  probe: {len(self.probe_ms)} searches answered, median "
                f"{statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms; "
                f"{len(self.probe_failures)} failed"
            )
        out += [f"  probe failure: {f}" for f in self.probe_failures[:5]]
        return out


class _Trickler:
    def __init__(self, kind: str, host: str, port: int):
        self.kind = kind
        self.opened = time.monotonic()
        self.sock = socket.create_connection((host, port), timeout=2)
        self.sock.setblocking(False)
        if kind == "headers":
            self.pending = f"GET /health HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode() + b"a" * 500
        elif kind == "body":
            head = (
                f"POST /voice/alexa HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {BODY_BYTES}\r\n\r\n"
            )
            self.sock.sendall(head.encode())
            self.pending = b"{" + b" " * (BODY_BYTES - 1)
        else:
            self.pending = b""
        self.next_send = self.opened

    def tick(self, now: float) -> None:
        if self.pending and now >= self.next_send:
            try:
                self.sock.send(self.pending[:1])
                self.pending = self.pending[1:]
            except (BlockingIOError, InterruptedError):
                pass
            self.next_send = now + SEND_EVERY


def _probe(base: str, stop: threading.Event, report: Report) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        url = f"{base}/search?q=restless+leg+{n}&limit=3"
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as response:
                response.read()
                status = response.status
        except OSError as exc:  # URLError, timeouts, resets
            report.probe_failures.append(f"{url}: {exc}")
        else:
            if status == 200:
                report.probe_ms.append((time.monotonic() - started) * 1000)
            else:
                report.probe_failures.append(f"{url}: HTTP {status}")
        stop.wait(PROBE_EVERY)


def attack(host: str, port: int, sockets: int = 200, seconds: float = 30.0) -> Report:
    """Hold `sockets` slow connections to host:port for `seconds` while probing; return figures."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("slow-client runs target this machine only (127.0.0.1)")
    report = Report(sockets, seconds)
    selector = selectors.DefaultSelector()
    live: dict[int, _Trickler] = {}

    def open_one(n: int) -> None:
        try:
            trickler = _Trickler(KINDS[n % len(KINDS)], host, port)
        except OSError:
            return  # refused or the backlog is full: try again on the next tick
        report.opened += 1
        live[trickler.sock.fileno()] = trickler
        selector.register(trickler.sock, selectors.EVENT_READ, trickler)

    def end(trickler: _Trickler, answer: bytes, now: float) -> None:
        report.lifetimes[trickler.kind].append(now - trickler.opened)
        if answer:
            report.answers[trickler.kind].append(answer.split(b"\r\n", 1)[0].decode("latin-1"))
        selector.unregister(trickler.sock)
        del live[trickler.sock.fileno()]
        trickler.sock.close()

    stop = threading.Event()
    probe = threading.Thread(target=_probe, args=(f"http://{host}:{port}", stop, report))
    started = time.monotonic()
    counter = 0
    held: list[int] = []
    try:
        for counter in range(sockets):
            open_one(counter)
        probe.start()
        while (now := time.monotonic()) - started < seconds:
            for key, _ in selector.select(timeout=0.1):
                trickler = key.data
                try:
                    answer = trickler.sock.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    answer = b""
                end(trickler, answer, now)
            for trickler in list(live.values()):
                trickler.tick(now)
            while len(live) < sockets:  # the attacker comes straight back
                counter += 1
                before = len(live)
                open_one(counter)
                if len(live) == before:
                    break
            if now - started > 2:
                held.append(len(live))
    finally:
        stop.set()
        if probe.is_alive():
            probe.join(PROBE_TIMEOUT + 1)
        for trickler in list(live.values()):
            trickler.sock.close()
        selector.close()
    report.held_min = min(held) if held else len(live)
    return report
